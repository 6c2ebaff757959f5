/**
 * Kernels shared by the executor benchmarks; the worker threads and `chunkwise worker`
 * processes import this module by URL, so it has no top-level effects.
 */
import { defineKernel, type Block } from "../src/entries/node-index.js";
import { cStrides } from "../src/core/ndarray.js";

/** CPU-bound: `rounds` steps of a chaotic map per element. */
export const burn = defineKernel(import.meta.url, "burn", (block: Block, params: { rounds: number }) => {
  const out = new Float64Array(block.data.length);
  for (let i = 0; i < out.length; i++) {
    let y = Number(block.data[block.offset + i]);
    for (let r = 0; r < params.rounds; r++) y = Math.sin(y * 1.3 + r) * 0.99 + Math.cos(y) * 0.01;
    out[i] = y;
  }
  return { dtype: "float64", data: out, shape: [...block.shape], stride: cStrides(block.shape), offset: 0 } as Block;
});
