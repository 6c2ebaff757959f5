/**
 * `compute(x | x[], { executor, signal, onProgress })`: runs the graph and assembles each
 * array into one in-memory block, checking every block against the chunk grid as it lands
 * (shape) and releasing it at once. The default executor is `inline()`.
 * @module
 */
import { itemSize } from "../core/dtype.js";
import { KernelError, ValueError, show } from "../core/errors.js";
import { asBlock, copyInto, emptyBlock, isBlockLike, type Block } from "../core/ndarray.js";
import { index as view } from "../core/views.js";
import { blockRegion, chunkShape, forEachBlockIndex, numBlocks } from "../chunks/grid.js";
import type { ArrayMeta } from "../graph/blockwise.js";
import { flatten } from "../graph/graph.js";
import { blockKey } from "../graph/task.js";
import { inline } from "./inline.js";
import { runGraph, type Executor, type Progress, type RunOptions } from "./scheduler.js";

/** Options of {@link compute}. */
export interface ComputeOptions {
  /** Where tasks run; default `inline()`. */
  executor?: Executor;
  /** Cancels: scheduling stops, running tasks finish, and the promise rejects with the reason. */
  signal?: AbortSignal;
  /** Called after every task. */
  onProgress?: (progress: Progress) => void;
  /**
   * Called with each note a kernel sent about its block (`ctx.note(value)`, e.g. the iterations
   * `richardsonLucy` used with a `tolerance`), keyed by its task, once the task succeeded;
   * whichever executor ran it; the notes of failed attempts are dropped (docs/executors.md).
   */
  onNote?: (key: string, note: unknown) => void;
  /** Retries per failed task (default 0). */
  retries?: number;
  /** Fuse linear chains (default true). */
  optimize?: boolean;
  /**
   * Estimated peak bytes allowed (the memory plan, checked before anything runs); default 75%
   * of the machine's memory, `Infinity` to skip.
   */
  memoryBudget?: number;
}

/**
 * The scheduler's options from compute's, with compute's defaults (`inline()`, no retries,
 * fusion on): the one place every entry that runs a graph for a user (compute, computeBlocks,
 * store) turns its options into a run.
 * @example runGraph(graph, keys, { ...runOptionsOf({ retries: 2 }), onResult })
 */
export function runOptionsOf(options: ComputeOptions): RunOptions {
  return {
    executor: options.executor ?? inline(),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onNote ? { onNote: options.onNote } : {}),
    retries: options.retries ?? 0,
    optimize: options.optimize ?? true,
    ...(options.memoryBudget === undefined ? {} : { memoryBudget: options.memoryBudget }),
  };
}

/**
 * Computes one array, or several sharing one graph run, into in-memory blocks.
 * @throws {TaskError} when a task fails; {@link KernelError} when a block has the wrong shape
 * @example
 * ```ts
 * const block = await compute(fromArray(x, { chunks: 16 }).astype("float32"));
 * ```
 */
export async function compute(x: ArrayMeta, options?: ComputeOptions): Promise<Block>;
export async function compute(x: readonly ArrayMeta[], options?: ComputeOptions): Promise<Block[]>;
export async function compute(x: ArrayMeta | readonly ArrayMeta[], options: ComputeOptions = {}): Promise<Block | Block[]> {
  const arrays = Array.isArray(x) ? (x as readonly ArrayMeta[]) : [x as ArrayMeta];
  for (const [i, a] of arrays.entries()) {
    if (typeof a !== "object" || a === null || a.graph === undefined) {
      throw new ValueError("compute", `argument ${i} must be a ChunkedArray; got ${show(a)}. Build one with fromArray or another creation function`);
    }
  }
  // The assembled results count in the memory plan, and are allocated only once the plan
  // passed (at the first block), so an oversized compute fails with the plan's advice.
  const reservedBytes = arrays.reduce((n, a) => n + a.shape.reduce((p, d) => p * d, 1) * itemSize(a.dtype), 0);
  const outs: (Block | undefined)[] = arrays.map(() => undefined);
  await computeBlocks(arrays, { ...options, reservedBytes }, (k, index, block) => {
    const region = blockRegion(arrays[k]!.chunks, index);
    const out = (outs[k] ??= emptyBlock(arrays[k]!.dtype, arrays[k]!.shape));
    copyInto(view(out, region.start.map((s, ax) => ({ start: s, stop: region.stop[ax]! }))), block);
  });
  const done = arrays.map((a, k) => outs[k] ?? emptyBlock(a.dtype, a.shape));
  return Array.isArray(x) ? done : done[0]!;
}

/**
 * Runs the graph of `arrays` and hands every block to `onBlock` as it lands, checked against
 * the grid's chunk shape and the array's dtype. The streaming primitive under `compute` and
 * stores.
 */
export async function computeBlocks(
  arrays: readonly ArrayMeta[],
  options: ComputeOptions & { reservedBytes?: number },
  onBlock: (array: number, index: readonly number[], block: Block) => void,
): Promise<void> {
  const where = new Map<string, { k: number; index: number[] }>();
  arrays.forEach((a, k) => forEachBlockIndex(numBlocks(a.chunks), (bi) => where.set(blockKey(a.name, bi), { k, index: [...bi] })));
  const graph = flatten(...arrays.map((a) => a.graph));
  await runGraph(graph, [...where.keys()], {
    ...runOptionsOf(options),
    ...(options.reservedBytes === undefined ? {} : { reservedBytes: options.reservedBytes }),
    onResult: (key, value) => {
      const { k, index } = where.get(key)!;
      const a = arrays[k]!;
      if (!isBlockLike(value)) {
        throw new KernelError("compute", `block ${show(index)} of array '${a.name}' must be a block; got ${typeof value}. The operation that made it returned something else`);
      }
      const block = asBlock(value, "compute", `block ${show(index)}`);
      const want = chunkShape(a.chunks, index);
      if (block.shape.length !== want.length || block.shape.some((d, i) => d !== want[i]) || block.dtype !== a.dtype) {
        throw new KernelError("compute", `block ${show(index)} of array '${a.name}' must have shape ${show(want)} and dtype ${a.dtype}; got ${show(block.shape)} ${block.dtype}. The operation's declared chunks or dtype are wrong`);
      }
      onBlock(k, index, block);
    },
  });
}
