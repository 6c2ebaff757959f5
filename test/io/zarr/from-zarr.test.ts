import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import FileSystemStore from "@zarrita/storage/fs";
import { describe, expect, it } from "vitest";
import { TaskError } from "../../../src/core/errors.js";
import { isCContiguous, toFlatArray, type Block } from "../../../src/core/ndarray.js";
import { index as view } from "../../../src/core/views.js";
import { readZarrRegion, type ReadRegionParams } from "../../../src/io/zarr/read-kernels.js";
import { compute } from "../../../src/schedule/compute.js";
import { inline } from "../../../src/schedule/inline.js";
import { assertLazyEqual } from "../../../src/testing/assert-lazy-equal.js";
import { fromZarr, ZarrError } from "../../../src/io/zarr/index.js";
import { copyFixture, expected, expectedBlock, FIXTURES } from "./helpers.js";

const cases = Object.entries(expected);

describe("fromZarr reads zarr-python 2 and v3-spec fixtures", () => {
  it.each(cases)("%s: default chunks = one block per Zarr chunk, values equal", async (_name, e) => {
    const a = await fromZarr(join(FIXTURES, e.group), { path: e.path });
    expect(a.shape).toEqual(e.shape);
    await assertLazyEqual(a, expectedBlock(e));
  });

  it("blosc_lz4_shuffle shape=[7,9] zarr chunks=[3,4]: ragged edge blocks are exact", async () => {
    const a = await fromZarr(join(FIXTURES, "v2.zarr"), { path: "blosc_lz4_shuffle" });
    expect(a.chunks).toEqual([[3, 3, 1], [4, 4, 1]]);
    expect(a.dtype).toBe("uint16");
  });

  it.each([
    ["nested_volume", [[5], [6], [7]]],
    ["nested_volume", [2, 5, 2]],
    ["f_order", [[1, 6], [9]]],
    ["nested_sep", [4, 4]],
    ["v3_zstd", [[7], [2, 2, 2, 2, 1]]],
  ] as const)("%s chunks=%j: any chunking reads the same values", async (name, chunks) => {
    const e = expected[name]!;
    const a = await fromZarr(join(FIXTURES, e.group), { path: e.path, chunks: chunks as never });
    await assertLazyEqual(a, expectedBlock(e));
  });

  // A whole chunk is handed on as decoded (no second copy of a deconvolution volume): what is
  // handed on must own its whole buffer, since a worker thread's result moves its buffer. An
  // uncompressed chunk of a few bytes is read by Node into a slice of a shared 8 KiB pool.
  it.each(cases.filter(([, e]) => e.shape.length > 0))("%s: each whole chunk read alone is C-ordered, owns its buffer and has the chunk's values", async (_name, e) => {
    const a = await fromZarr(join(FIXTURES, e.group), { path: e.path });
    const all = expectedBlock(e);
    let whole = 0;
    for (const task of a.graph.layers.get(a.name)!.tasks.values()) {
      const params = task.params as ReadRegionParams;
      const { start, stop } = params.region;
      const block = (await readZarrRegion(params, {})) as Block;
      expect(toFlatArray(block)).toEqual(toFlatArray(view(all, start.map((s, ax) => ({ start: s, stop: stop[ax]! })))));
      expect(isCContiguous(block) && block.offset === 0).toBe(true);
      const d = block.data as unknown as ArrayBufferView;
      expect([d.byteOffset, d.byteLength]).toEqual([0, d.buffer.byteLength]);
      if (stop.every((s, ax) => s - start[ax]! === params.chunks[ax])) whole++;
    }
    expect(whole).toBeGreaterThan(0);
  });

  it("a zarrita FileSystemStore and a path string give the same array (same name)", async () => {
    const a = await fromZarr(join(FIXTURES, "v2.zarr"), { path: "zlib" });
    const b = await fromZarr(new FileSystemStore(join(FIXTURES, "v2.zarr")), { path: "zlib/" });
    expect(b.name).toBe(a.name);
  });

  it("a file: URL, as a string or a URL, is the directory it names (on Node)", async () => {
    const a = await fromZarr(join(FIXTURES, "v2.zarr"), { path: "zlib" });
    const url = pathToFileURL(join(FIXTURES, "v2.zarr"));
    expect((await fromZarr(url.href, { path: "zlib" })).name).toBe(a.name);
    expect((await fromZarr(url, { path: "zlib" })).name).toBe(a.name);
  });

  it("block params are JSON (store path, array path, region) so any worker can re-open the store", async () => {
    const a = await fromZarr(join(FIXTURES, "v2.zarr"), { path: "nested/sub/volume" });
    const task = [...a.graph.layers.get(a.name)!.tasks.values()][0]!;
    expect(JSON.parse(JSON.stringify(task.params))).toEqual(task.params);
    expect(task.params).toMatchObject({ store: { fs: join(FIXTURES, "v2.zarr") }, path: "nested/sub/volume", region: { start: [0, 0, 0], stop: [2, 4, 3] } });
    expect((task.kernel as { name: string }).name).toBe("readZarrRegion");
  });

  it("computing one block reads only the chunks it overlaps (counted store gets)", async () => {
    const fsStore = new FileSystemStore(join(FIXTURES, "v2.zarr"));
    const gets: string[] = [];
    const counting = { get: (key: `/${string}`) => (gets.push(key), fsStore.get(key)) };
    const a = await fromZarr(counting, { path: "zstd", chunks: [3, 6] });
    gets.length = 0;
    await compute(a.blocks([1, 1]), { executor: inline() });
    // block [1,1] spans rows 3..6 and columns 6..9: Zarr chunks (1,1) and (1,2) of chunk shape (3,4)
    expect(gets.filter((k) => !k.endsWith(".zarray") && !k.endsWith(".zattrs")).sort()).toEqual(["/zstd/1.1", "/zstd/1.2"]);
  });

  it("missing chunks read as the fill value (sparse fixture, fill_value=7)", async () => {
    const a = await fromZarr(join(FIXTURES, "v2.zarr"), { path: "sparse" });
    const values = toFlatArray(await a.compute());
    expect(values.slice(30)).toEqual([7, 7, 7, 7, 7, 7]);
  });

  it("an in-memory Map store works inline", async () => {
    const store = new Map<string, Uint8Array>();
    for (const f of [".zarray", "0.0", "0.1", "1.0", "1.1", "1.2", "0.2", "2.0", "2.1", "2.2"]) {
      store.set(`/zlib/${f}`, readFileSync(join(FIXTURES, "v2.zarr", "zlib", f)));
    }
    const a = await fromZarr(store, { path: "zlib" });
    await assertLazyEqual(a, expectedBlock(expected.zlib!));
  });
});

describe("fromZarr bad input: errors name the path or chunk key and what to do", () => {
  it.each([
    ["does/not/exist", "not-found", /must hold a Zarr array .*got nothing at .*does\/not\/exist/],
    ["nested", "not-an-array", /must be a Zarr array; got a group .*nodes below it: nested\/sub\/volume/],
    ["bz2", "codec", /compressor "bz2" of array "bz2" .* must be one chunkwise decodes .*got "bz2"\. The chunks are intact/],
    ["int64", "dtype", /must have one of the dtypes .*got "<i8"/],
  ] as const)("path=%s -> %s", async (path, kind, message) => {
    const err = await fromZarr(join(FIXTURES, "v2.zarr"), { path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZarrError);
    expect((err as ZarrError).kind).toBe(kind);
    expect((err as Error).message).toMatch(message);
  });

  it("a store directory that does not exist", async () => {
    await expect(fromZarr(join(FIXTURES, "missing.zarr"), { path: "x" })).rejects.toThrow(/got nothing at .*missing\.zarr\/x/);
  });

  it.each(["../v2.zarr/zlib", "/etc", "a/../../b", "a\\b", "C:/x", "a//b", "./zlib", ".."])("unsafe path=%j is refused before any read", async (path) => {
    const err = await fromZarr(join(FIXTURES, "v2.zarr"), { path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZarrError);
    expect((err as ZarrError).kind).toBe("unsafe-path");
    expect((err as Error).message).toMatch(/path must stay inside the store/);
  });

  async function corruptRead(path: string, chunk: string, damage: (file: string) => void): Promise<ZarrError> {
    const dir = copyFixture("v2.zarr", path);
    damage(join(dir, path, chunk));
    const a = await fromZarr(dir, { path });
    const err = await a.compute().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    const cause = (err as TaskError).cause as ZarrError;
    expect(cause).toBeInstanceOf(ZarrError);
    expect(cause.kind).toBe("corrupt-chunk");
    expect(cause.chunkKey).toBe(`${path}/${chunk}`);
    expect(cause.message).toContain(`chunk "${path}/${chunk}"`);
    return cause;
  }

  it("zlib chunk overwritten with garbage -> corrupt-chunk error, never the fill value", async () => {
    await corruptRead("zlib", "1.1", (f) => writeFileSync(f, Buffer.from("not a zlib stream at all")));
  });

  it.each([
    ["gzip", "0.0"],
    ["blosc_zstd_bitshuffle", "2.2"],
    ["blosc_lz4_shuffle", "0.1"],
    ["zstd", "1.0"],
    ["lz4", "0.0"],
  ])("%s chunk %s truncated to half -> corrupt-chunk error", async (path, chunk) => {
    await corruptRead(path, chunk, (f) => truncateSync(f, Math.floor(readFileSync(f).length / 2)));
  });

  it("uncompressed chunk truncated -> error says how many elements it must hold", async () => {
    const e = await corruptRead("raw", "1.1", (f) => truncateSync(f, 10));
    expect(e.message).toMatch(/must hold 12 elements .*got 2 elements/);
  });
});
