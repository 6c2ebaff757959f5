import { describe, expect, it } from "vitest";
import { ValueError } from "../../../src/core/errors.js";
import { syntheticStack, type SyntheticOptions } from "../../../src/cli/demo-data/synthetic.js";

// A reduced size keeps these tests fast; the presets are exercised once below.
const tiny: SyntheticOptions = {
  channels: 2, timepoints: 2, shape: [12, 40, 48], beads: 8, filaments: 4, psfShape: [9, 15, 15], seed: 3,
};

const sum = (a: ArrayLike<number>, from = 0, to = a.length): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]!;
  return s;
};

describe("syntheticStack", () => {
  const data = syntheticStack(tiny);
  const frame = 12 * 40 * 48;
  const psfFrame = 9 * 15 * 15;

  it("shape=[12, 40, 48] channels=2 timepoints=2: blocks have the documented shapes and dtypes", () => {
    expect(data.truth.dtype).toBe("float32");
    expect(data.blurred.dtype).toBe("float32");
    expect(data.noisy.dtype).toBe("uint16");
    expect(data.psfs.dtype).toBe("float32");
    expect(data.measuredPsfs.dtype).toBe("uint16");
    for (const b of [data.truth, data.blurred, data.noisy]) {
      expect(b.shape).toEqual([2, 2, 12, 40, 48]);
      expect(b.stride).toEqual([2 * frame, frame, 40 * 48, 48, 1]);
      expect(b.offset).toBe(0);
      expect(b.data.length).toBe(4 * frame);
    }
    expect(data.psfs.shape).toEqual([2, 9, 15, 15]);
    expect(data.measuredPsfs.shape).toEqual([2, 9, 15, 15]);
    expect(data.background).toBe(100);
    expect(data.wavelengths).toEqual([0.52, 0.61]);
    expect(data.voxelSize).toEqual([0.25, 0.1, 0.1]);
  });

  it("is deterministic from the seed: the same options give identical blocks, another seed differs", () => {
    const again = syntheticStack(tiny);
    expect(Buffer.from(again.noisy.data.buffer).equals(Buffer.from(data.noisy.data.buffer))).toBe(true);
    expect(Buffer.from(again.truth.data.buffer).equals(Buffer.from(data.truth.data.buffer))).toBe(true);
    expect(Buffer.from(again.measuredPsfs.data.buffer).equals(Buffer.from(data.measuredPsfs.data.buffer))).toBe(true);
    const other = syntheticStack({ ...tiny, seed: 4 });
    expect(Buffer.from(other.truth.data.buffer).equals(Buffer.from(data.truth.data.buffer))).toBe(false);
    expect(Buffer.from(other.noisy.data.buffer).equals(Buffer.from(data.noisy.data.buffer))).toBe(false);
  });

  it("each channel's PSF sums to 1, and the longer wavelength's PSF is wider (lower peak)", () => {
    const peaks = [0, 1].map((c) => {
      expect(sum(data.psfs.data, c * psfFrame, (c + 1) * psfFrame)).toBeCloseTo(1, 5);
      return data.psfs.data[c * psfFrame + (psfFrame - 1) / 2]!;
    });
    expect(peaks[1]!).toBeLessThan(peaks[0]! * 0.85);
  });

  it("truth is non-negative and has beads and filaments; blur keeps the flux (up to the edges)", () => {
    expect(data.truth.data.every((v) => v >= 0)).toBe(true);
    for (let k = 0; k < 4; k++) {
      const t = sum(data.truth.data, k * frame, (k + 1) * frame);
      const b = sum(data.blurred.data, k * frame, (k + 1) * frame);
      expect(t).toBeGreaterThan(0);
      expect(b).toBeLessThanOrEqual(t * 1.0001);
      expect(b).toBeGreaterThan(t * 0.7);
    }
  });

  it("photons=400 (default): each channel's blurred maximum at t=0 is 400", () => {
    for (const c of [0, 1]) {
      const start = c * 2 * frame;
      let peak = 0;
      for (let i = start; i < start + frame; i++) peak = Math.max(peak, data.blurred.data[i]!);
      expect(peak).toBeCloseTo(400, 2);
    }
  });

  it("the specimen drifts and bleaches over time", () => {
    const t0 = data.truth.data.subarray(0, frame);
    const t1 = data.truth.data.subarray(frame, 2 * frame);
    expect(sum(t1)).toBeLessThan(sum(t0));
    expect(sum(t1)).toBeGreaterThan(sum(t0) * 0.9);
    let diff = 0;
    for (let i = 0; i < frame; i++) diff += Math.abs(t1[i]! - t0[i]! * 0.96);
    expect(diff).toBeGreaterThan(0.05 * sum(t0));
  });

  it("noise is Poisson plus read noise: mean blurred + background, variance about the mean", () => {
    let n = 0, m = 0, v = 0, expectedVariance = 0;
    for (let i = 0; i < data.noisy.data.length; i++) {
      const expected = data.blurred.data[i]! + 100;
      const r = data.noisy.data[i]! - expected;
      m += r;
      v += r * r;
      expectedVariance += expected + 1.5 ** 2 + 1 / 12; // + rounding to integers
      n++;
    }
    expect(Math.abs(m / n)).toBeLessThan(0.2);
    expect(v / expectedVariance).toBeGreaterThan(0.97);
    expect(v / expectedVariance).toBeLessThan(1.03);
  });

  it("measured PSFs peak near 4000 counts above the background", () => {
    for (const c of [0, 1]) {
      const peak = data.measuredPsfs.data[c * psfFrame + (psfFrame - 1) / 2]!;
      expect(peak).toBeGreaterThan(4100 - 5 * Math.sqrt(4100));
      expect(peak).toBeLessThan(4100 + 5 * Math.sqrt(4100));
    }
  });

  it("noisy clips at 65535 with very bright data, and background 0 with readNoise 0 gives 0 where blurred is 0", () => {
    const bright = syntheticStack({ ...tiny, channels: 1, timepoints: 1, photons: 2e5 });
    expect(Math.max(...bright.noisy.data)).toBe(65535);
    const dark = syntheticStack({ ...tiny, channels: 1, timepoints: 1, background: 0, readNoise: 0, beads: 0, filaments: 0 });
    expect(dark.noisy.data.every((v) => v === 0)).toBe(true);
  });

  it("psf='gaussian' gives a separable PSF with the light-sheet model's widths", () => {
    const g = syntheticStack({ ...tiny, channels: 1, timepoints: 1, psf: "gaussian" });
    expect(sum(g.psfs.data)).toBeCloseTo(1, 5);
    const ratio = g.psfs.data[(psfFrame - 1) / 2]! / data.psfs.data[(psfFrame - 1) / 2]!;
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  // Its generation time is a benchmark figure, not a test (`npx tsx scratch/demo-preview.mts`).
  it("size='small' (default) has shape (2, 3, 32, 128, 128)", () => {
    const small = syntheticStack({ seed: 1 });
    expect(small.noisy.shape).toEqual([2, 3, 32, 128, 128]);
    expect(small.psfs.shape).toEqual([2, 17, 31, 31]);
  });

  it.each([
    ["channels 0", { channels: 0 }],
    ["timepoints 1.5", { timepoints: 1.5 }],
    ["shape of rank 2", { shape: [32, 32] }],
    ["a zero in shape", { shape: [0, 32, 32] }],
    ["an even psfShape", { psfShape: [16, 31, 31] }],
    ["negative photons", { photons: -1 }],
    ["negative background", { background: -5 }],
    ["NaN readNoise", { readNoise: NaN }],
    ["an unknown psf", { psf: "confocal" }],
    ["an unknown size", { size: "huge" }],
    ["a fractional seed", { seed: 0.5 }],
    ["negative beads", { beads: -1 }],
    ["a zero voxel size", { voxelSize: [0.2, 0, 0.1] }],
  ])("%s throws ValueError", (_what, options) => {
    expect(() => syntheticStack(options as SyntheticOptions)).toThrow(ValueError);
  });
});
