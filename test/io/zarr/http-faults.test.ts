/**
 * What fromZarr says when a server misbehaves: a 403/500 is the server's answer (not a
 * corrupt chunk), a server that ignores Range requests is named, and a shard index entry
 * outside the shard, past 2^53 or empty is refused before its byte range is requested.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskError } from "../../../src/core/errors.js";
import { toFlatArray } from "../../../src/core/ndarray.js";
import { compute } from "../../../src/schedule/compute.js";
import { inline } from "../../../src/schedule/inline.js";
import { fromZarr, ZarrError } from "../../../src/io/zarr/index.js";
import type { ChunkedArray } from "../../../src/array/chunked-array.js";
import { FetchStore } from "zarrita";

/** A v3 float32 array of 4 elements in one shard of one inner chunk, index (uncompressed, no checksum) at the end. */
const META = JSON.stringify({
  zarr_format: 3, node_type: "array", shape: [4], data_type: "float32", fill_value: 0, attributes: {},
  chunk_grid: { name: "regular", configuration: { chunk_shape: [4] } },
  chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
  codecs: [{ name: "sharding_indexed", configuration: { chunk_shape: [4], codecs: [{ name: "bytes", configuration: { endian: "little" } }], index_codecs: [{ name: "bytes", configuration: { endian: "little" } }], index_location: "end" } }],
});

function shard(offset: bigint, length: bigint): Buffer {
  const b = Buffer.alloc(32);
  new Float32Array(b.buffer, b.byteOffset, 4).set([1, 2, 3, 4]);
  b.writeBigUInt64LE(offset, 16);
  b.writeBigUInt64LE(length, 24);
  return b;
}

const SHARDS: Record<string, Buffer> = {
  ok: shard(0n, 16n),
  norange: shard(0n, 16n),
  outside: shard(8n, 1000n),
  huge: shard(2n ** 60n, 16n),
  empty: shard(0n, 0n),
};

let server: Server;
let base = "";
const requests: string[] = [];

function answer(req: IncomingMessage): { status: number; body?: Buffer | string; headers?: Record<string, string> } {
  const [, mode, ...rest] = (req.url ?? "").split("/");
  const file = rest.join("/");
  const status = /^status-(\d+)$/.exec(mode ?? "");
  if (status && file === "a/c/0") return { status: Number(status[1]), body: "no" };
  if (file === "a/zarr.json") return { status: 200, body: META };
  if (file !== "a/c/0") return { status: 404 };
  const body = SHARDS[status ? "ok" : mode!];
  if (body === undefined) return { status: 404 };
  const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
  if (range === null || mode === "norange") return { status: 200, body, headers: { "content-length": String(body.length) } };
  const [s, e] = [Number(range[1]), Math.min(Number(range[2]), body.length - 1)];
  return { status: 206, body: body.subarray(s, e + 1), headers: { "content-range": `bytes ${s}-${e}/${body.length}` } };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.range ?? ""}`.trim());
    const a = answer(req);
    res.writeHead(a.status, a.headers ?? {});
    res.end(req.method === "HEAD" ? undefined : a.body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

async function failure(mode: string, store: (url: string) => string | FetchStore = (url) => url): Promise<ZarrError> {
  const a = await fromZarr(store(`${base}/${mode}/a`));
  const e = await compute(a as ChunkedArray, { executor: inline() }).then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(TaskError);
  expect((e as TaskError).cause).toBeInstanceOf(ZarrError);
  return (e as TaskError).cause as ZarrError;
}

describe("fromZarr over HTTP names what the server did", () => {
  it("a well-behaved server: the sharded array reads [1, 2, 3, 4]", async () => {
    const b = await compute(await fromZarr(`${base}/ok/a`) as ChunkedArray, { executor: inline() });
    expect([...toFlatArray(b)]).toEqual([1, 2, 3, 4]);
  });

  it.each([
    [403, "Forbidden", "Check the URL and that the server lets this page or process read it (authentication, CORS)"],
    [500, "Internal Server Error", "The server failed: try again later (compute's retries option retries the read)"],
  ])("a %i on the shard is the server's answer, not a corrupt chunk", async (status, text, advice) => {
    const e = await failure(`status-${status}`);
    expect(e.kind).toBe("store");
    expect(e.message).toBe(`fromZarr: the server must answer HEAD ${base}/status-${status}/a/c/0 with 200; got ${status} ${text}. ${advice}`);
  });

  it("a 500 is retried by compute's retries like any failed read", async () => {
    const before = requests.length;
    const a = await fromZarr(`${base}/status-500/a`);
    await expect(compute(a as ChunkedArray, { executor: inline(), retries: 2 })).rejects.toBeInstanceOf(TaskError);
    expect(requests.slice(before).filter((r) => r.startsWith("HEAD /status-500/a/c/0")).length).toBe(3);
  });

  it("a server that ignores Range (200 with the whole body) is named", async () => {
    const e = await failure("norange");
    expect(e.kind).toBe("store");
    expect(e.message).toContain(`fromZarr: the server must answer HTTP Range requests (206 Partial Content); got 200 with the whole body (32 bytes) for bytes 16-31 of ${base}/norange/a/c/0. Serve the Zarr from a server that supports Range requests (sharded arrays need them)`);
  });

  it.each([
    ["outside", "offset 8, length 1000"],
    ["huge", `offset ${Number(2n ** 60n)}, length 16`],
    ["empty", "offset 0, length 0"],
  ])("a shard index entry that is %s (%s) is refused before its range is requested", async (mode, entry) => {
    const before = requests.length;
    const e = await failure(mode);
    expect(e.kind).toBe("corrupt-chunk");
    expect(e.message).toContain(`fromZarr: shard index entry (${entry}) of ${base}/${mode}/a/c/0 must lie inside the shard's 32 bytes (a non-empty range, offsets below 2^53); got one outside it. The shard's index is corrupt: restore the shard from a good copy of the store`);
    // The HEAD (the shard's size) and the index: no request for the entry's range.
    expect(requests.slice(before).filter((r) => r.includes("/a/c/0"))).toEqual([`HEAD /${mode}/a/c/0`, `GET /${mode}/a/c/0 bytes=16-31`]);
  });
});

describe("the same server through a user's FetchStore (read as the user's object, without chunkwise's URL store)", () => {
  const fetchStore = (url: string): FetchStore => new FetchStore(url);

  it.each([403, 500])("a %i on the shard is the store's failure, not a corrupt chunk", async (status) => {
    const e = await failure(`status-${status}`, fetchStore);
    expect(e.kind).toBe("store");
    expect(e.message).toMatch(new RegExp(`^fromZarr: key "c/0" of the FetchStore of ${base}/status-${status}/a \\(local-\\d+\\) must be readable; got Unexpected response status ${status} .*\\. Check the store's permissions or connection, and the FetchStore's request options \\(headers, credentials\\)$`));
  });

  it.each([
    ["norange", "the last 16 bytes", "must come back as 16 bytes; got 32"],
    ["outside", "bytes 8-1007", "must come back as 1000 bytes; got 24"],
  ])("%s: a byte range that comes back with another length is refused, never decoded", async (mode, span, detail) => {
    const e = await failure(mode, fetchStore);
    expect(e.kind).toBe("corrupt-chunk");
    expect(e.message).toContain(`fromZarr: ${span} of "c/0" of the FetchStore of ${base}/${mode}/a`);
    expect(e.message).toContain(`${detail}. The shard is truncated (restore it from a good copy of the store), or the store ignored the byte range (an HTTP server must answer Range requests with 206 Partial Content)`);
  });

  it.each([
    ["huge", `offset ${Number(2n ** 60n)}, length 16`],
    ["empty", "offset 0, length 0"],
  ])("a shard index entry that is %s (%s) is refused before its range is requested", async (mode, entry) => {
    const before = requests.length;
    const e = await failure(mode, fetchStore);
    expect(e.kind).toBe("corrupt-chunk");
    expect(e.message).toContain(`fromZarr: shard index entry (${entry}) of "c/0" of the FetchStore of ${base}/${mode}/a`);
    expect(e.message).toContain("must be a non-empty byte range at offsets below 2^53; got one that is not. The shard's index is corrupt");
    expect(requests.slice(before).filter((r) => r.startsWith(`GET /${mode}/a/c/0`))).toEqual([`GET /${mode}/a/c/0 bytes=16-31`]);
  });
});
