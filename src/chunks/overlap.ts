/**
 * Overlap ("halo") geometry, as `dask.array.overlap`: each block is extended by `depth`
 * elements from its neighbours, or from the boundary rule at the array's edges, a kernel runs
 * on the extended block, and the halo is trimmed off again. Pure index arithmetic, no data.
 *
 * Boundaries match dask's: `"reflect"` mirrors including the edge element (NumPy's
 * `"symmetric"`), `"nearest"` repeats the edge element, `"periodic"` wraps around, a number
 * fills with that constant, and `"none"` adds nothing at the array's edges (so edge blocks
 * are extended on their inner side only). Invariant: trimming `haloGeometry(...).trim` from
 * the extended block gives back exactly the block (overlap-then-trim is the identity).
 * @module
 */
import { ChunkError } from "../core/errors.js";
import type { Chunks, Region } from "./grid.js";
import { blockRegion } from "./grid.js";
import { list } from "./util.js";

/** What lies beyond the array's edges. */
export type Boundary = "reflect" | "nearest" | "periodic" | "none" | number;

/** Depth of one axis: the same on both sides, or `[before, after]`. */
export type AxisDepth = number | readonly [number, number];

/**
 * A depth for every axis (one number), a list per axis, or a `{ axis: depth }` record (missing
 * axes 0). A top-level list is always per axis: write `[[1, 2], [0, 0]]` for pairs.
 */
export type DepthInput = number | readonly AxisDepth[] | Readonly<Record<number, AxisDepth>>;

/** A boundary for every axis, a list per axis, or a `{ axis: boundary }` record (missing axes `"none"`). */
export type BoundaryInput = Boundary | readonly Boundary[] | Readonly<Record<number, Boundary>>;

/**
 * Normalises a depth to `[before, after]` per axis, as dask's `coerce_depth`.
 * @throws {ChunkError} for a negative or fractional depth, or a list of the wrong length
 * @example
 * normalizeDepth(2, 2);          // [[2, 2], [2, 2]]
 * normalizeDepth({ 1: 3 }, 2);   // [[0, 0], [3, 3]]
 */
export function normalizeDepth(depth: DepthInput, ndim: number): [number, number][] {
  const entries = perAxis("normalizeDepth", "depth", depth, ndim, 0);
  return entries.map((d, axis) => {
    if (typeof d !== "number" && !isPair(d)) {
      throw new ChunkError("normalizeDepth", `depth on axis ${axis} must be a non-negative integer or a [before, after] pair; got ${JSON.stringify(d)}. Pass e.g. 2 or [1, 2].`, axis);
    }
    const pair: [number, number] = typeof d === "number" ? [d, d] : [(d as number[])[0] as number, (d as number[])[1] as number];
    for (const v of pair) {
      if (!Number.isSafeInteger(v) || v < 0) {
        throw new ChunkError("normalizeDepth", `depth on axis ${axis} must be a non-negative integer; got ${JSON.stringify(d)}. Pass e.g. ${Math.max(0, Math.round(Math.abs(Number(v)))) || 1}.`, axis);
      }
    }
    return pair;
  });
}

/**
 * Normalises a boundary to one entry per axis, as dask's `coerce_boundary` (default `"none"`).
 * @throws {ChunkError} for an unknown boundary name or a list of the wrong length
 * @example normalizeBoundary("reflect", 2); // ["reflect", "reflect"]
 */
export function normalizeBoundary(boundary: BoundaryInput, ndim: number): Boundary[] {
  const entries = perAxis("normalizeBoundary", "boundary", boundary, ndim, "none");
  entries.forEach((b, axis) => {
    if (!isBoundary(b)) {
      throw new ChunkError("normalizeBoundary", `boundary on axis ${axis} must be "reflect", "nearest", "periodic", "none" or a number; got ${typeof b === "number" ? String(b) : JSON.stringify(b)}. Pick one of those.`, axis);
    }
  });
  return entries as Boundary[];
}

/**
 * New chunks in which every chunk is at least as large as the depth, so halos come from the
 * immediate neighbours only, merging too-small chunks as dask's `ensure_minimum_chunksize`
 * does. Uses the larger of `[before, after]` per axis. An axis held in one chunk is returned
 * unchanged whatever the depth (dask raises there; one chunk has no neighbours).
 * @throws {ChunkError} if an axis in several chunks is shorter than its depth
 * @example
 * ensureMinimumChunksize(10, [[20, 20, 1]]); // [[20, 11, 10]]
 * ensureMinimumChunksize(3, [[1, 1, 3]]);    // [[5]]
 */
export function ensureMinimumChunksize(depth: DepthInput, chunks: Chunks): number[][] {
  const depths = normalizeDepth(depth, chunks.length);
  return chunks.map((c, axis) => {
    const size = Math.max(...(depths[axis] as [number, number]));
    if (c.length <= 1 || size <= Math.min(...c)) return [...c];
    const out: number[] = [];
    let run = 0;
    for (const x of c) {
      if (x < size) {
        // Take from the run before when it can spare enough, else join it.
        if (run > size + (size - x)) {
          out.push(run - (size - x));
          run = size;
        } else {
          run += x;
        }
      }
      if (run >= size) {
        out.push(run);
        run = 0;
      }
      if (x >= size) run += x;
    }
    if (run >= size) out.push(run);
    else if (out.length > 0) out[out.length - 1] = (out[out.length - 1] as number) + run;
    else {
      const n = c.reduce((s, v) => s + v, 0);
      throw new ChunkError("ensureMinimumChunksize", `depth on axis ${axis} must not exceed the axis length ${n}; got ${size}. Use a depth of at most ${n}, or put the axis in one chunk.`, axis);
    }
    return out;
  });
}

/**
 * One run of an extended block along one axis. Where fills of several axes meet (corners),
 * the highest axis's fill wins, as dask applies boundaries one axis after another.
 */
export type HaloSegment =
  /** Elements `[start, stop)` of the array (global indices), in reverse order when `reverse`. */
  | { readonly kind: "read"; readonly start: number; readonly stop: number; readonly reverse: boolean }
  /** Element `index` of the array repeated `count` times (`"nearest"`). */
  | { readonly kind: "repeat"; readonly index: number; readonly count: number }
  /** The constant `value`, `count` times. */
  | { readonly kind: "fill"; readonly value: number; readonly count: number };

/** The halo of one block along one axis. */
interface HaloAxis {
  /** Elements added before and after the block. */
  readonly before: number;
  readonly after: number;
  /** The extended block along this axis, in order; their lengths sum to `before + size + after`. */
  readonly segments: readonly HaloSegment[];
}

/** The halo geometry of one block. */
export interface HaloGeometry {
  readonly axes: readonly HaloAxis[];
  /** The block in the full array. */
  readonly region: Region;
  /** Shape of the extended block. */
  readonly shape: number[];
  /** The slice of the extended block that is the block itself (what trimming keeps). */
  readonly trim: Region;
}

/**
 * How to build the extended block of `blockIndex`: for each axis the elements added on each
 * side and the runs of array reads and boundary fills, plus the trim slice. Depths larger
 * than a chunk are fine: a read run may span several blocks (see `axisRangePieces`).
 * @throws {ChunkError} when `"reflect"` or `"periodic"` needs more elements than the axis has,
 *   or `"nearest"` meets an empty axis
 * @example
 * const g = haloGeometry([[4, 4]], [0], 1, "reflect");
 * g.axes[0].segments; // [{kind: "read", start: 0, stop: 1, reverse: true},
 *                     //  {kind: "read", start: 0, stop: 5, reverse: false}]
 * g.trim;             // { start: [1], stop: [5] }
 */
export function haloGeometry(
  chunks: Chunks,
  blockIndex: readonly number[],
  depth: DepthInput,
  boundary: BoundaryInput = "none",
): HaloGeometry {
  const depths = normalizeDepth(depth, chunks.length);
  const bounds = normalizeBoundary(boundary, chunks.length);
  const region = blockRegion(chunks, blockIndex);
  const axes = chunks.map((c, axis) => {
    const n = c.reduce((s, v) => s + v, 0);
    const [d0, d1] = depths[axis] as [number, number];
    return haloAxis(axis, n, region.start[axis] as number, region.stop[axis] as number, d0, d1, bounds[axis] as Boundary);
  });
  const shape = axes.map((h, axis) => h.before + h.after + (region.stop[axis] as number) - (region.start[axis] as number));
  const trim = {
    start: axes.map((h) => h.before),
    stop: axes.map((h, axis) => h.before + (region.stop[axis] as number) - (region.start[axis] as number)),
  };
  return { axes, region, shape, trim };
}

/**
 * Chunks of the overlapped array: every block grown by its halo (dask's `overlap(x, ...)`.chunks).
 * @example overlapChunks([[4, 4], [4, 4]], { 0: 2, 1: 1 }, { 0: 100, 1: "reflect" }) // [[8, 8], [6, 6]]
 */
export function overlapChunks(chunks: Chunks, depth: DepthInput, boundary: BoundaryInput = "none"): number[][] {
  const depths = normalizeDepth(depth, chunks.length);
  const bounds = normalizeBoundary(boundary, chunks.length);
  return chunks.map((c, axis) => {
    const n = c.reduce((s, v) => s + v, 0);
    const [d0, d1] = depths[axis] as [number, number];
    let start = 0;
    return c.map((size) => {
      const h = haloAxis(axis, n, start, start + size, d0, d1, bounds[axis] as Boundary);
      start += size;
      return h.before + size + h.after;
    });
  });
}

function haloAxis(axis: number, n: number, start: number, stop: number, d0: number, d1: number, boundary: Boundary): HaloAxis {
  const none = boundary === "none";
  // With "none" nothing exists beyond the edges, so the halo stops there.
  const before = none ? Math.min(d0, start) : d0;
  const after = none ? Math.min(d1, n - stop) : d1;
  const lo = start - before;
  const hi = stop + after;
  const segments: HaloSegment[] = [];
  if (lo < 0) segments.push(pad(axis, n, -lo, boundary, "before"));
  const readLo = Math.max(lo, 0);
  const readHi = Math.min(hi, n);
  if (readHi > readLo) segments.push({ kind: "read", start: readLo, stop: readHi, reverse: false });
  if (hi > n) segments.push(pad(axis, n, hi - n, boundary, "after"));
  return { before, after, segments };
}

function pad(axis: number, n: number, count: number, boundary: Boundary, side: "before" | "after"): HaloSegment {
  if (typeof boundary === "number") return { kind: "fill", value: boundary, count };
  if (boundary === "nearest") {
    if (n === 0) throw new ChunkError("haloGeometry", `axis ${axis} must not be empty for boundary "nearest"; got length 0. Use a constant boundary or depth 0.`, axis);
    return { kind: "repeat", index: side === "before" ? 0 : n - 1, count };
  }
  if (count > n) {
    throw new ChunkError("haloGeometry", `depth on axis ${axis} must be at most the axis length ${n} for boundary ${JSON.stringify(boundary)}; got ${count}. Use a smaller depth, or "nearest" or a constant boundary.`, axis);
  }
  if (boundary === "reflect") {
    return side === "before" ? { kind: "read", start: 0, stop: count, reverse: true } : { kind: "read", start: n - count, stop: n, reverse: true };
  }
  return side === "before" ? { kind: "read", start: n - count, stop: n, reverse: false } : { kind: "read", start: 0, stop: count, reverse: false };
}

function isPair(v: unknown): boolean {
  return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number");
}

function isBoundary(v: unknown): boolean {
  return (typeof v === "number" && !Number.isNaN(v)) || v === "reflect" || v === "nearest" || v === "periodic" || v === "none";
}

/** Spreads a single value, list or record over `ndim` axes. */
function perAxis(fn: string, what: string, input: unknown, ndim: number, fallback: unknown): unknown[] {
  // A top-level list is always per axis (as in dask); a [before, after] pair goes inside it.
  if (input === null || typeof input !== "object") return new Array<unknown>(ndim).fill(input);
  if (Array.isArray(input)) {
    if (input.length !== ndim) {
      throw new ChunkError(fn, `${what} must have one entry per axis (${ndim}); got ${list(input)}. Give ${ndim} entries, or a single value for every axis.`);
    }
    return [...input];
  }
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const axis = Number(key);
    if (!Number.isInteger(axis) || axis < 0 || axis >= ndim) {
      throw new ChunkError(fn, `${what} record keys must be axes 0..${ndim - 1}; got ${JSON.stringify(key)}. Use axis numbers as keys.`);
    }
  }
  return Array.from({ length: ndim }, (_, axis) => record[axis] ?? fallback);
}
