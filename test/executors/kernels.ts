/**
 * Kernels for the executor tests, named with defineKernel in a TypeScript module: on worker
 * threads this is "a user's .ts kernel module run with tsx on Node 20". Kernels that count
 * attempts or record start times use marker files, since every worker thread is its own
 * JavaScript realm.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";
import { defineKernel } from "../../src/graph/kernel.js";
import { cStrides, sizeOf, type Block } from "../../src/core/ndarray.js";

function newBlock(shape: readonly number[], data: Float64Array): Block<"float64"> {
  return { dtype: "float64", data, shape: [...shape], stride: cStrides(shape), offset: 0 };
}

/** Each element of `block` (any layout) in C order. */
function values(block: Block): Float64Array {
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

/** A float64 block like the input, 1 everywhere if its buffer is shared, 0 if not. */
export const sharedness = defineKernel(import.meta.url, "sharedness", (block: Block) =>
  newBlock(block.shape, new Float64Array(sizeOf(block.shape)).fill(block.data.buffer instanceof SharedArrayBuffer ? 1 : 0)),
);

/** An error class of the user's own, with a field of its own. */
export class BlockFailure extends Error {
  readonly code = "E_BLOCK";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BlockFailure";
  }
}

/** Throws a BlockFailure on block `params.block`; otherwise returns the block as float64. */
export const failOn = defineKernel(import.meta.url, "failOn", (block: Block, params: { block: number[] }, ctx: { blockIndex: number[] }) => {
  if (ctx.blockIndex.join() === params.block.join()) throw new BlockFailure(`bad block ${ctx.blockIndex.join(",")}`, { cause: new RangeError("inner reason") });
  return newBlock(block.shape, values(block));
});

/** Throws on the first `params.failures` attempts at each block (counted in `params.dir`). */
export const flaky = defineKernel(import.meta.url, "flaky", (block: Block, params: { dir: string; failures: number }, ctx: { blockIndex: number[] }) => {
  for (let k = 0; k < params.failures; k++) {
    const marker = join(params.dir, `flaky-${ctx.blockIndex.join("_")}-${k}`);
    if (!existsSync(marker)) {
      writeFileSync(marker, "");
      throw new Error(`transient failure ${k} at block ${ctx.blockIndex.join(",")}`);
    }
  }
  return newBlock(block.shape, values(block));
});

/**
 * Kills its worker thread (process.exit in a worker ends that thread only) on the first
 * attempt at each block in `params.blocks`; computes `heavy` otherwise. Never exits the main thread.
 */
export const crashOnce = defineKernel(import.meta.url, "crashOnce", (block: Block, params: { dir: string; blocks: number[][]; rounds: number }, ctx: { blockIndex: number[] }) => {
  const marker = join(params.dir, `crash-${ctx.blockIndex.join("_")}`);
  if (!isMainThread && params.blocks.some((b) => b.join() === ctx.blockIndex.join()) && !existsSync(marker)) {
    writeFileSync(marker, "");
    process.exit(1);
  }
  return heavy(block, { rounds: params.rounds });
});

/** Records its start and end (epoch ms) in `params.dir` and blocks its thread for `params.ms`. */
export const slow = defineKernel(import.meta.url, "slow", (block: Block, params: { dir: string; ms: number }, ctx: { blockIndex: number[] }) => {
  mkdirSync(params.dir, { recursive: true });
  const id = ctx.blockIndex.join("_");
  writeFileSync(join(params.dir, `start-${id}`), String(performance.timeOrigin + performance.now()));
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, params.ms);
  writeFileSync(join(params.dir, `end-${id}`), String(performance.timeOrigin + performance.now()));
  return newBlock(block.shape, values(block));
});

/** A block of the block's shape filled with the thread budget the executor put in the context (0: none). */
export const threadBudget = defineKernel(import.meta.url, "threadBudget", (block: Block, _params: unknown, ctx: { threads?: number }) => {
  return newBlock(block.shape, new Float64Array(sizeOf(block.shape)).fill(ctx.threads ?? 0));
});
