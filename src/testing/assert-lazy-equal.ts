/**
 * `assertLazyEqual(lazy, eager)`: dask's `assert_eq` for chunkwise. Beyond comparing values it
 * checks what a wrong graph would silently get wrong: the metadata (chunks tile the shape),
 * the graph (no key built twice with different tasks, no reference to a missing task), every
 * computed block (shape from the chunk grid, dtype from the metadata, each block exactly once),
 * and then the assembled result against the eager one: shape, dtype, and values (floats within
 * `|a - b| <= atol + rtol * |b|` as `numpy.allclose` with `equal_nan=True`; integers and bools
 * exactly).
 * @module
 */
import { dtypeKind } from "../core/dtype.js";
import { ChunkwiseError, show } from "../core/errors.js";
import { asBlock, copyInto, emptyBlock, forEachIndex, get, type Block, type BlockLike } from "../core/ndarray.js";
import { index as view } from "../core/views.js";
import { blockRegion, chunkShape, forEachBlockIndex, numBlocks } from "../chunks/grid.js";
import type { ArrayMeta } from "../graph/blockwise.js";
import { cull, flatten } from "../graph/graph.js";
import { canonicalJson } from "../graph/hash.js";
import { blockKey, type Task } from "../graph/task.js";
import { computeBlocks } from "../schedule/compute.js";
import type { Executor } from "../schedule/scheduler.js";

/** Which check of {@link assertLazyEqual} failed. */
export type LazyCheck = "metadata" | "graph" | "compute" | "block" | "shape" | "dtype" | "values";

/** A failed {@link assertLazyEqual}: `check` says which part, the message says exactly what. */
export class AssertionError extends ChunkwiseError {
  readonly check: LazyCheck;
  constructor(check: LazyCheck, message: string, options?: { cause?: unknown }) {
    super("assertLazyEqual", message, options);
    this.check = check;
  }
}

/** Options of {@link assertLazyEqual}. */
export interface AssertLazyEqualOptions {
  /** Relative tolerance for float results (default 1e-5, as numpy.allclose). */
  rtol?: number;
  /** Absolute tolerance for float results (default 1e-8). */
  atol?: number;
  /** Where tasks run (default inline). */
  executor?: Executor;
  signal?: AbortSignal;
}

/**
 * Computes `lazy` block by block and checks its graph, every block and the result against `eager`.
 * @param lazy - a ChunkedArray (anything with name, shape, dtype, chunks and graph)
 * @param eager - the expected in-memory result
 * @throws {AssertionError} naming the failed check (`check`), the block, index or key involved;
 *   the error of a failed computation is its `cause`
 * @example
 * ```ts
 * await assertLazyEqual(add(fromArray(a, { chunks: 2 }), 1), add(a, 1));
 * ```
 */
export async function assertLazyEqual(lazy: ArrayMeta, eager: Block | BlockLike, options: AssertLazyEqualOptions = {}): Promise<void> {
  const expected = asBlock(eager, "assertLazyEqual", "eager");
  checkMetadata(lazy);
  checkGraph(lazy);
  const result = await computeChecked(lazy, options);
  compareResult(result, expected, options);
}

function fail(check: LazyCheck, message: string, cause?: unknown): never {
  throw new AssertionError(check, message, cause === undefined ? undefined : { cause });
}

/** The chunks tile the declared shape. */
function checkMetadata(a: ArrayMeta): void {
  if (a.chunks.length !== a.shape.length) {
    fail("metadata", `chunks must have one entry per axis (${a.shape.length}); got ${a.chunks.length} for array '${a.name}'`);
  }
  a.chunks.forEach((c, ax) => {
    const sum = c.reduce((x, y) => x + y, 0);
    if (c.length === 0 || c.some((n) => !Number.isInteger(n) || n < 0) || sum !== a.shape[ax]) {
      fail("metadata", `chunks on axis ${ax} must be non-negative integers summing to the axis length ${a.shape[ax]}; got ${show(c)} for array '${a.name}'`);
    }
  });
}

/** No key is built twice with different tasks; every block has a task; no dangling reference. */
function checkGraph(a: ArrayMeta): void {
  const seen = new Map<string, { layer: string; text: string }>();
  for (const [layerName, layer] of a.graph.layers) {
    for (const [key, task] of layer.tasks) {
      if (task.key !== key) fail("graph", `every task must be stored under its own key; got task '${task.key}' under '${key}' in layer '${layerName}'`);
      const text = taskText(task);
      const before = seen.get(key);
      if (before !== undefined && before.text !== text) {
        fail("graph", `task keys must be unique; got key '${key}' in layers '${before.layer}' and '${layerName}' with different tasks. Two operations produced the same name`);
      }
      seen.set(key, { layer: layerName, text });
    }
  }
  const keys: string[] = [];
  forEachBlockIndex(numBlocks(a.chunks), (bi) => keys.push(blockKey(a.name, bi)));
  const missing = keys.filter((k) => !seen.has(k));
  if (missing.length > 0) fail("graph", `every block must have a task; got ${missing.length} without, first '${missing[0]}'`);
  try {
    cull(flatten(a.graph).tasks, keys);
  } catch (e) {
    fail("graph", `every reference must name a task in the graph; got ${(e as Error).message}`, e);
  }
}

/** A task as comparable text (values such as embedded blocks are hashed by canonicalJson). */
function taskText(task: Task): string {
  return canonicalJson({ kernel: task.kernel, args: task.args, params: task.params, ctx: task.ctx, expect: task.expect });
}

/** Computes every block, checking each against the grid and the metadata. */
async function computeChecked(a: ArrayMeta, options: AssertLazyEqualOptions): Promise<Block> {
  const out = emptyBlock(a.dtype, a.shape);
  const landed = new Set<string>();
  const compute = { ...(options.executor ? { executor: options.executor } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  try {
    await computeBlocks([a], compute, (_k, index, block) => {
      const id = JSON.stringify(index);
      if (landed.has(id)) fail("block", `every block must arrive once; got block ${show(index)} twice`);
      landed.add(id);
      const want = chunkShape(a.chunks, index);
      if (block.shape.length !== want.length || block.shape.some((d, i) => d !== want[i])) {
        fail("block", `block ${show(index)} must have the grid's chunk shape ${show(want)}; got ${show(block.shape)}`);
      }
      if (block.dtype !== a.dtype) fail("block", `block ${show(index)} must have the array's dtype ${a.dtype}; got ${block.dtype}`);
      const r = blockRegion(a.chunks, index);
      copyInto(view(out, r.start.map((s, ax) => ({ start: s, stop: r.stop[ax]! }))), block);
    });
  } catch (e) {
    if (e instanceof AssertionError) throw e;
    fail("compute", `computing array '${a.name}' must succeed with blocks of the declared shape and dtype; got ${(e as Error)?.message ?? String(e)}`, e);
  }
  const total = numBlocks(a.chunks).reduce((x, y) => x * y, 1);
  if (landed.size !== total) fail("block", `every block must be computed; got ${landed.size} of ${total}`);
  return out;
}

/** Shape, dtype, then values (first mismatch and count reported). */
function compareResult(actual: Block, expected: Block, options: AssertLazyEqualOptions): void {
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    fail("shape", `the result must have the eager shape ${show(expected.shape)}; got ${show(actual.shape)}`);
  }
  if (actual.dtype !== expected.dtype) fail("dtype", `the result must have the eager dtype ${expected.dtype}; got ${actual.dtype}`);
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-8;
  const exact = dtypeKind(expected.dtype) !== "f";
  let bad = 0;
  let first: { index: number[]; a: number; b: number } | undefined;
  forEachIndex(expected.shape, (ix) => {
    const a = get(actual, ix);
    const b = get(expected, ix);
    const ok = exact ? a === b : a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= atol + rtol * Math.abs(b);
    if (ok) return;
    bad++;
    first ??= { index: [...ix], a, b };
  });
  if (first !== undefined) {
    const rule = exact ? "equal" : `be close (rtol ${rtol}, atol ${atol})`;
    fail("values", `values must ${rule}; got ${bad} mismatched element${bad === 1 ? "" : "s"}, first at ${show(first.index)}: lazy ${first.a}, eager ${first.b}`);
  }
}
