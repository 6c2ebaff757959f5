/**
 * Rechunk geometry: which pieces of which old blocks make up each new block (what dask's
 * `rechunk` computes with `intersect_chunks`). A task for new block `b` allocates the block
 * and copies every piece of `rechunkPieces(plan, b)` into it; the pieces tile it exactly once.
 * Zero-size chunks contribute no pieces. Pure index arithmetic, no data.
 * @module
 */
import { ChunkError } from "../core/errors.js";
import type { Chunks, Region } from "./grid.js";
import { list } from "./util.js";

/** One axis of a piece: old block `oldBlock`, `[start, stop)` within it, `[newStart, newStop)` within the new block. */
export interface AxisPiece {
  readonly oldBlock: number;
  readonly start: number;
  readonly stop: number;
  readonly newStart: number;
  readonly newStop: number;
}

/** One piece of a new block: a slice of one old block copied to a slice of the new block. */
export interface RechunkPiece {
  /** Index of the old block to read. */
  readonly oldBlock: number[];
  /** The part of the old block to copy (relative to that block). */
  readonly oldSlice: Region;
  /** Where it goes in the new block (relative to the new block). */
  readonly newSlice: Region;
}

/** Per-axis intersection tables from {@link rechunkPlan}; plain data. */
export interface RechunkPlan {
  readonly oldChunks: Chunks;
  readonly newChunks: Chunks;
  /** `axes[axis][newBlock]`: the old-block pieces of that new block along that axis. */
  readonly axes: readonly (readonly (readonly AxisPiece[])[])[];
}

/**
 * For every new chunk along one axis, the old chunks it overlaps and the overlapping ranges.
 * Trusts its input (both lists sum to the same length).
 * @example axisRechunkPieces([4, 6], [6, 4])
 * // [[{oldBlock: 0, start: 0, stop: 4, newStart: 0, newStop: 4},
 * //   {oldBlock: 1, start: 0, stop: 2, newStart: 4, newStop: 6}],
 * //  [{oldBlock: 1, start: 2, stop: 6, newStart: 0, newStop: 4}]]
 */
export function axisRechunkPieces(oldChunks: readonly number[], newChunks: readonly number[]): AxisPiece[][] {
  const out: AxisPiece[][] = [];
  let ob = 0;
  let oldStart = 0; // global start of old block `ob`
  let newStart = 0;
  for (const size of newChunks) {
    const pieces: AxisPiece[] = [];
    const newStop = newStart + size;
    let pos = newStart;
    while (pos < newStop) {
      const oldSize = oldChunks[ob] as number;
      if (oldStart + oldSize <= pos) {
        oldStart += oldSize;
        ob++;
        continue;
      }
      const stop = Math.min(newStop, oldStart + oldSize);
      pieces.push({ oldBlock: ob, start: pos - oldStart, stop: stop - oldStart, newStart: pos - newStart, newStop: stop - newStart });
      pos = stop;
    }
    out.push(pieces);
    newStart = newStop;
  }
  return out;
}

/**
 * The pieces of `[start, stop)` of one axis, by block: which blocks a halo read or a slice
 * touches. Positions are relative to each block and to `start`.
 * @throws {ChunkError} if the range is not inside the axis
 * @example axisRangePieces([4, 4, 2], 3, 9)
 * // [{oldBlock: 0, start: 3, stop: 4, newStart: 0, newStop: 1},
 * //  {oldBlock: 1, start: 0, stop: 4, newStart: 1, newStop: 5},
 * //  {oldBlock: 2, start: 0, stop: 1, newStart: 5, newStop: 6}]
 */
export function axisRangePieces(chunks: readonly number[], start: number, stop: number): AxisPiece[] {
  const n = chunks.reduce((s, c) => s + c, 0);
  if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop > n || start > stop) {
    throw new ChunkError("axisRangePieces", `range must satisfy 0 <= start <= stop <= ${n}; got [${String(start)}, ${String(stop)}). Pass a range inside the axis.`);
  }
  const out: AxisPiece[] = [];
  let s = 0;
  chunks.forEach((size, b) => {
    const lo = Math.max(start, s);
    const hi = Math.min(stop, s + size);
    if (hi > lo) out.push({ oldBlock: b, start: lo - s, stop: hi - s, newStart: lo - start, newStop: hi - start });
    s += size;
  });
  return out;
}

/**
 * Plans a rechunk from `oldChunks` to `newChunks` (both normalised, same shape).
 * @throws {ChunkError} if the grids differ in number of axes or axis lengths
 * @example
 * const plan = rechunkPlan([[4, 6]], [[6, 4]]);
 * rechunkPieces(plan, [0]).length; // 2: all of old block 0 and the first 2 of old block 1
 */
export function rechunkPlan(oldChunks: Chunks, newChunks: Chunks): RechunkPlan {
  const fn = "rechunkPlan";
  if (oldChunks.length !== newChunks.length) {
    throw new ChunkError(fn, `new chunks must have one entry per axis (${oldChunks.length}); got ${newChunks.length}. Rechunk never changes the number of axes.`);
  }
  const axes = oldChunks.map((old, axis) => {
    const next = newChunks[axis] as readonly number[];
    const a = old.reduce((s, c) => s + c, 0);
    const b = next.reduce((s, c) => s + c, 0);
    if (a !== b) {
      throw new ChunkError(fn, `new chunks on axis ${axis} must sum to the axis length ${a}; got ${list(next)} (sum ${b}). Rechunk never changes the shape.`, axis);
    }
    return axisRechunkPieces(old, next);
  });
  return { oldChunks, newChunks, axes };
}

/**
 * The pieces that make up new block `newBlockIndex`: the product of its per-axis pieces,
 * in C order of the old blocks.
 * @throws {ChunkError} if the block index is out of range
 * @example rechunkPieces(rechunkPlan([[2, 2]], [[4]]), [0])
 * // [{ oldBlock: [0], oldSlice: { start: [0], stop: [2] }, newSlice: { start: [0], stop: [2] } },
 * //  { oldBlock: [1], oldSlice: { start: [0], stop: [2] }, newSlice: { start: [2], stop: [4] } }]
 */
export function rechunkPieces(plan: RechunkPlan, newBlockIndex: readonly number[]): RechunkPiece[] {
  if (newBlockIndex.length !== plan.axes.length) {
    throw new ChunkError("rechunkPieces", `block index must have one entry per axis (${plan.axes.length}); got ${list(newBlockIndex)}. Pass one block number per axis.`);
  }
  const perAxis = plan.axes.map((table, axis) => {
    const b = newBlockIndex[axis] as number;
    const row = Number.isInteger(b) ? table[b] : undefined;
    if (row === undefined) {
      throw new ChunkError("rechunkPieces", `block index on axis ${axis} must be an integer in [0, ${table.length}); got ${String(b)}. Pass a block of the new grid.`, axis);
    }
    return row;
  });
  let out: RechunkPiece[] = [{ oldBlock: [], oldSlice: { start: [], stop: [] }, newSlice: { start: [], stop: [] } }];
  for (const row of perAxis) {
    const next: RechunkPiece[] = [];
    for (const piece of out) {
      for (const p of row) {
        next.push({
          oldBlock: [...piece.oldBlock, p.oldBlock],
          oldSlice: { start: [...piece.oldSlice.start, p.start], stop: [...piece.oldSlice.stop, p.stop] },
          newSlice: { start: [...piece.newSlice.start, p.newStart], stop: [...piece.newSlice.stop, p.newStop] },
        });
      }
    }
    out = next;
  }
  return out;
}
