/**
 * Chunk unification, as `dask.array.core.unify_chunks` and `common_blockdim`: arrays that share
 * an axis label get the common refinement of their chunks on it (the union of their chunk
 * boundaries), so every unified block lies inside exactly one block of each input and a
 * blockwise task can read it with at most a slice, never a concatenation. An axis of length 1
 * broadcasts against any length and keeps its single chunk, as in dask.
 * @module
 */
import { BroadcastError, ChunkError } from "../core/errors.js";
import { chunksEqual, type Chunks, type Region } from "./grid.js";
import { axisRechunkPieces, type AxisPiece } from "./rechunk-plan.js";
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
}

/** The result of {@link unifyChunks}. */
export interface UnifiedChunks {
  /** Every label, in order of first appearance. */
  readonly labels: readonly string[];
  /** Unified chunks of each label, in the order of `labels`. */
  readonly chunks: Chunks;
  /** Unified chunks by label. */
  readonly byLabel: Readonly<Record<string, readonly number[]>>;
  /** Each input's chunks after unification (a broadcast length-1 axis stays `[1]`). */
  readonly arrays: Chunks[];
  /** Whether each input needs a rechunk (its new chunks differ from the old). */
  readonly changed: boolean[];
  /** Each input's original chunks and labels. */
  readonly inputs: readonly { readonly labels: readonly string[]; readonly chunks: Chunks }[];
}

/**
 * Unifies the chunks of several arrays whose axes carry labels (dask's
 * `unify_chunks(x, "ij", y, "jk")` is `unifyChunks([{ labels: "ij", chunks: x }, ...])`).
 * @throws {BroadcastError} if two arrays give one label different lengths, neither being 1
 * @throws {ChunkError} if an array has a different number of labels than axes
 * @example
 * const u = unifyChunks([{ labels: "i", chunks: [[5, 2, 3]] }, { labels: "i", chunks: [[2, 3, 5]] }]);
 * u.byLabel.i; // [2, 3, 2, 3]
 */
export function unifyChunks(inputs: readonly UnifyInput[]): UnifiedChunks {
  const fn = "unifyChunks";
  const normal = inputs.map((input, k) => {
    const labels = typeof input.labels === "string" ? [...input.labels] : [...input.labels];
    if (labels.length !== input.chunks.length) {
      throw new ChunkError(fn, `array ${k} must have one label per axis (${input.chunks.length}); got ${list(labels)}. Give ${input.chunks.length} labels.`);
    }
    return { labels, chunks: input.chunks };
  });
  const order: string[] = [];
  const unified = new Map<string, { chunks: number[]; length: number; owner: number }>();
  normal.forEach(({ labels, chunks }, k) => {
    labels.forEach((label, axis) => {
      const c = chunks[axis] as readonly number[];
      const n = sum(c);
      const seen = unified.get(label);
      if (seen === undefined) {
        order.push(label);
        unified.set(label, { chunks: [...c], length: n, owner: k });
        return;
      }
      if (n !== seen.length && n !== 1 && seen.length !== 1) {
        const shapes = [normal[seen.owner], normal[k]].map((x) => (x as { chunks: Chunks }).chunks.map(sum));
        throw new BroadcastError(fn, `axis '${label}' of array ${k} must have length ${seen.length} like array ${seen.owner}, or 1 to broadcast; got ${n}. Make the lengths of '${label}' agree.`, shapes, axis);
      }
      if (n === 1 && seen.length !== 1) return;
      if (seen.length === 1 && n !== 1) unified.set(label, { chunks: [...c], length: n, owner: k });
      else seen.chunks = commonRefinement(seen.chunks, c);
    });
  });
  const byLabel: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
  for (const label of order) byLabel[label] = (unified.get(label) as { chunks: number[] }).chunks;
  const arrays = normal.map(({ labels, chunks }) =>
    labels.map((label, axis) => {
      const c = chunks[axis] as readonly number[];
      return sum(c) === 1 && c.length === 1 ? [1] : (byLabel[label] as number[]);
    }),
  );
  const changed = arrays.map((a, k) => !chunksEqual(a, (normal[k] as { chunks: Chunks }).chunks));
  return { labels: order, chunks: order.map((l) => byLabel[l] as number[]), byLabel, arrays, changed, inputs: normal };
}

/** Where one input's part of a unified block comes from. */
export interface BlockSource {
  /** The input's original block holding it. */
  readonly block: number[];
  /** The slice of that block to take (relative to the block). */
  readonly slice: Region;
  /** True when the slice is the whole block (no slicing task needed). */
  readonly whole: boolean;
}

/**
 * For a unified block (one block number per label, in the order of `unified.labels`), the
 * source block and slice within it of every input, so a blockwise task reads original blocks
 * directly instead of a rechunked copy. Broadcast length-1 axes always read block 0.
 * @throws {ChunkError} if the block index has the wrong length or is out of range
 * @example
 * const u = unifyChunks([{ labels: "i", chunks: [[4, 6]] }, { labels: "i", chunks: [[6, 4]] }]);
 * unifiedBlockSources(u, [1]); // [{ block: [1], slice: { start: [0], stop: [2] }, whole: false },
 *                              //  { block: [0], slice: { start: [4], stop: [6] }, whole: false }]
 */
export function unifiedBlockSources(unified: UnifiedChunks, blockIndex: readonly number[]): BlockSource[] {
  const fn = "unifiedBlockSources";
  if (blockIndex.length !== unified.labels.length) {
    throw new ChunkError(fn, `block index must have one entry per label ${list(unified.labels)}; got ${list(blockIndex)}. Pass ${unified.labels.length} block numbers.`);
  }
  const at = new Map<string, number>();
  unified.labels.forEach((label, i) => {
    const b = blockIndex[i] as number;
    const n = (unified.chunks[i] as readonly number[]).length;
    if (!Number.isInteger(b) || b < 0 || b >= n) {
      throw new ChunkError(fn, `block number of '${label}' must be an integer in [0, ${n}); got ${String(b)}. Pass a block of the unified grid.`);
    }
    at.set(label, b);
  });
  return unified.inputs.map(({ labels, chunks }, k) => {
    const target = unified.arrays[k] as Chunks;
    const block: number[] = [];
    const start: number[] = [];
    const stop: number[] = [];
    let whole = true;
    labels.forEach((label, axis) => {
      const t = target[axis] as readonly number[];
      const piece = sourcePiece(chunks[axis] as readonly number[], t, t.length === 1 ? 0 : (at.get(label) as number));
      block.push(piece.oldBlock);
      start.push(piece.start);
      stop.push(piece.stop);
      whole &&= piece.start === 0 && piece.stop === (chunks[axis] as readonly number[])[piece.oldBlock];
    });
    return { block, slice: { start, stop }, whole };
  });
}

const pieceCache = new WeakMap<readonly number[], WeakMap<readonly number[], AxisPiece[][]>>();

/** The one old block a refined block lies in (cached per pair of axis chunk lists). */
function sourcePiece(old: readonly number[], refined: readonly number[], b: number): AxisPiece {
  if (old.length === refined.length && old.every((v, i) => v === refined[i])) {
    const size = old[b] as number;
    return { oldBlock: b, start: 0, stop: size, newStart: 0, newStop: size };
  }
  let inner = pieceCache.get(old);
  if (inner === undefined) pieceCache.set(old, (inner = new WeakMap()));
  let pieces = inner.get(refined);
  if (pieces === undefined) inner.set(refined, (pieces = axisRechunkPieces(old, refined)));
  const list = pieces[b] as AxisPiece[];
  // A zero-size refined block has no piece: read an empty slice of the nearest old block.
  return list.find((p) => p.stop > p.start) ?? list[0] ?? emptyPiece(old, refined, b);
}

function emptyPiece(old: readonly number[], refined: readonly number[], b: number): AxisPiece {
  let pos = 0;
  for (let i = 0; i < b; i++) pos += refined[i] as number;
  let s = 0;
  for (let ob = 0; ob < old.length; ob++) {
    const size = old[ob] as number;
    if (pos <= s + size && (pos < s + size || ob === old.length - 1)) return { oldBlock: ob, start: pos - s, stop: pos - s, newStart: 0, newStop: 0 };
    s += size;
  }
  return { oldBlock: 0, start: 0, stop: 0, newStart: 0, newStop: 0 };
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
