/**
 * Basic indexing and axis operations on lazy arrays, as dask.array's `__getitem__`,
 * `.blocks[...]`, `transpose`, `squeeze`, `expand_dims` and `moveaxis`. Every function
 * dispatches: a block in gives the eager core result (a view), a ChunkedArray gives a
 * ChunkedArray.
 *
 * Matches NumPy basic indexing (integers, slices with any step, `null`, `"..."`) with dask's
 * output chunks: every output block comes from exactly one input block (the elements a slice
 * selects inside each input block form one output chunk; empty chunks are dropped; an empty
 * result axis has chunks `[0]`), so no task ever reads more than one block. An integer index
 * picks one block and drops the axis. A selection that keeps a whole block is a view, any
 * other is copied so the output owns compact data.
 * @module
 */
import type { DataType } from "../core/dtype.js";
import { IndexError, ValueError, show } from "../core/errors.js";
import { sizeOf, type Block, type BlockLike } from "../core/ndarray.js";
import { normalizeAxes } from "../core/reduce.js";
import * as core from "../core/views.js";
import type { IndexItem, Slice } from "../core/views.js";
import { blockOffsets, forEachBlockIndex, numBlocks } from "../chunks/grid.js";
import { identity, sliceBlock } from "../graph/block-kernels.js";
import { blockwise } from "../graph/blockwise.js";
import { graphWith } from "../graph/graph.js";
import { tokenize } from "../graph/hash.js";
import { kernelRefOf } from "../graph/kernel.js";
import { blockKey, type Task } from "../graph/task.js";
import { ChunkedArray, isChunkedArray } from "./chunked-array.js";
import { transposeKernel } from "./view-kernels.js";

/** How one input axis is read: per output chunk, the input block and the local selection. */
interface AxisPlan {
  readonly blocks: number[];
  readonly local: (number | Slice)[];
  /** Output chunk sizes, or undefined when an integer drops the axis. */
  readonly sizes: number[] | undefined;
}

function intPlan(chunks: readonly number[], value: number, axis: number, fn: string): AxisPlan {
  const n = chunks.reduce((a, b) => a + b, 0);
  const i = value < 0 ? value + n : value;
  if (i < 0 || i >= n) {
    throw new IndexError(fn, `integer index on axis ${axis} must be in [${-n}, ${n}); got ${value}. Use an index inside the axis length ${n}`, axis);
  }
  let start = 0;
  for (let b = 0; ; b++) {
    const size = chunks[b]!;
    if (i < start + size) return { blocks: [b], local: [i - start], sizes: undefined };
    start += size;
  }
}

function slicePlan(chunks: readonly number[], s: Slice, axis: number, fn: string): AxisPlan {
  const offsets = blockOffsets([chunks])[0]!;
  const n = offsets[offsets.length - 1]!;
  const { start, step, length } = core.sliceIndices(s, n, fn, axis);
  if (step === 1 && start === 0 && length === n) return { blocks: chunks.map((_, b) => b), local: chunks.map(() => ({})), sizes: [...chunks] };
  if (length === 0) return { blocks: [0], local: [{ start: 0, stop: 0, step: 1 }], sizes: [0] };
  const last = start + (length - 1) * step;
  const [lo, hi] = step > 0 ? [start, last] : [last, start];
  const plan: AxisPlan = { blocks: [], local: [], sizes: [] };
  const order = step > 0 ? chunks.map((_, b) => b) : chunks.map((_, b) => chunks.length - 1 - b);
  for (const b of order) {
    const from = Math.max(offsets[b]!, lo);
    const to = Math.min(offsets[b + 1]! - 1, hi); // inclusive
    if (from > to) continue;
    // The first selected element inside [from, to], walking in the slice's direction.
    const first = step > 0 ? start + Math.ceil((from - start) / step) * step : start - Math.ceil((start - to) / -step) * -step;
    const count = step > 0 ? Math.floor((to - first) / step) + 1 : Math.floor((first - from) / -step) + 1;
    if (first < from || first > to || count <= 0) continue;
    const localStart = first - offsets[b]!;
    const stop = localStart + count * step;
    plan.blocks.push(b);
    plan.local.push({ start: localStart, stop: stop < 0 ? null : stop, step });
    plan.sizes!.push(count);
  }
  return plan;
}

/**
 * Basic indexing, as NumPy's `x[...]` and dask's `Array.__getitem__`: integers (negative
 * count from the end; the axis is dropped), slices with any step (`"a:b:c"` or
 * `{ start, stop, step }`), `null` (a new axis of length 1) and `"..."`.
 * @param x - a ChunkedArray (lazy result) or a block (a view)
 * @param items - one entry per addressed axis
 * @returns a ChunkedArray whose blocks each come from one input block, or a block view
 * @throws {IndexError} for an integer out of range, a zero or non-integer step, too many
 *   entries, two `"..."`, or a malformed entry; names the axis and the value
 * @example
 * ```ts
 * psf.index([":", null, "..."]); // (3, 101, 64, 64) -> (3, 1, 101, 64, 64)
 * x.index(["1:6:2", null, -1]);
 * ```
 */
export function index<D extends DataType>(x: ChunkedArray<D>, items: readonly IndexItem[]): ChunkedArray<D>;
export function index<D extends DataType>(x: Block<D>, items: readonly IndexItem[]): Block<D>;
export function index(x: Block | BlockLike, items: readonly IndexItem[]): Block;
export function index(x: ChunkedArray | Block | BlockLike, items: readonly IndexItem[]): ChunkedArray | Block {
  if (!isChunkedArray(x)) return core.index(x as Block, items);
  const fn = "index";
  const norm = core.normalizeIndex(fn, items, x.ndim);
  const plans: AxisPlan[] = [];
  const outChunks: number[][] = [];
  let ax = 0;
  for (const it of norm) {
    if (it.kind === "new") {
      outChunks.push([1]);
      continue;
    }
    const plan = it.kind === "int" ? intPlan(x.chunks[ax]!, it.value, ax, fn) : slicePlan(x.chunks[ax]!, it.slice, ax, fn);
    plans.push(plan);
    if (plan.sizes !== undefined) outChunks.push(plan.sizes);
    ax++;
  }
  if (norm.every((it) => it.kind === "slice") && plans.every((p, a) => p.local.every((l) => typeof l === "object" && l.start === undefined) && p.sizes!.length === x.chunks[a]!.length)) {
    return x;
  }
  const name = `getitem-${tokenize("getitem", x.name, plans, norm.map((it) => it.kind))}`;
  const tasks = new Map<string, Task>();
  forEachBlockIndex(numBlocks(outChunks), (oi) => {
    const inIndex: number[] = [];
    const local: IndexItem[] = [];
    let o = 0;
    let a = 0;
    for (const it of norm) {
      if (it.kind === "new") {
        local.push(null);
        o++;
        continue;
      }
      const p = plans[a++]!;
      const k = p.sizes === undefined ? 0 : oi[o++]!;
      inIndex.push(p.blocks[k]!);
      local.push(p.local[k]!);
    }
    const key = blockKey(name, oi);
    const shape = oi.map((b, d) => outChunks[d]![b]!);
    const whole = sizeOf(shape) === sizeOf(inIndex.map((b, d) => x.chunks[d]![b]!));
    tasks.set(key, {
      key,
      kernel: kernelRefOf(sliceBlock)!,
      args: [{ ref: blockKey(x.name, inIndex) }],
      params: { index: local, copy: !whole },
      ctx: { blockIndex: [...oi] },
      expect: { op: fn, shapes: [shape], dtypes: [x.dtype], several: false },
    });
  });
  const shape = outChunks.map((c) => c.reduce((s, v) => s + v, 0));
  return new ChunkedArray({ name, shape, dtype: x.dtype, chunks: outChunks, graph: graphWith({ name, tasks }, x.graph) });
}

/**
 * Selects blocks of the chunk grid as a new array, as dask's `x.blocks[...]`: one integer or
 * slice per axis of the block grid (`"..."` fills the rest). Integers keep their axis, as in
 * dask. The new array's tasks alias the selected blocks; nothing is copied.
 * @param x - the lazy array
 * @param items - integers or slices over block numbers; no `null`
 * @throws {IndexError} for a block number out of range, a `null` entry, or a bad slice;
 *   {@link ValueError} if `x` is not a ChunkedArray
 * @example x.blocks([0, "1:3"]) // row 0 of the grid, block columns 1 and 2
 */
export function selectBlocks<D extends DataType>(x: ChunkedArray<D>, items: readonly IndexItem[]): ChunkedArray<D> {
  const fn = "blocks";
  if (!isChunkedArray(x)) throw new ValueError(fn, `x must be a ChunkedArray; got ${show(x)}. Wrap a block with fromArray(block, { chunks })`);
  const norm = core.normalizeIndex(fn, items, x.ndim);
  const picked = norm.map((it, axis) => {
    const nb = x.chunks[axis]!.length;
    if (it.kind === "new") throw new IndexError(fn, `block index entries must be integers or slices; got null on axis ${axis}. Add new axes with index() instead`, axis);
    if (it.kind === "int") {
      const b = it.value < 0 ? it.value + nb : it.value;
      if (b < 0 || b >= nb) throw new IndexError(fn, `block number on axis ${axis} must be in [${-nb}, ${nb}); got ${it.value}. The axis has ${nb} blocks`, axis);
      return [b];
    }
    const { start, step, length } = core.sliceIndices(it.slice, nb, fn, axis);
    return Array.from({ length }, (_, k) => start + k * step);
  });
  const chunks = picked.map((bs, axis) => (bs.length === 0 ? [0] : bs.map((b) => x.chunks[axis]![b]!)));
  const name = `blocks-${tokenize("blocks", x.name, picked)}`;
  const tasks = new Map<string, Task>();
  forEachBlockIndex(numBlocks(chunks), (oi) => {
    const key = blockKey(name, oi);
    const src = oi.map((b, axis) => picked[axis]![b] ?? 0);
    const empty = picked.some((bs) => bs.length === 0);
    const ref = { ref: blockKey(x.name, src) };
    tasks.set(key, empty
      ? { key, kernel: kernelRefOf(sliceBlock)!, args: [ref], params: { index: picked.map((bs) => (bs.length === 0 ? { start: 0, stop: 0 } : {})) } }
      : { key, kernel: kernelRefOf(identity)!, args: [ref] });
  });
  const shape = chunks.map((c) => c.reduce((s, v) => s + v, 0));
  return new ChunkedArray<D>({ name, shape, dtype: x.dtype, chunks, graph: graphWith({ name, tasks }, x.graph) });
}

/**
 * Permutes axes, as `numpy.transpose` / dask's `transpose` (default: reversed). Chunks are
 * permuted with the axes; each block is transposed as a view.
 * @param x - a ChunkedArray or a block
 * @param axes - a permutation of `0..ndim-1` (negative allowed)
 * @throws {ValueError} if `axes` is not a permutation of the axes
 * @example transpose(x, [2, 0, 1]).shape // (c, a, b) for x of shape (a, b, c)
 */
export function transpose<D extends DataType>(x: ChunkedArray<D>, axes?: readonly number[]): ChunkedArray<D>;
export function transpose<D extends DataType>(x: Block<D>, axes?: readonly number[]): Block<D>;
export function transpose(x: ChunkedArray | Block, axes?: readonly number[]): ChunkedArray | Block {
  if (!isChunkedArray(x)) return core.transpose(x, axes);
  const nd = x.ndim;
  if (axes !== undefined && !Array.isArray(axes)) {
    throw new ValueError("transpose", `axes must be a list of axes; got ${show(axes)}. Pass a permutation such as [1, 0]`);
  }
  const perm = axes === undefined ? [...Array(nd).keys()].reverse() : axes.map((a) => core.normalizeAxis("transpose", a, nd));
  if (perm.length !== nd || new Set(perm).size !== nd) {
    throw new ValueError("transpose", `axes must be a permutation of 0..${nd - 1}; got ${show(axes)}. List every axis exactly once`);
  }
  if (perm.every((a, i) => a === i)) return x;
  const labels = perm.map((_, i) => `d${i}`);
  const [meta] = blockwise({
    op: "transpose", kernel: transposeKernel, inputs: [{ array: x, labels }],
    outputs: [{ labels: perm.map((a) => labels[a]!), dtype: x.dtype }], params: { axes: perm },
  });
  return new ChunkedArray(meta!);
}

/**
 * Moves axes to new positions, the others keeping their order, as `numpy.moveaxis`.
 * @param x - a ChunkedArray or a block
 * @param source - the axis or axes to move
 * @param destination - their new positions (as many as `source`)
 * @throws {ValueError} for axes out of range or repeated, or lists of different lengths
 * @example moveaxis(x, 0, -1).shape // (b, c, a) for x of shape (a, b, c)
 */
export function moveaxis<D extends DataType>(x: ChunkedArray<D>, source: number | readonly number[], destination: number | readonly number[]): ChunkedArray<D>;
export function moveaxis<D extends DataType>(x: Block<D>, source: number | readonly number[], destination: number | readonly number[]): Block<D>;
export function moveaxis(x: ChunkedArray | Block, source: number | readonly number[], destination: number | readonly number[]): ChunkedArray | Block {
  const nd = x.shape.length;
  const src = normalizeAxes("moveaxis", source, nd);
  const dst = normalizeAxes("moveaxis", destination, nd);
  if (src.length !== dst.length) {
    throw new ValueError("moveaxis", `source and destination must list as many axes; got ${show(source)} and ${show(destination)}. Give one destination per source axis`);
  }
  const order = [...Array(nd).keys()].filter((a) => !src.includes(a));
  const moves = dst.map((d, k) => [d, src[k]!] as const).sort((p, q) => p[0] - q[0]);
  for (const [d, s] of moves) order.splice(d, 0, s);
  return isChunkedArray(x) ? transpose(x, order) : core.transpose(x, order);
}

/**
 * Removes axes of length 1 (all of them, or those named), as `numpy.squeeze`.
 * @param x - a ChunkedArray or a block
 * @param axis - the axis or axes to remove (default: every axis of length 1)
 * @throws {ValueError} if a named axis is out of range, repeated, or not of length 1
 * @example squeeze(psf, 1).shape // (3, 101, 64, 64) for a psf of shape (3, 1, 101, 64, 64)
 */
export function squeeze<D extends DataType>(x: ChunkedArray<D>, axis?: number | readonly number[]): ChunkedArray<D>;
export function squeeze<D extends DataType>(x: Block<D>, axis?: number | readonly number[]): Block<D>;
export function squeeze(x: ChunkedArray | Block, axis?: number | readonly number[]): ChunkedArray | Block {
  if (!isChunkedArray(x)) return core.squeeze(x, axis);
  const drop = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes("squeeze", axis, x.ndim);
  for (const a of drop) {
    if (x.shape[a] !== 1) {
      throw new ValueError("squeeze", `axis ${a} must have size 1 to be squeezed; got size ${x.shape[a]} in shape ${show(x.shape)}. Squeeze only size-1 axes`);
    }
  }
  return index(x, x.shape.map((_, i) => (drop.includes(i) ? 0 : ":")));
}

/**
 * Inserts axes of length 1 at the given positions of the result, as `numpy.expand_dims`.
 * @param x - a ChunkedArray or a block
 * @param axis - position or positions in the result (negative counts from the end)
 * @throws {ValueError} for positions out of range or repeated
 * @example expandDims(psf, 1).shape // (3, 1, 101, 64, 64) for a psf of shape (3, 101, 64, 64)
 */
export function expandDims<D extends DataType>(x: ChunkedArray<D>, axis: number | readonly number[]): ChunkedArray<D>;
export function expandDims<D extends DataType>(x: Block<D>, axis: number | readonly number[]): Block<D>;
export function expandDims(x: ChunkedArray | Block, axis: number | readonly number[]): ChunkedArray | Block {
  if (!isChunkedArray(x)) return core.expandDims(x, axis);
  const list = typeof axis === "number" ? [axis] : axis;
  if (!Array.isArray(list)) throw new ValueError("expandDims", `axis must be an integer or a list of integers; got ${show(axis)}. Pass e.g. 0 or [0, 2]`);
  const nd = x.ndim + list.length;
  const at = normalizeAxes("expandDims", list, nd);
  const items: IndexItem[] = [];
  for (let i = 0; i < nd; i++) items.push(at.includes(i) ? null : ":");
  return index(x, items);
}
