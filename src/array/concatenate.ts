/**
 * `concatenate` and `stack`, as dask.array's (and, for blocks, NumPy's). Lazily, no data is
 * copied at graph-build time: the output's blocks are the inputs' blocks (aliased, or viewed
 * with a new axis for `stack`). Dtypes are promoted with NumPy's `result_type`; inputs of
 * another dtype get astype tasks. Along the joined axis the output chunks are the inputs'
 * chunks one after another (arrays of size 0 are dropped, as dask does); the other axes are
 * unified to the common refinement of all inputs' chunks.
 * @module
 */
import { astype as castBlock } from "../core/astype.js";
import { resultTypeOf, type DataType } from "../core/dtype.js";
import { ValueError, show } from "../core/errors.js";
import { asBlock, copyInto, emptyBlock, type Block, type BlockLike } from "../core/ndarray.js";
import { expandDims as expandView, index as view, normalizeAxis } from "../core/views.js";
import { forEachBlockIndex, numBlocks } from "../chunks/grid.js";
import { commonRefinement } from "../chunks/unify.js";
import { identity, sliceBlock } from "../graph/block-kernels.js";
import { rechunkMeta, type ArrayMeta } from "../graph/blockwise.js";
import { graphWith, type Graph } from "../graph/graph.js";
import { tokenize } from "../graph/hash.js";
import { kernelRefOf } from "../graph/kernel.js";
import { blockKey, type Task } from "../graph/task.js";
import { ChunkedArray, isChunkedArray } from "./chunked-array.js";
import { astype, toLazy } from "./elementwise.js";

/** An operand of concatenate and stack: a lazy array or a block. */
export type ConcatInput = ChunkedArray | Block | BlockLike;
type Input = ConcatInput;

function checkInputs(fn: string, arrays: readonly Input[]): void {
  if (!Array.isArray(arrays) || arrays.length === 0) {
    throw new ValueError(fn, `arrays must be a non-empty list of arrays; got ${Array.isArray(arrays) ? "an empty list" : show(arrays)}. Pass at least one array`);
  }
}

/** Casts every array to the common dtype and checks the shapes agree (except on `skip`). */
function prepare(fn: string, arrays: readonly Input[], axisOf: (ndim: number) => number | undefined): { lazy: ChunkedArray[]; dtype: DataType; axis: number | undefined } | { blocks: Block[]; dtype: DataType; axis: number | undefined } {
  checkInputs(fn, arrays);
  const anyLazy = arrays.some(isChunkedArray);
  const items = arrays.map((a, i) => (isChunkedArray(a) ? a : asBlock(a, fn, `array ${i}`)));
  const first = items[0]!;
  const axis = axisOf(first.shape.length);
  items.forEach((a, i) => {
    const bad = a.shape.length !== first.shape.length || a.shape.some((d, ax) => ax !== axis && d !== first.shape[ax]);
    if (bad) {
      const rule = axis === undefined ? "have the same shape" : `have the same shape except on axis ${axis}`;
      throw new ValueError(fn, `all arrays must ${rule}; got ${show(first.shape)} for array 0 and ${show(a.shape)} for array ${i}. Index, pad or reshape the arrays so their shapes agree`);
    }
  });
  const dtype = resultTypeOf(items.map((a) => a.dtype));
  if (!anyLazy) return { blocks: items as Block[], dtype, axis };
  const lazy = items.map((a) => toLazy(a) as ChunkedArray).map((a) => (a.dtype === dtype ? a : astype(a, dtype)));
  return { lazy, dtype, axis };
}

/** Rechunks every array so that axes other than `skip` share the common refinement. */
function unifyExcept(arrays: readonly ArrayMeta[], skip: number | undefined, op: string): ArrayMeta[] {
  const nd = arrays[0]!.shape.length;
  const target = Array.from({ length: nd }, (_, ax) => (ax === skip ? undefined : arrays.map((a) => a.chunks[ax]!).reduce(commonRefinement)));
  return arrays.map((a) => rechunkMeta(a, a.chunks.map((c, ax) => target[ax] ?? c), op));
}

/**
 * Joins arrays along an existing axis, as `numpy.concatenate` / `dask.array.concatenate`.
 * @param arrays - ChunkedArrays and/or blocks; lazy if any is a ChunkedArray
 * @param axis - the axis to join along (default 0; negative counts from the end)
 * @returns a ChunkedArray whose chunks along `axis` are the inputs' chunks in order, or a block
 * @throws {ValueError} for an empty list, an axis out of range, or shapes that differ off `axis`
 * @example concatenate([a, b], 1) // a: (4, 3), b: (4, 5) -> (4, 8)
 */
export function concatenate(arrays: readonly ChunkedArray[] | readonly [ChunkedArray, ...Input[]], axis?: number): ChunkedArray;
export function concatenate(arrays: readonly (Block | BlockLike)[], axis?: number): Block;
export function concatenate(arrays: readonly Input[], axis?: number): ChunkedArray | Block;
export function concatenate(arrays: readonly Input[], axis = 0): ChunkedArray | Block {
  const fn = "concatenate";
  const p = prepare(fn, arrays, (nd) => {
    if (nd === 0) throw new ValueError(fn, `arrays must have at least one dimension; got a 0-d array. Use stack() to join 0-d arrays`);
    return normalizeAxis(fn, axis, nd);
  });
  const ax = p.axis!;
  if ("blocks" in p) {
    const shape = [...p.blocks[0]!.shape];
    shape[ax] = p.blocks.reduce((s, b) => s + b.shape[ax]!, 0);
    const out = emptyBlock(p.dtype, shape);
    let at = 0;
    for (const b of p.blocks) {
      const n = b.shape[ax]!;
      copyInto(view(out, shape.map((_, d) => (d === ax ? { start: at, stop: at + n } : {}))), b.dtype === p.dtype ? b : castBlock(b, p.dtype));
      at += n;
    }
    return out;
  }
  const nonEmpty = p.lazy.filter((a) => a.size > 0);
  const arrs = unifyExcept(nonEmpty.length > 0 ? nonEmpty : [p.lazy[0]!], ax, `${fn}-align`);
  const chunks = arrs[0]!.chunks.map((c, d) => (d === ax ? arrs.flatMap((a) => [...a.chunks[ax]!]) : [...c]));
  const name = `${fn}-${tokenize(fn, arrs.map((a) => a.name), ax)}`;
  const tasks = new Map<string, Task>();
  const owner: [number, number][] = arrs.flatMap((a, k) => a.chunks[ax]!.map((_, j) => [k, j] as [number, number]));
  forEachBlockIndex(numBlocks(chunks), (oi) => {
    const [k, j] = owner[oi[ax]!]!;
    const src = oi.map((b, d) => (d === ax ? j : b));
    const key = blockKey(name, oi);
    tasks.set(key, { key, kernel: kernelRefOf(identity)!, args: [{ ref: blockKey(arrs[k]!.name, src) }] });
  });
  const shape = chunks.map((c) => c.reduce((s, v) => s + v, 0));
  const graph: Graph = graphWith({ name, tasks }, ...arrs.map((a) => a.graph));
  return new ChunkedArray({ name, shape, dtype: p.dtype, chunks, graph });
}

/**
 * Joins arrays of one shape along a new axis, as `numpy.stack` / `dask.array.stack`: each
 * input becomes one chunk of length 1 along the new axis.
 * @param arrays - ChunkedArrays and/or blocks; lazy if any is a ChunkedArray
 * @param axis - the new axis' position in the result (default 0; negative counts from the end)
 * @throws {ValueError} for an empty list, an axis out of range, or different shapes
 * @example stack([a, b, c], 0) // three (4, 5) arrays -> (3, 4, 5), chunks [[1, 1, 1], ...]
 */
export function stack(arrays: readonly ChunkedArray[] | readonly [ChunkedArray, ...Input[]], axis?: number): ChunkedArray;
export function stack(arrays: readonly (Block | BlockLike)[], axis?: number): Block;
export function stack(arrays: readonly Input[], axis?: number): ChunkedArray | Block;
export function stack(arrays: readonly Input[], axis = 0): ChunkedArray | Block {
  const fn = "stack";
  let ax = 0;
  const p = prepare(fn, arrays, (nd) => {
    ax = normalizeAxis(fn, axis, nd + 1);
    return undefined;
  });
  if ("blocks" in p) {
    const shape = [...p.blocks[0]!.shape];
    shape.splice(ax, 0, p.blocks.length);
    const out = emptyBlock(p.dtype, shape);
    p.blocks.forEach((b, k) => {
      copyInto(view(out, shape.map((_, d) => (d === ax ? { start: k, stop: k + 1 } : {}))), expandView(b.dtype === p.dtype ? b : castBlock(b, p.dtype), ax));
    });
    return out;
  }
  const arrs = unifyExcept(p.lazy, undefined, `${fn}-align`);
  const chunks = arrs[0]!.chunks.map((c) => [...c]);
  chunks.splice(ax, 0, arrs.map(() => 1));
  const name = `${fn}-${tokenize(fn, arrs.map((a) => a.name), ax)}`;
  const tasks = new Map<string, Task>();
  forEachBlockIndex(numBlocks(chunks), (oi) => {
    const src = oi.filter((_, d) => d !== ax);
    const key = blockKey(name, oi);
    const items = chunks.map((_, d) => (d === ax ? null : {}));
    const shape = oi.map((b, d) => chunks[d]![b]!);
    tasks.set(key, {
      key, kernel: kernelRefOf(sliceBlock)!, args: [{ ref: blockKey(arrs[oi[ax]!]!.name, src) }],
      params: { index: items, copy: false }, ctx: { blockIndex: [...oi] },
      expect: { op: fn, shapes: [shape], dtypes: [p.dtype], several: false },
    });
  });
  const shape = chunks.map((c) => c.reduce((s, v) => s + v, 0));
  return new ChunkedArray({ name, shape, dtype: p.dtype, chunks, graph: graphWith({ name, tasks }, ...arrs.map((a) => a.graph)) });
}
