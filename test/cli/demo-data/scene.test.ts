import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/cli/demo-data/random.js";
import { FILAMENT_STEP, makeScene, renderFrame, splat } from "../../../src/cli/demo-data/scene.js";

const sum = (a: Float32Array): number => a.reduce((s, v) => s + v, 0);

describe("splat", () => {
  it.each([0.02, 0.06, 0.15])("sigma=%d um inside the volume adds `amount` (less the 3.5-sigma tails), centred where asked", (sigma) => {
    const v = new Float32Array(8 * 16 * 16);
    splat(v, [8, 16, 16], [0.25, 0.1, 0.1], [1.125, 0.85, 0.75], sigma, 100);
    expect(Math.abs(sum(v) - 100)).toBeLessThan(0.15);
    let best = 0;
    v.forEach((x, i) => { if (x > v[best]!) best = i; });
    expect([Math.floor(best / 256), Math.floor(best / 16) % 16, best % 16]).toEqual([4, 8, 7]);
  });

  it("a spot at the edge loses the part outside; one far outside adds nothing", () => {
    const v = new Float32Array(4 * 8 * 8);
    splat(v, [4, 8, 8], [0.25, 0.1, 0.1], [0.5, 0, 0.4], 0.05, 10);
    expect(sum(v)).toBeGreaterThan(4);
    expect(sum(v)).toBeLessThan(6);
    const w = new Float32Array(4 * 8 * 8);
    splat(w, [4, 8, 8], [0.25, 0.1, 0.1], [0.5, 5, 0.4], 0.05, 10);
    expect(sum(w)).toBe(0);
  });
});

describe("makeScene / renderFrame", () => {
  const options = { channels: 2, timepoints: 3, extent: [8, 12.8, 12.8] as [number, number, number], beads: 20, filaments: 10 };

  it("channels=2 beads=20 filaments=10: counts, bounds and smooth filaments", () => {
    const scene = makeScene(createRng(1), options);
    expect(scene.beads).toHaveLength(20);
    expect(scene.filaments).toHaveLength(10);
    expect(scene.filaments.map((f) => f.channel)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    for (const f of scene.filaments) {
      for (let p = 0; p < f.points.length; p += 3) {
        expect(f.points[p]!).toBeGreaterThanOrEqual(0.8 - 1e-9);
        expect(f.points[p]!).toBeLessThanOrEqual(7.2 + 1e-9);
        if (p > 0) {
          const step = Math.hypot(f.points[p]! - f.points[p - 3]!, f.points[p + 1]! - f.points[p - 2]!, f.points[p + 2]! - f.points[p - 1]!);
          expect(step).toBeLessThanOrEqual(FILAMENT_STEP + 1e-9);
        }
      }
    }
    expect(scene.drift[0]).toEqual([0, 0, 0]);
    expect(scene.drift).toHaveLength(3);
  });

  it("is a pure function of the generator's seed", () => {
    expect(makeScene(createRng(5), options)).toEqual(makeScene(createRng(5), options));
    expect(makeScene(createRng(5), options)).not.toEqual(makeScene(createRng(6), options));
  });

  it("renderFrame draws non-negative volumes that fade with t (bleach=0.9)", () => {
    const scene = makeScene(createRng(2), { ...options, extent: [4, 3.2, 3.2] });
    const look = { beadSigma: 0.06, filamentSigma: 0.05, filamentDensity: 2.5, bleach: 0.9 };
    const a = renderFrame(scene, 0, 0, [16, 32, 32], [0.25, 0.1, 0.1], look);
    const b = renderFrame(scene, 0, 2, [16, 32, 32], [0.25, 0.1, 0.1], look);
    expect(a.every((v) => v >= 0)).toBe(true);
    expect(sum(b) / sum(a)).toBeGreaterThan(0.7);
    expect(sum(b) / sum(a)).toBeLessThan(0.85);
  });
});
