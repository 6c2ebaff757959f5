import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cStrides, type Block } from "../../src/core/ndarray.js";
import { ResidentRfftn } from "../../src/fft/resident-rfftn.js";
import { richardsonLucy, richardsonLucyWorkspace } from "../../src/filters/index.js";
import { STAGE_PLANES, stagedImageBytes } from "../../src/filters/richardson-lucy-image.js";
import { streamCases } from "../fixtures/rl-stream/cases.js";
import { runStreamCase } from "../fixtures/rl-stream/run-case.js";

// The resident engine streams the image a few planes at a time from the caller's array into
// a staging area (richardson-lucy-image.ts) instead of copying it whole into wasm memory. The
// digests (test/fixtures/rl-stream) were made by the code that copied it whole.
const want = JSON.parse(readFileSync(new URL("../fixtures/rl-stream/digests.json", import.meta.url), "utf8")) as Record<string, string>;
const digest = (d: ArrayBufferView): string => createHash("sha256").update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)).digest("hex");
const cases = streamCases();

describe("richardsonLucy with the image streamed through a staging area gives the bytes of the whole copy (every dtype, boundary, option path)", () => {
  it("covers every digested case and the slabs run: the first axes are longer than the staging area", () => {
    expect(cases.map((c) => c.name).sort()).toEqual(Object.keys(want).sort());
    expect(cases.filter((c) => c.image.shape.length === 3).every((c) => c.image.shape[0]! > STAGE_PLANES)).toBe(true);
  });
  for (const c of cases) {
    it(`${c.name}, threads: 1`, () => {
      expect(digest(runStreamCase(c, 1))).toBe(want[c.name]);
    });
  }
  it("threads: 2 and 3 give the same bytes (every other case)", () => {
    for (const c of cases.filter((_, i) => i % 2 === 1)) for (const t of [2, 3]) expect(digest(runStreamCase(c, t)), `${c.name} threads ${t}`).toBe(want[c.name]);
  });
  it("any staging size gives the same bytes: 1, 2, 3 and 5 planes (slabs ending inside and at the padded edges), and more planes than the image has", () => {
    for (const c of cases.filter((_, i) => i % 3 === 0)) {
      for (const planes of [1, 2, 3, 5, 64]) expect(digest(runStreamCase(c, planes === 2 ? 2 : 1, planes)), `${c.name} planes ${planes}`).toBe(want[c.name]);
    }
  });
});

describe("four axes", () => {
  it("a 4-D image staged one plane at a time gives the bytes of the whole image staged at once (both algorithms, fused and measured divides)", () => {
    const shape = [7, 4, 5, 6];
    const image: Block = { dtype: "uint16", data: Uint16Array.from({ length: 7 * 4 * 5 * 6 }, (_, i) => 10 + ((i * 37) % 50)), shape, stride: cStrides(shape), offset: 0 } as Block;
    const psf: Block = { dtype: "float32", data: Float32Array.from({ length: 3 * 2 * 3 * 2 }, (_, i) => 0.02 + 0.01 * (i % 4)), shape: [3, 2, 3, 2], stride: cStrides([3, 2, 3, 2]), offset: 0 } as Block;
    for (const options of [{ iterations: 3 }, { iterations: 3, init: "image", boundary: "neumann" }, { iterations: 3, boundary: "neumann", stopOn: "divergence", tolerance: 1e-12 }]) {
      const c = { name: "4-D", image, psf, options };
      expect(digest(runStreamCase(c, 1, 1))).toBe(digest(runStreamCase(c, 1, 64)));
      expect(digest(runStreamCase(c, 2, 2))).toBe(digest(runStreamCase(c, 1, 64)));
    }
  });
});

describe("integer input on the resident engine", () => {
  it("a uint16 image gives the bytes of its float32 cast, int32 those of its float64 cast, and a strided uint16 view those of a contiguous copy", () => {
    const shape = [40, 9, 12];
    const size = 40 * 9 * 12;
    const u16 = Uint16Array.from({ length: size }, (_, i) => Math.round(100 + 900 * Math.sin(0.07 * i) ** 2));
    const img: Block = { dtype: "uint16", data: u16, shape, stride: cStrides(shape), offset: 0 } as Block;
    const f32: Block = { dtype: "float32", data: Float32Array.from(u16), shape, stride: cStrides(shape), offset: 0 } as Block;
    const psf: Block = { dtype: "float32", data: new Float32Array(27).fill(1 / 27), shape: [3, 3, 3], stride: [9, 3, 1], offset: 0 } as Block;
    const itk = { iterations: 3, init: "image", boundary: "neumann", filterEpsilon: 1e-5 } as const;
    for (const o of [itk, { iterations: 3 }, { ...itk, stopOn: "divergence", tolerance: 1e-12 } as const]) {
      expect(digest(richardsonLucy(img, psf, o).data)).toBe(digest(richardsonLucy(f32, psf, o).data));
    }
    // int32 computes in float64 (NumPy's promotion): the bytes of its float64 cast.
    const i32: Block = { dtype: "int32", data: Int32Array.from(u16, (v) => v - 500), shape, stride: cStrides(shape), offset: 0 } as Block;
    const f64: Block = { dtype: "float64", data: Float64Array.from(i32.data as Int32Array), shape, stride: cStrides(shape), offset: 0 } as Block;
    const psf64: Block = { ...psf, dtype: "float64", data: Float64Array.from(psf.data as Float32Array) } as Block;
    expect(digest(richardsonLucy(i32, psf64, itk).data)).toBe(digest(richardsonLucy(f64, psf64, itk).data));
    // Every other x of a (40, 9, 24) array: strided, copied once.
    const wide = new Uint16Array(size * 2);
    for (let i = 0; i < size; i++) wide[2 * i] = u16[i]!;
    const view: Block = { dtype: "uint16", data: wide, shape, stride: [9 * 24, 24, 2], offset: 0 } as Block;
    expect(digest(richardsonLucy(view, psf, itk).data)).toBe(digest(richardsonLucy(img, psf, itk).data));
  });
});

describe("the memory plan counts the staging area, not a copy of the image", () => {
  it("the blog's full chunk: 16 planes of 1024x768 float32, a row table and a column map", () => {
    expect(stagedImageBytes([201, 1024, 768], [320, 1125, 864], 4)).toBe(16 * 1024 * 768 * 4 + 320 * 1125 * 4 + 864 * 4);
    const small = [[12, 20, 18], [3, 3, 3]];
    const p = [15, 24, 20];
    // A first axis shorter than the staging area stages the whole image.
    expect(stagedImageBytes(small[0]!, p, 4)).toBe(12 * 20 * 18 * 4 + 1472 + 128); // rows 15 x 24 x 4 and columns 20 x 4, 64-byte aligned
    const arrays = ResidentRfftn.bytesFor(p, "float32", 1, 3, p);
    expect(richardsonLucyWorkspace({ boundary: "neumann", fftShape: p }, small, [4, 4])).toBe(arrays + stagedImageBytes(small[0]!, p, 4));
    // A long first axis: only STAGE_PLANES planes.
    const long = [[100, 20, 18], [3, 3, 3]];
    const q = [108, 24, 20];
    expect(richardsonLucyWorkspace({ boundary: "neumann", fftShape: q }, long, [4, 4])).toBe(ResidentRfftn.bytesFor(q, "float32", 1, 3, q) + STAGE_PLANES * 20 * 18 * 4 + 108 * 24 * 4 + 128);
  });
});
