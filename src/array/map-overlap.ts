/**
 * `mapOverlap`, as `dask.array.map_overlap`: unify the arrays' chunks (`unifyChunks`, merging
 * chunks smaller than the depth first as dask's `ensure_minimum_chunksize`, unless
 * `allowRechunk: false`), add each array's own halo (`overlap`), map the kernel over the
 * extended blocks paired by position (blockwise's `alignArrays: false`, as dask's `map_blocks`
 * on overlapped arrays), and trim the halo off the results.
 *
 * Beyond dask: an array held in one chunk on an axis of another length (a PSF with depth 0)
 * hands its one block to every task instead of failing to align.
 * @module
 */
import { resultTypeOf, type DataType } from "../core/dtype.js";
import { checkDtype } from "../core/creation.js";
import type { Kernel } from "../gufunc/eager.js";
import type { KernelParams } from "../gufunc/types.js";
import { ChunkError, ValueError, show } from "../core/errors.js";
import { isBlockLike, type Block } from "../core/ndarray.js";
import type { BoundaryInput, DepthInput } from "../chunks/overlap.js";
import { unifyChunks } from "../chunks/unify.js";
import { blockwise, rechunkMeta, type ArrayMeta } from "../graph/blockwise.js";
import { ChunkedArray, isChunkedArray } from "./chunked-array.js";
import { fromArray } from "./creation.js";
import { rightLabels } from "./elementwise.js";
import { axisHalos, normalizeHalo, overlapMeta, trimMeta, type Halo, type Pair } from "./halo.js";
import { overlapMapKernel, type OverlapMapParams } from "./overlap-kernels.js";

export type { OverlapContext } from "./overlap-kernels.js";

/** Options of {@link mapOverlap}. */
export interface MapOverlapOptions {
  /** Depth for all arrays, or (with several arrays) a list with one depth per array. Default 0. */
  depth?: DepthInput | readonly DepthInput[];
  /** Boundary for all arrays, or (with several arrays) a list with one per array. Default `"none"`. */
  boundary?: BoundaryInput | readonly BoundaryInput[];
  /** Cut the halo off the kernel's results (default true); false returns the extended results. */
  trim?: boolean;
  /** Output dtype; default the result type of the inputs. Never inferred by calling the kernel. */
  dtype?: DataType;
  /** Shape of the blocks the kernel returns (before trimming), when it differs: a block shape or per-axis sizes. */
  chunks?: readonly number[] | readonly (readonly number[])[];
  /** JSON parameters passed to the kernel after the blocks. */
  params?: unknown;
  /** Merge chunks smaller than the depth first, as dask (default true); false keeps the chunks and reads halos from several neighbours. */
  allowRechunk?: boolean;
}

/** How many arguments `arrays` puts before the kernel's `params`. */
type ArgCount<A> = A extends readonly unknown[] ? A["length"] : 1;

/**
 * Maps `fn(...extendedBlocks, params, ctx)` over overlapping blocks, as dask's `map_overlap`:
 * each array gets its own halo (`overlap`), blocks are aligned as `mapBlocks` aligns
 * them, the kernel runs on the extended blocks, and (with `trim`, the default) the halo of the
 * highest-rank array is cut off its results. An array held in one chunk on an axis of another
 * length (a PSF with depth 0) hands its one block to every task. Depths larger than a chunk
 * merge small chunks first (`ensureMinimumChunksize`), as dask does.
 *
 * `ctx` is the block context in the coordinates of the final output (`blockIndex`,
 * `location`, `shape`) plus `ctx.halo[k][axis] = [before, after]`, the halo of input `k`'s
 * extended block (smaller than the depth where `"none"` meets the edge), and `ctx.depth`.
 *
 * With several arrays, a list `depth` or `boundary` gives one entry per array (each a number,
 * per-axis list or record); for one array, a list is per axis. `params` must fit the kernel's
 * own params type.
 * @throws {ChunkError} for bad depths or boundaries (naming the array and axis);
 *   {@link BroadcastError} for arrays whose split axes differ in length; {@link ValueError}
 *   for other bad options
 * @example
 * ```ts
 * const mean3 = (b: Block) => ...; // 3-point moving average of the extended block
 * const y = mapOverlap(mean3, x, { depth: 1, boundary: "nearest", dtype: "float64" });
 * const z = mapOverlap(convolve, [image, psf], { depth: [{ 0: 8, 1: 8 }, 0], boundary: "reflect" });
 * ```
 */
export function mapOverlap<K extends Kernel, const A extends ChunkedArray | Block | readonly (ChunkedArray | Block)[]>(
  fn: K,
  arrays: A,
  options: MapOverlapOptions & { params?: KernelParams<K, ArgCount<A>> } = {},
): ChunkedArray {
  const op = "mapOverlap";
  const { xs, halos, dtype } = readArguments(op, fn, arrays, options);
  const ndim = Math.max(...xs.map((x) => x.ndim));
  const labels = rightLabels(ndim, ndim);
  const own = xs.map((x) => rightLabels(x.ndim, ndim));
  const aligned = alignArrays(op, xs, own, halos, options.allowRechunk ?? true);
  const ext = aligned.map((a, k) => overlapMeta(a, halos[k]!));
  const tables = aligned.map((a, k) => a.chunks.map((c, ax) => axisHalos(c, halos[k]!, ax)));
  const out = outputPlan(op, { ext, tables, own, labels, main: xs.findIndex((x) => x.ndim === ndim) }, options);
  const params: OverlapMapParams = {
    params: options.params ?? {},
    offsets: out.finalChunks.map(boundaries),
    halo: tables,
    depth: halos.map((h) => h.depth),
  };
  const [mapped] = blockwise({
    op,
    kernel: overlapMapKernel,
    inputs: [...ext.map((e, k) => ({ array: e, labels: own[k]! })), { fn }],
    outputs: [{ labels, dtype }],
    params,
    chunks: Object.fromEntries(labels.map((l, i) => [l, out.extChunks[i]!])),
    // Aligned before the halos: extended chunks differ by each array's halo, so the blocks
    // pair by position and a one-block axis (a whole PSF) goes to every task.
    alignArrays: false,
  });
  if (!out.trim) return new ChunkedArray(mapped!);
  return new ChunkedArray(trimMeta(op, mapped!, out.cut, out.finalChunks));
}

/** The arrays, their halos and the output dtype, checked at the public boundary. */
function readArguments(op: string, fn: unknown, arrays: unknown, options: MapOverlapOptions): { xs: ChunkedArray[]; halos: Halo[]; dtype: DataType } {
  if (typeof fn !== "function") throw new ValueError(op, `fn must be a function; got ${show(fn)}. Pass (...blocks, params, ctx) => block`);
  const list = (Array.isArray(arrays) ? arrays : [arrays]) as readonly unknown[];
  if (list.length === 0) throw new ValueError(op, `arrays must hold at least one array; got []. Pass a ChunkedArray or a block`);
  for (const key of ["trim", "allowRechunk"] as const) {
    const v = options[key];
    if (v !== undefined && typeof v !== "boolean") throw new ValueError(op, `${key} must be true or false; got ${show(v)}. Pass a boolean`);
  }
  const xs = list.map((a, k) => toArray(op, a, k));
  const many = xs.length > 1;
  const depths = perArray(op, "depth", options.depth ?? 0, xs.length, many);
  const bounds = perArray(op, "boundary", options.boundary ?? "none", xs.length, many);
  const halos = xs.map((x, k) => normalizeHalo(op, depths[k] as DepthInput, bounds[k] as BoundaryInput, x.shape, many ? k : undefined));
  const dtype = options.dtype === undefined ? resultTypeOf(xs.map((x) => x.dtype)) : checkDtype(op, options.dtype);
  return { xs, halos, dtype };
}

/** The extended arrays and their halos, labelled from the right as the output's axes. */
interface Extended {
  readonly ext: readonly ArrayMeta[];
  readonly tables: readonly (readonly Pair[][])[];
  readonly own: readonly string[][];
  readonly labels: readonly string[];
  /** The first array of the highest rank. */
  readonly main: number;
}

/**
 * The output's extended chunks (what the kernel returns), the halo cut off each block and the
 * final chunks. The output follows the highest-rank array on each axis, or the first array
 * split along it.
 */
function outputPlan(op: string, e: Extended, options: MapOverlapOptions): { extChunks: number[][]; cut: Pair[][]; finalChunks: number[][]; trim: boolean } {
  const axisOf = (k: number, i: number): number => e.own[k]!.indexOf(e.labels[i]!);
  const blocksOf = (k: number, i: number): number => (axisOf(k, i) < 0 ? 1 : e.ext[k]!.chunks[axisOf(k, i)]!.length);
  const grid = e.labels.map((_, i) => Math.max(...e.ext.map((_x, k) => blocksOf(k, i))));
  const owner = e.labels.map((_, i) => {
    const splitAlong = (k: number): boolean => axisOf(k, i) >= 0 && blocksOf(k, i) === grid[i];
    return splitAlong(e.main) ? e.main : e.ext.findIndex((_x, k) => splitAlong(k));
  });
  const extChunks = options.chunks === undefined
    ? e.labels.map((_, i) => [...e.ext[owner[i]!]!.chunks[axisOf(owner[i]!, i)]!])
    : outputChunks(op, options.chunks, grid);
  const cut = e.labels.map((_, i) => e.tables[owner[i]!]![axisOf(owner[i]!, i)]!);
  const trim = options.trim ?? true;
  const finalChunks = trim ? extChunks.map((c, i) => c.map((n, j) => trimmedSize(op, n, cut[i]!, j, i))) : extChunks;
  return { extChunks, cut, finalChunks, trim };
}

function toArray(op: string, a: unknown, k: number): ChunkedArray {
  if (isChunkedArray(a)) return a;
  if (isBlockLike(a)) return fromArray(a, { chunks: -1 });
  throw new ValueError(op, `array ${k} must be a ChunkedArray or a block; got ${show(a)}. Pass arrays, and scalars through params`);
}

/** A per-array list when several arrays are given and the option is a list, else one value for all. */
function perArray(op: string, what: string, value: unknown, n: number, many: boolean): unknown[] {
  if (!many || !Array.isArray(value)) return new Array<unknown>(n).fill(value);
  if (value.length !== n) {
    throw new ChunkError(op, `${what} must have one entry per array (${n}) when given as a list with several arrays; got ${show(value)}. Give one ${what} per array (e.g. [[2, 2], 0]), or a single value or { axis: ${what} } record for all`);
  }
  return value;
}

/**
 * Aligns the arrays before any halo, as dask's `map_overlap` does with `unify_chunks`: split
 * axes of one label meet at their common refinement (merged up to the deepest halo with
 * `allowRechunk`), a one-chunk axis of that length is split alike, and one of another length
 * keeps its one block.
 */
function alignArrays(op: string, xs: readonly ChunkedArray[], own: readonly string[][], halos: readonly Halo[], allowRechunk: boolean): ArrayMeta[] {
  const u = unifyChunks(
    xs.map((x, k) => ({ labels: own[k]!, chunks: x.chunks, ...(allowRechunk ? { minChunk: halos[k]!.depth.map((d) => Math.max(...d)) } : {}) })),
    { op, broadcastOneChunk: true },
  );
  return xs.map((x, k) => rechunkMeta(x, u.arrays[k]!, `${op}-align`));
}

/** `[0, c0, c0 + c1, ..., sum]`: the block boundaries of one axis. */
function boundaries(c: readonly number[]): number[] {
  const out = [0];
  for (const v of c) out.push(out[out.length - 1]! + v);
  return out;
}

function outputChunks(op: string, chunks: readonly number[] | readonly (readonly number[])[], grid: readonly number[]): number[][] {
  if (chunks.length !== grid.length) {
    throw new ValueError(op, `chunks must have one entry per output axis (${grid.length}); got ${show(chunks)}. Give the kernel's block shape or per-axis sizes`);
  }
  return chunks.map((c, ax) => {
    const sizes = typeof c === "number" ? new Array<number>(grid[ax]!).fill(c) : [...(c as readonly number[])];
    if (sizes.length !== grid[ax] || sizes.some((n) => !Number.isInteger(n) || n < 0)) {
      throw new ValueError(op, `chunks on axis ${ax} must be a non-negative integer or ${grid[ax]} of them (one per block); got ${show(c)}. Fix the sizes`);
    }
    return sizes;
  });
}

function trimmedSize(op: string, n: number, cut: readonly Pair[], j: number, ax: number): number {
  const [b, a] = cut[cut.length === 1 ? 0 : j]!;
  if (n - b - a < 0) {
    throw new ValueError(op, `chunks on axis ${ax} must be at least the halo (${b + a}) of block ${j}; got ${n}. Declare the extended block shape the kernel returns, or pass trim: false`);
  }
  return n - b - a;
}
