/**
 * `coarsen(x, axes, { reduction, trimExcess })`, as `dask.array.coarsen(reduction, x, axes,
 * trim_excess)`: reduces every non-overlapping window of `axes[a]` elements along each axis
 * `a` (block means for image pyramids: `coarsen(x, { 1: 2, 2: 2 })`).
 *
 * Matches dask: the result along axis `a` has `shape[a] / factor` elements; an axis whose
 * length is not a multiple of its factor is an error unless `trimExcess`, which first drops
 * the trailing `shape[a] % factor` elements. Lowered to one blockwise layer: blocks whose
 * length is not a multiple of the factor are first rechunked (each chunk boundary moves down
 * to the nearest multiple of the factor, so no window straddles two blocks; dask's
 * `aligned_coarsen_chunks` moves them differently but also only where needed), then each task
 * reduces one block. Values and dtypes are the core reductions' (`mean` of integers is
 * float64; float sums accumulate in float64).
 * @module
 */
import { emptyBlock, type Block, type BlockLike, asBlock } from "../core/ndarray.js";
import { ValueError, show } from "../core/errors.js";
import * as core from "../core/reduce.js";
import { normalizeAxis } from "../core/views.js";
import type { Chunks } from "../chunks/grid.js";
import { ChunkedArray, isChunkedArray } from "./chunked-array.js";
import { coarsenBlock, coarsenEager, type CoarsenParams, type CoarsenReduction } from "./coarsen-kernels.js";
import { index } from "./indexing.js";
import { mapBlocks } from "./map-blocks.js";
import { rechunk } from "./rechunk.js";

export type { CoarsenReduction } from "./coarsen-kernels.js";

/** Options of {@link coarsen}. */
export interface CoarsenOptions {
  /** How a window becomes one element: `"mean"` (default), `"sum"`, `"min"` or `"max"`. */
  reduction?: CoarsenReduction;
  /** Drop the trailing elements that do not fill a window (default false: they are an error). */
  trimExcess?: boolean;
}

const FN = "coarsen";
const REDUCTIONS: readonly CoarsenReduction[] = ["mean", "sum", "min", "max"];

/**
 * Reduces non-overlapping windows: `axes` maps an axis (negative counts from the end) to its
 * window length; axes not named keep their length.
 * @param x - a ChunkedArray (lazy result) or a block (eager result)
 * @param axes - window length per axis, e.g. `{ 0: 2, 1: 2 }` or `{ [-1]: 4 }`
 * @param options - `reduction` (default `"mean"`), `trimExcess`
 * @throws {ValueError} for an axis out of range, a factor that is not a positive integer, an
 *   unknown reduction, or an axis length that is not a multiple of its factor without `trimExcess`
 * @example coarsen(img, { 0: 2, 1: 2 }) // (512, 512) chunks 256 -> (256, 256) chunks 128: 2x2 block means
 */
export function coarsen(x: ChunkedArray, axes: Readonly<Record<number, number>>, options?: CoarsenOptions): ChunkedArray;
export function coarsen(x: Block | BlockLike, axes: Readonly<Record<number, number>>, options?: CoarsenOptions): Block;
export function coarsen(x: ChunkedArray | Block | BlockLike, axes: Readonly<Record<number, number>>, options: CoarsenOptions = {}): ChunkedArray | Block {
  const lazy = isChunkedArray(x);
  const shape = lazy ? x.shape : asBlock(x, FN, "x").shape;
  const dtype = lazy ? x.dtype : asBlock(x, FN, "x").dtype;
  const factors = checkFactors(axes, shape.length);
  const reduction = options.reduction ?? "mean";
  if (!REDUCTIONS.includes(reduction)) {
    throw new ValueError(FN, `reduction must be one of ${REDUCTIONS.map((r) => JSON.stringify(r)).join(", ")}; got ${show(reduction)}. Pass e.g. reduction: "mean"`);
  }
  const trim = options.trimExcess ?? false;
  if (typeof trim !== "boolean") throw new ValueError(FN, `trimExcess must be a boolean; got ${show(trim)}. Pass true or false`);
  shape.forEach((n, a) => {
    if (!trim && n % factors[a]! !== 0) {
      throw new ValueError(FN, `axis ${a} of length ${n} must be a multiple of its factor ${factors[a]}; got a remainder of ${n % factors[a]!}. Pass trimExcess: true to drop the last ${n % factors[a]!} elements, or pad the array`);
    }
  });
  const probe = (core[reduction] as (b: Block, o: object) => Block)(emptyBlock(dtype, [1]), { axis: 0 });
  const params: CoarsenParams = { reduction, factors, dtype: probe.dtype };
  const kept = shape.map((n, a) => n - (n % factors[a]!));
  const items = kept.map((n) => ({ start: 0, stop: n }));
  if (!lazy) return coarsenEager(index(asBlock(x, FN, "x"), items), params);
  const trimmed = kept.every((n, a) => n === shape[a]) ? x : index(x, items);
  const aligned = alignChunks(trimmed.chunks, factors);
  const input = aligned === undefined ? trimmed : rechunk(trimmed, aligned);
  return mapBlocks(coarsenBlock, [input], {
    name: FN,
    dtype: params.dtype,
    chunks: input.chunks.map((c, a) => c.map((n) => n / factors[a]!)),
    params,
  }) as ChunkedArray;
}

/** Factors per axis from the `axes` record (1 where not named). */
function checkFactors(axes: Readonly<Record<number, number>>, ndim: number): number[] {
  if (typeof axes !== "object" || axes === null || Array.isArray(axes)) {
    throw new ValueError(FN, `axes must be a record of axis -> window length; got ${show(axes)}. Pass e.g. { 0: 2, 1: 2 }`);
  }
  const factors = new Array<number>(ndim).fill(1);
  for (const [key, f] of Object.entries(axes)) {
    const ax = Number(key);
    if (!Number.isInteger(ax)) throw new ValueError(FN, `axes keys must be axis numbers; got ${JSON.stringify(key)}. Use e.g. { 0: 2 }`);
    const a = normalizeAxis(FN, ax, ndim);
    if (!Number.isInteger(f) || f < 1) {
      throw new ValueError(FN, `the window length of axis ${ax} must be a positive integer; got ${show(f)}. Pass e.g. 2`);
    }
    factors[a] = f;
  }
  return factors;
}

/**
 * Chunks with every boundary on a multiple of its axis' factor (each boundary moved down to
 * the nearest multiple; blocks emptied by that vanish), or undefined when they already are.
 * The axis lengths are multiples of the factors here.
 */
export function alignChunks(chunks: Chunks, factors: readonly number[]): number[][] | undefined {
  let changed = false;
  const out = chunks.map((c, a) => {
    const f = factors[a]!;
    if (c.every((n) => n % f === 0)) return [...c];
    changed = true;
    const sizes: number[] = [];
    let prev = 0;
    let end = 0;
    for (const n of c) {
      end += n;
      const b = end - (end % f);
      if (b > prev) sizes.push(b - prev);
      prev = Math.max(prev, b);
    }
    return sizes.length > 0 ? sizes : [0];
  });
  return changed ? out : undefined;
}
