/**
 * `fromZarr(store, { path, chunks })`, as `dask.array.from_zarr`: a lazy array over a Zarr v2
 * or v3 array. Opening reads only metadata; each block is one task that reads only the Zarr
 * chunks it overlaps (by default exactly one chunk per block, ragged edges exact).
 * @module
 */
import { normalizeChunks, blockRegion, forEachBlockIndex, numBlocks, type ChunksInput } from "../../chunks/grid.js";
import { ChunkedArray } from "../../array/chunked-array.js";
import type { DataType } from "../../core/dtype.js";
import { graphWith } from "../../graph/graph.js";
import { tokenize } from "../../graph/hash.js";
import { kernelRefOf } from "../../graph/kernel.js";
import { blockKey, type Task } from "../../graph/task.js";
import { ZarrError } from "./errors.js";
import { refuseForeignLayout } from "./foreign-layouts.js";
import { arrayInfo, checkReadable, readNode } from "./metadata.js";
import { readZarrRegion, type ReadRegionParams } from "./read-kernels.js";
import { checkNodePath, describeStore, listKeys, storeRefOf, type StoreInput } from "./store.js";

/** Options of {@link fromZarr}. */
export interface FromZarrOptions {
  /** The array inside the store, e.g. `"data"` or `"group/array"`; default `""` (the store root). */
  path?: string;
  /**
   * The chunking of the lazy array; default: the Zarr chunks (one block per chunk). Any
   * chunking works: a block reads exactly the chunks it overlaps. `"auto"` keeps multiples
   * of the Zarr chunks.
   */
  chunks?: ChunksInput;
  /** Cancels opening: every metadata read is given it, and opening rejects with its reason (an AbortError) as soon as it aborts, even if a server never answers. */
  signal?: AbortSignal;
}

const FN = "fromZarr";

/**
 * Opens a Zarr array lazily. Reads Zarr v2 and v3, C and F order, `.` and `/` chunk keys,
 * arrays in groups and shards; compressors blosc (any shuffle; lz4, lz4hc, blosclz, zstd, zlib
 * inside), zstd, lz4, gzip, zlib; filters delta (with `astype`), fixedscaleoffset, shuffle,
 * bitround; v3 codecs bytes, transpose, crc32c, sharding_indexed. Anything else is refused here,
 * at open. Missing chunks read as the fill value; a chunk that fails its codec's own checks
 * (header sizes, stream bounds, checksums) or its size fails the compute with a
 * {@link ZarrError} of kind "corrupt-chunk" naming its key, never returns data.
 * @param store - a directory path, an http(s) URL, or a zarrita store (in-memory stores run inline only)
 * @param options - `path` of the array in the store, `chunks` of the lazy array
 * @returns a ChunkedArray whose blocks read the store when computed
 * @throws {ZarrError} when nothing or a group is at `path` (the message lists the arrays of a
 *   group), the store is N5 or the Zarr v3 draft layout, the path would leave the store, or the
 *   dtype, a filter or a codec is unsupported
 * @example
 * ```ts
 * import { fromZarr } from "chunkwise/zarr";
 * const imgs = await fromZarr("AOLLSMData_m4_raw.zarr", { path: "data" });
 * const block = await imgs.blocks([0, 0]).compute();
 * ```
 */
export async function fromZarr(store: StoreInput, options: FromZarrOptions = {}): Promise<ChunkedArray> {
  const path = checkNodePath(FN, options.path ?? "");
  const ref = storeRefOf(FN, store);
  const { signal } = options;
  signal?.throwIfAborted();
  const node = await readNode(FN, ref, path, signal);
  const at = `${describeStore(ref)}${path === "" ? "" : `/${path}`}`;
  if (node.kind === "none") {
    await refuseForeignLayout(FN, ref, path, signal);
    throw new ZarrError(FN, `path ${JSON.stringify(path)} must hold a Zarr array (.zarray or zarr.json); got nothing at ${at}. Check the store and path${await childHint(ref, path, signal)}`, { kind: "not-found", path });
  }
  if (node.kind === "group") {
    throw new ZarrError(FN, `path ${JSON.stringify(path)} must be a Zarr array; got a group (${node.file}). Pass the path of an array inside it${await childHint(ref, path, signal)}`, { kind: "not-an-array", path });
  }
  const info = arrayInfo(FN, node, path);
  const dtype: DataType = checkReadable(FN, info, node.file, path);
  const chunks = normalizeChunks(options.chunks ?? info.chunks, info.shape, { dtype, previousChunks: info.chunks });
  const token = tokenize(node.meta);
  const name = `fromZarr-${tokenize(ref, path, token, chunks)}`;
  const tasks = new Map<string, Task>();
  forEachBlockIndex(numBlocks(chunks), (bi) => {
    const key = blockKey(name, bi);
    const region = blockRegion(chunks, bi);
    const params: ReadRegionParams = { store: ref, path, format: info.format, token, dtype, chunks: info.chunks, keyEncoding: info.keyEncoding, region, ...(info.shardShape ? { shardShape: info.shardShape } : {}) };
    tasks.set(key, {
      key,
      kernel: kernelRefOf(readZarrRegion)!,
      args: [],
      params,
      ctx: { blockIndex: [...bi], location: region.start.map((s, ax) => [s, region.stop[ax]!]), shape: info.shape },
      expect: { op: FN, shapes: [region.stop.map((s, ax) => s - region.start[ax]!)], dtypes: [dtype], several: false },
    });
  });
  return new ChunkedArray({ name, shape: info.shape, dtype, chunks, graph: graphWith({ name, tasks }) });
}

/** "; nodes below it: a, b/c" (v2 arrays, v3 arrays and groups) when the store can list, to say which paths would work. */
async function childHint(ref: Parameters<typeof listKeys>[1], path: string, signal: AbortSignal | undefined): Promise<string> {
  const keys = await listKeys(FN, ref, path).catch(() => undefined);
  signal?.throwIfAborted();
  if (keys === undefined) return "";
  const arrays = keys.filter((k) => k.endsWith(".zarray") || k.endsWith("zarr.json")).map((k) => k.replace(/\/?(\.zarray|zarr\.json)$/, ""))
    .filter((k) => k !== "");
  const shown = [...new Set(arrays)].slice(0, 10).map((k) => (path === "" ? k : `${path}/${k}`));
  return shown.length > 0 ? `; nodes below it: ${shown.join(", ")}` : "";
}
