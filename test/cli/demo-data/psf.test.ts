import { describe, expect, it } from "vitest";
import { ValueError } from "../../../src/core/errors.js";
import type { Block } from "../../../src/core/ndarray.js";
import { gaussianPsf, lightSheetPsf, lightSheetPsfWidths, type LightSheetPsfOptions } from "../../../src/cli/demo-data/psf.js";

const at = (b: Block, z: number, y: number, x: number): number => b.data[z * b.stride[0]! + y * b.stride[1]! + x * b.stride[2]!]!;
const total = (b: Block): number => Array.from(b.data as Float32Array).reduce((a, v) => a + v, 0);

function flipped(b: Block, axis: number): number[] {
  const [nz, ny, nx] = b.shape as [number, number, number];
  const out: number[] = [];
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const i = [z, y, x];
    i[axis] = b.shape[axis]! - 1 - i[axis]!;
    out.push(at(b, i[0]!, i[1]!, i[2]!));
  }
  return out;
}

/** FWHM in voxels of the profile through the centre along `axis`, by linear interpolation. */
function fwhm(b: Block, axis: number): number {
  const c = b.shape.map((n) => (n - 1) / 2);
  const n = b.shape[axis]!;
  const line = Array.from({ length: n }, (_, i) => {
    const idx = [...c];
    idx[axis] = i;
    return at(b, idx[0]!, idx[1]!, idx[2]!);
  });
  const peak = line[c[axis]!]!;
  let i = c[axis]!;
  while (i + 1 < n && line[i + 1]! > peak / 2) i++;
  const frac = (line[i]! - peak / 2) / (line[i]! - line[i + 1]!);
  return 2 * (i + frac - c[axis]!);
}

function argmax(b: Block): number[] {
  let best = 0;
  b.data.forEach((v, i) => { if (v > b.data[best]!) best = i; });
  return [Math.floor(best / b.stride[0]!), Math.floor(best / b.stride[1]!) % b.shape[1]!, best % b.shape[2]!];
}

describe("gaussianPsf", () => {
  it.each([
    [[17, 25, 25], [2.5, 1.5, 1.5]],
    [[9, 16, 12], [1, 2, 0.7]],
  ])("shape=%j sigma=%j sums to 1, is symmetric, peaks at the centre", (shape, sigma) => {
    const psf = gaussianPsf(shape, sigma);
    expect(psf.dtype).toBe("float32");
    expect(psf.shape).toEqual(shape);
    expect(total(psf)).toBeCloseTo(1, 5);
    for (let ax = 0; ax < 3; ax++) expect(flipped(psf, ax)).toEqual(Array.from(psf.data));
    if (shape.every((n) => n % 2 === 1)) expect(argmax(psf)).toEqual(shape.map((n) => (n - 1) / 2));
  });

  it("FWHM is 2.3548 sigma and scales with sigma (shape=[41, 41, 41])", () => {
    for (const s of [1.5, 3]) {
      const psf = gaussianPsf([41, 41, 41], [s, s * 1.5, s]);
      expect(fwhm(psf, 0)).toBeCloseTo(2.3548 * s, 1);
      expect(fwhm(psf, 1)).toBeCloseTo(2.3548 * s * 1.5, 1);
    }
  });

  it.each([
    [[0, 5, 5], [1, 1, 1]],
    [[5, 5], [1, 1, 1]],
    [[5, 5, 5], [1, 0, 1]],
    [[5, 5, 5], [1, 1]],
    [[5, 5, 5], [1, NaN, 1]],
    [[5, 2.5, 5], [1, 1, 1]],
  ])("shape=%j sigma=%j throws ValueError", (shape, sigma) => {
    expect(() => gaussianPsf(shape, sigma)).toThrow(ValueError);
  });
});

describe("lightSheetPsf", () => {
  const base: LightSheetPsfOptions = { wavelength: 0.52, na: 0.8, sheetSigma: 0.4, voxelSize: [0.25, 0.1, 0.1] };

  it("shape=[17, 31, 31] sums to 1, is symmetric on every axis, peaks at the centre", () => {
    const psf = lightSheetPsf([17, 31, 31], base);
    expect(psf.dtype).toBe("float32");
    expect(total(psf)).toBeCloseTo(1, 5);
    const peak = at(psf, 8, 15, 15);
    for (let ax = 0; ax < 3; ax++) {
      const worst = flipped(psf, ax).reduce((m, v, i) => Math.max(m, Math.abs(v - psf.data[i]!)), 0);
      expect(worst).toBeLessThan(1e-6 * peak);
    }
    expect(argmax(psf)).toEqual([8, 15, 15]);
  });

  it("lateral FWHM is 0.514 lambda / NA and halves when NA doubles (na=0.5 vs 1.0)", () => {
    const options = (na: number): LightSheetPsfOptions => ({ ...base, na, voxelSize: [0.2, 0.04, 0.04] });
    const wide = lightSheetPsf([9, 61, 61], options(0.5));
    const narrow = lightSheetPsf([9, 61, 61], options(1.0));
    const expected = (0.5145 * 0.52) / 0.5;
    expect(lightSheetPsfWidths(options(0.5)).lateral).toBeCloseTo(expected, 3);
    // Sampling averages each voxel, which widens the measured FWHM a little.
    expect(fwhm(wide, 2) * 0.04).toBeGreaterThan(expected * 0.97);
    expect(fwhm(wide, 2) * 0.04).toBeLessThan(expected * 1.06);
    expect(fwhm(wide, 2) / fwhm(narrow, 2)).toBeGreaterThan(1.85);
    expect(fwhm(wide, 2) / fwhm(narrow, 2)).toBeLessThan(2.1);
  });

  it("shows the Airy pattern's first dark ring near 0.61 lambda / NA in the focal plane", () => {
    const psf = lightSheetPsf([1, 81, 81], { ...base, sheetSigma: 5, voxelSize: [0.1, 0.02, 0.02], oversample: 1 });
    const line = Array.from({ length: 41 }, (_, i) => at(psf, 0, 40, 40 + i));
    const ring = (0.61 * 0.52) / 0.8 / 0.02; // 19.8 voxels
    const r = Math.round(ring);
    expect(line[r]!).toBeLessThan(1e-3 * line[0]!);
    expect(line[r + 6]!).toBeGreaterThan(line[r]! * 10); // the first bright ring beyond it
  });

  it("axial FWHM follows the sheet: sheetSigma=0.2 is narrower than 0.6, both near the model's widths", () => {
    for (const [thin, thick] of [[0.2, 0.6]] as const) {
      const o = (s: number): LightSheetPsfOptions => ({ ...base, sheetSigma: s, voxelSize: [0.05, 0.1, 0.1] });
      const a = fwhm(lightSheetPsf([81, 9, 9], o(thin)), 0) * 0.05;
      const b = fwhm(lightSheetPsf([81, 9, 9], o(thick)), 0) * 0.05;
      expect(a).toBeLessThan(b * 0.6);
      expect(a).toBeCloseTo(lightSheetPsfWidths(o(thin)).axial, 1);
      expect(b).toBeCloseTo(lightSheetPsfWidths(o(thick)).axial, 1);
    }
  });

  it("keeps the widefield detection's constant energy per plane when the sheet is very thick", () => {
    const psf = lightSheetPsf([21, 101, 101], { ...base, sheetSigma: 1e6, voxelSize: [0.1, 0.05, 0.05], oversample: 1 });
    const planes = Array.from({ length: 9 }, (_, dz) => {
      let s = 0;
      for (let i = 0; i < 101 * 101; i++) s += psf.data[(10 + dz) * 101 * 101 + i]!;
      return s;
    });
    // Up to the energy the 5 um box misses as the pattern spreads (|z| <= 0.8 um here).
    for (const s of planes) expect(s / planes[0]!).toBeGreaterThan(0.93);
  });

  it.each([
    ["shape of rank 2", [31, 31], base],
    ["zero wavelength", [5, 5, 5], { ...base, wavelength: 0 }],
    ["na above n", [5, 5, 5], { ...base, na: 1.4 }],
    ["negative sheetSigma", [5, 5, 5], { ...base, sheetSigma: -1 }],
    ["two voxel sizes", [5, 5, 5], { ...base, voxelSize: [0.1, 0.1] }],
    ["a zero voxel size", [5, 5, 5], { ...base, voxelSize: [0.1, 0, 0.1] }],
    ["oversample 0", [5, 5, 5], { ...base, oversample: 0 }],
    ["no options", [5, 5, 5], null],
  ])("%s throws ValueError", (_what, shape, options) => {
    expect(() => lightSheetPsf(shape as number[], options as LightSheetPsfOptions)).toThrow(ValueError);
  });
});
