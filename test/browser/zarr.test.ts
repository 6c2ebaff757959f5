// Zarr in Chromium: the committed fixture stores (zarr-python's, zarrita.js's, an OME-Zarr
// image) read over HTTP from the local server give the recorded values; what the page writes
// to a Map reads back there and in Node (and the other way round), every compressor, both
// formats; a folder of the origin private file system works as a store (write, read,
// overwrite); a zip of a written store unzips to a store Node reads; file-system paths are
// refused in the house template.
import { mkdir, writeFile } from "node:fs/promises";
import * as nodePath from "node:path";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromZarr } from "../../src/io/zarr/index.js";
import { input } from "./cases/lazy-cases.js";
import { entriesOf, readMap, storeOf, valuesOf, writeToMap, type Entries, type WriteCase } from "./cases/zarr-cases.js";
import { startSession, type Session, type TestPage } from "./harness/session.js";
import { expected as chunkwiseFixtures, expectedBlock, tempDir } from "../io/zarr/helpers.js";
import { readFileSync } from "node:fs";
import { ROOT } from "./harness/bundle.js";

let session: Session;
let page: TestPage;
beforeAll(async () => {
  session = await startSession({ pages: ["zarr"] });
  page = await session.open("zarr");
});
afterAll(async () => {
  await session?.close();
});

/**
 * Page errors other than those a Zarr reader meets by design: 404s (metadata probes, missing
 * chunks) and the HEAD requests zarrita's FetchStore sends for a shard's size, whose empty
 * bodies Chromium reports as aborted.
 */
const unexpectedErrors = (): string[] => page.errors.filter((e) => !/\b404\b/.test(e) && !/^request failed: HEAD .*net::ERR_ABORTED/.test(e));

interface ZarritaEntry { shape: number[]; dtype: string; values: (number | boolean | string)[] | null }
const zarrita = JSON.parse(readFileSync(nodePath.join(ROOT, "test/fixtures/zarr/zarrita/expected.json"), "utf8")) as Record<"v2" | "v3", Record<string, ZarritaEntry>>;
const HELD = /^([<>|](b1|i1|i2|i4|u1|u2|u4|f4|f8)|bool|int8|int16|int32|uint8|uint16|uint32|float32|float64)$/;
const zarritaReadable = (["v2", "v3"] as const).flatMap((format) =>
  Object.entries(zarrita[format]).filter(([, e]) => HELD.test(e.dtype) && e.values !== null).map(([path, e]) => ({ format, path, e })));

describe("Zarr read over HTTP in Chromium", () => {
  it.each(Object.entries(chunkwiseFixtures))("chunkwise fixture %s", async (_name, e) => {
    const got = await page.run<{ shape: number[]; values: number[] }>("readUrl", { url: `/fixtures/zarr/${e.group}`, path: e.path });
    expect(got.shape).toEqual(e.shape);
    expect(got.values).toEqual(e.values.map(Number));
    expect(unexpectedErrors()).toEqual([]);
  });

  it("zarrita.js's fixture stores: every array chunkwise can hold, v2 and v3 (sharded too), as zarr-python / the v3 spec say", async () => {
    expect(zarritaReadable.length).toBeGreaterThanOrEqual(50);
    for (const { format, path, e } of zarritaReadable) {
      const got = await page.run<{ shape: number[]; values: number[] }>("readUrl", { url: `/fixtures/zarr/zarrita/${format}/data.zarr`, path });
      expect(got.shape, `${format}/${path}`).toEqual(e.shape);
      expect(got.values, `${format}/${path}`).toEqual(e.values!.map(Number));
    }
    expect(unexpectedErrors()).toEqual([]);
  });

  it("reads inside shards with HTTP Range requests", async () => {
    const path = "2d.chunked.ragged.compressed.sharded.i2";
    const before = session.server.requests.length;
    await page.run("readUrl", { url: "/fixtures/zarr/zarrita/v3/data.zarr", path });
    const ranged = session.server.requests.slice(before).filter((r) => r.includes(`/${path}/`) && / bytes=/.test(r));
    expect(ranged.length).toBeGreaterThan(0);
  });

  it("an OME-Zarr image written by ome-zarr-py (bioformats2raw layout), over HTTP", async () => {
    const want = (JSON.parse(readFileSync(nodePath.join(ROOT, "test/fixtures/ome-zarr/expected.json"), "utf8")) as { series: Record<string, { version: string; axes: { name: string }[]; levels: { shape: number[]; sum: number }[] }> }).series["0"]!;
    const got = await page.run<{ version: string; axes: string[]; levels: number[][]; sum: number }>("readOme", { url: "/fixtures/ome-zarr/fake-series-2.zarr", path: "0" });
    expect(got).toEqual({ version: want.version, axes: want.axes.map((a) => a.name), levels: want.levels.map((l) => l.shape), sum: want.levels[0]!.sum });
  });
});

const writeCases: WriteCase[] = [
  ...(["zstd", "zlib", "gzip", "lz4", "blosc", null] as const).map((compressor, i) => ({ format: 2 as const, compressor, shape: [7, 5], chunks: [3, 2], seed: 20 + i })),
  ...(["gzip", "zstd", "blosc", null] as const).map((compressor, i) => ({ format: 3 as const, compressor, shape: [4, 6, 3], chunks: [2, 4, 3], seed: 40 + i })),
];
const label = (c: WriteCase): string => `v${c.format} ${c.compressor ?? "uncompressed"}`;

describe("Zarr written in Chromium", () => {
  it.each(writeCases.map((c) => [label(c), c] as const))("%s: to a Map, read back in the page and in Node; Node's store read in the page", async (_l, c) => {
    const want = valuesOf(input(c.shape, c.seed));
    const fromPage = await page.run<{ values: number[]; entries: Entries }>("writeMap", c);
    expect(fromPage.values).toEqual(want);
    expect(await readMap(storeOf(fromPage.entries))).toEqual(want);
    expect(await page.run("readEntries", entriesOf(await writeToMap(c)))).toEqual(want);
    expect(unexpectedErrors()).toEqual([]);
  });

  it.each([writeCases[0]!, writeCases[6]!].map((c) => [label(c), c] as const))("%s: to a picked folder (origin private file system), overwritten with other chunks", async (_l, c) => {
    const got = await page.run<{ first: number[]; second: number[]; keys: string[]; missing: boolean }>("folderRoundTrip", c);
    expect(got.first).toEqual(valuesOf(input(c.shape, c.seed)));
    expect(got.second).toEqual(valuesOf(input(c.shape, c.seed + 1)));
    expect(got.missing).toBe(true);
    const chunkKeys = got.keys.filter((k) => k.startsWith("/out/a/") && !/\/(\.zarray|\.zattrs|zarr\.json)$/.test(k));
    expect(chunkKeys).toEqual(c.format === 2 ? ["/out/a/0.0"] : ["/out/a/c/0/0/0"]);
    expect(got.keys.filter((k) => /\.tmp-|chunkwise-lease/.test(k))).toEqual([]);
    expect(unexpectedErrors()).toEqual([]);
  });

  it("a zip of a written Map unzips to a store Node reads", async () => {
    const c = writeCases[1]!;
    const bytes = Uint8Array.from(await page.run<number[]>("zipped", c));
    const dir = nodePath.join(tempDir("chunkwise-zip-"), "x.zarr");
    for (const [name, data] of Object.entries(unzipSync(bytes))) {
      await mkdir(nodePath.dirname(nodePath.join(dir, name)), { recursive: true });
      await writeFile(nodePath.join(dir, name), data);
    }
    expect(valuesOf(await (await fromZarr(dir, { path: "a" })).compute())).toEqual(valuesOf(input(c.shape, c.seed)));
  });
});

describe("the docs/browser.md example in Chromium", () => {
  it("runs on a Zarr of several chunks per axis (blosc_lz4_shuffle: shape [7,9], chunks [3,4]), values clipped at 1000", async () => {
    const e = chunkwiseFixtures["blosc_lz4_shuffle"]!;
    const got = await page.run<{ values: number[]; chunks: number[][]; zipBytes: number }>("docExample", { url: `/fixtures/zarr/${e.group}`, path: e.path });
    expect(got.chunks).toEqual([[3, 3, 1], [4, 4, 1]]);
    expect(got.values).toEqual(valuesOf(expectedBlock(e)).map((v) => Math.fround(Math.min(v, 1000))));
    expect(got.zipBytes).toBeGreaterThan(0);
    expect(unexpectedErrors()).toEqual([]);
  });
});

describe("file-system paths in Chromium", () => {
  it("fromZarr and toZarr refuse them with the way to go", async () => {
    const got = await page.run<{ name: string; kind: string; message: string }[]>("refusePaths");
    expect(got.map((g) => [g.name, g.kind])).toEqual([["ZarrError", "store"], ["ZarrError", "store"], ["ZarrError", "store"], ["ZarrError", "store"]]);
    expect(got[0]!.message).toMatch(/^fromZarr: store must be an http\(s\) URL, an in-memory store \(e\.g\. a Map\) or fileSystemAccessStore\(folder\) in a browser; got the path "data\.zarr", and a web page has no file system\. Serve the Zarr over HTTP/);
    expect(got[1]!.message).toMatch(/^toZarr: store must be .* got the path "\/tmp\/out\.zarr"/);
    expect(got[2]!.message).toMatch(/^fromZarr: store must be .* got the file: URL "file:\/\/\/data\/x\.zarr", and a web page cannot read files by URL\./);
    // A URL is read-only; in a page the way out is a Map or a picked folder, not a directory path.
    expect(got[3]!.message).toBe("toZarr: store must be writable; got the URL https://example.org/out.zarr, which is read-only. In a web page, write to a Map (then zipStore(map) for a download) or to fileSystemAccessStore(folder) of a folder the user picked");
  });
});
