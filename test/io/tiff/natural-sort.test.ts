import { describe, expect, it } from "vitest";
import { naturalCompare } from "../../../src/io/tiff/natural-sort.js";

describe("naturalCompare", () => {
  const CASES: [string[], string[]][] = [
    [["psf_10.tif", "psf_2.tif", "psf_1.tif"], ["psf_1.tif", "psf_2.tif", "psf_10.tif"]],
    [["a/t100_z2.tif", "a/t9_z10.tif", "a/t9_z2.tif"], ["a/t9_z2.tif", "a/t9_z10.tif", "a/t100_z2.tif"]],
    [["img001.tif", "img1.tif", "img01.tif", "img2.tif"], ["img1.tif", "img01.tif", "img001.tif", "img2.tif"]],
    // As Python's natsort: the text run "a" sorts before "a.tif".
    [["b.tif", "a10.tif", "a9.tif", "a.tif"], ["a9.tif", "a10.tif", "a.tif", "b.tif"]],
    [["x99999999999999999999.tif", "x100000000000000000000.tif"], ["x99999999999999999999.tif", "x100000000000000000000.tif"]],
    [["B.tif", "a.tif"], ["B.tif", "a.tif"]],
  ];
  for (const [input, want] of CASES) {
    it(`sorts ${JSON.stringify(input)}`, () => {
      expect([...input].sort(naturalCompare)).toEqual(want);
      expect([...want].reverse().sort(naturalCompare)).toEqual(want);
    });
  }

  it("is a total order: equal only for equal strings", () => {
    expect(naturalCompare("a1", "a1")).toBe(0);
    expect(naturalCompare("a1", "a01")).not.toBe(0);
    expect(Math.sign(naturalCompare("a1", "a01"))).toBe(-Math.sign(naturalCompare("a01", "a1")));
  });
});
