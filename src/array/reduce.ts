/**
 * Reductions (`sum`, `prod`, `mean`, `min`, `max`) over axes, dispatching: a block in gives
 * the eager core result, a ChunkedArray gives a lazy tree reduction as dask's `reduction`
 * with `split_every`:
 * 1. one partial task per block reduces it over the reduced axes, keeping them as length 1
 *    (a `blockwise` layer, as dask's `reduction` maps its `chunk` function);
 * 2. combine levels merge at most `splitEvery` (default 4) neighbouring partials per task,
 *    until one block is left along every reduced axis;
 * 3. the last level aggregates (mean divides by the element count, known from the shape),
 *    casts to the result dtype and drops the reduced axes unless `keepdims`.
 * No task reads more than `splitEvery` blocks. Result dtypes, wrap-around and NaN handling
 * are the eager functions' (see core/reduce.ts); float sums may differ from the eager ones in
 * the last bits because the summation order differs, as in dask.
 * Output chunks: kept axes keep the input's chunks; reduced axes become `[1]` with
 * `keepdims`, else disappear (a reduction over every axis is 0-d with chunks `[]`).
 * @module
 */
import { dtypeKind, type DataType } from "../core/dtype.js";
import { ValueError, show } from "../core/errors.js";
import { emptyBlock, type Block, type BlockLike } from "../core/ndarray.js";
import * as core from "../core/reduce.js";
import { forEachBlockIndex, numBlocks, type Chunks } from "../chunks/grid.js";
import { blockwise } from "../graph/blockwise.js";
import { graphWith } from "../graph/graph.js";
import { tokenize } from "../graph/hash.js";
import { kernelRefOf } from "../graph/kernel.js";
import { blockKey, type Task } from "../graph/task.js";
import { ChunkedArray, isChunkedArray } from "./chunked-array.js";
import { rightLabels } from "./elementwise.js";
import { reduceAggregate, reduceCombine, reducePartial, type ReductionKind, type ReductionParams } from "./reduce-kernels.js";

/** Options of the lazy {@link min} and {@link max}. */
export interface LazyMinMaxOptions extends core.MinMaxOptions {
  /** Most blocks one combine task reads, as dask's `split_every` (default 4, at least 2). */
  splitEvery?: number;
}

/** Options of the lazy {@link sum}, {@link prod} and {@link mean}. */
export interface LazyReduceOptions extends core.ReduceOptions {
  /** Most blocks one combine task reads, as dask's `split_every` (default 4, at least 2). */
  splitEvery?: number;
}

/** Default `splitEvery`, as dask's `split_every` default. */
export const DEFAULT_SPLIT_EVERY = 4;

/**
 * Factors per reduced axis for one combine level: how many neighbouring blocks each task
 * merges along each axis, with their product at most `splitEvery`. As dask's
 * `split_every ** (1 / len(axis))` rule, but never over `splitEvery` in total.
 */
function levelFactors(counts: readonly number[], splitEvery: number): number[] {
  const f = counts.map(() => 1);
  const open = counts.map((n, k) => [n, k] as const).filter(([n]) => n > 1).sort((a, b) => b[0] - a[0]);
  let budget = splitEvery;
  open.forEach(([n, k], i) => {
    const share = Math.floor(budget ** (1 / (open.length - i)) + 1e-9);
    const g = Math.min(n, budget >= 2 ? Math.max(share, 2) : 1);
    f[k] = g;
    budget = Math.floor(budget / g);
  });
  return f;
}

/** Builds the tree reduction layers of `x`. */
function lazyReduce(kind: ReductionKind, x: ChunkedArray, options: LazyReduceOptions): ChunkedArray {
  const fn = kind;
  const { splitEvery = DEFAULT_SPLIT_EVERY, ...eager } = options;
  if (!Number.isInteger(splitEvery) || splitEvery < 2) {
    throw new ValueError(fn, `splitEvery must be an integer of at least 2; got ${show(splitEvery)}. Pass e.g. 4 (the default)`);
  }
  // The eager function on a one-element block validates axis/keepdims/dtype and gives the dtype.
  const probeShape = x.shape.map(() => 1);
  const dtype = (core[kind] as (b: Block, o: object) => Block)(emptyBlock(x.dtype, probeShape), eager).dtype;
  const axes = core.normalizeAxes(fn, eager.axis, x.ndim);
  const keepdims = eager.keepdims === true;
  const count = axes.reduce((s, a) => s * x.shape[a]!, 1);
  if ((kind === "min" || kind === "max") && count === 0) {
    throw new ValueError(fn, `array must be non-empty along the reduced axes; got shape ${show(x.shape)} reduced over axis ${show(axes)}. zero-size array to reduction operation ${kind === "min" ? "minimum" : "maximum"} which has no identity; pass a non-empty array`);
  }
  const float = dtypeKind(dtype) === "f";
  const partialDtype: DataType = (kind === "sum" || kind === "mean") && float ? "float64" : dtype;
  const params: ReductionParams = { kind, axes, dtype, partialDtype };
  const reduced = new Set(axes);
  const token = tokenize(kind, x.name, params, keepdims, splitEvery);

  // Level 0, as dask's `reduction`: the per-block step is a blockwise map whose reduced axes
  // come out as chunks of length 1.
  const labels = rightLabels(x.ndim, x.ndim);
  const [partial] = blockwise({
    op: fn,
    kernel: reducePartial,
    inputs: [{ array: x, labels }],
    outputs: [{ labels, dtype: partialDtype }],
    params,
    chunks: Object.fromEntries(axes.map((a) => [labels[a]!, x.chunks[a]!.map(() => 1)])),
  });
  let { name, chunks, graph } = partial!;
  for (let level = 1; ; level++) {
    const counts = axes.map((a) => chunks[a]!.length);
    const f = levelFactors(counts, splitEvery);
    const last = counts.every((n, k) => Math.ceil(n / f[k]!) === 1);
    const next: Chunks = chunks.map((c, a) => (reduced.has(a) ? Array.from({ length: Math.ceil(c.length / f[axes.indexOf(a)]!) }, () => 1) : c));
    const outChunks: Chunks = last && !keepdims ? next.filter((_, a) => !reduced.has(a)) : next;
    const outName = last ? `${kind}-${token}` : `${kind}-combine${level}-${token}`;
    const tasks = new Map<string, Task>();
    const prev = name;
    forEachBlockIndex(numBlocks(next), (gi) => {
      const args: { ref: string }[] = [];
      const group = gi.map((g, a) => (reduced.has(a) ? Math.min(f[axes.indexOf(a)]!, chunks[a]!.length - g * f[axes.indexOf(a)]!) : 1));
      forEachBlockIndex(group, (o) => args.push({ ref: blockKey(prev, gi.map((g, a) => (reduced.has(a) ? g * f[axes.indexOf(a)]! + o[a]! : g))) }));
      const oi = last && !keepdims ? gi.filter((_, a) => !reduced.has(a)) : [...gi];
      const key = blockKey(outName, oi);
      const shape = oi.map((b, a) => outChunks[a]![b]!);
      tasks.set(key, last
        ? { key, kernel: kernelRefOf(reduceAggregate)!, args, params: { ...params, keepdims, count }, ctx: { blockIndex: oi }, expect: { op: fn, shapes: [shape], dtypes: [dtype], several: false } }
        : { key, kernel: kernelRefOf(reduceCombine)!, args, params, ctx: { blockIndex: oi }, expect: { op: fn, shapes: [shape], dtypes: [partialDtype], several: false } });
    });
    graph = graphWith({ name: outName, tasks }, graph);
    name = outName;
    chunks = outChunks;
    if (last) break;
  }
  const shape = chunks.map((c) => c.reduce((s, v) => s + v, 0));
  return new ChunkedArray({ name, shape, dtype, chunks, graph });
}

function dispatch(kind: ReductionKind, x: ChunkedArray | Block | BlockLike, options: LazyReduceOptions | undefined): ChunkedArray | Block {
  if (isChunkedArray(x)) {
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new ValueError(kind, `options must be an object; got ${show(options)}. Pass e.g. { axis: 0 }`);
    }
    return lazyReduce(kind, x, options ?? {});
  }
  if (options?.splitEvery !== undefined) {
    const { splitEvery: _s, ...rest } = options;
    return (core[kind] as (b: Block | BlockLike, o: object) => Block)(x, rest);
  }
  return (core[kind] as (b: Block | BlockLike, o?: object) => Block)(x, options);
}

/**
 * Sum over `axis`, as `numpy.sum` / `dask.array.sum`; a tree reduction for a ChunkedArray.
 * @param x - a ChunkedArray (lazy result) or a block (eager result)
 * @param options - `axis` (default all), `keepdims`, `dtype`, `splitEvery` (lazy only)
 * @throws {ValueError} for an axis out of range or repeated, a non-boolean keepdims, or a
 *   `splitEvery` below 2; {@link DtypeError} for an unknown dtype
 * @example sum(x, { axis: [1, 2] }) // x: (3, 199, 201) chunks (1, 1, 201) -> (3,) chunks (1, 1, 1)
 */
export function sum(x: ChunkedArray, options?: LazyReduceOptions): ChunkedArray;
export function sum(x: Block | BlockLike, options?: LazyReduceOptions): Block;
export function sum(x: ChunkedArray | Block | BlockLike, options?: LazyReduceOptions): ChunkedArray | Block {
  return dispatch("sum", x, options);
}

/**
 * Product over `axis`, as `numpy.prod` / `dask.array.prod`; empty products are 1.
 * @throws as {@link sum}
 * @example prod(x, { axis: 0, dtype: "float64" })
 */
export function prod(x: ChunkedArray, options?: LazyReduceOptions): ChunkedArray;
export function prod(x: Block | BlockLike, options?: LazyReduceOptions): Block;
export function prod(x: ChunkedArray | Block | BlockLike, options?: LazyReduceOptions): ChunkedArray | Block {
  return dispatch("prod", x, options);
}

/**
 * Arithmetic mean over `axis`, as `numpy.mean` / `dask.array.mean`; an empty mean is NaN.
 * @throws as {@link sum}; {@link DtypeError} for `dtype: "bool"`
 * @example mean(imgs, { axis: [0, 1], keepdims: true })
 */
export function mean(x: ChunkedArray, options?: LazyReduceOptions): ChunkedArray;
export function mean(x: Block | BlockLike, options?: LazyReduceOptions): Block;
export function mean(x: ChunkedArray | Block | BlockLike, options?: LazyReduceOptions): ChunkedArray | Block {
  return dispatch("mean", x, options);
}

/**
 * Minimum over `axis`, as `numpy.min` / `dask.array.min`; NaN propagates.
 * @throws {ValueError} if a reduced axis has length 0; otherwise as {@link sum}
 * @example min(x, { axis: -1 })
 */
export function min(x: ChunkedArray, options?: LazyMinMaxOptions): ChunkedArray;
export function min(x: Block | BlockLike, options?: LazyMinMaxOptions): Block;
export function min(x: ChunkedArray | Block | BlockLike, options?: LazyMinMaxOptions): ChunkedArray | Block {
  return dispatch("min", x, options);
}

/**
 * Maximum over `axis`, as `numpy.max` / `dask.array.max`; NaN propagates.
 * @throws as {@link min}
 * @example max(x) // 0-d ChunkedArray with chunks []
 */
export function max(x: ChunkedArray, options?: LazyMinMaxOptions): ChunkedArray;
export function max(x: Block | BlockLike, options?: LazyMinMaxOptions): Block;
export function max(x: ChunkedArray | Block | BlockLike, options?: LazyMinMaxOptions): ChunkedArray | Block {
  return dispatch("max", x, options);
}
