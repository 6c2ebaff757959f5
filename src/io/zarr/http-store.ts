/**
 * The store behind an http(s) URL: zarrita's `FetchStore` semantics (404 is a missing key,
 * `fetch`'s defaults, redirects followed) with answers that say what the server did. A status
 * other than 200/206/404 is reported as the server's answer (not as a corrupt chunk); a server
 * that ignores a Range request (200 with the whole body instead of 206) is named as such; and
 * a shard's index entries are checked against the shard's size (from its HEAD) before any
 * byte range is requested, so a forged index cannot send a request past the file or make
 * `Number` round an offset past 2^53.
 * @module
 */
import { ZarrError } from "./errors.js";
import type { StoreKey, ZarrStore } from "./store.js";

const FN = "fromZarr";

/** The URL of `key` under the store's root URL (a directory: a trailing "/" is implied; the root's query is kept). */
function urlOf(root: string, key: string): string {
  const base = new URL(root);
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  const url = new URL(key.slice(1), base);
  url.search = base.search;
  return url.href;
}

/** A read-only store over HTTP(S) with the checks described in this module. */
export class HttpStore implements ZarrStore {
  /** Each shard's size in bytes, from the HEAD of its latest index read. */
  private readonly sizes = new Map<string, number>();

  constructor(readonly url: string) {}

  async get(key: StoreKey, options: { signal?: AbortSignal } = {}): Promise<Uint8Array | undefined> {
    const res = await this.fetch(key, "GET", undefined, options.signal);
    return res === undefined ? undefined : new Uint8Array(await res.arrayBuffer());
  }

  async getRange(key: StoreKey, range: { offset: number; length: number } | { suffixLength: number }, options: { signal?: AbortSignal } = {}): Promise<Uint8Array | undefined> {
    // The index read (a suffix) asks the size afresh, so a shard re-written since is measured
    // with the index read with it; the entries' reads that follow check against that size.
    const size = await this.sizeOf(key, options.signal, "suffixLength" in range);
    if (size === undefined) return undefined;
    let offset: number, length: number;
    if ("suffixLength" in range) {
      if (range.suffixLength > size) {
        throw new ZarrError(FN, `shard ${urlOf(this.url, key)} must hold at least its index's ${range.suffixLength} bytes; got ${size} bytes. The shard is truncated: restore it from a good copy of the store`, { kind: "corrupt-chunk", chunkKey: key.slice(1) });
      }
      [offset, length] = [size - range.suffixLength, range.suffixLength];
    } else {
      ({ offset, length } = range);
      if (!(Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length > 0 && offset + length <= size)) {
        throw new ZarrError(FN, `shard index entry (offset ${offset}, length ${length}) of ${urlOf(this.url, key)} must lie inside the shard's ${size} bytes (a non-empty range, offsets below 2^53); got one outside it. The shard's index is corrupt: restore the shard from a good copy of the store`, { kind: "corrupt-chunk", chunkKey: key.slice(1) });
      }
    }
    const res = await this.fetch(key, "GET", `bytes=${offset}-${offset + length - 1}`, options.signal);
    if (res === undefined) return undefined;
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (res.status === 200 && !(offset === 0 && bytes.length === length)) {
      throw new ZarrError(FN, `the server must answer HTTP Range requests (206 Partial Content); got 200 with the whole body (${bytes.length} bytes) for bytes ${offset}-${offset + length - 1} of ${urlOf(this.url, key)}. Serve the Zarr from a server that supports Range requests (sharded arrays need them)`, { kind: "store", chunkKey: key.slice(1) });
    }
    if (bytes.length !== length) {
      throw new ZarrError(FN, `the server must answer bytes ${offset}-${offset + length - 1} of ${urlOf(this.url, key)} with ${length} bytes; got ${bytes.length}. The shard is truncated or the server is misbehaving: check the file on the server`, { kind: "corrupt-chunk", chunkKey: key.slice(1) });
    }
    return bytes;
  }

  /** The size of `key` from a HEAD request (the last one made, unless `fresh`), or undefined when it is missing. */
  private async sizeOf(key: StoreKey, signal: AbortSignal | undefined, fresh: boolean): Promise<number | undefined> {
    const known = fresh ? undefined : this.sizes.get(key);
    if (known !== undefined) return known;
    const res = await this.fetch(key, "HEAD", undefined, signal);
    if (res === undefined) return undefined;
    const size = Number(res.headers.get("content-length") ?? NaN);
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new ZarrError(FN, `the server must send the Content-Length of ${urlOf(this.url, key)} in answer to HEAD (sharded arrays need each shard's size); got ${JSON.stringify(res.headers.get("content-length"))}. Serve the Zarr from a server that sends it`, { kind: "store", chunkKey: key.slice(1) });
    }
    this.sizes.set(key, size);
    return size;
  }

  /** The response to a request for `key`, undefined on 404; any status but 200/206 is an error naming it. */
  private async fetch(key: StoreKey, method: "GET" | "HEAD", range: string | undefined, signal: AbortSignal | undefined): Promise<Response | undefined> {
    const url = urlOf(this.url, key);
    const res = await fetch(url, { method, ...(range === undefined ? {} : { headers: { Range: range } }), ...(signal === undefined ? {} : { signal }) });
    if (res.status === 404) return undefined;
    if (res.status === 200 || res.status === 206) return res;
    await res.body?.cancel().catch(() => undefined);
    const advice = res.status >= 500
      ? "The server failed: try again later (compute's retries option retries the read)"
      : "Check the URL and that the server lets this page or process read it (authentication, CORS)";
    throw new ZarrError(FN, `the server must answer ${method} ${url} with 200${range === undefined ? "" : " or 206"}; got ${res.status}${res.statusText === "" ? "" : ` ${res.statusText}`}. ${advice}`, { kind: "store", chunkKey: key.slice(1) });
  }
}
