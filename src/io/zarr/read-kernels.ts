/**
 * The task kernel behind `fromZarr`: reads one rectangular region of a Zarr array, touching
 * only the chunks that overlap it. Its params are JSON (store ref, array path, region), so any
 * worker re-opens the store itself. Missing chunks read as the fill value (Zarr semantics);
 * every chunk is decoded by the checked codecs (checked-codecs.ts), and a present chunk that
 * fails a codec's own checks or does not decode to exactly its chunk's size is an error naming
 * its key, never data.
 * @module
 */
import * as zarr from "zarrita";
import type { AbsolutePath } from "zarrita";
import type { DataType } from "../../core/dtype.js";
import { copyInto, emptyBlock, sizeOf, type Block } from "../../core/ndarray.js";
import { index as view } from "../../core/views.js";
import { defineKernel } from "../../graph/kernel.js";
import { ZarrError, reason } from "./errors.js";
import { CorruptData, checkedMetadata } from "./checked-codecs.js";
import { chunkKeyOf, type ArrayInfo } from "./metadata.js";
import { guardedReads } from "./read-guard.js";
import { describeStore, keyOf, openStore, type StoreRef, type ZarrStore } from "./store.js";

/** The JSON params of one read task. */
export interface ReadRegionParams {
  readonly store: StoreRef;
  readonly path: string;
  readonly format: 2 | 3;
  /** Hash of the metadata seen when the graph was built (the array cache key). */
  readonly token: string;
  readonly dtype: DataType;
  readonly chunks: readonly number[];
  readonly keyEncoding: ArrayInfo["keyEncoding"];
  readonly region: { readonly start: readonly number[]; readonly stop: readonly number[] };
  /** For sharded arrays, the shard shape (`chunks` is the inner chunk shape): errors name the shard file. */
  readonly shardShape?: readonly number[];
}

// Not exported, so the published .d.ts never names zarrita's types.
type ZArray = zarr.Array<zarr.DataType, zarr.Readable>;
const arrays = new Map<string, Promise<ZArray>>();
const FN = "fromZarr";

/** Opens (once per thread and metadata version) the zarrita array a read task names. */
function openArray(p: Pick<ReadRegionParams, "store" | "path" | "format" | "token">): Promise<ZArray> {
  const key = JSON.stringify([p.store, p.path, p.token]);
  let a = arrays.get(key);
  if (a === undefined) {
    const checked = checkedStore(guardedReads(openStore(FN, p.store), p.store, p.path));
    // ZarrStore is zarrita's Readable, declared structurally (sync or async in one type).
    const loc = zarr.root(checked as zarr.Readable).resolve(p.path === "" ? "/" : `/${p.path}`);
    a = (p.format === 3 ? zarr.open.v3(loc, { kind: "array" }) : zarr.open.v2(loc, { kind: "array", attrs: false })) as Promise<ZArray>;
    a.catch(() => arrays.delete(key));
    if (arrays.size > 256) arrays.delete(arrays.keys().next().value!);
    arrays.set(key, a);
  }
  return a;
}

/**
 * A view of `store` whose metadata names chunkwise's checked codecs (see checked-codecs.ts), so
 * that no chunk is decoded without its format's consistency checks. Chunk bytes pass through.
 */
function checkedStore(store: ZarrStore): ZarrStore {
  const view: ZarrStore = {
    get: async (key: AbsolutePath, options?: { signal?: AbortSignal }) => {
      const bytes = await store.get(key, options);
      return bytes === undefined ? bytes : checkedMetadata(key, bytes);
    },
  };
  const getRange = store.getRange?.bind(store);
  if (getRange !== undefined) view.getRange = async (key, range, options) => getRange(key, range, options);
  return view;
}

/** Reads `params.region` of the array into a new C-contiguous block. */
export const readZarrRegion = defineKernel(import.meta.url, "readZarrRegion", async (params: ReadRegionParams, ctx: { signal?: AbortSignal }): Promise<Block> => {
  const { region, chunks, dtype } = params;
  const shape = region.start.map((s, ax) => region.stop[ax]! - s);
  const out = emptyBlock(dtype, shape);
  if (sizeOf(shape) === 0) return out;
  const arr = await openArray(params);
  const first = region.start.map((s, ax) => Math.floor(s / chunks[ax]!));
  const last = region.stop.map((s, ax) => Math.floor((s - 1) / chunks[ax]!));
  const coords = [...first];
  for (;;) {
    ctx.signal?.throwIfAborted();
    const chunk = await readChunk(arr, params, coords, ctx.signal);
    // The overlap of this chunk with the region, in chunk and in output coordinates.
    const from = coords.map((c, ax) => {
      const lo = Math.max(region.start[ax]!, c * chunks[ax]!);
      const hi = Math.min(region.stop[ax]!, (c + 1) * chunks[ax]!);
      return { lo, hi, c0: c * chunks[ax]! };
    });
    copyInto(
      view(out, from.map((f, ax) => ({ start: f.lo - region.start[ax]!, stop: f.hi - region.start[ax]! }))),
      view(chunk, from.map((f) => ({ start: f.lo - f.c0, stop: f.hi - f.c0 }))),
    );
    let ax = coords.length - 1;
    while (ax >= 0 && coords[ax] === last[ax]) coords[ax] = first[ax--]!;
    if (ax < 0) break;
    coords[ax]!++;
  }
  return out;
});

/** One decoded chunk as a block (F-order chunks keep their strides), checked for size. */
async function readChunk(arr: ZArray, p: ReadRegionParams, coords: readonly number[], signal?: AbortSignal): Promise<Block> {
  const shard = p.shardShape?.map((s, ax) => Math.floor((coords[ax]! * p.chunks[ax]!) / s));
  const key = keyOf(p.path, chunkKeyOf(p, shard ?? coords)).slice(1);
  const where = shard === undefined ? `chunk ${JSON.stringify(key)} of ${describeStore(p.store)}` : `inner chunk ${JSON.stringify(coords)} of shard ${JSON.stringify(key)} of ${describeStore(p.store)}`;
  let chunk: zarr.Chunk<zarr.DataType>;
  try {
    chunk = await arr.getChunk([...coords], signal ? { signal } : undefined);
  } catch (e) {
    if (signal?.aborted || e instanceof ZarrError) throw e;
    if (e instanceof RangeError) {
      // An allocation failure says nothing about the chunk's bytes: it is the chunk shape that is too large here.
      throw new ZarrError(FN, `${where} must fit in memory as one array of chunk shape ${JSON.stringify(p.chunks)}; got ${e.message}. Re-write the array with smaller chunks, or read it on a machine with more memory`, { kind: "metadata", path: p.path, chunkKey: key, cause: e });
    }
    throw new ZarrError(FN, `${where} must decode with the array's codecs; got ${corruptDetail(e)}. The chunk is corrupt: restore it from a good copy of the store`, { kind: "corrupt-chunk", path: p.path, chunkKey: key, cause: e });
  }
  const want = sizeOf(p.chunks);
  const data = chunk.data instanceof zarr.BoolArray ? new Uint8Array(chunk.data.buffer, chunk.data.byteOffset, chunk.data.length) : chunk.data;
  if (!ArrayBuffer.isView(data) || (data as ArrayLike<number>).length !== want) {
    const got = ArrayBuffer.isView(data) ? `${(data as ArrayLike<number>).length} elements` : "non-numeric data";
    throw new ZarrError(FN, `${where} must hold ${want} elements (chunk shape ${JSON.stringify(p.chunks)}); got ${got}. The chunk is truncated or corrupt: restore it from a good copy of the store`, { kind: "corrupt-chunk", path: p.path, chunkKey: key });
  }
  return { dtype: p.dtype, data: data as Block["data"], shape: [...p.chunks], stride: chunk.stride, offset: 0 } as Block;
}

/** The innermost reason a chunk failed to decode (zarrita wraps codec errors in its own). */
function corruptDetail(e: unknown): string {
  for (let c: unknown = e; c instanceof Error; c = c.cause) {
    if (c instanceof CorruptData) return c.message;
  }
  return reason(e);
}
