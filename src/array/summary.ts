/**
 * dask's summary of an array: bytes of the array and of one chunk, shape, chunk shape, the
 * number of tasks and chunks, and the dtype.
 * @module
 */
import { itemSize } from "../core/dtype.js";
import { numBlocks } from "../chunks/grid.js";
import type { ArrayMeta } from "../graph/blockwise.js";
import { taskCount } from "../graph/graph.js";
import { formatBytes } from "../core/format-bytes.js";

/** The summary rows, for tables and JSON output. */
export interface Summary {
  readonly bytes: number;
  readonly chunkBytes: number;
  readonly shape: readonly number[];
  readonly chunkShape: readonly number[];
  readonly tasks: number;
  readonly chunks: number;
  readonly dtype: string;
}

/** The figures of {@link describe}. */
export function summarize(x: ArrayMeta): Summary {
  const chunkShape = x.chunks.map((c) => Math.max(0, ...c));
  const per = itemSize(x.dtype);
  return {
    bytes: x.shape.reduce((a, b) => a * b, 1) * per,
    chunkBytes: chunkShape.reduce((a, b) => a * b, 1) * per,
    shape: x.shape,
    chunkShape,
    tasks: taskCount(x.graph),
    chunks: numBlocks(x.chunks).reduce((a, b) => a * b, 1),
    dtype: x.dtype,
  };
}

const tuple = (s: readonly number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(", ")})`);

/**
 * dask's table as text:
 * ```
 *          Array       Chunk
 * Bytes    188.74 GB   316.15 MB
 * Shape    (3, 199, 201, 1024, 768)   (1, 1, 201, 1024, 768)
 * Count    598 Tasks   597 Chunks
 * Type     uint16      numpy.ndarray
 * ```
 */
export function describe(x: ArrayMeta): string {
  const s = summarize(x);
  const rows: [string, string, string][] = [
    ["", "Array", "Chunk"],
    ["Bytes", formatBytes(s.bytes), formatBytes(s.chunkBytes)],
    ["Shape", tuple(s.shape), tuple(s.chunkShape)],
    ["Count", `${s.tasks} Tasks`, `${s.chunks} Chunks`],
    ["Type", s.dtype, "Block"],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd()).join("\n");
}
