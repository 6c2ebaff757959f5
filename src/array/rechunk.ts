/**
 * `rechunk(x, chunks)`, as dask's `Array.rechunk`: each new block is assembled from the old
 * blocks that overlap it (one task per new block, reading only those blocks).
 * @module
 */
import { normalizeChunks, type ChunksInput } from "../chunks/grid.js";
import type { DataType } from "../core/dtype.js";
import { ChunkError } from "../core/errors.js";
import { rechunkMeta } from "../graph/blockwise.js";
import { ChunkedArray } from "./chunked-array.js";

/**
 * A new chunking of the same data. `chunks` is a number, a shape, explicit per-axis sizes,
 * `-1`/`null` for a whole axis, `"auto"`, or `{ axis: chunks }` for some axes (the others keep theirs).
 * @throws {ChunkError} for chunks that do not tile the shape, or record keys that are not axes
 * @example rechunk(x, { 0: 1, 1: -1 })
 */
export function rechunk<D extends DataType>(x: ChunkedArray<D>, chunks: ChunksInput): ChunkedArray<D> {
  let spec: ChunksInput = chunks;
  if (typeof chunks === "object" && chunks !== null && !Array.isArray(chunks)) {
    const record = chunks as Readonly<Record<number, unknown>>;
    // A key that is not an axis is an error: ignoring it would make { 5: 2 } on a 2-D array a silent no-op.
    for (const key of Object.keys(record)) {
      const ax = Number(key);
      if (!Number.isInteger(ax) || ax < 0 || ax >= x.ndim) {
        throw new ChunkError("rechunk", `chunks record keys must be axes 0..${x.ndim - 1}; got ${JSON.stringify(key)}. Use axis numbers as keys`, Number.isInteger(ax) ? ax : undefined);
      }
    }
    spec = x.chunks.map((c, ax) => (ax in record ? record[ax] : [...c])) as ChunksInput;
  }
  const target = normalizeChunks(spec, x.shape, { dtype: x.dtype, previousChunks: x.chunks.map((c) => [...c]) });
  return new ChunkedArray(rechunkMeta(x, target));
}
