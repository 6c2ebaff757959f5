import { describe, expect, it } from "vitest";
import { richardsonLucyResident } from "../../src/filters/richardson-lucy-resident.js";
import { resolveRlOptions } from "../../src/filters/richardson-lucy-options.js";
import { richardsonLucyWorkspace } from "../../src/filters/index.js";
import { residentRlMemory } from "../../src/filters/richardson-lucy-memory.js";
import { RESIDENT_MAX_BYTES } from "../../src/fft/resident-rfftn.js";
import { relErr } from "./load-fixtures.js";

// The resident engine's lean transfer function (the PSF transformed along all axes but the
// first, finished per line in the forwards' last passes; what the blog's full chunk needs to
// fit wasm32 memory) against the whole one, on small volumes where both run.
type F = Float32Array | Float64Array;

function run(img: F, n: number[], psf: F, k: number[], options: Record<string, unknown>, lean: boolean, threads = 1): F {
  const o = resolveRlOptions({ ...options, threads }, n, k);
  const out = richardsonLucyResident(img, n, psf, k, { ...o, eps: 1e-12, leanTransfer: lean }, undefined);
  if (out === undefined) throw new Error("the resident engine did not run");
  return out.data as F;
}

function volume(dtype: "float32" | "float64", n: number[]): F {
  const size = n.reduce((p, d) => p * d, 1);
  return (dtype === "float32" ? new Float32Array(size) : new Float64Array(size)).map((_, i) => 1 + 50 * Math.sin(0.37 * i) ** 8 + 3 * Math.cos(0.011 * i) ** 2);
}

function kernel(dtype: "float32" | "float64", k: number[]): F {
  const size = k.reduce((p, d) => p * d, 1);
  const a: F = dtype === "float32" ? new Float32Array(size) : new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) sum += (a[i] = 0.2 + Math.abs(Math.sin(1.7 * i)));
  for (let i = 0; i < size; i++) a[i]! /= sum;
  return a;
}

const ITK = { init: "image", boundary: "neumann", clip: false, filterEpsilon: 1e-5 } as const;

describe("richardsonLucy's lean transfer function on the resident engine", () => {
  const cases: { name: string; n: number[]; k: number[]; options: Record<string, unknown> }[] = [
    { name: "ITK's options, odd and even PSF axes (3-D)", n: [9, 20, 14], k: [5, 4, 3], options: { ...ITK, iterations: 4 } },
    { name: "ITK's options, a PSF as deep as the image", n: [6, 10, 12], k: [6, 3, 5], options: { ...ITK, iterations: 3 } },
    { name: "scikit-image's algorithm, odd PSF (3-D)", n: [8, 12, 10], k: [3, 5, 3], options: { iterations: 4 } },
    { name: "2-D, ITK's options", n: [30, 26], k: [7, 6], options: { ...ITK, iterations: 5 } },
    { name: "Biggs-Andrews with a tolerance (the fused step and extrapolation)", n: [9, 20, 14], k: [5, 4, 3], options: { ...ITK, iterations: 6, acceleration: "biggs", tolerance: 1e-9 } },
    { name: "an explicit fftShape larger than needed", n: [7, 9, 10], k: [3, 3, 3], options: { ...ITK, iterations: 3, fftShape: [16, 15, 20] } },
  ];
  for (const c of cases) {
    it(`${c.name}: agrees with the whole transfer function (float64 to 1e-12, float32 to 2e-6)`, () => {
      for (const [dtype, tol] of [["float64", 1e-12], ["float32", 2e-6]] as const) {
        const img = volume(dtype, c.n), psf = kernel(dtype, c.k);
        const whole = run(img, c.n, psf, c.k, c.options, false);
        const lean = run(img, c.n, psf, c.k, c.options, true);
        expect(relErr(lean, whole)).toBeLessThan(tol);
      }
    });
  }
  it("threads: 2 and 3 give byte-identical results to threads: 1", () => {
    const n = [9, 20, 14], k = [5, 4, 3];
    for (const dtype of ["float32", "float64"] as const) {
      const img = volume(dtype, n), psf = kernel(dtype, k);
      for (const options of [{ ...ITK, iterations: 3 }, { iterations: 3 }, { ...ITK, iterations: 4, acceleration: "biggs" }]) {
        const one = run(img, n, psf, k, options, true);
        for (const threads of [2, 3]) {
          const many = run(img, n, psf, k, options, true, threads);
          expect(Buffer.from(many.buffer, many.byteOffset, many.byteLength).equals(Buffer.from(one.buffer, one.byteOffset, one.byteLength))).toBe(true);
        }
      }
    }
  });
  it("is not used with a second (mirror) transfer function: scikit-image's algorithm with an even PSF axis runs the whole one", () => {
    const n = [8, 12, 10], k = [4, 5, 3];
    const img = volume("float64", n), psf = kernel("float64", k);
    const lean = run(img, n, psf, k, { iterations: 3 }, true);
    const whole = run(img, n, psf, k, { iterations: 3 }, false);
    expect(Buffer.from(lean.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
  });
  it("the memory plan counts two whole arrays and the transfer function's PSF-deep part when three take more than 3.5 GiB", () => {
    const itk = { boundary: "neumann" } as const;
    // The blog's full chunk: padded 320x1125x864, rows of 866 scalars.
    const pitched = 320 * 1125 * 866;
    // The image's staging area (16 planes of 1024x768, not the whole image), row table and column map.
    const image = 16 * 1024 * 768 * 4 + 320 * 1125 * 4 + 864 * 4;
    const lean = 2 * 4 * pitched + 1125 * 866 * 101 * 4 + 2 * 320 * 4 + image;
    const ws = richardsonLucyWorkspace(itk, [[201, 1024, 768], [101, 64, 64]], [4, 4]);
    // Plus one thread's line buffers (three of 433 rows x 36 lanes) and 64-byte alignments.
    expect(ws).toBeGreaterThanOrEqual(lean + 3 * 433 * 2 * 36 * 4);
    expect(ws).toBeLessThan(lean + 3 * 433 * 2 * 36 * 4 + 1024);
    expect(ws).toBeLessThan(RESIDENT_MAX_BYTES);
    // The medium volume keeps three.
    const medium = 160 * 576 * 452;
    expect(richardsonLucyWorkspace(itk, [[101, 512, 384], [51, 64, 64]], [4, 4])).toBeGreaterThan(3 * 4 * medium);
  });
  it("the lean transfer function past 3.5 GiB of engine memory (counting the threads' line buffers), though three whole arrays would fit RESIDENT_MAX_BYTES: 360x1080x800 at 3.53 GiB goes lean", () => {
    const n = [201, 1024, 768], k = [17, 31, 31];
    const o = (fftShape: number[], threads?: number) => ({ neumann: true, fftShape, acceleration: "none", tolerance: 0, stopOn: "change", threads }) as const;
    const staged = 16 * 1024 * 768 * 4;
    // 360x1080x800: three arrays of rows of 802 scalars and the staging area, 3.53 GiB: under the limit, over 3.5 GiB.
    expect(3 * 4 * 360 * 1080 * 802 + staged).toBeGreaterThan(3.5 * 2 ** 30);
    expect(3 * 4 * 360 * 1080 * 802 + staged).toBeLessThan(RESIDENT_MAX_BYTES);
    expect(residentRlMemory(n, k, o([360, 1080, 800]), 4)).toMatchObject({ arrays: 2, leanRows: 17 });
    expect(residentRlMemory(n, k, o([225, 1080, 800]), 4)).toMatchObject({ arrays: 3, leanRows: 0 });
    // 290x1080x984 keeps three whole arrays under 3.5 GiB on one thread, not on eight.
    expect(residentRlMemory(n, k, o([290, 1080, 984], 1), 4)).toMatchObject({ arrays: 3, leanRows: 0 });
    expect(residentRlMemory(n, k, o([290, 1080, 984], 8), 4)).toMatchObject({ arrays: 2, leanRows: 17 });
  });
  it("Biggs-Andrews on the blog's chunk with the demo generator's PSF (17x31x31) needs 3.01 GiB, with a 57x31x31 PSF 3.73 GiB: resident with the lean transfer function, within RESIDENT_MAX_BYTES", () => {
    const n = [201, 1024, 768];
    const counted = (p0: number, k0: number): number => 2 * 4 * p0 * 1080 * 802 + k0 * 1080 * 802 * 4 + 16 * 1024 * 768 * 4 + 2 * 4 * p0 * 1080 * 800;
    for (const [k0, p0] of [[17, 225], [57, 270]] as const) {
      const k = [k0, 31, 31];
      expect(residentRlMemory(n, k, { neumann: true, fftShape: [p0, 1080, 800], acceleration: "biggs", tolerance: 0, stopOn: "change" }, 4)).toMatchObject({ arrays: 2, leanRows: k0 });
      const ws = richardsonLucyWorkspace({ boundary: "neumann", acceleration: "biggs" }, [n, k], [4, 4]);
      // Two arrays of p0 x 1080 rows of 802 scalars, k0 planes of the transfer function, the staging area, the previous estimate and gradient.
      expect(ws).toBeGreaterThan(counted(p0, k0));
      expect(ws).toBeLessThan(counted(p0, k0) + 16 * 2 ** 20);
      expect(ws).toBeLessThanOrEqual(RESIDENT_MAX_BYTES);
    }
    // The 57-deep PSF is test/filters/richardson-lucy-high-memory.test.ts's: past 3.5 GiB.
    expect(richardsonLucyWorkspace({ boundary: "neumann", acceleration: "biggs" }, [n, [57, 31, 31]], [4, 4])).toBeGreaterThan(3.5 * 2 ** 30);
  });
});
