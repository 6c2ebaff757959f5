import { describe, expect, it } from "vitest";
import { array } from "../../../src/core/creation.js";
import { ValueError } from "../../../src/core/errors.js";
import { blankRaster, blit, colormapTable, displayRange, percentiles, toRaster, zoomRaster } from "../../../src/cli/pictures/raster.js";
import { drawText, textWidth } from "../../../src/cli/pictures/font.js";

describe("percentiles", () => {
  it("matches numpy.percentile (linear) on [3, 1, 4, 1, 5, 9, 2, 6]", () => {
    // numpy.percentile([3,1,4,1,5,9,2,6], [0, 10, 25, 50, 90, 100])
    const want = [1, 1, 1.75, 3.5, 6.899999999999999, 9];
    percentiles([3, 1, 4, 1, 5, 9, 2, 6], [0, 10, 25, 50, 90, 100]).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12));
  });

  it("ignores NaN and infinities; NaN when nothing is finite", () => {
    expect(percentiles([NaN, 2, Infinity, 4], [0, 100])).toEqual([2, 4]);
    expect(percentiles([NaN], [50])).toEqual([NaN]);
  });
});

describe("displayRange", () => {
  it("uses min/max when given, percentiles otherwise, and widens an empty range", () => {
    expect(displayRange([0, 5, 10], { min: 2, max: 3 })).toEqual([2, 3]);
    expect(displayRange([0, 5, 10], { percentiles: [0, 100], min: 1 })).toEqual([1, 10]);
    const [lo, hi] = displayRange([7, 7, 7]);
    expect(lo).toBe(7);
    expect(hi).toBeGreaterThan(7);
  });
});

describe("colormapTable", () => {
  it.each(["gray", "green", "magenta", "cyan", "red", "viridis", "magma", "inferno"] as const)("%s has 256 RGB entries", (name) => {
    const t = colormapTable(name);
    expect(t.length).toBe(768);
  });

  it("gray is the identity and viridis starts and ends at matplotlib's colours", () => {
    const g = colormapTable("gray");
    for (let l = 0; l < 256; l++) expect([g[3 * l], g[3 * l + 1], g[3 * l + 2]]).toEqual([l, l, l]);
    const v = colormapTable("viridis");
    expect(Array.from(v.subarray(0, 3))).toEqual([0x44, 0x01, 0x54]);
    expect(Array.from(v.subarray(765))).toEqual([0xfd, 0xe7, 0x25]);
  });
});

describe("toRaster / zoomRaster / blit / drawText", () => {
  it("NaN pixels render black", () => {
    expect(Array.from(toRaster(array([[NaN, 0, 1]]), { min: 0, max: 1 }).data)).toEqual([0, 0, 255]);
  });

  it("zoomRaster(2) repeats pixels; blit copies gray into RGB and clips", () => {
    const r = zoomRaster({ width: 2, height: 1, channels: 1, data: new Uint8Array([10, 20]) }, 2);
    expect(Array.from(r.data)).toEqual([10, 10, 20, 20, 10, 10, 20, 20]);
    const canvas = blankRaster(3, 2, [1, 2, 3]);
    blit(canvas, r, 1, 1);
    expect(Array.from(canvas.data)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 10, 10, 10, 10, 10, 10]);
  });

  it("drawText('HI', scale=2) inks inside its box only", () => {
    const canvas = blankRaster(40, 20, [0, 0, 0]);
    drawText(canvas, "Hi", 1, 1, [255, 255, 255], 2);
    let ink = 0;
    for (let y = 0; y < 20; y++) for (let x = 0; x < 40; x++) {
      if (canvas.data[(y * 40 + x) * 3] === 255) {
        ink++;
        expect(x).toBeLessThan(1 + textWidth("Hi", 2));
        expect(y).toBeLessThan(1 + 14);
      }
    }
    expect(ink).toBeGreaterThan(40);
  });

  it("rejects a 3-D block whose last axis is not 3", () => {
    expect(() => toRaster(array([[[1, 2]]]))).toThrow(ValueError);
  });
});
