/**
 * `overlap` and `trimInternal`, as `dask.array.overlap.overlap` and `trim_internal`: add a halo
 * of `depth` neighbouring elements to every block (boundary values at the array's edges), and
 * cut it off again. Boundaries match dask's: `"reflect"` (NumPy's `"symmetric"`, edge
 * included), `"nearest"` (`"edge"`), `"periodic"` (`"wrap"`), a number (`"constant"`),
 * `"none"` (edge blocks are extended on their inner side only).
 * Invariant: `trimInternal(overlap(x, o), o)` equals `x`, chunks included.
 *
 * Beyond dask: a halo deeper than a chunk is read from as many neighbours as it spans, so
 * `overlap` never rechunks; asymmetric depths work with every boundary.
 * @module
 */
import type { DataType } from "../core/dtype.js";
import { ChunkError, ValueError, show } from "../core/errors.js";
import type { Chunks } from "../chunks/grid.js";
import type { BoundaryInput, DepthInput } from "../chunks/overlap.js";
import type { ArrayMeta } from "../graph/blockwise.js";
import { tokenize } from "../graph/hash.js";
import { ChunkedArray, isChunkedArray } from "./chunked-array.js";
import { axisHalos, normalizeHalo, overlapMeta, trimMeta, type Pair } from "./halo.js";

/** Options of {@link overlap}. */
export interface OverlapOptions {
  /** Elements added on each side: one number, a list per axis, or `{ axis: depth }`; `[before, after]` for asymmetric halos. Default 0. */
  depth?: DepthInput;
  /** What lies beyond the array's edges, for all axes, per axis, or `{ axis: boundary }`. Default `"none"`. */
  boundary?: BoundaryInput;
}

/** Options of {@link trimInternal}. */
export interface TrimInternalOptions extends OverlapOptions {
  /**
   * The chunks before `overlap`. Needed only with boundary `"none"` when a depth exceeded a
   * chunk; arrays made by `overlap` remember theirs. Default: dask's rule (the whole depth
   * comes off every side except the outer side of the first and last blocks with `"none"`).
   */
  chunks?: Chunks;
}

/** Arrays made by `overlap`, with what made them, so `trimInternal` can undo them exactly. */
const made = new WeakMap<ChunkedArray, { readonly chunks: Chunks; readonly token: string }>();

const sum = (c: readonly number[]): number => c.reduce((a, b) => a + b, 0);

/**
 * Adds a halo to every block, as `dask.array.overlap.overlap`: each block of the result is the
 * block plus `depth` elements of its neighbours on each side (from as many neighbours as the
 * depth spans), or boundary values beyond the array's edges. One task per block, reading only
 * the blocks it needs. Chunks grow by the halo; with `"none"` edge blocks grow on the inner side only.
 * @param x - the array
 * @param options - `depth` (default 0) and `boundary` (default `"none"`)
 * @throws {ChunkError} for a negative or fractional depth, a depth or boundary list of the
 *   wrong length, an unknown boundary, or a `"reflect"`/`"periodic"` depth beyond the axis length
 * @example
 * ```ts
 * const x = fromArray(arange(8), { chunks: 4 });
 * const g = overlap(x, { depth: 1, boundary: "reflect" }); // chunks [[6, 6]]
 * await g.compute(); // [0, 0,1,2,3, 4, 3, 4,5,6,7, 7]
 * ```
 */
export function overlap<D extends DataType>(x: ChunkedArray<D>, options: OverlapOptions = {}): ChunkedArray<D> {
  checkArray("overlap", x);
  const halo = normalizeHalo("overlap", options.depth ?? 0, options.boundary ?? "none", x.shape);
  const meta = overlapMeta(x, halo);
  if (meta === x) return x;
  const out = new ChunkedArray<D>(meta);
  made.set(out, { chunks: x.chunks, token: tokenize(halo) });
  return out;
}

/**
 * Cuts the halo off every block of an overlapped array, as dask's `trim_internal`: the
 * inverse of {@link overlap} with the same options.
 * @param x - an overlapped array (or the result of a kernel on one)
 * @param options - `depth`, `boundary` as given to `overlap`, and optionally the `chunks` before it
 * @throws {ChunkError} for bad depth or boundary, or a block smaller than the halo it would lose
 * @example
 * ```ts
 * const o = { depth: 2, boundary: "periodic" } as const;
 * trimInternal(overlap(x, o), o); // same chunks and values as x
 * ```
 */
export function trimInternal<D extends DataType>(x: ChunkedArray<D>, options: TrimInternalOptions = {}): ChunkedArray<D> {
  const op = "trimInternal";
  checkArray(op, x);
  let source = options.chunks;
  const probe = normalizeHalo(op, options.depth ?? 0, options.boundary ?? "none", x.shape.map(() => Infinity));
  const rec = made.get(x);
  if (source === undefined && rec !== undefined && rec.token === tokenize(probe)) source = rec.chunks;
  let halos: Pair[][];
  if (source !== undefined) {
    checkSourceChunks(op, source, x);
    const halo = normalizeHalo(op, options.depth ?? 0, options.boundary ?? "none", source.map(sum));
    halos = source.map((c, ax) => axisHalos(c, halo, ax));
  } else {
    halos = x.chunks.map((c, ax) => c.map((_, j) => {
      const [d0, d1] = probe.depth[ax]!;
      const none = probe.boundary[ax] === "none";
      return [none && j === 0 ? 0 : d0, none && j === c.length - 1 ? 0 : d1] as Pair;
    }));
  }
  const chunks = x.chunks.map((c, ax) => c.map((n, j) => {
    const [b, a] = halos[ax]![j]!;
    if (n - b - a < 0) {
      throw new ChunkError(op, `block ${j} on axis ${ax} must be at least as long as the halo it loses (${b + a}); got ${n}. Pass the depth and boundary given to overlap, or its original chunks as chunks`, ax);
    }
    return n - b - a;
  }));
  return new ChunkedArray<D>(trimMeta(op, x, halos, chunks) as ArrayMeta & { dtype: D });
}

function checkArray(op: string, x: unknown): void {
  if (!isChunkedArray(x)) throw new ValueError(op, `x must be a ChunkedArray; got ${show(x)}. Wrap a block with fromArray(block, { chunks })`);
}

function checkSourceChunks(op: string, source: Chunks, x: ChunkedArray): void {
  const ok = Array.isArray(source) && source.length === x.ndim && source.every((c, ax) => Array.isArray(c) && c.length === x.chunks[ax]!.length && c.every((v) => Number.isInteger(v) && v >= 0));
  if (!ok) {
    throw new ChunkError(op, `chunks must list the chunk sizes before overlap, one list per axis with as many blocks as x has (${show(x.numBlocks)}); got ${show(source)}. Pass the original array's chunks`);
  }
}
