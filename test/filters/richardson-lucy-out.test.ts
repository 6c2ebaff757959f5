import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gufunc } from "../../src/array/apply-gufunc.js";
import { ChunkwiseError, DtypeError, ValueError } from "../../src/core/errors.js";
import { cStrides, type Block } from "../../src/core/ndarray.js";
import { setDefaultFftBackend } from "../../src/fft/wasm-engine.js";
import { floatInput } from "../../src/filters/common.js";
import { pipeline, richardsonLucy, richardsonLucyWorkspace, type RichardsonLucyOptions } from "../../src/filters/index.js";
import { resolveRlOptions } from "../../src/filters/richardson-lucy-options.js";
import { richardsonLucyResident } from "../../src/filters/richardson-lucy-resident.js";
import { streamCases, type StreamCase } from "../fixtures/rl-stream/cases.js";
import { volume } from "../fixtures/volume.js";

// `out` (richardson-lucy-out.ts): the result written into the caller's array, which may be the
// image itself. Every path must give the bytes it gives without `out` (the rl-stream digests,
// made before `out` existed, for the resident engine; a fresh call for the reference paths).
const want = JSON.parse(readFileSync(new URL("../fixtures/rl-stream/digests.json", import.meta.url), "utf8")) as Record<string, string>;
const digest = (d: ArrayBufferView): string => createHash("sha256").update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)).digest("hex");
const bytes = (d: ArrayBufferView): Uint8Array => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

type Backend = "wasm" | "typescript";
function withBackend<T>(backend: Backend, f: () => T): T {
  const prev = setDefaultFftBackend(backend);
  try {
    return f();
  } finally {
    setDefaultFftBackend(prev);
  }
}

/** A C-contiguous copy of a block (the image an in-place call may overwrite). */
function copyOf(b: Block): Block {
  return { ...b, data: b.data.slice(), shape: [...b.shape], stride: cStrides(b.shape), offset: 0 } as Block;
}
const resultDtype = (c: { image: Block; psf: Block }): "float32" | "float64" =>
  [c.image.dtype, c.psf.dtype].some((d) => d === "float64" || d === "int32" || d === "uint32") ? "float64" : "float32";
const zerosLike = (shape: readonly number[], dtype: "float32" | "float64"): Block => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype, data: dtype === "float32" ? new Float32Array(n) : new Float64Array(n), shape: [...shape], stride: cStrides(shape), offset: 0 } as Block;
};
/** Whether the image can be its own `out`: a float array of the result's dtype. */
const canInPlace = (c: { image: Block; psf: Block }): boolean => c.image.dtype === resultDtype(c);

/** Runs a digest case with `out`: the image itself when it can be, else a fresh array; checks the returned object. */
function runWithOut(c: StreamCase, threads: number, inPlace: boolean): ArrayBufferView {
  const image = copyOf(c.image);
  const out = inPlace ? image : zerosLike(image.shape, resultDtype(c));
  return withBackend("wasm", () => {
    if (c.lean === true) {
      const o = resolveRlOptions({ ...c.options, threads }, image.shape, c.psf.shape);
      const psf = floatInput(c.psf, resultDtype(c)).data;
      const r = richardsonLucyResident(image.data, image.shape, psf, c.psf.shape, { ...o, eps: 1e-12, leanTransfer: true }, undefined, out.data as Float32Array);
      expect(r?.data).toBe(out.data);
      return out.data;
    }
    const r = richardsonLucy(image, c.psf, { ...c.options, threads, out });
    expect(r).toBe(out);
    return r.data;
  });
}

describe("out on the resident engine gives the digested bytes (every dtype, boundary, option path, 1-D to 3-D, lean)", () => {
  const cases = streamCases();
  it("covers every digested case", () => {
    expect(cases.map((c) => c.name).sort()).toEqual(Object.keys(want).sort());
  });
  for (const c of cases) {
    const how = canInPlace(c) ? "in place" : "a fresh out";
    it(`${c.name}: ${how}, threads 1${cases.indexOf(c) % 2 === 1 ? " and 2" : ""}`, () => {
      expect(digest(runWithOut(c, 1, canInPlace(c)))).toBe(want[c.name]);
      if (canInPlace(c)) expect(digest(runWithOut(c, 1, false))).toBe(want[c.name]);
      if (cases.indexOf(c) % 2 === 1) expect(digest(runWithOut(c, 2, canInPlace(c)))).toBe(want[c.name]);
    });
  }
});

const OPTION_SETS: Record<string, RichardsonLucyOptions> = {
  plain: { iterations: 3 },
  itk: { iterations: 3, init: "image", boundary: "neumann", filterEpsilon: 1e-5 },
  "zero init image": { iterations: 3, init: "image" },
  "biggs tolerance": { iterations: 4, acceleration: "biggs", tolerance: 1e-12 },
  "early stop": { iterations: 20, tolerance: 0.5 },
  "neumann early stop on divergence": { iterations: 20, boundary: "neumann", stopOn: "divergence", tolerance: 0.2 },
  damping: { iterations: 3, damping: 2 },
  "neumann damping": { iterations: 3, boundary: "neumann", damping: 2 },
  tv: { iterations: 3, regularization: { tv: 2e-3 } },
  "neumann tv biggs": { iterations: 3, boundary: "neumann", regularization: { tv: 2e-3 }, acceleration: "biggs" },
  clip: { iterations: 3, clip: true },
  "no iterations": { iterations: 0, init: "image", boundary: "neumann" },
  "constant init": { iterations: 2, init: 3 },
};

describe("out on the reference paths (TypeScript transforms, and lengths the resident engine does not take)", () => {
  const f = (i: number): number => 1 + 40 * Math.sin(0.13 * i) ** 2;
  const images = [
    ["1-D", volume("float32", [29], f), volume("float32", [4], (i) => [1, 2, 3, 1][i]! / 7)],
    ["2-D", volume("float64", [13, 9], f), volume("float64", [3, 2], (i) => 0.1 + 0.02 * i)],
    ["3-D", volume("float32", [9, 7, 8], f), volume("float32", [3, 3, 2], (i) => 0.02 + 0.01 * (i % 5))],
    ["4-D", volume("float32", [4, 5, 3, 6], f), volume("float32", [2, 3, 1, 3], (i) => 0.05 + 0.01 * (i % 3))],
  ] as const;
  for (const backend of ["typescript", "wasm"] as const) {
    for (const [name, image, psf] of images) {
      it(`${name}, ${backend === "wasm" ? "wasm with a 7-smooth fftShape (no resident engine)" : "TypeScript transforms"}: in place and a fresh out give the bytes of no out, every option set`, () => {
        for (const [oname, base] of Object.entries(OPTION_SETS)) {
          const neumann = base.boundary === "neumann";
          const fftShape = backend === "wasm" ? image.shape.map((d, i) => (neumann ? d + psf.shape[i]! : d + psf.shape[i]! - 1) + 7 - ((neumann ? d + psf.shape[i]! : d + psf.shape[i]! - 1) % 7)) : undefined;
          const o = { ...base, ...(fftShape === undefined ? {} : { fftShape }) };
          const fresh = withBackend(backend, () => richardsonLucy(image, psf, o));
          const own = copyOf(image);
          expect(withBackend(backend, () => richardsonLucy(own, psf, { ...o, out: own })), oname).toBe(own);
          expect(bytes(own.data), `${oname} in place`).toEqual(bytes(fresh.data));
          const out = zerosLike(image.shape, resultDtype({ image, psf }));
          withBackend(backend, () => richardsonLucy(image, psf, { ...o, out }));
          expect(bytes(out.data), `${oname} fresh out`).toEqual(bytes(fresh.data));
        }
      });
    }
  }
});

describe("fast-check: in place and into a fresh out equal no out, byte for byte", () => {
  const arbCase = fc.record({
    shape: fc.integer({ min: 1, max: 4 }).chain((nd) => fc.array(fc.integer({ min: 1, max: nd >= 3 ? 5 : 9 }), { minLength: nd, maxLength: nd })),
    psfSeed: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 4 }),
    dtype: fc.constantFrom("float32" as const, "float64" as const),
    boundary: fc.constantFrom("zero" as const, "neumann" as const),
    init: fc.constantFrom("constant" as const, "image" as const, 2),
    iterations: fc.integer({ min: 0, max: 3 }),
    acceleration: fc.constantFrom("none" as const, "biggs" as const),
    tolerance: fc.constantFrom(undefined, 1e-12, 0.3),
    stopOn: fc.constantFrom("change" as const, "divergence" as const),
    damping: fc.constantFrom(0, 1.5),
    tv: fc.constantFrom(0, 1e-3),
    clip: fc.boolean(),
    threads: fc.constantFrom(1, 2),
    backend: fc.constantFrom("wasm" as const, "typescript" as const),
  });
  it("over shapes 1-D to 4-D, float dtypes, boundaries, inits, acceleration, stopping rules, damping, TV, clip, threads and backends", () => {
    fc.assert(fc.property(arbCase, (c) => {
      const nd = c.shape.length;
      const image = volume(c.dtype, c.shape, (i) => 1 + ((i * 37) % 23));
      const kshape = c.psfSeed.slice(0, nd);
      const psf = volume(c.dtype, kshape, (i) => 0.05 + 0.01 * (i % 4));
      const o: RichardsonLucyOptions = {
        boundary: c.boundary, init: c.init, iterations: c.iterations, acceleration: c.acceleration, tolerance: c.tolerance ?? null,
        stopOn: c.stopOn, damping: c.damping, clip: c.clip, threads: c.threads, ...(c.tv > 0 && nd <= 3 ? { regularization: { tv: c.tv } } : {}),
      };
      const fresh = withBackend(c.backend, () => richardsonLucy(image, psf, o));
      const own = copyOf(image);
      expect(withBackend(c.backend, () => richardsonLucy(own, psf, { ...o, out: own }))).toBe(own);
      expect(bytes(own.data)).toEqual(bytes(fresh.data));
      const out = zerosLike(c.shape, c.dtype);
      expect(withBackend(c.backend, () => richardsonLucy(image, psf, { ...o, out }))).toBe(out);
      expect(bytes(out.data)).toEqual(bytes(fresh.data));
    }), { numRuns: 60 });
  });
});

const img = volume("float32", [12, 10, 9], (i) => 2 + ((i * 13) % 17));
const psf = volume("float32", [3, 3, 3], () => 1 / 27);

describe("what out accepts, and that it is returned", () => {
  it("a view with an offset into a larger buffer, in place: only its elements change", () => {
    const n = 12 * 10 * 9;
    const data = new Float32Array(n + 8).fill(-7);
    data.set(img.data as Float32Array, 5);
    const view = { dtype: "float32", data, shape: [12, 10, 9], stride: cStrides([12, 10, 9]), offset: 5 } as Block;
    const fresh = richardsonLucy(img, psf, { iterations: 3, boundary: "neumann", init: "image" });
    expect(richardsonLucy(view, psf, { iterations: 3, boundary: "neumann", init: "image", out: view })).toBe(view);
    expect(bytes(data.subarray(5, 5 + n))).toEqual(bytes(fresh.data));
    expect([...data.subarray(0, 5), ...data.subarray(5 + n)]).toEqual(new Array(8).fill(-7));
  });
  it("in place is judged by memory, not by object: another block over the image's elements is the image", () => {
    const own = copyOf(img);
    const alias = { ...own, shape: [...own.shape] } as Block;
    const fresh = richardsonLucy(img, psf, { iterations: 2 });
    expect(richardsonLucy(own, psf, { iterations: 2, out: alias })).toBe(alias);
    expect(bytes(own.data)).toEqual(bytes(fresh.data));
  });
  it("views side by side in one buffer: the image in its first half, out in its second (no shared byte)", () => {
    const both = new Float32Array(2 * 1080);
    both.set(img.data as Float32Array);
    const image = { ...img, data: both.subarray(0, 1080) } as Block;
    const out = { ...img, data: both, offset: 1080 } as Block;
    const o: RichardsonLucyOptions = { iterations: 3, boundary: "neumann", init: "image" };
    expect(richardsonLucy(image, psf, { ...o, out })).toBe(out);
    expect(bytes(both.subarray(1080))).toEqual(bytes(richardsonLucy(img, psf, o).data));
    expect(bytes(both.subarray(0, 1080))).toEqual(bytes(img.data));
  });
  it("a zarrita chunk ({ data, shape, stride }) as out: its data hold the result", () => {
    const chunk = { data: new Float32Array(12 * 10 * 9), shape: [12, 10, 9], stride: cStrides([12, 10, 9]) };
    const r = richardsonLucy(img, psf, { iterations: 2, out: chunk });
    expect(r.data).toBe(chunk.data);
    expect(bytes(chunk.data)).toEqual(bytes(richardsonLucy(img, psf, { iterations: 2 }).data));
  });
  it("a uint16 image into a float32 out, an int32 image into a float64 out (the result's dtypes)", () => {
    const u16 = volume("uint16", [12, 10, 9], (i) => 100 + ((i * 7) % 50));
    const out = zerosLike(u16.shape, "float32");
    expect(bytes(richardsonLucy(u16, psf, { iterations: 2, out }).data)).toEqual(bytes(richardsonLucy(u16, psf, { iterations: 2 }).data));
    const i32 = { ...u16, dtype: "int32", data: Int32Array.from(u16.data as Uint16Array) } as Block;
    const out64 = zerosLike(u16.shape, "float64");
    expect(bytes(richardsonLucy(i32, psf, { iterations: 2, out: out64 }).data)).toEqual(bytes(richardsonLucy(i32, psf, { iterations: 2 }).data));
  });
  it("in place, an aborted call leaves the image as it was (every path reads it until the last iteration and writes after it)", () => {
    for (const backend of ["wasm", "typescript"] as const) {
      for (const boundary of ["zero", "neumann"] as const) {
        const own = copyOf(img);
        const before = own.data.slice();
        const ac = new AbortController();
        const run = (): Block => withBackend(backend, () => richardsonLucy(own, psf, { iterations: 5, boundary, out: own, onIteration: (i) => { if (i === 2) ac.abort(new Error("stop")); } }, { signal: ac.signal }));
        expect(run, `${backend} ${boundary}`).toThrow("stop");
        expect(bytes(own.data), `${backend} ${boundary}`).toEqual(bytes(before));
      }
    }
  });
  it("in place, the image holds its own values while the iterations run (onIteration reads it unchanged)", () => {
    for (const backend of ["wasm", "typescript"] as const) {
      const own = copyOf(img);
      const before = own.data.slice();
      let same = true;
      withBackend(backend, () => richardsonLucy(own, psf, { iterations: 3, boundary: "neumann", out: own, onIteration: () => { same &&= bytes(own.data).every((v, i) => v === bytes(before)[i]); } }));
      expect(same, backend).toBe(true);
    }
  });
  it("the memory plan's workspace does not change with out (the result is an output, counted beside it)", () => {
    const shapes = [[201, 1024, 768], [101, 64, 64]];
    expect(richardsonLucyWorkspace({ boundary: "neumann", out: img }, shapes, [4, 4])).toBe(richardsonLucyWorkspace({ boundary: "neumann" }, shapes, [4, 4]));
  });
});

/** Runs and returns the error, so both its class and message can be checked. */
function errorOf(f: () => unknown): ChunkwiseError {
  try {
    f();
  } catch (e) {
    return e as ChunkwiseError;
  }
  throw new Error("expected a throw");
}

describe("out's refusals, at call time, in the house template, before anything is written", () => {
  const fresh = (): Block => zerosLike([12, 10, 9], "float32");
  const refuse = (image: Block, k: Block, out: unknown, cls: typeof ValueError | typeof DtypeError, re: RegExp, extra: RichardsonLucyOptions = {}): void => {
    const before = image.data.slice();
    const e = errorOf(() => richardsonLucy(image, k, { iterations: 2, ...extra, out: out as Block }));
    expect(e).toBeInstanceOf(cls);
    expect(e.message).toMatch(/^richardsonLucy: out must .*; got .*\. .+/);
    expect(e.message).toMatch(re);
    expect(bytes(image.data)).toEqual(bytes(before));
  };
  it("a wrong shape (more axes, one axis off, a flat array of the right size)", () => {
    refuse(img, psf, zerosLike([1, 12, 10, 9], "float32"), ValueError, /image's shape \(12, 10, 9\); got \(1, 12, 10, 9\)/);
    refuse(img, psf, zerosLike([12, 10, 8], "float32"), ValueError, /got \(12, 10, 8\)/);
    refuse(img, psf, zerosLike([1080], "float32"), ValueError, /got \(1080,\)/);
  });
  it("a wrong dtype: float64 for float32 input, float32 for a float64 PSF, int16 and uint16 images as their own out", () => {
    refuse(img, psf, zerosLike([12, 10, 9], "float64"), DtypeError, /dtype float32.*got float64/);
    refuse(img, volume("float64", [3, 3, 3], () => 1 / 27), fresh(), DtypeError, /dtype float64.*got float32/);
    const i16 = volume("int16", [12, 10, 9], (i) => i % 100);
    refuse(i16, psf, i16, DtypeError, /dtype float32.*got int16/);
    // The int16 image's bytes as float32: half as many elements as the shape needs.
    refuse(i16, psf, { ...i16, dtype: "float32", data: new Float32Array(i16.data.buffer, 0, 540) }, ValueError, /within its data; got stride \(90, 9, 1\) and offset 0 over 540 elements/);
  });
  it("not an array, non-contiguous (transposed, every other element) or past its data", () => {
    refuse(img, psf, [1, 2, 3], ValueError, /out must be a block/);
    refuse(img, psf, null, ValueError, /out must be a block.*got null/);
    refuse(img, psf, img.data, ValueError, /out must be a block/);
    const t = fresh();
    refuse(img, psf, { ...t, shape: [12, 10, 9], stride: [1, 12, 120] }, ValueError, /C-contiguous/);
    refuse(img, psf, { dtype: "float32", data: new Float32Array(2 * 1080), shape: [12, 10, 9], stride: [180, 18, 2], offset: 0 }, ValueError, /C-contiguous/);
    refuse(img, psf, { ...t, offset: 1 }, ValueError, /within its data/);
    refuse(img, psf, { ...t, data: new Float32Array(100) }, ValueError, /within its data/);
    refuse(img, psf, { ...t, data: new Float32Array(1081), offset: 0.5 }, ValueError, /within its data; got stride \(90, 9, 1\) and offset 0.5/);
  });
  it("out sharing memory with the PSF (the PSF a view into out's buffer, the PSF as out)", () => {
    const buf = new Float32Array(1080 + 27);
    buf.set(psf.data as Float32Array, 1080);
    const k = { ...psf, data: buf.subarray(1080) } as Block;
    refuse(img, k, { dtype: "float32", data: buf, shape: [12, 10, 9], stride: cStrides([12, 10, 9]), offset: 1 }, ValueError, /not share memory with psf/);
    const big = new Float32Array(1080 + 27);
    big.set(psf.data as Float32Array, 0);
    const k2 = { ...psf, data: big.subarray(0, 27) } as Block;
    refuse(img, k2, { dtype: "float32", data: big.subarray(0, 1080), shape: [12, 10, 9], stride: cStrides([12, 10, 9]), offset: 0 }, ValueError, /not share memory with psf/);
    const k1 = volume("float32", [27], () => 1 / 27);
    refuse(k1, k1, k1, ValueError, /not share memory with psf/);
  });
  it("out overlapping the image without being it: a shifted subarray, the image as a strided view, its bytes reinterpreted", () => {
    const data = new Float32Array(1081);
    data.set(img.data as Float32Array);
    const image = { ...img, data } as Block;
    refuse(image, psf, { ...image, offset: 1 }, ValueError, /the image itself or share no memory/);
    const wide = new Float32Array(2 * 1080);
    for (let i = 0; i < 1080; i++) wide[2 * i] = img.data[i]!;
    const strided = { dtype: "float32", data: wide, shape: [12, 10, 9], stride: [180, 18, 2], offset: 0 } as Block;
    refuse(strided, psf, { dtype: "float32", data: wide.subarray(1080), shape: [12, 10, 9], stride: cStrides([12, 10, 9]), offset: 0 }, ValueError, /strided/);
    // The image's second half as out: inside its byte bounds, though no element is shared.
    refuse(strided, psf, { dtype: "float32", data: wide, shape: [12, 10, 9], stride: cStrides([12, 10, 9]), offset: 1 }, ValueError, /the image itself or share no memory/);
    const u16buf = new ArrayBuffer(4 * 1080);
    const u16 = { dtype: "uint16", data: new Uint16Array(u16buf, 0, 1080).fill(9), shape: [12, 10, 9], stride: cStrides([12, 10, 9]), offset: 0 } as Block;
    refuse(u16, psf, { dtype: "float32", data: new Float32Array(u16buf), shape: [12, 10, 9], stride: cStrides([12, 10, 9]), offset: 0 }, ValueError, /the image itself or share no memory/);
    // A float32 image with a float64 PSF computes in float64: a float64 view over its bytes overlaps it.
    const f32buf = new ArrayBuffer(8 * 1080);
    const f32 = { dtype: "float32", data: new Float32Array(f32buf, 0, 1080).fill(3), shape: [12, 10, 9], stride: cStrides([12, 10, 9]), offset: 0 } as Block;
    refuse(f32, volume("float64", [3, 3, 3], () => 1 / 27), { dtype: "float64", data: new Float64Array(f32buf), shape: [12, 10, 9], stride: cStrides([12, 10, 9]), offset: 0 }, ValueError, /the image itself or share no memory/);
  });
  it("out (or the image) inside the resident engine's reused memory: an estimate kept from an earlier call's onIteration", () => {
    const n = [60];
    const line = { dtype: "float32", data: Float32Array.from({ length: 60 }, (_, i) => 1 + (i % 7)), shape: n, stride: cStrides(n), offset: 0 } as Block;
    const k = { dtype: "float32", data: Float32Array.from([0.25, 0.5, 0.25]), shape: [3], stride: [1], offset: 0 } as Block;
    let kept: Block | undefined;
    withBackend("wasm", () => richardsonLucy(line, k, { iterations: 2, onIteration: (_i, e) => { kept = e; } }));
    // A C-contiguous 1-D view at offset 0 of the engine's memory: every check on its own layout passes.
    expect(kept!.stride).toEqual([1]);
    expect(() => withBackend("wasm", () => richardsonLucy(line, k, { iterations: 3, out: kept }))).toThrow(/^richardsonLucy: out must not lie in the resident engine's memory; got a view of it .*\. Copy it first/);
    expect(() => withBackend("wasm", () => richardsonLucy(kept!, k, { iterations: 3, out: kept }))).toThrow(/^richardsonLucy: image must not lie in the resident engine's memory/);
  });
  it("out in a gufunc's params (refused as non-JSON by gufunc), through a closure in a gufunc's loop (every block would write it), and in a pipeline's stage", () => {
    const stack = { dtype: "float32", data: new Float32Array(2 * 1080).fill(4), shape: [2, 12, 10, 9], stride: cStrides([2, 12, 10, 9]), offset: 0 } as Block;
    const out = fresh();
    expect(() => gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, { params: { iterations: 1, out } })(stack, psf)).toThrow(/params must be JSON data/);
    const closure = (x: Block, k: Block, _p: unknown, ctx: object): Block => richardsonLucy(x, k, { iterations: 1, out }, ctx);
    const e = errorOf(() => gufunc("(i,j,k),(a,b,c)->(i,j,k)", closure)(stack, psf));
    expect(e.cause).toBeInstanceOf(ValueError);
    expect((e.cause as Error).message).toMatch(/^richardsonLucy: out must be given only in a direct call; got .*\. Omit out/);
    expect(out.data.every((v) => v === 0)).toBe(true);
    expect(() => pipeline([richardsonLucy, { iterations: 2, out }])).toThrow(/^pipeline: stage 0's options must not include out .*; got out\. Call the filter directly/);
  });
});
