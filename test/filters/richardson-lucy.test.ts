import { describe, expect, it } from "vitest";
import { array } from "../../src/core/creation.js";
import { astype } from "../../src/core/astype.js";
import { cStrides, toFlatArray } from "../../src/core/ndarray.js";
import { gufunc } from "../../src/array/apply-gufunc.js";
import { setDefaultFftBackend } from "../../src/fft/wasm-engine.js";
import { richardsonLucy } from "../../src/filters/index.js";
import { casesOf, relErr, tolerance, versions } from "./load-fixtures.js";

describe(`richardsonLucy's defaults with clip as each case passes it (true is skimage's default) match skimage.restoration.richardson_lucy (scikit-image ${versions.skimage}); relative error <= 1e-4 float32, 1e-9 float64`, () => {
  it("every scikit-image case passes clip explicitly (chunkwise's default is false, scikit-image's true)", () => {
    for (const c of casesOf("richardsonLucy")) expect(typeof c.params.clip, c.name).toBe("boolean");
  });
  for (const c of casesOf("richardsonLucy")) {
    it(c.name, () => {
      const out = richardsonLucy(c.inputs[0]!, c.inputs[1]!, c.params);
      expect(out.shape).toEqual(c.outShape);
      expect(out.dtype).toBe(c.outDtype);
      expect(relErr(out.data, c.output)).toBeLessThanOrEqual(tolerance(c.outDtype));
    });
  }
});

const itkCases = casesOf("richardsonLucyItk");
describe.skipIf(itkCases.length === 0)(`richardsonLucy with ITK's options matches ITK ${String(versions.itk?.itk_version)} (double precision, output stored as float32); relative error <= 1e-5`, () => {
  for (const c of itkCases) {
    it(c.name, () => {
      const out = richardsonLucy(c.inputs[0]!, c.inputs[1]!, c.params);
      expect(out.shape).toEqual(c.outShape);
      expect(relErr(out.data, c.output)).toBeLessThanOrEqual(1e-5);
    });
    it(`${c.name}, threads: 2 (two threads share the volume's transforms)`, () => {
      const out = richardsonLucy(c.inputs[0]!, c.inputs[1]!, { ...c.params, threads: 2 });
      expect(relErr(out.data, c.output)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe("richardsonLucy behaviours", () => {
  const img = array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]], { dtype: "float32" });
  const psf = array([[0, 0.1, 0], [0.1, 0.6, 0.1], [0, 0.1, 0]], { dtype: "float32" });
  it("uint16 input computes in float32; float64 in float64", () => {
    expect(richardsonLucy(astype(img, "uint16"), psf, { iterations: 1 }).dtype).toBe("float32");
    expect(richardsonLucy(astype(img, "float64"), astype(psf, "float64"), { iterations: 1 }).dtype).toBe("float64");
  });
  it("onIteration sees every iteration, 1-based, with the estimate's shape", () => {
    const seen: number[] = [];
    richardsonLucy(img, psf, { iterations: 3, onIteration: (i, e) => { seen.push(i); expect(e.shape).toEqual([3, 3]); } });
    expect(seen).toEqual([1, 2, 3]);
    const seenN: number[] = [];
    richardsonLucy(img, psf, { iterations: 2, boundary: "neumann", onIteration: (i, e) => { seenN.push(i); expect(e.shape).toEqual([3, 3]); } });
    expect(seenN).toEqual([1, 2]);
  });
  it("is a gufunc kernel as it stands: '(i,j),(a,b)->(i,j)' with params over a (2, 3, 3) stack", () => {
    const stack = { ...img, data: Float32Array.from([...img.data, ...img.data.map((v) => v / 2)]), shape: [2, 3, 3], stride: [9, 3, 1] };
    const out = gufunc("(i,j),(a,b)->(i,j)", richardsonLucy, { params: { iterations: 4, clip: false } })(stack, psf);
    const half = { ...img, data: img.data.map((v) => v / 2) };
    expect(Array.from(out.data.subarray(9))).toEqual(Array.from(richardsonLucy(half, psf, { iterations: 4, clip: false }).data));
  });
  it("clip defaults to false (camera counts survive); clip: true is scikit-image's default, [-1, 1]", () => {
    const counts = { ...img, data: img.data.map((v) => v * 4000) };
    const unclipped = toFlatArray(richardsonLucy(counts, psf, { iterations: 3 }));
    expect(toFlatArray(richardsonLucy(counts, psf, { iterations: 3, clip: false }))).toEqual(unclipped);
    expect(Math.max(...unclipped)).toBeGreaterThan(1000);
    expect(toFlatArray(richardsonLucy(counts, psf, { iterations: 3, clip: true }))).toEqual(unclipped.map((v) => Math.min(1, Math.max(-1, v))));
  });
  it("iterations 0 returns the initial estimate", () => {
    expect(toFlatArray(richardsonLucy(img, psf, { iterations: 0 }))).toEqual(new Array(9).fill(0.5));
    expect(relErr(richardsonLucy(img, psf, { iterations: 0, init: "image", boundary: "neumann" }).data, img.data)).toBe(0);
  });
  it("the TypeScript FFT path (work array inside the spectrum's buffer) agrees with the default path", () => {
    const x = { ...astype(img, "float64"), data: Float64Array.from({ length: 30 }, (_, i) => 1 + Math.sin(i) ** 2), shape: [5, 6], stride: [6, 1] };
    const k = astype(psf, "float64");
    const cases = [{ iterations: 3 }, { iterations: 3, init: "image", boundary: "neumann", clip: false, filterEpsilon: 1e-5 }, { iterations: 2, fftShape: [7, 11] }] as const;
    for (const opts of cases) {
      const want = richardsonLucy(x, k, opts).data;
      const prev = setDefaultFftBackend("typescript");
      try {
        expect(relErr(richardsonLucy(x, k, opts).data, want)).toBeLessThan(1e-12);
      } finally {
        setDefaultFftBackend(prev);
      }
    }
  });
  it("threads: 2 and 3 give byte-identical results to threads: 1 (both algorithms, float32 and float64)", () => {
    const shape = [9, 20, 16];
    const size = shape.reduce((p, d) => p * d, 1);
    for (const dtype of ["float32", "float64"] as const) {
      const data = (dtype === "float32" ? new Float32Array(size) : new Float64Array(size)).map((_, i) => 1 + Math.sin(0.13 * i) ** 2);
      const x = { dtype, data, shape, stride: [320, 16, 1], offset: 0 };
      const k = astype(array([[[0, 0.1, 0], [0.1, 0.4, 0.1], [0, 0.1, 0]], [[0.05, 0.1, 0.05], [0.1, 0.6, 0.1], [0.05, 0.1, 0.05]]]), dtype);
      const itk = { iterations: 4, init: "image", boundary: "neumann", clip: false, filterEpsilon: 1e-5 } as const;
      for (const opts of [itk, { iterations: 4 }]) {
        const one = richardsonLucy(x, k, opts).data;
        for (const threads of [2, 3]) {
          const many = richardsonLucy(x, k, { ...opts, threads }).data;
          expect(Buffer.from(many.buffer, many.byteOffset, many.byteLength).equals(Buffer.from(one.buffer, one.byteOffset, one.byteLength))).toBe(true);
        }
      }
    }
  });
  it("the resident engine agrees with the reference path where it must fall back or decide in float64: 6-D zero mode, a filterEpsilon that rounds to 0 in float32", () => {
    const compare = (x: Parameters<typeof richardsonLucy>[0], k: Parameters<typeof richardsonLucy>[1], opts: Parameters<typeof richardsonLucy>[2]): void => {
      const resident = richardsonLucy(x, k, opts).data;
      const prev = setDefaultFftBackend("typescript");
      try {
        expect(relErr(resident, richardsonLucy(x, k, opts).data)).toBeLessThan(1e-4);
      } finally {
        setDefaultFftBackend(prev);
      }
    };
    // Six axes of the image's region do not merge into the job descriptor's four: the reference path runs.
    const shape6 = [2, 2, 2, 2, 2, 3];
    compare({ dtype: "float32", data: new Float32Array(96).map((_, i) => 0.5 + 0.1 * Math.sin(i)), shape: shape6, stride: cStrides(shape6), offset: 0 },
      { dtype: "float32", data: new Float32Array(64).fill(1 / 64), shape: [2, 2, 2, 2, 2, 2], stride: cStrides([2, 2, 2, 2, 2, 2]), offset: 0 }, { iterations: 1, boundary: "zero" });
    // A PSF with negative taps: from the constant start the blurred estimate is -0.5 inside and
    // 0.5 or 1 at the edges, so whether a tiny threshold applies decides the result.
    const x = { dtype: "float32" as const, data: Float32Array.from({ length: 64 }, (_, i) => 0.2 + 0.5 * Math.abs(Math.sin(i))), shape: [8, 8], stride: [8, 1], offset: 0 };
    const k = { dtype: "float32" as const, data: Float32Array.from([-1, 0, -1, 0, 3, 0, -1, 0, -1]), shape: [3, 3], stride: [3, 1], offset: 0 };
    for (const fe of [1e-50, -1e-50, 1e-3, 0]) compare(x, k, { iterations: 1, clip: false, filterEpsilon: fe });
  });
  it("an aborted signal stops it", () => {
    const ac = new AbortController();
    ac.abort(new Error("stop"));
    expect(() => richardsonLucy(img, psf, { iterations: 2 }, { signal: ac.signal })).toThrow("stop");
  });
  it("strided input views give the same result as contiguous copies", () => {
    const big = array([[0.1, 9, 0.2, 9, 0.3], [0.4, 9, 0.5, 9, 0.6], [0.7, 9, 0.8, 9, 0.9]], { dtype: "float32" });
    const view = { ...big, shape: [3, 3], stride: [5, 2] };
    expect(toFlatArray(richardsonLucy(view, psf, { iterations: 4 }))).toEqual(toFlatArray(richardsonLucy(img, psf, { iterations: 4 })));
  });
  it.each([
    [{ iterations: -1 }, /iterations must be a non-negative integer/],
    [{ iterations: 1.5 }, /iterations must be a non-negative integer/],
    [{ clip: "yes" }, /clip must be a boolean/],
    [{ init: "zeros" }, /init must be "constant", "image" or a finite number/],
    [{ boundary: "reflect" }, /boundary must be "zero" or "neumann"/],
    [{ fftShape: [4, 4] }, /fftShape must list 2 integers of at least \(5, 5\)/],
    [{ normalizePsf: 1 }, /normalizePsf must be a boolean/],
    [{ onIteration: 3 }, /onIteration must be a function/],
    [{ threads: 0 }, /threads must be an integer from 1 to 8/],
    [{ threads: 1.5 }, /threads must be an integer from 1 to 8/],
    [{ threads: 9 }, /threads must be an integer from 1 to 8/],
    [{ num_iter: 3 }, /options must use known keys; got 'num_iter'/],
  ])("bad options %j", (opts, msg) => {
    expect(() => richardsonLucy(img, psf, opts as never)).toThrow(msg);
  });
  it("bad inputs", () => {
    expect(() => richardsonLucy(img, array([1, 2]))).toThrow(/psf must have 2 dimensions like the image/);
    expect(() => richardsonLucy(img, array([[0, 0]]), { normalizePsf: true })).toThrow(/psf must have a non-zero sum/);
    expect(() => richardsonLucy([1, 2] as never, psf)).toThrow(/image must be a block/);
  });
});
