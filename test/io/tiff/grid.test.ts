/**
 * readTiff against the feature grid (test/fixtures/tiff/make_grid.py): every dtype x samples
 * (gray, RGB, RGBA, separate planes) x strips and tiles x compression (none, PackBits, LZW,
 * Deflate, with and without predictor) x FillOrder x byte order that libtiff and tifffile
 * wrote, plus LZW streams whose code table fills, and LZW CMYK, WhiteIsZero, Orientation,
 * palette and associated-alpha files. Every value must be tifffile's (the stored values).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toFlatArray } from "../../../src/core/ndarray.js";
import { readTiff } from "../../../src/io/tiff/index.js";
import { FIXTURES } from "./helpers.js";

interface Source { dtype: string; shape: number[]; values: number[] }
const grid = JSON.parse(readFileSync(join(FIXTURES, "grid.json"), "utf8")) as {
  sources: Record<string, Source>;
  files: Record<string, string>;
  tifffile_differs: string[];
};

describe("readTiff reads the feature grid with tifffile's values", () => {
  it("covers every axis of the grid", () => {
    const names = Object.keys(grid.files);
    expect(names.length).toBeGreaterThanOrEqual(963);
    for (const part of ["uint8-", "uint16-", "int32-", "float32-", "-gray-", "-rgb-", "-rgba-", "-rgb_planar-", "-rgba_planar-", "-strips-", "-tiles-",
      "-none-", "-packbits-", "-lzw-", "-lzw_pred-", "-deflate-", "-deflate_pred-", "-fill1-", "-fill2-", "-II.", "-MM."]) {
      expect(names.filter((n) => n.includes(part)).length, part).toBeGreaterThanOrEqual(40);
    }
    for (const n of ["lzw/full_u16.tif", "lzw/full_clear_f32.tif", "lzw/compat_u8.tif"]) expect(names).toContain(n);
    for (const f of ["cmyk_u8", "miniswhite_u16", "orientation3_u16", "palette_u8", "rgba_assoc_u16"]) {
      for (const c of ["lzw", "lzw_pred"]) expect(names).toContain(`features/${f}-${c}-tiles.tif`);
    }
    // tifffile 2023.2.3 agrees with libtiff and the written arrays on every file it decodes.
    expect(grid.tifffile_differs).toEqual([]);
  });

  for (const [rel, name] of Object.entries(grid.files)) {
    const e = grid.sources[name]!;
    it(`${rel} dtype=${e.dtype} shape=[${e.shape}]`, async () => {
      const block = await readTiff(join(FIXTURES, rel));
      expect(block.dtype).toBe(e.dtype);
      expect(block.shape).toEqual(e.shape);
      const got = toFlatArray(block);
      const wrong = got.reduce((n: number, v, i) => n + (Object.is(v, e.values[i]) ? 0 : 1), 0);
      const first = got.findIndex((v, i) => !Object.is(v, e.values[i]));
      expect(wrong, `${wrong} of ${got.length} values wrong, the first at flat index ${first}: got ${got[first]}, want ${e.values[first]}`).toBe(0);
    });
  }
});
