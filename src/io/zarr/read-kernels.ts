/**
 * The task kernel behind `fromZarr`: reads one rectangular region of a Zarr array, touching
 * only the chunks that overlap it. Its params are JSON (store ref, array path, region), so any
 * worker re-opens the store itself. Missing chunks read as the fill value (Zarr semantics);
 * a present chunk that does not decode to exactly its chunk's size is an error naming its key.
 * @module
 */
import * as zarr from "zarrita";
import type { AbsolutePath } from "zarrita";
import type { DataType } from "../../core/dtype.js";
import { copyInto, emptyBlock, sizeOf, type Block } from "../../core/ndarray.js";
import { index as view } from "../../core/views.js";
import { defineKernel } from "../../graph/kernel.js";
import { ZarrError, reason } from "./errors.js";
import { chunkKeyOf, type ArrayInfo } from "./metadata.js";
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
  /** The stored chunks are blosc frames: check their header before decoding (blosc decodes a truncated frame silently). */
  readonly bloscFrames: boolean;
}

// Not exported, so the published .d.ts never names zarrita's types.
type ZArray = zarr.Array<zarr.DataType, zarr.Readable>;
const arrays = new Map<string, Promise<ZArray>>();
const FN = "fromZarr";

/** Opens (once per thread and metadata version) the zarrita array a read task names. */
function openArray(p: Pick<ReadRegionParams, "store" | "path" | "format" | "token" | "bloscFrames">): Promise<ZArray> {
  const key = JSON.stringify([p.store, p.path, p.token, p.bloscFrames]);
  let a = arrays.get(key);
  if (a === undefined) {
    const store = openStore(FN, p.store);
    const checked = p.bloscFrames ? bloscChecked(store, p.path) : store;
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
 * A view of `store` that checks every chunk it returns is one whole blosc frame: the header's
 * compressed size (bytes 12..15) must equal the bytes read. numcodecs.js's blosc returns
 * garbage for a truncated frame instead of failing, so this is what keeps a damaged chunk
 * from being read as data.
 */
function bloscChecked(store: ZarrStore, path: string): ZarrStore {
  return {
    get: async (key: AbsolutePath, options?: { signal?: AbortSignal }) => {
      const bytes = await store.get(key, options);
      if (bytes === undefined || /(^|\/)(\.zarray|\.zattrs|\.zgroup|zarr\.json)$/.test(key)) return bytes;
      const cbytes = bytes.length >= 16 ? new DataView(bytes.buffer, bytes.byteOffset, 16).getUint32(12, true) : -1;
      if (cbytes !== bytes.length) {
        throw new ZarrError(FN, `chunk ${JSON.stringify(key.slice(1))} must be a complete blosc frame; got ${bytes.length} bytes where its header says ${cbytes < 0 ? "nothing (no header)" : cbytes}. The chunk file is truncated or corrupt: restore it, or delete it to read the fill value`, { kind: "corrupt-chunk", path, chunkKey: key.slice(1) });
      }
      return bytes;
    },
  };
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
  const key = keyOf(p.path, chunkKeyOf(p, coords)).slice(1);
  const where = `chunk ${JSON.stringify(key)} of ${describeStore(p.store)}`;
  let chunk: zarr.Chunk<zarr.DataType>;
  try {
    chunk = await arr.getChunk([...coords], signal ? { signal } : undefined);
  } catch (e) {
    if (signal?.aborted || e instanceof ZarrError) throw e;
    throw new ZarrError(FN, `${where} must decode with the array's codecs; got ${reason(e)}. The chunk file is corrupt or truncated: restore it, or delete it to read the fill value`, { kind: "corrupt-chunk", path: p.path, chunkKey: key, cause: e });
  }
  const want = sizeOf(p.chunks);
  const data = chunk.data instanceof zarr.BoolArray ? new Uint8Array(chunk.data.buffer, chunk.data.byteOffset, chunk.data.length) : chunk.data;
  if (!ArrayBuffer.isView(data) || (data as ArrayLike<number>).length !== want) {
    const got = ArrayBuffer.isView(data) ? `${(data as ArrayLike<number>).length} elements` : "non-numeric data";
    throw new ZarrError(FN, `${where} must hold ${want} elements (chunk shape ${JSON.stringify(p.chunks)}); got ${got}. The chunk file is truncated or corrupt: restore it, or delete it to read the fill value`, { kind: "corrupt-chunk", path: p.path, chunkKey: key });
  }
  return { dtype: p.dtype, data: data as Block["data"], shape: [...p.chunks], stride: chunk.stride, offset: 0 } as Block;
}
