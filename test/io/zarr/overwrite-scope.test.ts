/**
 * What overwrite may delete (an outside tester's data-loss report): only the old array's own
 * files, never other files kept in the output folder, another store beside it, or an array a
 * symbolic link points at; a new array is refused, before anything is written, in a folder
 * that holds anything but Zarr nodes. Real files in temporary folders.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { zeros } from "../../../src/index.js";
import { fromZarr, toOmeZarr, toZarr, ZarrError } from "../../../src/io/zarr/index.js";
import { FIXTURES, listFiles, tempDir } from "./helpers.js";

const small = (dtype: "uint8" | "float32" = "uint8") => zeros([4, 4], { dtype, chunks: [2, 2] });

async function errorOf(p: Promise<unknown>): Promise<ZarrError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ZarrError);
  return e as ZarrError;
}

describe("overwrite deletes only the old array's own files", () => {
  it.each([
    ["v2 dot keys", { format: 2 as const }],
    ["v2 slash keys", { format: 2 as const, dimensionSeparator: "/" as const }],
    ["v3 c/ keys", { format: 3 as const }],
    ["v3 dot keys", { format: 3 as const, dimensionSeparator: "." as const }],
  ])("%s: files beside the array's chunks survive overwrite at the store root", async (_what, opts) => {
    const dir = tempDir();
    await toZarr(small(), dir, { path: "", ...opts });
    const chunks = listFiles(dir).filter((f) => !/zarr\.json|\.zarray|\.zattrs/.test(f));
    expect(chunks.length).toBe(4);
    writeFileSync(join(dir, "top.txt"), "keep");
    mkdirSync(join(dir, "keep/deeper"), { recursive: true });
    writeFileSync(join(dir, "keep/deeper/file.txt"), "keep");
    writeFileSync(join(dir, "9.9"), "outside the grid");
    const r = await toZarr(small("float32"), dir, { path: "", ...opts, overwrite: true });
    expect(r.chunksWritten).toBe(4);
    expect(readFileSync(join(dir, "top.txt"), "utf8")).toBe("keep");
    expect(readFileSync(join(dir, "keep/deeper/file.txt"), "utf8")).toBe("keep");
    expect(readFileSync(join(dir, "9.9"), "utf8")).toBe("outside the grid");
    expect((await fromZarr(dir)).dtype).toBe("float32");
  });

  it("a sharded array (zarrita's fixture, vendored, MIT): overwrite removes its shard files, keeps a note beside them", async () => {
    const dir = join(tempDir(), "s.zarr");
    const name = "2d.chunked.compressed.sharded.filled.i2";
    cpSync(join(FIXTURES, "zarrita/v3/data.zarr", name), join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, "notes.txt"), "mine");
    const shards = listFiles(join(dir, name)).filter((f) => f.startsWith("c/"));
    expect(shards.length).toBeGreaterThan(0);
    const old = await fromZarr(dir, { path: name });
    await toZarr(zeros(old.shape, { dtype: "int16", chunks: old.shape.map(() => 1) }), dir, { path: name, format: 3, dimensionSeparator: ".", overwrite: true });
    const left = listFiles(join(dir, name));
    expect(left.filter((f) => f.startsWith("c/"))).toEqual([]);
    expect(left).toContain("notes.txt");
  });

  it("a store beside the old array's chunks survives overwrite", async () => {
    const dir = tempDir();
    await toZarr(small(), dir, { path: "" });
    await toZarr(small(), join(dir, "other.zarr"), { path: "data" });
    const before = listFiles(join(dir, "other.zarr"));
    await toZarr(small(), dir, { path: "", overwrite: true });
    expect(listFiles(join(dir, "other.zarr"))).toEqual(before);
  });

  it("a group with children at the path is refused, with or without overwrite, and nothing is deleted", async () => {
    const dir = tempDir();
    await toZarr(small(), dir, { path: "g/a" });
    const before = listFiles(dir);
    expect((await errorOf(toZarr(small(), dir, { path: "g", overwrite: true }))).kind).toBe("exists");
    expect(listFiles(dir)).toEqual(before);
  });
});

describe("a new array is never written into a folder holding other files", () => {
  it("refuses a folder with a readme, a deeper file and another store; writes and deletes nothing", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "readme.txt"), "mine");
    mkdirSync(join(dir, "sub/deeper"), { recursive: true });
    writeFileSync(join(dir, "sub/deeper/important.dat"), "mine");
    await toZarr(small(), join(dir, "other.zarr"), { path: "data" });
    const before = listFiles(dir);
    for (const overwrite of [false, true]) {
      const e = await errorOf(toZarr(small(), dir, { path: "", overwrite }));
      expect(e.kind).toBe("exists");
      expect(e.message).toMatch(/toZarr: the folder of a new array must be missing, empty or hold only Zarr nodes; got .*"readme.txt", "sub\/"/);
      expect(listFiles(dir)).toEqual(before);
    }
  });

  it("writes a new array into a folder holding only Zarr nodes (a group of other arrays)", async () => {
    const dir = tempDir();
    await toZarr(small(), dir, { path: "g/a" });
    await toZarr(small(), dir, { path: "g/b" });
    expect(existsSync(join(dir, "g/b/.zarray"))).toBe(true);
  });
});

describe("no output leads out of its store through a symbolic link", () => {
  it("plain toZarr: overwrite through a linked array folder is refused and the linked array is intact", async () => {
    const outside = tempDir();
    await toZarr(small(), outside, { path: "victim" });
    const before = listFiles(outside);
    const dir = tempDir();
    mkdirSync(join(dir, "g"));
    writeFileSync(join(dir, "g/.zgroup"), JSON.stringify({ zarr_format: 2 }));
    symlinkSync(join(outside, "victim"), join(dir, "g/out"));
    expect((await errorOf(toZarr(small(), dir, { path: "g/out", overwrite: true }))).kind).toBe("unsafe-path");
    symlinkSync(outside, join(dir, "linked"));
    expect((await errorOf(toZarr(small(), dir, { path: "linked/victim", overwrite: true }))).kind).toBe("unsafe-path");
    expect(listFiles(outside)).toEqual(before);
  });

  it("OME-Zarr overwrite: a level folder linked out of the image is refused and the array it points to is intact", async () => {
    const outside = tempDir();
    await toZarr(zeros([64, 64], { dtype: "uint8", chunks: [32, 32] }), outside, { path: "victim" });
    const before = listFiles(outside);
    const dir = tempDir();
    await toOmeZarr(zeros([64, 64], { dtype: "uint8", chunks: [32, 32] }), dir, { path: "img", axes: "yx", levels: 2 });
    const { rmSync } = await import("node:fs");
    rmSync(join(dir, "img/1"), { recursive: true });
    symlinkSync(join(outside, "victim"), join(dir, "img/1"));
    const e = await errorOf(toOmeZarr(zeros([64, 64], { dtype: "uint8", chunks: [32, 32] }), dir, { path: "img", axes: "yx", levels: 2, overwrite: true }));
    expect(e.kind).toBe("unsafe-path");
    expect(listFiles(outside)).toEqual(before);
  });

  it("OME-Zarr overwrite keeps non-Zarr files inside level folders", async () => {
    const dir = tempDir();
    const img = () => zeros([64, 64], { dtype: "uint8", chunks: [32, 32] });
    await toOmeZarr(img(), dir, { path: "img", axes: "yx", levels: 2 });
    writeFileSync(join(dir, "img/0/notes.txt"), "mine");
    await toOmeZarr(img(), dir, { path: "img", axes: "yx", levels: 2, overwrite: true });
    expect(readFileSync(join(dir, "img/0/notes.txt"), "utf8")).toBe("mine");
  });
});
