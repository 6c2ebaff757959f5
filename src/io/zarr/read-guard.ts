/**
 * The reads a chunk task makes through a store object, held to what the store was asked: a
 * store that fails (a server's 403 behind a FetchStore, a permission error) is reported as the
 * store's failure, never as a corrupt chunk; a shard index entry that is not a byte range a
 * store can serve is refused before anything is requested; and a byte range that comes back
 * with another length (a truncated shard, or a server that ignored the Range header and sent
 * the whole file) is an error, never data. chunkwise's own URL store makes these checks itself,
 * with the shard's size; this is the same floor for every other store.
 * @module
 */
import { ZarrError, reason } from "./errors.js";
import { describeStore, type StoreKey, type StoreRef, type ZarrStore } from "./store.js";

const FN = "fromZarr";
type Range = { offset: number; length: number } | { suffixLength: number };

/** `store` with its failures and byte ranges checked as this module says; `path` is the array's. */
export function guardedReads(store: ZarrStore, ref: StoreRef, path: string): ZarrStore {
  // chunkwise's URL store (http-store.ts) makes these checks itself, against the shard's size.
  if ("url" in ref) return store;
  const where = (key: StoreKey): string => `${JSON.stringify(key.slice(1))} of ${describeStore(ref)}`;
  const failed = (key: StoreKey, e: unknown, signal?: AbortSignal): unknown => {
    if (signal?.aborted || e instanceof ZarrError) return e;
    const options = "local" in ref && ref.fetchStore !== undefined ? ", and the FetchStore's request options (headers, credentials)" : "";
    return new ZarrError(FN, `key ${where(key)} must be readable; got ${reason(e)}. Check the store's permissions or connection${options}`, { kind: "store", path, chunkKey: key.slice(1), cause: e });
  };
  const guarded: ZarrStore = {
    get: async (key, options) => {
      try {
        return await store.get(key, options);
      } catch (e) {
        throw failed(key, e, options?.signal);
      }
    },
  };
  const getRange = store.getRange?.bind(store);
  if (getRange === undefined) return guarded;
  guarded.getRange = async (key: StoreKey, range: Range, options?: { signal?: AbortSignal }) => {
    const [offset, length] = "suffixLength" in range ? [undefined, range.suffixLength] : [range.offset, range.length];
    const span = offset === undefined ? `the last ${length} bytes` : `bytes ${offset}-${offset + length - 1}`;
    if (offset !== undefined && !(Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length > 0)) {
      throw new ZarrError(FN, `shard index entry (offset ${offset}, length ${length}) of ${where(key)} must be a non-empty byte range at offsets below 2^53; got one that is not. The shard's index is corrupt: restore the shard from a good copy of the store`, { kind: "corrupt-chunk", path, chunkKey: key.slice(1) });
    }
    let bytes: Uint8Array | undefined;
    try {
      bytes = await getRange(key, range, options);
    } catch (e) {
      throw failed(key, e, options?.signal);
    }
    if (bytes !== undefined && bytes.length !== length) {
      throw new ZarrError(FN, `${span} of ${where(key)} must come back as ${length} bytes; got ${bytes.length}. The shard is truncated (restore it from a good copy of the store), or the store ignored the byte range (an HTTP server must answer Range requests with 206 Partial Content)`, { kind: "corrupt-chunk", path, chunkKey: key.slice(1) });
    }
    return bytes;
  };
  return guarded;
}
