import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromArray } from "../../../src/array/creation.js";
import { add, multiply } from "../../../src/array/elementwise.js";
import { mapBlocks } from "../../../src/array/map-blocks.js";
import type { ChunkedArray } from "../../../src/array/chunked-array.js";
import type { DataType } from "../../../src/core/dtype.js";
import { TaskError } from "../../../src/core/errors.js";
import { fromTypedArray, type Block } from "../../../src/core/ndarray.js";
import { typedArrayConstructor } from "../../../src/core/dtype.js";
import { assertLazyEqual } from "../../../src/testing/assert-lazy-equal.js";
import { fromZarr, toZarr, ZarrError } from "../../../src/io/zarr/index.js";
import { copyFixture, listFiles, tempDir } from "./helpers.js";

function seeded(dtype: DataType, shape: number[], seed = 1): Block {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new (typedArrayConstructor(dtype))(n);
  for (let i = 0; i < n; i++) data[i] = dtype === "bool" ? (i * 7 + seed) % 3 === 0 ? 1 : 0 : dtype.startsWith("float") ? (i * 0.37 - 3) * (seed + 1) : ((i * 31 + seed) % 97) - (dtype.startsWith("int") ? 40 : 0);
  return fromTypedArray(dtype, data as never, shape);
}

const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("toZarr -> fromZarr round trips", () => {
  it.each([
    [2, "zstd", "float32", [13, 10], [5, 4]],
    [2, "zlib", "int16", [9, 7, 5], [4, 3, 5]],
    [2, "gzip", "uint8", [20], [6]],
    [2, "lz4", "float64", [6, 6], [4, 4]],
    [2, { id: "blosc", cname: "zstd", clevel: 3, shuffle: 2 }, "uint32", [11, 5], [3, 5]],
    [2, null, "bool", [7, 3], [2, 2]],
    [3, "zstd", "int32", [10, 9], [4, 4]],
    [3, "gzip", "uint16", [5, 5, 5], [2, 5, 3]],
    [3, "blosc", "int8", [17], [5]],
    [3, null, "float32", [], []],
  ] as const)("format=%s compressor=%j dtype=%s shape=%j chunks=%j", async (format, compressor, dtype, shape, chunks) => {
    const block = seeded(dtype, [...shape]);
    const dir = tempDir();
    const r = await toZarr(fromArray(block, { chunks: [...chunks] }), dir, { path: "a/b", format, compressor });
    const back = await fromZarr(dir, { path: "a/b" });
    expect(back.chunks).toEqual(fromArray(block, { chunks: [...chunks] }).chunks);
    expect(r.chunksWritten).toBe(back.numBlocks.reduce((a, b) => a * b, 1));
    await assertLazyEqual(back, block);
  });

  it("v2 metadata is what zarr-python 2 writes: .zarray, .zattrs with provenance, .zgroup for parents", async () => {
    const dir = tempDir();
    const x = fromArray(seeded("float32", [8, 6]), { chunks: [3, 6] });
    await toZarr(x, dir, { path: "g/h/arr", compressor: { id: "zlib", level: 4 }, attributes: { units: "counts" } });
    expect(JSON.parse(readFileSync(join(dir, "g/h/arr/.zarray"), "utf8"))).toEqual({
      zarr_format: 2, shape: [8, 6], chunks: [3, 6], dtype: "<f4", compressor: { id: "zlib", level: 4 },
      fill_value: 0, filters: null, order: "C", dimension_separator: ".",
    });
    const attrs = JSON.parse(readFileSync(join(dir, "g/h/arr/.zattrs"), "utf8"));
    expect(attrs.units).toBe("counts");
    expect(attrs.chunkwise).toMatchObject({ version: expect.any(String), created: expect.any(String), source: x.name });
    for (const g of ["", "g", "g/h"]) expect(JSON.parse(readFileSync(join(dir, g, ".zgroup"), "utf8"))).toEqual({ zarr_format: 2 });
    expect(listFiles(join(dir, "g/h/arr")).filter((f) => !f.startsWith("."))).toEqual(["0.0", "1.0", "2.0"]);
  });

  it("dimensionSeparator='/' nests chunk files", async () => {
    const dir = tempDir();
    await toZarr(fromArray(seeded("uint16", [4, 4]), { chunks: 2 }), dir, { path: "n", dimensionSeparator: "/" });
    expect(listFiles(join(dir, "n")).filter((f) => !f.startsWith("."))).toEqual(["0/0", "0/1", "1/0", "1/1"]);
  });

  it("irregular chunks [[3,5,2],[4,4]] are rechunked to regular Zarr chunks (5, 4)", async () => {
    const block = seeded("float64", [10, 8]);
    const dir = tempDir();
    const r = await toZarr(fromArray(block, { chunks: [[3, 5, 2], [4, 4]] }), dir, { path: "irr" });
    expect(r.chunks).toEqual([5, 4]);
    await assertLazyEqual(await fromZarr(dir, { path: "irr" }), block);
  });

  it("writing beside existing arrays in a group leaves every existing file byte-identical", async () => {
    const dir = copyFixture("v2.zarr");
    const before = new Map(listFiles(dir).map((f) => [f, sha(join(dir, f))]));
    await toZarr(fromArray(seeded("float32", [7, 9]), { chunks: [3, 4] }), dir, { path: "deconvolved" });
    await toZarr(fromArray(seeded("float32", [7, 9]), { chunks: [3, 4] }), dir, { path: "nested/sub/result" });
    for (const [f, h] of before) expect(sha(join(dir, f)), f).toBe(h);
  });
});

describe("toZarr refuses to lose data", () => {
  it("overwrite=false (default) refuses an existing array, naming the path", async () => {
    const dir = tempDir();
    const x = fromArray(seeded("int32", [6]), { chunks: 3 });
    await toZarr(x, dir, { path: "out" });
    const err = await toZarr(x, dir, { path: "out" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZarrError);
    expect((err as ZarrError).kind).toBe("exists");
    expect((err as Error).message).toMatch(/path "out" must not hold an array when overwrite is false; got an existing array at .*\/out\. Pass overwrite: true/);
  });

  it("overwrite=true replaces the array, removing chunk files of the old grid", async () => {
    const dir = tempDir();
    await toZarr(fromArray(seeded("int32", [6]), { chunks: 1 }), dir, { path: "out" });
    const y = fromArray(seeded("int32", [6], 5), { chunks: 3 });
    await toZarr(y, dir, { path: "out", overwrite: true });
    expect(listFiles(join(dir, "out"))).toEqual([".zarray", ".zattrs", "0", "1"]);
    await assertLazyEqual(await fromZarr(dir, { path: "out" }), seeded("int32", [6], 5));
  });

  it("a group is never replaced, even with overwrite", async () => {
    const dir = copyFixture("v2.zarr");
    const err = await toZarr(fromArray(seeded("int32", [6]), { chunks: 3 }), dir, { path: "nested", overwrite: true }).catch((e: unknown) => e);
    expect((err as ZarrError).kind).toBe("exists");
    expect((err as Error).message).toMatch(/must not be a group/);
    expect(existsSync(join(dir, "nested/sub/volume/.zarray"))).toBe(true);
  });

  it("an array cannot be a parent group", async () => {
    const dir = copyFixture("v2.zarr");
    await expect(toZarr(fromArray(seeded("int32", [6]), { chunks: 3 }), dir, { path: "zlib/inner" })).rejects.toThrow(/must be a group; got the array .*zlib\/\.zarray/);
  });

  it.each(["../escape", "/abs", "a/../../b", "a\\b"])("unsafe path=%j is refused", async (path) => {
    const dir = tempDir();
    const err = await toZarr(fromArray(seeded("int32", [6]), { chunks: 3 }), dir, { path }).catch((e: unknown) => e);
    expect((err as ZarrError).kind).toBe("unsafe-path");
    expect(listFiles(dir)).toEqual([]);
  });

  it.each([
    [{ compressor: "snappy" }, /compressor must be one of/],
    [{ compressor: "zlib", format: 3 }, /compressor for format 3 must be a Zarr v3 codec/],
    [{ compressor: { id: "zstd", level: 99 } }, /level must be an integer in \[1, 22\]/],
    [{ format: 4 }, /format must be 2 or 3/],
  ] as const)("bad options %j", async (opts, message) => {
    const dir = tempDir();
    await expect(toZarr(fromArray(seeded("int32", [6]), { chunks: 3 }), dir, { path: "x", ...(opts as object) })).rejects.toThrow(message);
    expect(listFiles(dir)).toEqual([]);
  });
});

describe("resume: a killed write finishes byte-identical to an uninterrupted one", () => {
  const source = () => add(multiply(fromArray(seeded("float64", [20, 18]), { chunks: [4, 5] }), 2), 1);
  const nChunks = 5 * 4;

  async function reference(): Promise<string> {
    const dir = tempDir();
    const r = await toZarr(source(), dir, { path: "g/out", compressor: "zstd" });
    expect(r.chunksWritten).toBe(nChunks);
    return dir;
  }

  function expectIdentical(a: string, b: string, sameSource = true): void {
    const files = listFiles(join(a, "g/out"));
    expect(listFiles(join(b, "g/out"))).toEqual(files);
    for (const f of files) {
      if (f === ".zattrs") continue; // holds the creation time
      expect(sha(join(b, "g/out", f)), f).toBe(sha(join(a, "g/out", f)));
    }
    const attrs = (d: string) => ({ ...JSON.parse(readFileSync(join(d, "g/out/.zattrs"), "utf8")).chunkwise, created: 0, ...(sameSource ? {} : { source: 0, fingerprint: 0 }) });
    expect(attrs(b)).toEqual(attrs(a));
  }

  it("AbortSignal after 5 tasks, then resume: skips the written chunks, recomputes the rest", async () => {
    const ref = await reference();
    const dir = tempDir();
    const controller = new AbortController();
    const err = await toZarr(source(), dir, {
      path: "g/out", signal: controller.signal,
      onProgress: ({ done }) => { if (done === 5) controller.abort(new Error("killed")); },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe("killed");
    const partial = listFiles(join(dir, "g/out")).filter((f) => !f.startsWith("."));
    // 5 tasks: the shared source block and 4 fused compute->store chains
    expect(partial.length).toBe(4);
    expect(partial.every((f) => !f.includes(".tmp-"))).toBe(true);
    // a writer killed mid-chunk leaves only a temporary file: resume removes it
    writeFileSync(join(dir, "g/out", "3.3.tmp-0123abcd"), "half a chunk");
    const r = await toZarr(source(), dir, { path: "g/out", resume: true });
    expect(r).toMatchObject({ chunksSkipped: 4, chunksWritten: nChunks - 4 });
    expectIdentical(ref, dir);
  });

  it("a kernel throwing at block [2,1], then resume with the working pipeline (the caller's fingerprint says they are the same computation)", async () => {
    const ref = await reference();
    const dir = tempDir();
    const failing = mapBlocks((b: Block, _p: unknown, ctx: { blockIndex: number[] }) => {
      if (ctx.blockIndex[0] === 2 && ctx.blockIndex[1] === 1) throw new Error("out of memory");
      return b;
    }, source()) as ChunkedArray;
    const fingerprint = { pipeline: "source v1" };
    const err = await toZarr(failing, dir, { path: "g/out", fingerprint }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect(String((err as TaskError).cause)).toMatch(/out of memory/);
    const written = listFiles(join(dir, "g/out")).filter((f) => !f.startsWith("."));
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(nChunks);
    expect(written).not.toContain("2.1");
    await expect(toZarr(source(), dir, { path: "g/out", resume: true })).rejects.toThrow(/same computation.*pipeline: "source v1" vs \(none\)/);
    const r = await toZarr(source(), dir, { path: "g/out", resume: true, fingerprint });
    expect(r).toMatchObject({ chunksSkipped: written.length, chunksWritten: nChunks - written.length });
    expectIdentical(ref, dir, false);
  });

  it("resume of a complete array writes nothing", async () => {
    const ref = await reference();
    const r = await toZarr(source(), ref, { path: "g/out", resume: true });
    expect(r).toMatchObject({ chunksSkipped: nChunks, chunksWritten: 0 });
  });

  it("resume with different chunks or compressor fails, naming both", async () => {
    const ref = await reference();
    await expect(toZarr(source().rechunk([5, 5]), ref, { path: "g/out", resume: true })).rejects.toThrow(
      /must match the array being resumed; got chunks \(4, 5\) vs \(5, 5\)/,
    );
    await expect(toZarr(source(), ref, { path: "g/out", resume: true, compressor: "zlib" })).rejects.toThrow(/compressor \{"id":"zstd","level":3\} vs \{"id":"zlib","level":1\}/);
  });
});
