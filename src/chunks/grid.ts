/**
 * The chunk grid: explicit chunk sizes per axis, kept as dask.array keeps them
 * (`((4, 4, 2), (3, 3))` in dask is `[[4, 4, 2], [3, 3]]` here).
 *
 * Invariants of a normalised grid: one list per axis; every list is non-empty; its sizes are
 * non-negative integers summing to the axis length; a zero-length axis is `[0]`. Ragged last
 * chunks are exact (10 by 4 gives `[4, 4, 2]`). Everything here is pure and synchronous.
 * @module
 */
import { itemSize, type DataType } from "../core/dtype.js";
import { ChunkError, IndexError } from "../core/errors.js";
import { autoChunks, DEFAULT_CHUNK_BYTES, type AutoEntry } from "./auto-chunks.js";
import { list, regularChunks } from "./util.js";

export { DEFAULT_CHUNK_BYTES };

/** Explicit chunk sizes per axis: `chunks[axis][block]`. */
export type Chunks = readonly (readonly number[])[];

/**
 * One axis of a chunks argument: a chunk size, `-1` or `null` for the whole axis, `"auto"`,
 * or explicit sizes that sum to the axis length.
 */
export type AxisChunksInput = number | null | "auto" | readonly number[];

/**
 * Everything {@link normalizeChunks} accepts: one size for every axis, `"auto"`, a list with
 * one entry per axis, or a record `{ axis: entry }` (missing axes are whole).
 */
export type ChunksInput =
  | number
  | "auto"
  | readonly AxisChunksInput[]
  | Readonly<Record<number, AxisChunksInput>>;

/** Options of {@link normalizeChunks}. */
export interface NormalizeChunksOptions {
  /** Element type; required when any axis is `"auto"` (it sets bytes per element). */
  dtype?: DataType;
  /** Target bytes per chunk for `"auto"` axes; default {@link DEFAULT_CHUNK_BYTES} (128 MiB). */
  limitBytes?: number;
  /** The chunks the data has now (on disk or before a rechunk); `"auto"` keeps their multiples. */
  previousChunks?: ChunksInput;
}

const FN = "normalizeChunks";

/**
 * Turns any chunks argument into explicit sizes per axis, as `dask.array.core.normalize_chunks`.
 * @param chunks - a number, `"auto"`, a per-axis list, or a `{ axis: entry }` record
 * @param shape - the array shape
 * @param options - `dtype`, `limitBytes` and `previousChunks` for `"auto"` axes
 * @returns one list of chunk sizes per axis
 * @throws {ChunkError} for a wrong number of axes, sizes that are not positive integers,
 *   explicit sizes that do not sum to the axis length, or `"auto"` without a dtype
 * @example
 * normalizeChunks(4, [10, 3]);           // [[4, 4, 2], [3]]
 * normalizeChunks([5, -1], [10, 10]);    // [[5, 5], [10]]
 * normalizeChunks("auto", [20], { dtype: "uint8", limitBytes: 5 }); // [[5, 5, 5, 5]]
 */
export function normalizeChunks(
  chunks: ChunksInput,
  shape: readonly number[],
  options: NormalizeChunksOptions = {},
): number[][] {
  checkShape(shape);
  const entries = perAxis(chunks, shape);
  const auto: AutoEntry[] = entries.map((entry, axis) => axisEntry(entry, shape, axis));
  if (auto.some((e) => e === "auto")) {
    const dtype = options.dtype;
    if (dtype === undefined) {
      throw new ChunkError(FN, `"auto" chunks must come with a dtype; got none. Pass { dtype }, e.g. { dtype: "float32" }.`);
    }
    const limit = options.limitBytes ?? DEFAULT_CHUNK_BYTES;
    if (!(limit > 0) || !Number.isFinite(limit)) {
      throw new ChunkError(FN, `limitBytes must be a positive number of bytes; got ${String(limit)}. Pass e.g. 134217728 (128 MiB).`);
    }
    const previous = options.previousChunks === undefined
      ? undefined
      : normalizeChunks(previousCompat(options.previousChunks, shape), shape);
    return autoChunks(auto, shape, limit, itemSize(dtype), previous);
  }
  return auto as number[][];
}

function checkShape(shape: readonly number[]): void {
  if (!Array.isArray(shape)) {
    throw new ChunkError(FN, `shape must be an array of axis lengths; got ${String(shape)}. Pass e.g. [100, 200].`);
  }
  shape.forEach((n, axis) => {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new ChunkError(FN, `shape on axis ${axis} must be a non-negative integer; got ${String(n)}. Pass whole axis lengths.`, axis);
    }
  });
}

/** One entry per axis, resolving the shorthand forms as dask does. */
function perAxis(chunks: ChunksInput, shape: readonly number[]): unknown[] {
  const nd = shape.length;
  if (typeof chunks === "number" || chunks === "auto") return new Array<unknown>(nd).fill(chunks);
  if (Array.isArray(chunks)) {
    // dask: a flat list of numbers for a 1-D shape is that axis's explicit sizes.
    if (nd === 1 && chunks.length > 1 && chunks.every((c) => typeof c === "number")) return [chunks];
    if (chunks.length === 0 && nd > 0 && shape.every((n) => n === 0)) return shape.map(() => [0]);
    if (chunks.length !== nd) {
      throw new ChunkError(FN, `chunks must have one entry per axis (${nd}); got ${chunks.length} entries ${list(chunks)}. Give ${nd} entries, or a single number for every axis.`);
    }
    return chunks as unknown[];
  }
  if (chunks !== null && typeof chunks === "object") {
    const record = chunks as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const axis = Number(key);
      if (!Number.isInteger(axis) || axis < 0 || axis >= nd) {
        throw new ChunkError(FN, `chunks record keys must be axes 0..${nd - 1}; got ${JSON.stringify(key)}. Use axis numbers as keys.`);
      }
    }
    return shape.map((_, axis) => record[axis] ?? null);
  }
  throw new ChunkError(FN, `chunks must be a number, "auto", a list per axis or a { axis: size } record; got ${String(chunks)}. Pass e.g. 64 or [64, -1].`);
}

/** Resolves one axis entry to explicit sizes, or leaves "auto" for the byte-target pass. */
function axisEntry(entry: unknown, shape: readonly number[], axis: number): AutoEntry {
  const n = shape[axis] ?? 0;
  if (entry === "auto") return "auto";
  if (entry === null || entry === -1) return [n];
  if (typeof entry === "number") {
    if (entry === 0 && n === 0) return [0];
    if (!Number.isSafeInteger(entry) || entry < 1) {
      throw new ChunkError(FN, `chunk size on axis ${axis} must be a positive integer, -1 or null; got ${String(entry)}. Pass a size such as ${Math.max(1, Math.min(n, 64))}, or -1 for the whole axis.`, axis);
    }
    return regularChunks(n, entry);
  }
  if (Array.isArray(entry)) {
    if (entry.length === 0) {
      throw new ChunkError(FN, `chunks on axis ${axis} must not be an empty list; got []. Write a zero-length axis as [0].`, axis);
    }
    let sum = 0;
    for (const c of entry) {
      if (typeof c !== "number" || !Number.isSafeInteger(c) || c < 0) {
        throw new ChunkError(FN, `chunks on axis ${axis} must be non-negative integers; got ${list(entry)}. Give whole sizes such as [${Math.max(1, n)}].`, axis);
      }
      sum += c;
    }
    if (sum !== n) {
      throw new ChunkError(FN, `chunks on axis ${axis} must sum to the axis length ${n}; got ${list(entry)} (sum ${sum}). Give sizes that add up to ${n}, or a single number.`, axis);
    }
    return [...(entry as number[])];
  }
  throw new ChunkError(FN, `chunks on axis ${axis} must be a number, -1, null, "auto" or a list of sizes; got ${JSON.stringify(entry)}. Pass e.g. 64.`, axis);
}

/** dask's rioxarray compatibility: a one-element list on an axis means that chunk size. */
function previousCompat(previous: ChunksInput, shape: readonly number[]): ChunksInput {
  if (!Array.isArray(previous) || previous.length !== shape.length) return previous;
  return previous.map((c: AxisChunksInput) => (Array.isArray(c) && c.length === 1 ? (c[0] as number) : c));
}

/**
 * Number of blocks along each axis, as dask's `Array.numblocks`.
 * @example numBlocks([[4, 4, 2], [3]]) // [3, 1]
 */
export function numBlocks(chunks: Chunks): number[] {
  return chunks.map((c) => c.length);
}

/**
 * Shape of the block at `blockIndex`.
 * @throws {IndexError} if the block index is out of range on some axis
 * @example chunkShape([[4, 4, 2], [3]], [2, 0]) // [2, 3]
 */
export function chunkShape(chunks: Chunks, blockIndex: readonly number[]): number[] {
  checkBlockIndex("chunkShape", chunks, blockIndex);
  return chunks.map((c, axis) => c[blockIndex[axis] as number] as number);
}

/**
 * Cumulative start of every block per axis, plus the axis length at the end
 * (so block `b` spans `[offsets[b], offsets[b + 1])`).
 * @example blockOffsets([[4, 4, 2]]) // [[0, 4, 8, 10]]
 */
export function blockOffsets(chunks: Chunks): number[][] {
  return chunks.map((c) => {
    const out = [0];
    let s = 0;
    for (const size of c) out.push((s += size));
    return out;
  });
}

/** A rectangular region of an array: `start` inclusive, `stop` exclusive, per axis. */
export interface Region {
  readonly start: number[];
  readonly stop: number[];
}

/**
 * The region of the full array that block `blockIndex` covers, as dask's `slices_from_chunks`.
 * @throws {IndexError} if the block index is out of range on some axis
 * @example blockRegion([[4, 4, 2], [3]], [1, 0]) // { start: [4, 0], stop: [8, 3] }
 */
export function blockRegion(chunks: Chunks, blockIndex: readonly number[]): Region {
  checkBlockIndex("blockRegion", chunks, blockIndex);
  const start: number[] = [];
  const stop: number[] = [];
  chunks.forEach((c, axis) => {
    const b = blockIndex[axis] as number;
    let s = 0;
    for (let i = 0; i < b; i++) s += c[i] as number;
    start.push(s);
    stop.push(s + (c[b] as number));
  });
  return { start, stop };
}

/**
 * The block holding element `elementIndex` (zero-size blocks never hold an element).
 * @throws {IndexError} if the element index is outside the array on some axis
 * @example blockIndexOf([[4, 4, 2], [3]], [9, 1]) // [2, 0]
 */
export function blockIndexOf(chunks: Chunks, elementIndex: readonly number[]): number[] {
  if (elementIndex.length !== chunks.length) {
    throw new IndexError("blockIndexOf", `element index must have ${chunks.length} entries, one per axis; got ${list(elementIndex)}. Pass one index per axis.`);
  }
  return chunks.map((c, axis) => {
    const i = elementIndex[axis] as number;
    let s = 0;
    for (let b = 0; b < c.length; b++) {
      s += c[b] as number;
      if (Number.isInteger(i) && i >= 0 && i < s) return b;
    }
    throw new IndexError("blockIndexOf", `element index on axis ${axis} must be an integer in [0, ${s}); got ${String(i)}. Pass an index inside the array.`, axis);
  });
}

/**
 * Calls `fn` with every block index of a grid with `numBlocks` blocks per axis, in C order
 * (last axis fastest), with the flat position as second argument. The index array is reused:
 * copy it to keep it. A zero-dimensional grid has one block, `[]`.
 * @example forEachBlockIndex([2, 2], (i) => out.push([...i])) // [0,0] [0,1] [1,0] [1,1]
 */
export function forEachBlockIndex(
  numBlocks: readonly number[],
  fn: (blockIndex: readonly number[], flat: number) => void,
): void {
  if (numBlocks.some((n) => n <= 0)) return;
  const nd = numBlocks.length;
  const index = new Array<number>(nd).fill(0);
  for (let flat = 0; ; flat++) {
    fn(index, flat);
    let axis = nd - 1;
    while (axis >= 0) {
      const next = (index[axis] as number) + 1;
      if (next < (numBlocks[axis] as number)) {
        index[axis] = next;
        break;
      }
      index[axis] = 0;
      axis--;
    }
    if (axis < 0) return;
  }
}

/**
 * Whether two grids are identical (same number of axes and the same sizes everywhere).
 * @example chunksEqual([[2, 2]], [[2, 2]]) // true
 */
export function chunksEqual(a: Chunks, b: Chunks): boolean {
  return a.length === b.length && a.every((c, axis) => {
    const d = b[axis] as readonly number[];
    return c.length === d.length && c.every((v, i) => v === d[i]);
  });
}

/**
 * The largest chunk size per axis: the shape of the biggest block (dask's `chunksize`).
 * @example maxChunkShape([[4, 4, 2], [3]]) // [4, 3]
 */
export function maxChunkShape(chunks: Chunks): number[] {
  return chunks.map((c) => Math.max(0, ...c));
}

function checkBlockIndex(fn: string, chunks: Chunks, blockIndex: readonly number[]): void {
  if (blockIndex.length !== chunks.length) {
    throw new IndexError(fn, `block index must have ${chunks.length} entries, one per axis; got ${list(blockIndex)}. Pass one block number per axis.`);
  }
  chunks.forEach((c, axis) => {
    const b = blockIndex[axis] as number;
    if (!Number.isInteger(b) || b < 0 || b >= c.length) {
      throw new IndexError(fn, `block index on axis ${axis} must be an integer in [0, ${c.length}); got ${String(b)}. The grid has ${c.length} blocks on that axis.`, axis);
    }
  });
}
