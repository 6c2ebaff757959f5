/**
 * Properties of the filters (fast-check), float64 unless stated:
 * - fftConvolve "full" equals a naive direct convolution (max abs error <= 1e-9 * sum|a| max|b|),
 *   and "same"/"valid" are its centred crops; ndimage-style `convolve` with mode "constant",
 *   cval 0 equals fftConvolve "same" for odd kernels;
 * - Richardson-Lucy with a delta PSF (odd shape, centred) leaves the image unchanged after any
 *   number of iterations, in both boundaries and both inits (relative 1e-9);
 * - Richardson-Lucy on the resident wasm engine (1 to 3 threads, both boundaries, odd and even
 *   PSF axes) equals the TypeScript reference path (relative 1e-10);
 * - Richardson-Lucy keeps a non-negative image non-negative (float32 and float64, both
 *   boundaries; up to FFT round-off: min >= -1e-6 (float32) or -1e-12 (float64) times the max), and in "zero" mode with an odd, normalised PSF conserves the total flux after
 *   every iteration (relative 1e-9; the only loss is scikit-image's 1e-12 regulariser, and
 *   "neumann" conserves flux over its padded domain instead, so it is not checked on the crop);
 * - total-variation regularised Richardson-Lucy: the resident engine equals the reference path
 *   (relative 1e-9), every iterate stays non-negative (up to the same FFT round-off) for any
 *   lambda below 1 / (2 ndim), and
 *   lambda 0 gives the plain bytes; its divergence term sums to 0 over the domain (it is minus
 *   the adjoint of the forward-difference gradient), lies within 2 ndim, and does not depend on
 *   the layout's strides;
 * - the Gaussian of a constant image is that constant in every mode (with cval equal to it
 *   for "constant"), relative 1e-12.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { cStrides, toFlatArray, type Block } from "../../src/core/ndarray.js";
import { nextFastLen } from "../../src/fft/index.js";
import { ResidentRfftn } from "../../src/fft/resident-rfftn.js";
import { setDefaultFftBackend } from "../../src/fft/wasm-engine.js";
import { convolve, fftConvolve, gaussianFilter, richardsonLucy } from "../../src/filters/index.js";
import { tvDivide } from "../../src/filters/richardson-lucy-tv.js";

const NUM_RUNS = 30;

const shapeArb = (ndim: number, min: number, max: number) => fc.array(fc.integer({ min, max }), { minLength: ndim, maxLength: ndim });

const blockArb = (shape: number[], min: number, max: number): fc.Arbitrary<Block<"float64">> => {
  const n = shape.reduce((p, d) => p * d, 1);
  return fc.float64Array({ minLength: n, maxLength: n, min, max, noNaN: true, noDefaultInfinity: true })
    .map((data) => ({ dtype: "float64" as const, data, shape, stride: cStrides(shape), offset: 0 }));
};

/** An image and a kernel of the same rank (1 to 3 axes). */
const pairArb = (kmin: number, kmax: number, odd = false) => fc.integer({ min: 1, max: 3 }).chain((nd) =>
  fc.tuple(shapeArb(nd, 1, 9), shapeArb(nd, kmin, kmax).map((s) => (odd ? s.map((d) => 2 * Math.floor(d / 2) + 1) : s)))
    .chain(([s1, s2]) => fc.tuple(blockArb(s1, -1, 1), blockArb(s2, -1, 1))));

function naiveFull(a: Block, b: Block): { data: Float64Array; shape: number[] } {
  const shape = a.shape.map((d, i) => d + b.shape[i]! - 1);
  const out = new Float64Array(shape.reduce((p, d) => p * d, 1));
  const os = cStrides(shape);
  const nd = shape.length;
  const ia = new Array<number>(nd).fill(0);
  for (let i = 0; i < a.data.length; i++) {
    let r = i;
    for (let d = 0; d < nd; d++) { ia[d] = Math.floor(r / a.stride[d]!); r %= a.stride[d]!; }
    for (let j = 0; j < b.data.length; j++) {
      let q = j;
      let o = 0;
      for (let d = 0; d < nd; d++) { const jd = Math.floor(q / b.stride[d]!); q %= b.stride[d]!; o += (ia[d]! + jd) * os[d]!; }
      out[o]! += a.data[i]! * b.data[j]!;
    }
  }
  return { data: out, shape };
}

function crop(full: { data: Float64Array; shape: number[] }, start: number[], shape: number[]): number[] {
  const os = cStrides(full.shape);
  const out: number[] = [];
  const n = shape.reduce((p, d) => p * d, 1);
  const st = cStrides(shape);
  for (let i = 0; i < n; i++) {
    let r = i;
    let o = 0;
    for (let d = 0; d < shape.length; d++) { o += (Math.floor(r / st[d]!) + start[d]!) * os[d]!; r %= st[d]!; }
    out.push(full.data[o]!);
  }
  return out;
}

const maxAbs = (a: ArrayLike<number>): number => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!)); return m; };
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!)); return m; };
const sum = (a: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]!; return s; };

describe("fftConvolve equals direct convolution", () => {
  test("full, same and valid against a naive loop", () => {
    fc.assert(fc.property(pairArb(1, 6), ([a, b]) => {
      const ref = naiveFull(a, b);
      const tol = 1e-9 * Math.max(1, sum(Array.from(a.data, Math.abs)) * maxAbs(b.data));
      const full = fftConvolve(a, b, { mode: "full" });
      expect(full.shape).toEqual(ref.shape);
      expect(maxDiff(full.data, ref.data)).toBeLessThanOrEqual(tol);
      const same = fftConvolve(a, b, { mode: "same" });
      expect(maxDiff(same.data, crop(ref, b.shape.map((k) => Math.floor((k - 1) / 2)), [...a.shape]))).toBeLessThanOrEqual(tol);
      if (a.shape.every((d, i) => d >= b.shape[i]!)) {
        const valid = fftConvolve(a, b, { mode: "valid" });
        const vshape = a.shape.map((d, i) => d - b.shape[i]! + 1);
        expect(valid.shape).toEqual(vshape);
        expect(maxDiff(valid.data, crop(ref, b.shape.map((k) => k - 1), vshape))).toBeLessThanOrEqual(tol);
      }
    }), { numRuns: NUM_RUNS });
  });

  test("convolve(mode constant, cval 0) equals fftConvolve same for odd kernels", () => {
    fc.assert(fc.property(pairArb(1, 5, true), ([a, b]) => {
      const direct = convolve(a, b, { mode: "constant", cval: 0 });
      const viaFft = fftConvolve(a, b, { mode: "same" });
      expect(maxDiff(direct.data, viaFft.data)).toBeLessThanOrEqual(1e-9 * Math.max(1, sum(Array.from(b.data, Math.abs))));
    }), { numRuns: NUM_RUNS });
  });
});

/** An image in [lo, 1] and an odd PSF shape of the same rank. */
const imagePsfShapeArb = (lo: number) => fc.integer({ min: 1, max: 3 }).chain((nd) =>
  fc.tuple(shapeArb(nd, 2, 8).chain((s) => blockArb(s, lo, 1)), shapeArb(nd, 0, 2).map((s) => s.map((h) => 2 * h + 1))));

describe("Richardson-Lucy", () => {
  test("a centred delta PSF leaves the image unchanged (both boundaries, both inits)", () => {
    fc.assert(fc.property(imagePsfShapeArb(0.01), fc.integer({ min: 1, max: 4 }), fc.constantFrom("zero", "neumann"), fc.constantFrom("constant", "image"),
      ([img, kshape], iterations, boundary, init) => {
        const psfData = new Float64Array(kshape.reduce((p, d) => p * d, 1));
        psfData[(psfData.length - 1) / 2] = 1;
        const psf = { dtype: "float64" as const, data: psfData, shape: kshape, stride: cStrides(kshape), offset: 0 };
        const out = richardsonLucy(img, psf, { iterations, clip: false, boundary: boundary as "zero", init: init as "image" });
        expect(maxDiff(out.data, img.data)).toBeLessThanOrEqual(1e-9);
      }), { numRuns: NUM_RUNS });
  });

  test("the resident wasm engine on 1 to 3 threads equals the TypeScript reference path (both boundaries, even PSF axes too; float64, relative 1e-10)", () => {
    const anyPsf = fc.integer({ min: 1, max: 3 }).chain((nd) => fc.tuple(shapeArb(nd, 2, 8).chain((s) => blockArb(s, 0.01, 1)), shapeArb(nd, 1, 5)));
    fc.assert(fc.property(anyPsf, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom("constant", "image"), fc.constantFrom("zero", "neumann"),
      ([img, kshape], iterations, threads, init, boundary) => {
        const n = kshape.reduce((p, d) => p * d, 1);
        const psf = { dtype: "float64" as const, data: Float64Array.from({ length: n }, (_, i) => 0.1 + ((i * 7919) % 13) / 13), shape: kshape, stride: cStrides(kshape), offset: 0 };
        const opts = { iterations, boundary, init, clip: false, filterEpsilon: 1e-5, threads } as const;
        // The resident engine serves this padded shape (so the comparison is not the reference with itself).
        const pad = boundary === "neumann" ? 0 : -1;
        const probe = ResidentRfftn.create(img.shape.map((d, i) => nextFastLen(d + kshape[i]! + pad, true)), "float64", 1, 1);
        expect(probe).toBeDefined();
        probe!.close();
        const resident = richardsonLucy(img, psf, opts);
        const prev = setDefaultFftBackend("typescript");
        try {
          const reference = richardsonLucy(img, psf, opts);
          expect(maxDiff(resident.data, reference.data)).toBeLessThanOrEqual(1e-10 * Math.max(1, maxAbs(reference.data)));
        } finally {
          setDefaultFftBackend(prev);
        }
      }), { numRuns: NUM_RUNS });
  });

  test("a non-negative image stays non-negative (float32 and float64, both boundaries)", () => {
    fc.assert(fc.property(imagePsfShapeArb(0), fc.integer({ min: 1, max: 5 }), fc.constantFrom("zero", "neumann"), fc.boolean(),
      ([img, kshape], iterations, boundary, f32) => {
        const n = kshape.reduce((p, d) => p * d, 1);
        const psf = { dtype: "float64" as const, data: Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 13) / 13), shape: kshape, stride: cStrides(kshape), offset: 0 };
        const image = f32 ? { ...img, dtype: "float32" as const, data: Float32Array.from(img.data) } : img;
        const out = richardsonLucy(image, f32 ? { ...psf, dtype: "float32" as const, data: Float32Array.from(psf.data) } : psf, { iterations, clip: false, boundary: boundary as "zero" });
        // Exact arithmetic keeps every value >= 0; FFT round-off may leave tiny negatives near 0.
        const floor = -(f32 ? 1e-6 : 1e-12) * maxAbs(out.data);
        for (let i = 0; i < out.data.length; i++) expect(out.data[i]!).toBeGreaterThanOrEqual(floor);
      }), { numRuns: NUM_RUNS });
  });

  test("zero boundary with an odd normalised PSF conserves total flux every iteration", () => {
    fc.assert(fc.property(imagePsfShapeArb(0.05), fc.integer({ min: 1, max: 5 }), ([img, kshape], iterations) => {
      const n = kshape.reduce((p, d) => p * d, 1);
      const psf = { dtype: "float64" as const, data: Float64Array.from({ length: n }, (_, i) => 0.1 + ((i * 7919) % 13) / 13), shape: kshape, stride: cStrides(kshape), offset: 0 };
      const flux = sum(img.data);
      const seen: number[] = [];
      richardsonLucy(img, psf, { iterations, clip: false, normalizePsf: true, onIteration: (_i, e) => seen.push(sum(toFlatArray(e))) });
      expect(seen).toHaveLength(iterations);
      for (const s of seen) expect(Math.abs(s - flux) / flux).toBeLessThanOrEqual(1e-9);
    }), { numRuns: NUM_RUNS });
  });
});

describe("Richardson-Lucy with Biggs-Andrews acceleration", () => {
  const anyPsf = fc.integer({ min: 1, max: 3 }).chain((nd) => fc.tuple(shapeArb(nd, 2, 8).chain((s) => blockArb(s, 0.01, 1)), shapeArb(nd, 1, 5)));
  const psfOf = (kshape: number[]): Block<"float64"> => {
    const n = kshape.reduce((p, d) => p * d, 1);
    return { dtype: "float64", data: Float64Array.from({ length: n }, (_, i) => 0.1 + ((i * 7919) % 13) / 13), shape: kshape, stride: cStrides(kshape), offset: 0 };
  };

  test("the resident engine (step and extrapolation fused into the row passes) on 1 to 3 threads equals the TypeScript reference path (both boundaries, even PSF axes too; float64, relative 1e-9)", () => {
    fc.assert(fc.property(anyPsf, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom("zero", "neumann"),
      ([img, kshape], iterations, threads, boundary) => {
        const opts = { iterations, boundary, init: "image", filterEpsilon: 1e-5, threads, acceleration: "biggs" } as const;
        const resident = richardsonLucy(img, psfOf(kshape), opts);
        const prev = setDefaultFftBackend("typescript");
        try {
          const reference = richardsonLucy(img, psfOf(kshape), opts);
          expect(maxDiff(resident.data, reference.data)).toBeLessThanOrEqual(1e-9 * Math.max(1, maxAbs(reference.data)));
        } finally {
          setDefaultFftBackend(prev);
        }
      }), { numRuns: NUM_RUNS });
  });

  test("every iterate is non-negative, and with the zero boundary and an odd normalised PSF keeps the total flux (relative 1e-9)", () => {
    fc.assert(fc.property(imagePsfShapeArb(0.05), fc.integer({ min: 1, max: 6 }), fc.boolean(), ([img, kshape], iterations, f32) => {
      const image = f32 ? { ...img, dtype: "float32" as const, data: Float32Array.from(img.data) } : img;
      const psf = f32 ? { ...psfOf(kshape), dtype: "float32" as const, data: Float32Array.from(psfOf(kshape).data) } : psfOf(kshape);
      const flux = sum(img.data);
      richardsonLucy(image, psf, {
        iterations, normalizePsf: true, acceleration: "biggs",
        onIteration: (_i, e) => {
          const v = toFlatArray(e);
          for (const x of v) expect(x).toBeGreaterThanOrEqual(0);
          expect(Math.abs(sum(v) - flux) / flux).toBeLessThanOrEqual(f32 ? 1e-5 : 1e-9);
        },
      });
    }), { numRuns: NUM_RUNS });
  });

  test("acceleration 'none' and an absent option give the same bytes", () => {
    fc.assert(fc.property(anyPsf, fc.integer({ min: 1, max: 3 }), fc.constantFrom("zero", "neumann"), ([img, kshape], iterations, boundary) => {
      const a = richardsonLucy(img, psfOf(kshape), { iterations, boundary }).data;
      const b = richardsonLucy(img, psfOf(kshape), { iterations, boundary, acceleration: "none" }).data;
      expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength))).toBe(true);
    }), { numRuns: NUM_RUNS });
  });
});

describe("Richardson-Lucy with total-variation regularisation", () => {
  const anyPsf = fc.integer({ min: 1, max: 3 }).chain((nd) => fc.tuple(shapeArb(nd, 2, 8).chain((s) => blockArb(s, 0.01, 1)), shapeArb(nd, 1, 5)));
  const psfOf = (kshape: number[]): Block<"float64"> => {
    const n = kshape.reduce((p, d) => p * d, 1);
    return { dtype: "float64", data: Float64Array.from({ length: n }, (_, i) => 0.1 + ((i * 7919) % 13) / 13), shape: kshape, stride: cStrides(kshape), offset: 0 };
  };
  const lambdaFor = (nd: number, frac: number): number => (frac * 0.999) / (2 * nd);

  test("the resident engine on 1 to 3 threads equals the TypeScript reference path (both boundaries, with and without acceleration; float64, relative 1e-9)", () => {
    fc.assert(fc.property(anyPsf, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom("zero", "neumann"), fc.constantFrom("none", "biggs"), fc.double({ min: 0, max: 1, noNaN: true }),
      ([img, kshape], iterations, threads, boundary, acceleration, frac) => {
        const opts = { iterations, boundary, init: "image", filterEpsilon: 1e-5, threads, acceleration, regularization: { tv: lambdaFor(img.shape.length, frac) } } as const;
        const resident = richardsonLucy(img, psfOf(kshape), opts);
        const prev = setDefaultFftBackend("typescript");
        try {
          const reference = richardsonLucy(img, psfOf(kshape), opts);
          expect(maxDiff(resident.data, reference.data)).toBeLessThanOrEqual(1e-9 * Math.max(1, maxAbs(reference.data)));
        } finally {
          setDefaultFftBackend(prev);
        }
      }), { numRuns: NUM_RUNS });
  });

  test("every iterate is non-negative for any lambda below 1 / (2 ndim) (float32 and float64, both boundaries, with and without acceleration)", () => {
    fc.assert(fc.property(imagePsfShapeArb(0), fc.integer({ min: 1, max: 6 }), fc.boolean(), fc.constantFrom("zero", "neumann"), fc.constantFrom("none", "biggs"), fc.double({ min: 0, max: 1, noNaN: true }),
      ([img, kshape], iterations, f32, boundary, acceleration, frac) => {
        const image = f32 ? { ...img, dtype: "float32" as const, data: Float32Array.from(img.data) } : img;
        richardsonLucy(image, psfOf(kshape), {
          iterations, boundary, acceleration, init: "image", regularization: { tv: lambdaFor(img.shape.length, frac) },
          // Plain RL's own FFT round-off, as for the unregularised property above.
          onIteration: (_i, e) => { for (const x of toFlatArray(e)) expect(x).toBeGreaterThanOrEqual(-(f32 ? 1e-6 : 1e-12) * Math.max(1e-300, maxAbs(img.data))); },
        });
      }), { numRuns: NUM_RUNS });
  });

  test("lambda 0 gives the bytes of plain Richardson-Lucy (both boundaries, with and without acceleration)", () => {
    fc.assert(fc.property(anyPsf, fc.integer({ min: 1, max: 3 }), fc.constantFrom("zero", "neumann"), fc.constantFrom("none", "biggs"), ([img, kshape], iterations, boundary, acceleration) => {
      const a = richardsonLucy(img, psfOf(kshape), { iterations, boundary, acceleration }).data;
      const b = richardsonLucy(img, psfOf(kshape), { iterations, boundary, acceleration, regularization: { tv: 0 } }).data;
      expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength))).toBe(true);
    }), { numRuns: NUM_RUNS });
  });

  test("the divergence term sums to 0, lies within 2 ndim, and is the same on a padded strided layout", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 3 }).chain((nd) => shapeArb(nd, 1, 7).chain((s) => blockArb(s, 0, 100))), fc.integer({ min: 0, max: 3 }), (u, pad) => {
      const lambda = 0.01, nd = u.shape.length;
      const c = new Float64Array(u.data.length).fill(1);
      tvDivide(u.data, c, u.shape, u.stride, lambda);
      const div = Array.from(c, (v) => (1 - 1 / v) / lambda);
      expect(Math.abs(sum(div))).toBeLessThanOrEqual(1e-9 * Math.max(1, div.length));
      for (const d of div) expect(Math.abs(d)).toBeLessThanOrEqual(2 * nd + 1e-9);
      // The same values in rows padded by `pad` samples: only the layout differs.
      const padded = [...u.shape.slice(0, -1), u.shape[nd - 1]! + pad];
      const ps = cStrides(padded);
      const pu = new Float64Array(padded.reduce((a, b) => a * b, 1)).fill(Number.NaN), pc = new Float64Array(pu.length).fill(1);
      const at = (i: number): number => { let r = i, o = 0; for (let a = 0; a < nd; a++) { o += Math.floor(r / u.stride[a]!) * ps[a]!; r %= u.stride[a]!; } return o; };
      for (let i = 0; i < u.data.length; i++) pu[at(i)] = u.data[i]!;
      tvDivide(pu, pc, u.shape, ps, lambda);
      for (let i = 0; i < u.data.length; i++) expect(pc[at(i)]).toBe(c[i]);
    }), { numRuns: NUM_RUNS });
  });
});

describe("gaussianFilter", () => {
  test("the Gaussian of a constant is the constant in every mode", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 3 }).chain((nd) => fc.tuple(shapeArb(nd, 1, 7), fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: nd, maxLength: nd }))),
      fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom("reflect", "constant", "nearest", "mirror", "wrap"),
      ([shape, sigma], value, mode) => {
        const n = shape.reduce((p, d) => p * d, 1);
        const img = { dtype: "float64" as const, data: new Float64Array(n).fill(value), shape, stride: cStrides(shape), offset: 0 };
        const out = gaussianFilter(img, { sigma, mode, cval: value });
        for (let i = 0; i < n; i++) expect(Math.abs(out.data[i]! - value)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(value)));
      }), { numRuns: NUM_RUNS });
  });
});
