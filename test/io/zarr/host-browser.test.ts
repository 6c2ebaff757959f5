// The browser's host for the Zarr layer (host.browser.ts, swapped in by the package.json
// browser map) against Node's (host.ts): SHA-256 as node:crypto computes it, zlib streams
// each side decodes from the other, the trailer checks and output cap Node's zlib has, the
// package version, and no file system.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import * as browser from "../../../src/io/zarr/host.browser.js";
import * as node from "../../../src/io/zarr/host.js";
import { fileSystemAccessStore, type DirectoryHandleLike } from "../../../src/io/zarr/index.js";
import { describeStore, storeRefOf } from "../../../src/io/zarr/store.js";

const bytes = fc.uint8Array({ maxLength: 3000 }).chain((random) =>
  fc.constantFrom(random, new Uint8Array(random.length).fill(7)));

describe("host.browser.ts", () => {
  it("exports what host.ts exports (the browser map swaps one for the other), plus its version", () => {
    expect(Object.keys(browser).filter((k) => k !== "PACKAGE_VERSION").sort()).toEqual(Object.keys(node).sort());
  });

  test.prop([bytes])("SHA-256 equals node:crypto's", (b) => {
    expect(browser.sha256Hex(b)).toBe(createHash("sha256").update(b).digest("hex"));
  });

  it("SHA-256 at the padding edges (55, 56, 63, 64, 65 bytes) and of nothing", () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 31) & 255);
      expect(browser.sha256Hex(b), `${n} bytes`).toBe(node.sha256Hex(b));
    }
  });

  test.prop([bytes, fc.integer({ min: 0, max: 9 })])("gzip and zlib streams decode on either host", (b, level) => {
    expect(browser.gunzip(node.gzip(b, level))).toEqual(b);
    expect(node.gunzip(browser.gzip(b, level))).toEqual(b);
    expect(browser.zlibInflate(node.zlibDeflate(b, level))).toEqual(b);
    expect(node.zlibInflate(browser.zlibDeflate(b, level))).toEqual(b);
    expect(browser.gunzip(node.gzip(b, level), b.length)).toEqual(b);
  });

  it("a corrupted CRC-32, length trailer or Adler-32 is refused, as Node's zlib refuses it", () => {
    const data = Uint8Array.from({ length: 500 }, (_, i) => i % 13);
    const gz = node.gzip(data, 6);
    const badCrc = gz.slice();
    badCrc[gz.length - 8]! ^= 1;
    expect(() => browser.gunzip(badCrc)).toThrow(/CRC-32 does not match/);
    expect(() => node.gunzip(badCrc)).toThrow();
    const badLen = gz.slice();
    badLen[gz.length - 1]! ^= 1;
    expect(() => browser.gunzip(badLen)).toThrow(/length trailer/);
    const z = node.zlibDeflate(data, 6);
    const badAdler = z.slice();
    badAdler[z.length - 1]! ^= 1;
    expect(() => browser.zlibInflate(badAdler)).toThrow(/Adler-32 does not match/);
    expect(() => node.zlibInflate(badAdler)).toThrow();
  });

  it("a stream that inflates past the cap is refused (a lying stream cannot inflate without bound)", () => {
    const big = new Uint8Array(100_000);
    expect(() => browser.gunzip(new Uint8Array(gzipSync(big)), 1000)).toThrow(/inflates past 1000 bytes/);
    expect(() => browser.zlibInflate(node.zlibDeflate(big, 9), 1000)).toThrow(/inflates past 1000 bytes/);
    expect(() => node.zlibInflate(node.zlibDeflate(big, 9), 1000)).toThrow();
  });

  it("names package.json's version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(browser.PACKAGE_VERSION).toBe(pkg.version);
    expect(browser.packageVersion()).toBe(node.packageVersion());
  });

  it("has no file system: paths are off, and a stray file-system call says what to use instead", async () => {
    expect(browser.HAS_FILE_SYSTEM).toBe(false);
    expect(node.HAS_FILE_SYSTEM).toBe(true);
    expect(() => browser.fs.readdir("/")).toThrow(/Node.js's fs module must not be used in a browser.*Open stores by URL, as in-memory Maps or with fileSystemAccessStore\(\)/);
    expect(() => new browser.FileSystemStore("/x")).toThrow(/a directory store must not be used in a browser/);
  });
});

describe("fileSystemAccessStore", () => {
  it("refuses what is not a directory handle, and keys that would leave the folder", async () => {
    expect(() => fileSystemAccessStore({} as DirectoryHandleLike)).toThrow(/^fileSystemAccessStore: folder must be a FileSystemDirectoryHandle; got object\. Pass the handle/);
    const dir: DirectoryHandleLike = {
      kind: "directory", name: "d",
      getDirectoryHandle: async () => dir,
      getFileHandle: async () => { throw Object.assign(new Error("missing"), { name: "NotFoundError" }); },
      removeEntry: async () => undefined,
      entries: async function* () {},
    };
    const store = fileSystemAccessStore(dir);
    expect(await store.get("/a/b")).toBeUndefined();
    for (const key of ["/a/../b", "/a//b", "/./a", "/a\\b"]) {
      await expect(store.get(key as `/${string}`)).rejects.toThrow(/^fileSystemAccessStore: keys must be "\/"-separated names with no empty, "\." or "\.\." parts/);
      await expect(store.set(key as `/${string}`, new Uint8Array())).rejects.toThrow(/keys must be/);
    }
  });

  it("is named in messages as the picked folder, not as an in-memory store", () => {
    const dir = { kind: "directory", name: "My results" } as unknown as DirectoryHandleLike;
    const store = fileSystemAccessStore({ ...dir, getFileHandle: async () => { throw new Error("unused"); } } as DirectoryHandleLike);
    expect(describeStore(storeRefOf("toZarr", store))).toMatch(/^the picked folder "My results" \(local-\d+\)$/);
    expect(describeStore(storeRefOf("toZarr", new Map()))).toMatch(/^the in-memory store local-\d+$/);
  });
});
