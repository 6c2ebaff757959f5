/**
 * A zarrita FetchStore made with request options (here `overrides.headers`, an auth header a
 * real server demands) is read through the user's own object: every request carries the
 * header. Executors whose workers cannot receive the object refuse it with a message naming
 * the options, never re-opening its URL without them.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FetchStore } from "zarrita";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskError } from "../../../src/core/errors.js";
import { fromTypedArray, toFlatArray } from "../../../src/core/ndarray.js";
import type { ChunkedArray } from "../../../src/array/chunked-array.js";
import { fromArray } from "../../../src/array/creation.js";
import { DistributedError } from "../../../src/executors/distributed/distributed-error.js";
import { checkTaskStores } from "../../../src/executors/distributed/task-stores.js";
import { threads } from "../../../src/executors/threads/threads.js";
import { kernelRefOf } from "../../../src/graph/kernel.js";
import { compute } from "../../../src/schedule/compute.js";
import { inline } from "../../../src/schedule/inline.js";
import { fromZarr, toZarr, ZarrError } from "../../../src/io/zarr/index.js";
import { readZarrRegion } from "../../../src/io/zarr/read-kernels.js";
import { storeRefOf } from "../../../src/io/zarr/store.js";

const TOKEN = "Bearer t0ken";
const dir = mkdtempSync(join(tmpdir(), "chunkwise-fetch-opts-"));
const values = Float32Array.from({ length: 48 }, (_, i) => i * 0.5 - 3);
let server: Server;
let url = "";
/** Each request as `METHOD path authorized?`. */
const requests: string[] = [];

beforeAll(async () => {
  await toZarr(fromArray(fromTypedArray("float32", values, [6, 8]), { chunks: [3, 4] }), join(dir, "a.zarr"), { executor: inline() });
  server = createServer((req, res) => {
    const ok = req.headers.authorization === TOKEN;
    requests.push(`${req.method} ${req.url} ${ok ? "authorized" : "anonymous"}`);
    if (!ok) return res.writeHead(403).end("a token is required");
    const file = join(dir, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    if (!file.startsWith(dir + "/") || !statSync(file, { throwIfNoEntry: false })?.isFile()) return res.writeHead(404).end();
    res.writeHead(200).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/a.zarr`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const withToken = (): FetchStore => new FetchStore(url, { overrides: { headers: { authorization: TOKEN } } });

describe("a FetchStore with request options", () => {
  it("reads through the user's object: every request carries its header, the values are the array's", async () => {
    requests.length = 0;
    const a = await fromZarr(withToken());
    const got = await compute(a as ChunkedArray, { executor: inline() });
    expect([...toFlatArray(got)]).toEqual([...values]);
    expect(requests.length).toBeGreaterThan(4);
    expect(requests.filter((r) => !r.endsWith(" authorized"))).toEqual([]);
  });

  it("without the header (a FetchStore or the URL string), the server's 403 fails the open with a ZarrError saying what the server answered", async () => {
    for (const store of [new FetchStore(url), url]) {
      const err = await fromZarr(store).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ZarrError);
      expect((err as Error).message).toMatch(/^fromZarr: .* must .*; got .*403/);
    }
  });

  it("threads: refused with a message naming the request options and the ways out; no request goes out without the header", async () => {
    requests.length = 0;
    const a = await fromZarr(withToken());
    const pool = threads({ workers: 1 });
    try {
      const err = await compute(a as ChunkedArray, { executor: pool }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TaskError);
      // The thread's ZarrError comes back by name and fields (the thread wire revives only core error classes).
      const cause = (err as TaskError).cause as ZarrError;
      expect([cause.name, cause.kind]).toEqual(["ZarrError", "store"]);
      expect(cause.message).toContain(`got the zarrita FetchStore local-`);
      expect(cause.message).toContain(`of ${url}, whose request options (overrides such as headers or credentials, a custom fetch, useSuffixRequest) live only in the process that made it`);
      expect(cause.message).toContain("Compute with the inline executor");
    } finally {
      await pool.close();
    }
    expect(requests.filter((r) => !r.endsWith(" authorized"))).toEqual([]);
  });

  it("distributed: a worker refuses a task naming a FetchStore before anything is read, with the same message", async () => {
    const store = storeRefOf("fromZarr", withToken());
    expect(store).toEqual({ local: expect.stringMatching(/^local-\d+$/), fetchStore: url });
    const task = {
      key: "r[0]", kernel: kernelRefOf(readZarrRegion)!, args: [],
      params: { store, path: "", format: 2, token: "t", dtype: "float32", chunks: [3, 4], region: { start: [0, 0], stop: [3, 4] }, keyEncoding: { v2: true, separator: "." } },
    };
    const err = await checkTaskStores(task, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DistributedError);
    expect((err as DistributedError).kind).toBe("refused");
    expect((err as Error).message).toContain(`whose request options (overrides such as headers or credentials, a custom fetch, useSuffixRequest) live only in the process that made it, and chunkwise never reads its URL without them`);
    expect((err as Error).message).toContain("(task 'r[0]')");
  });
});
