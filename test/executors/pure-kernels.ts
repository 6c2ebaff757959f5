/**
 * The test kernels that touch nothing but their blocks: no `node:` module, no marker files, no
 * browser globals. One module for every suite that runs them: the Node executor tests
 * (kernels.ts adds the ones that count attempts in marker files), the distributed workers
 * (which must be started with `--kernels test/executors/pure-kernels.ts`, since a kernel is
 * named by the module that defines it), and the browser pages, whose bundle cannot import
 * kernels.ts.
 */
import { defineKernel } from "../../src/graph/kernel.js";
import { cStrides, sizeOf, type Block } from "../../src/core/ndarray.js";
import { ZarrError } from "../../src/io/zarr/errors.js";
import { TiffError } from "../../src/io/tiff/tiff-error.js";

/** A C-order float64 block of `shape` over `data`. */
export function newBlock(shape: readonly number[], data: Float64Array): Block<"float64"> {
  return { dtype: "float64", data, shape: [...shape], stride: cStrides(shape), offset: 0 };
}

/** Each element of `block` (any layout) in C order. */
export function values(block: Block): Float64Array {
  const n = sizeOf(block.shape);
  const out = new Float64Array(n);
  const idx = new Array<number>(block.shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let p = block.offset;
    for (let ax = 0; ax < idx.length; ax++) p += idx[ax]! * block.stride[ax]!;
    out[k] = Number(block.data[p]);
    for (let ax = idx.length - 1; ax >= 0; ax--) {
      if (++idx[ax]! < block.shape[ax]!) break;
      idx[ax] = 0;
    }
  }
  return out;
}

/** CPU-bound: `rounds` steps of a chaotic map per element (float64). */
export const heavy = defineKernel(import.meta.url, "heavy", (block: Block, params: { rounds: number }) => {
  const v = values(block);
  for (let i = 0; i < v.length; i++) {
    let y = v[i]!;
    for (let r = 0; r < params.rounds; r++) y = Math.sin(y * 1.3 + r) * 0.99 + Math.cos(y) * 0.01;
    v[i] = y;
  }
  return newBlock(block.shape, v);
});

/** `a - 2 b` of two float64 blocks of one shape. */
export const combine = defineKernel(import.meta.url, "combine", (a: Block, b: Block) => {
  const x = values(a);
  const y = values(b);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! - 2 * y[i]!;
  return newBlock(a.shape, x);
});

/** For gufunc "(i),(i)->()": the inner product. */
export const inner = defineKernel(import.meta.url, "inner", (a: Block, b: Block) => {
  let s = 0;
  for (let i = 0; i < a.shape[0]!; i++) s += Number(a.data[a.offset + i * a.stride[0]!]) * Number(b.data[b.offset + i * b.stride[0]!]);
  return s;
});

/**
 * A float64 block like the input, 1 everywhere if its buffer is shared, 0 if not (a page
 * without cross-origin isolation has no SharedArrayBuffer at all: 0).
 */
export const sharedness = defineKernel(import.meta.url, "sharedness", (block: Block) =>
  newBlock(block.shape, new Float64Array(sizeOf(block.shape)).fill(typeof SharedArrayBuffer !== "undefined" && block.data.buffer instanceof SharedArrayBuffer ? 1 : 0)),
);

/** An error class of the user's own, with a field of its own. */
export class BlockFailure extends Error {
  readonly code = "E_BLOCK";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BlockFailure";
  }
}

/** Throws one of the I/O layers' own errors, with its fields: `params.error` "zarr" or "tiff". */
export const failIo = defineKernel(import.meta.url, "failIo", (_block: Block, params: { error: "zarr" | "tiff" }) => {
  if (params.error === "zarr") throw new ZarrError("readZarr", "chunk 0.0 must decode; got a frame cut short", { kind: "corrupt-chunk", path: "image", chunkKey: "image/0.0" });
  throw new TiffError("imread", "page 2 must be readable; got a strip outside the file", { path: "psf.tif", page: 2 });
});

/** Throws a BlockFailure on block `params.block`; otherwise returns the block as float64. */
export const failOn = defineKernel(import.meta.url, "failOn", (block: Block, params: { block: number[] }, ctx: { blockIndex: number[] }) => {
  if (ctx.blockIndex.join() === params.block.join()) throw new BlockFailure(`bad block ${ctx.blockIndex.join(",")}`, { cause: new RangeError("inner reason") });
  return newBlock(block.shape, values(block));
});
