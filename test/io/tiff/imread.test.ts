/**
 * imread: glob + natural sort, one block per file, only the first header read at build time,
 * named async kernels with JSON params, files that differ named when read (or at once with
 * `check`), and the blog's PSF step.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TaskError } from "../../../src/core/errors.js";
import { fromTypedArray, type Block } from "../../../src/core/ndarray.js";
import { compute } from "../../../src/schedule/compute.js";
import { inline } from "../../../src/schedule/inline.js";
import { flatten } from "../../../src/graph/graph.js";
import { imread, imreadBlock, TiffError } from "../../../src/io/tiff/index.js";
import { assertLazyEqual } from "../../../src/testing/assert-lazy-equal.js";
import { EXPECTED, expectedBlock, fixture, scratch } from "./helpers.js";

const { dir, cleanup } = scratch("imread");
afterAll(cleanup);

/** The expected stack of `files` (fixture paths) along a new leading axis. */
function stacked(files: readonly string[]): Block {
  const es = files.map((f) => EXPECTED[f]!);
  return expectedBlock({ dtype: es[0]!.dtype, shape: [es.length, ...es[0]!.shape], values: es.flatMap((e) => e.values) });
}

const PSFS = ["psfs/psf_1.tif", "psfs/psf_2.tif", "psfs/psf_10.tif"];

describe("imread", () => {
  it("psfs/*.tif: shape (3, 3, 4, 5), one block per file in natural order", async () => {
    const x = await imread(fixture("psfs/*.tif"));
    expect(x.shape).toEqual([3, 3, 4, 5]);
    expect(x.dtype).toBe("uint16");
    expect(x.chunks).toEqual([[1, 1, 1], [3], [4], [5]]);
    await assertLazyEqual(x, stacked(PSFS));
  });

  it("a relative pattern is resolved against the working directory", async () => {
    const x = await imread(relative(process.cwd(), fixture("psfs/psf_*.tif")));
    await assertLazyEqual(x, stacked(PSFS));
  });

  it("the blog's PSF step: (await imread(...)).index([':', null, '...']) gives (3, 1, 3, 4, 5)", async () => {
    const psf = (await imread(fixture("psfs/*.tif"))).index([":", null, "..."]);
    expect(psf.shape).toEqual([3, 1, 3, 4, 5]);
    expect(psf.chunks).toEqual([[1, 1, 1], [1], [3], [4], [5]]);
    const want = stacked(PSFS);
    await assertLazyEqual(psf, { ...want, shape: [3, 1, 3, 4, 5], stride: [want.stride[0]!, 0, ...want.stride.slice(1)] });
  });

  for (const rel of ["plain/float32_2d.tif", "plain/uint8_rgb.tif", "compressed/int32_zlib.tif", "compressed/uint16_lzw.tif"]) {
    it(`a single file ${rel}: shape (1, ${EXPECTED[rel]!.shape.join(", ")})`, async () => {
      const x = await imread(fixture(rel));
      expect(x.chunks).toEqual([[1], ...EXPECTED[rel]!.shape.map((n) => [n])]);
      await assertLazyEqual(x, stacked([rel]));
    });
  }

  it("every block task is the named kernel imreadBlock with JSON-only params {path, shape, dtype, first}", async () => {
    const x = await imread(fixture("psfs/*.tif"));
    const tasks = [...flatten(x.graph).tasks.values()];
    expect(tasks.length).toBe(3);
    const ref = (imreadBlock as unknown as Record<symbol, { module: string; name: string }>)[Symbol.for("chunkwise.kernelRef")]!;
    for (const [i, t] of tasks.entries()) {
      expect(t.kernel).toEqual(ref);
      expect(t.kernel).toMatchObject({ name: "imreadBlock" });
      expect(t.args).toEqual([]);
      expect(JSON.parse(JSON.stringify(t.params))).toEqual(t.params);
      expect(t.params).toEqual({ path: fixture(PSFS[i]!), shape: [3, 4, 5], dtype: "uint16", first: fixture(PSFS[0]!) });
    }
  });

  it("the same files give the same name; a changed file gives a new one", async () => {
    const folder = join(dir, "names");
    mkdirSync(folder);
    for (const f of PSFS) copyFileSync(fixture(f), join(folder, f.split("/")[1]!));
    const a = await imread(join(folder, "*.tif"));
    expect((await imread(join(folder, "*.tif"))).name).toBe(a.name);
    writeFileSync(join(folder, "psf_2.tif"), readFileSync(fixture("psfs/psf_10.tif")));
    const later = new Date(Date.now() + 5000);
    const { utimesSync } = await import("node:fs");
    utimesSync(join(folder, "psf_2.tif"), later, later);
    expect((await imread(join(folder, "*.tif"))).name).not.toBe(a.name);
  });

  it("chunks: rechunks after reading (two files per block, halves along the last axis)", async () => {
    const x = await imread(fixture("psfs/*.tif"), { chunks: [2, -1, -1, 3] });
    expect(x.chunks).toEqual([[2, 1], [3], [4], [3, 2]]);
    await assertLazyEqual(x, stacked(PSFS));
  });

  it("reads files concurrently with inline({ concurrency: 3 })", async () => {
    const x = await imread(fixture("psfs/*.tif"));
    const got = await compute(x, { executor: inline({ concurrency: 3 }) });
    expect(Array.from(got.data)).toEqual(Array.from(stacked(PSFS).data));
  });
});

describe("imread errors", () => {
  it("an empty glob names the pattern and the working directory", async () => {
    const pattern = join(dir, "nothing-here", "*.tif");
    const err = await imread(pattern).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TiffError);
    expect((err as Error).message).toBe(`imread: pattern must match at least one file; got no match for ${JSON.stringify(pattern)} in working directory ${JSON.stringify(process.cwd())}. Check the folder, the extension (.tif or .tiff) and the working directory, or pass an absolute pattern`);
  });

  it("a missing single file is an empty match too", async () => {
    await expect(imread(join(dir, "missing.tif"))).rejects.toThrow(/pattern must match at least one file; got no match for ".*missing\.tif"/);
  });

  it("a bad first file fails at build time, naming it", async () => {
    await expect(imread(fixture("bad/float64.tif"))).rejects.toThrow(/imread: ".*bad\/float64\.tif" page 0 must hold .*got 64-bit float/);
  });

  it("a pattern that is not a string", async () => {
    await expect(imread(42 as unknown as string)).rejects.toThrow(/imread: pattern must be a non-empty string; got number/);
  });

  for (const [folder, odd, got] of [["mixed_shape", "psf_2.tif", "(3, 4, 6) uint16"], ["mixed_dtype", "psf_3.tif", "(3, 4, 5) float32"]] as const) {
    it(`${folder}: builds lazily, then compute names ${odd}`, async () => {
      const x = await imread(fixture(`${folder}/*.tif`));
      expect(x.shape[0]).toBe(3);
      const err = await compute(x).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TaskError);
      const cause = (err as TaskError).cause as TiffError;
      expect(cause).toBeInstanceOf(TiffError);
      expect(cause.path).toBe(fixture(`${folder}/${odd}`));
      expect(cause.message).toBe(`imread: every file must have the shape and dtype of the first file, ${JSON.stringify(fixture(`${folder}/psf_1.tif`))} ((3, 4, 5) uint16); got ${got} in ${JSON.stringify(fixture(`${folder}/${odd}`))}. Move that file out of the pattern's folder, convert it, or read the files separately`);
      expect((err as Error).message).toContain(odd);
    });

    it(`${folder} with check: true fails at build time, naming ${odd}`, async () => {
      const err = await imread(fixture(`${folder}/*.tif`), { check: true }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TiffError);
      expect((err as TiffError).path).toBe(fixture(`${folder}/${odd}`));
      expect((err as Error).message).toMatch(new RegExp(`got ${got.replace(/[()]/g, "\\$&")} in ".*${odd}"`));
    });
  }

  it("a file truncated after the graph was built is named when its block is read", async () => {
    const folder = join(dir, "later");
    mkdirSync(folder);
    for (const f of PSFS) copyFileSync(fixture(f), join(folder, f.split("/")[1]!));
    const x = await imread(join(folder, "*.tif"));
    writeFileSync(join(folder, "psf_10.tif"), readFileSync(fixture("psfs/psf_10.tif")).subarray(0, 100));
    await expect(compute(x)).rejects.toThrow(/imread: ".*later\/psf_10\.tif" must be a complete TIFF file.*truncated/);
  });

  it("a deleted file is named when its block is read", async () => {
    const folder = join(dir, "deleted");
    mkdirSync(folder);
    for (const f of PSFS) copyFileSync(fixture(f), join(folder, f.split("/")[1]!));
    const x = await imread(join(folder, "*.tif"));
    const { unlinkSync } = await import("node:fs");
    unlinkSync(join(folder, "psf_2.tif"));
    await expect(compute(x)).rejects.toThrow(/imread: ".*deleted\/psf_2\.tif" must be a readable file; got no such file/);
  });

  it("an aborted signal stops imread before reading", async () => {
    const c = new AbortController();
    c.abort(new Error("stop"));
    await expect(imread(fixture("psfs/*.tif"), { signal: c.signal })).rejects.toThrow("stop");
  });
});

describe("imreadBlock", () => {
  it("reads one file as a block with a leading axis of 1", async () => {
    const e = EXPECTED["plain/int8_stack.tif"]!;
    const b = await imreadBlock({ path: fixture("plain/int8_stack.tif"), shape: e.shape, dtype: "int8", first: fixture("plain/int8_stack.tif") });
    expect(b.shape).toEqual([1, ...e.shape]);
    expect(Array.from(b.data)).toEqual(e.values);
    expect(fromTypedArray(b.dtype, b.data, b.shape).stride).toEqual(b.stride);
  });
});
