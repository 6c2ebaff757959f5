/**
 * What a queued task may read and write (`--stores`): URL prefixes by origin and path, read
 * and TIFF tasks inside the directories, and I/O kernels only as a task's own kernel.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ValueError } from "../../src/core/errors.js";
import { DistributedError } from "../../src/executors/distributed/distributed-error.js";
import { checkTaskStores, storePolicy, urlAllowed } from "../../src/executors/distributed/task-stores.js";
import { kernelRefOf } from "../../src/graph/kernel.js";
import type { Task } from "../../src/graph/task.js";
import { identity } from "../../src/graph/block-kernels.js";
import { imreadBlock } from "../../src/io/tiff/imread.js";
import { readZarrRegion } from "../../src/io/zarr/read-kernels.js";
import { writeZarrChunk } from "../../src/io/zarr/write-kernels.js";

const root = realpathSync(mkdtempSync(join(tmpdir(), "chunkwise-stores-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, "data"));
mkdirSync(join(root, "secret"));
mkdirSync(join(root, "data", "a.zarr"));
symlinkSync(join(root, "secret"), join(root, "data", "link"));
const policy = storePolicy(["data", "https://zarr.example.org/public/", "http://127.0.0.1:8080/z"], root);

describe("urlAllowed", () => {
  it.each([
    ["https://zarr.example.org/public/a.zarr", true],
    ["https://zarr.example.org/public/", true],
    ["https://ZARR.example.org:443/public/a.zarr", true],
    ["http://127.0.0.1:8080/z/a.zarr", true],
    ["http://127.0.0.1:8080/z", true],
    ["http://127.0.0.1:8080/zz/a.zarr", false],
    ["https://zarr.example.org/private/a.zarr", false],
    ["https://zarr.example.org/public/../private/", false],
    ["https://zarr.example.org/public/%2e%2e/private/", false],
    ["https://zarr.example.org/public/%2E%2E/private/", false],
    ["http://zarr.example.org/public/a.zarr", false],
    ["https://zarr.example.org:8443/public/a.zarr", false],
    ["https://zarr.example.org.evil.net/public/a.zarr", false],
    ["https://zarr.example.org@169.254.169.254/public/", false],
    ["https://user:pw@zarr.example.org/public/a.zarr", false],
    ["http://169.254.169.254/latest/meta-data/", false],
    ["http://127.0.0.1:6379/", false],
    ["file:///etc/passwd", false],
    ["not a url", false],
  ])("%s: %s", (url, want) => {
    expect(urlAllowed(url, policy.urls)).toBe(want);
  });
});

describe("storePolicy", () => {
  it("directories by real path, URLs as prefixes", () => {
    expect(policy.dirs).toEqual([join(root, "data")]);
    expect(policy.urls.map(String)).toEqual(["https://zarr.example.org/public/", "http://127.0.0.1:8080/z"]);
  });

  it.each([
    [["missing"], "every --stores directory must exist"],
    [["ftp://h/x"], "must be a plain http:// or https:// prefix"],
    [["https://u:p@h/x"], "must be a plain http:// or https:// prefix"],
    [["https://h/x?a=1"], "must be a plain http:// or https:// prefix"],
  ])("%j is refused", (entries, message) => {
    expect(() => storePolicy(entries, root)).toThrow(ValueError);
    expect(() => storePolicy(entries, root)).toThrow(message);
  });
});

// Well-formed params (the worker checks their shape first), so only the store is on trial.
const read = (store: unknown, path = "a"): Task => ({
  key: "r[0]", kernel: kernelRefOf(readZarrRegion)!, args: [],
  params: { store, path, format: 2, token: "t", dtype: "uint8", chunks: [1], region: { start: [0], stop: [1] }, keyEncoding: { v2: true, separator: "." } },
});
const tiff = (path: string): Task => ({ key: "i[0]", kernel: kernelRefOf(imreadBlock)!, args: [], params: { path, shape: [1], dtype: "uint8", first: path } });

describe("checkTaskStores", () => {
  it.each([
    ["a URL store under a prefix", read({ url: "https://zarr.example.org/public/a.zarr" })],
    ["a directory store inside", read({ fs: join(root, "data", "a.zarr") }, "g/a")],
    ["a TIFF file inside", tiff(join(root, "data"))],
  ])("allows %s", async (_, task) => {
    await checkTaskStores(task, policy);
  });

  it.each([
    ["a URL store outside the prefixes", read({ url: "http://169.254.169.254/latest/" }), "URL stores must lie under the URL prefixes"],
    ["a directory store outside", read({ fs: join(root, "secret") }), "must lie inside the directories this worker was started with (--stores)"],
    ["a directory store through a link out", read({ fs: join(root, "data", "link") }), "(really"],
    ["an in-process store", read({ local: "local-1" }), "must be a directory ({ fs }) or a URL ({ url })"],
    ["an array path with '..'", read({ url: "https://zarr.example.org/public/a.zarr" }, "../../private"), "path must stay inside the store"],
    ["a TIFF file outside", tiff("/etc/passwd"), "must lie inside the directories"],
    ["a read inside a fused task", { key: "f[0]", kernel: kernelRefOf(identity)!, args: [{ task: read({ url: "http://127.0.0.1:6379/" }) }] } as Task, "URL stores must lie under"],
    ["a chunk writer as a function argument", { key: "f[0]", kernel: kernelRefOf(identity)!, args: [{ fn: kernelRefOf(writeZarrChunk)! }] } as Task, "kernels that read or write files must be a task's own kernel"],
  ])("refuses %s", async (_, task, message) => {
    const err = await checkTaskStores(task, policy).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DistributedError);
    expect((err as DistributedError).kind).toBe("refused");
    expect((err as Error).message).toContain(message);
    expect((err as Error).message).toMatch(/^worker: (?!worker: )/);
  });

  it("without --stores, any directory or URL store is allowed, but chunk writes are still checked", async () => {
    await checkTaskStores(read({ url: "http://169.254.169.254/" }), undefined);
    const write: Task = { key: "w[0]", kernel: kernelRefOf(writeZarrChunk)!, args: [], params: { store: { fs: join(root, "data") }, key: "/.bashrc", dtype: "uint8", blockShape: [1], chunkShape: [1], fill: 0, compressor: null } };
    await expect(checkTaskStores(write, undefined)).rejects.toThrow("no chunk of any array there");
  });
});
