/**
 * Chunk unification, the one alignment every blockwise operation goes through (graph/'s
 * `blockwise`, and `mapOverlap` before it adds halos), as `dask.array.core.unify_chunks` and
 * `common_blockdim`: arrays that share an axis label get the common refinement of their chunks
 * on it (the union of their chunk boundaries), so every unified block lies inside exactly one
 * block of each input and a blockwise task reads it with at most a slice, never a
 * concatenation. An axis of length 1 in one chunk broadcasts against any length and keeps its
 * chunk, as in dask. It lives in chunks/ because it is chunk arithmetic on plain lists; the
 * rechunk tasks that realise it are graph/'s.
 * @module
 */
import { BroadcastError, ChunkError } from "../core/errors.js";
import { chunksEqual, type Chunks } from "./grid.js";
import { ensureMinimumChunksize } from "./overlap.js";
import { list } from "./util.js";

/**
 * The common refinement of two chunkings of one axis: the union of their boundaries
 * (dask's `common_blockdim`). When one already refines the other it is returned unchanged
 * (zero-size chunks included); a length-1 axis (`[1]`) broadcasts and yields the other.
 * @throws {ChunkError} if the two sum to different lengths and neither is `[1]`
 * @example
 * commonRefinement([5, 2, 3], [2, 3, 5]); // [2, 3, 2, 3]
 * commonRefinement([1], [4, 4]);          // [4, 4]
 */
export function commonRefinement(a: readonly number[], b: readonly number[]): number[] {
  const fn = "commonRefinement";
  const na = sum(a);
  const nb = sum(b);
  if (na === 1 && a.length === 1) return [...b];
  if (nb === 1 && b.length === 1) return [...a];
  if (na !== nb) {
    throw new ChunkError(fn, `both chunkings must cover the same length; got ${list(a)} (sum ${na}) and ${list(b)} (sum ${nb}). Pass chunks of one axis length, or length 1 to broadcast.`);
  }
  const ba = boundaries(a);
  const bb = boundaries(b);
  if (isSubset(bb, ba)) return [...a];
  if (isSubset(ba, bb)) return [...b];
  const cuts = [...new Set([...ba, ...bb])].sort((x, y) => x - y);
  return cuts.slice(1).map((c, i) => c - (cuts[i] as number));
}

/** One array taking part in {@link unifyChunks}: its chunks and a label per axis. */
export interface UnifyInput {
  /** One label per axis (`["i", "j"]`), or a string with one character per axis (`"ij"`). */
  readonly labels: string | readonly string[];
  readonly chunks: Chunks;
  /**
   * Per axis, the smallest chunk this array needs where its axis is split (a halo depth):
   * the unified chunks of that label merge smaller ones as dask's `ensure_minimum_chunksize`
   * does before `overlap`. Default none.
   */
  readonly minChunk?: readonly number[];
}

/** Options of {@link unifyChunks}. */
export interface UnifyOptions {
  /** The public function named in errors (default `"unifyChunks"`). */
  readonly op?: string;
  /** Labels to hold in one chunk (those a blockwise kernel contracts, dask's `concatenate=True`). */
  readonly merge?: readonly string[];
  /**
   * Let a one-chunk axis whose length differs from the label's split axes keep its one block,
   * read by every unified block (mapOverlap's PSF held whole against a split image). Default
   * false: against split axes only length 1 broadcasts, as in dask.
   */
  readonly broadcastOneChunk?: boolean;
}

/** The result of {@link unifyChunks}. */
export interface UnifiedChunks {
  /** Every label, in order of first appearance. */
  readonly labels: readonly string[];
  /** Unified chunks of each label, in the order of `labels`. */
  readonly chunks: Chunks;
  /** Unified chunks by label. */
  readonly byLabel: Readonly<Record<string, readonly number[]>>;
  /**
   * Each input's chunks after unification: the label's unified chunks, or its own single
   * chunk where that axis broadcasts (its one block serves every unified block).
   */
  readonly arrays: Chunks[];
  /** Whether each input needs a rechunk (its new chunks differ from the old). */
  readonly changed: boolean[];
}

/** One array's axis carrying a label. */
interface Member {
  readonly k: number;
  readonly axis: number;
  readonly chunks: readonly number[];
  readonly length: number;
  readonly minChunk: number;
}

/**
 * Unifies the chunks of several arrays whose axes carry labels, as dask's `unify_chunks`
 * (`unify_chunks(x, "ij", y, "jk")` is `unifyChunks([{ labels: "ij", chunks: x }, ...])`) with
 * `common_blockdim` per label. On a label where some arrays are split into several chunks,
 * those must agree in length and get their common refinement, which a one-chunk axis of that
 * length adopts too; a one-chunk axis of length 1 broadcasts (keeps `[1]`). Where every array
 * holds the label in one chunk, each keeps its block and the label takes the longest (length
 * 1 yields even to 0), so blocks pair one to one as dask's `max(blockdims, key=first)`.
 * Every unified block then lies inside exactly one block of each input's new chunks, and
 * (without `minChunk`) inside exactly one block of its old chunks.
 * @throws {BroadcastError} if split axes of one label differ in length, or a one-chunk axis
 *   differs from them and is not length 1 (unless `broadcastOneChunk`)
 * @throws {ChunkError} if an array has a different number of labels than axes
 * @example
 * const u = unifyChunks([{ labels: "i", chunks: [[5, 2, 3]] }, { labels: "i", chunks: [[2, 3, 5]] }]);
 * u.byLabel.i; // [2, 3, 2, 3]
 */
export function unifyChunks(inputs: readonly UnifyInput[], options: UnifyOptions = {}): UnifiedChunks {
  const op = options.op ?? "unifyChunks";
  const members = new Map<string, Member[]>();
  const labelsOf = inputs.map((input, k) => {
    const labels = typeof input.labels === "string" ? [...input.labels] : [...input.labels];
    if (labels.length !== input.chunks.length) {
      throw new ChunkError(op, `array ${k} must have one label per axis (${input.chunks.length}); got ${list(labels)}. Give ${input.chunks.length} labels.`);
    }
    labels.forEach((label, axis) => {
      const chunks = input.chunks[axis] as readonly number[];
      const member = { k, axis, chunks, length: sum(chunks), minChunk: input.minChunk?.[axis] ?? 0 };
      const list = members.get(label);
      if (list === undefined) members.set(label, [member]);
      else list.push(member);
    });
    return labels;
  });
  const shapes = (): number[][] => inputs.map((x) => x.chunks.map(sum));
  const byLabel: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
  const joins = new Set<string>();
  for (const [label, list] of members) {
    const unified = unifyLabel(op, list, options, shapes);
    byLabel[label] = options.merge?.includes(label) === true ? [sum(unified.chunks)] : unified.chunks;
    for (const m of unified.joined) joins.add(`${m.k}/${m.axis}`);
  }
  const arrays = inputs.map((input, k) =>
    (labelsOf[k] as string[]).map((label, axis) => (joins.has(`${k}/${axis}`) ? [...(byLabel[label] as number[])] : [...(input.chunks[axis] as readonly number[])])),
  );
  const labels = [...members.keys()];
  return {
    labels,
    chunks: labels.map((l) => byLabel[l] as number[]),
    byLabel,
    arrays,
    changed: arrays.map((a, k) => !chunksEqual(a, (inputs[k] as UnifyInput).chunks)),
  };
}

/** The unified chunks of one label and the members that take them (the rest keep their block). */
function unifyLabel(op: string, list: readonly Member[], options: UnifyOptions, shapes: () => number[][]): { chunks: number[]; joined: Member[] } {
  const split = list.filter((m) => m.chunks.length > 1);
  const first = split[0];
  if (first === undefined) {
    // All in one chunk: pair the blocks one to one; length 1 broadcasts even against 0.
    const longest = list.reduce((a, m) => (a.length === 1 ? (m.length !== 1 ? m : a) : m.length !== 1 && m.length > a.length ? m : a));
    return { chunks: [...longest.chunks], joined: [] };
  }
  const length = first.length;
  for (const m of split) {
    if (m.length !== length) {
      throw new BroadcastError(op, `axis ${m.axis} of array ${m.k} must have the same length as axis ${first.axis} of array ${first.k} when both are split into blocks; got ${m.length} and ${length}. Rechunk one of them to a single chunk, or make the lengths agree`, shapes(), m.axis);
    }
  }
  const joined = list.filter((m) => m.chunks.length > 1 || (m.length === length && m.length !== 1));
  for (const m of list) {
    if (m.chunks.length === 1 && m.length !== length && m.length !== 1 && options.broadcastOneChunk !== true) {
      throw new BroadcastError(op, `axis ${m.axis} of array ${m.k} must have the same length as axis ${first.axis} of array ${first.k}, which is split into blocks, or length 1 to broadcast; got ${m.length} and ${length}. Rechunk array ${first.k} to a single chunk on that axis, or make the lengths agree`, shapes(), m.axis);
    }
  }
  let chunks = split.slice(1).reduce((acc, m) => commonRefinement(acc, m.chunks), [...first.chunks]);
  const deepest = Math.min(length, Math.max(0, ...joined.map((m) => m.minChunk)));
  if (deepest > 0) chunks = ensureMinimumChunksize(deepest, [chunks])[0] as number[];
  return { chunks, joined };
}

function sum(c: readonly number[]): number {
  let s = 0;
  for (const v of c) s += v;
  return s;
}

function boundaries(c: readonly number[]): number[] {
  const out = [0];
  let s = 0;
  for (const v of c) out.push((s += v));
  return out;
}

/** Whether every boundary in `a` (sorted) is in `b` (sorted). */
function isSubset(a: readonly number[], b: readonly number[]): boolean {
  const set = new Set(b);
  return a.every((x) => set.has(x));
}
