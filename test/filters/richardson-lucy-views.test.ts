/**
 * richardsonLucy reads the caller's array a few planes at a time (richardson-lucy-image.ts): on
 * integer views into a larger buffer (stepped, reversed, transposed) it reads only the view's
 * elements (the rest of the buffer is poison: NaN for floats, far-off counts for integers),
 * never writes the caller's buffer, and gives the bytes of the same call on a contiguous
 * float copy (float32 for integers of up to 16 bits, float64 for 32-bit ones), on 1 and 3
 * threads, within float32 rounding of the TypeScript reference path.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cStrides, type Block } from "../../src/core/ndarray.js";
import { setDefaultFftBackend } from "../../src/fft/wasm-engine.js";
import { richardsonLucy } from "../../src/filters/index.js";

type Ctor = new (n: number) => { [i: number]: number; length: number; buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
const CTORS: Record<string, Ctor> = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, int32: Int32Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array,
};
const BIG = [40, 12, 14];
const digest = (d: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): string =>
  createHash("sha256").update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)).digest("hex");

/** A poisoned buffer of shape BIG, and three views of one region of it filled with counts. */
function views(dtype: string): { data: InstanceType<Ctor>; views: [string, Block][] } {
  const data = new CTORS[dtype]!(BIG.reduce((a, b) => a * b, 1));
  const poison = dtype.startsWith("float") ? NaN : dtype.startsWith("u") ? 250 : -100;
  for (let i = 0; i < data.length; i++) data[i] = poison;
  const st = cStrides(BIG);
  const shape = [17, 8, 9];
  const stride = [2 * st[0]!, st[1]!, st[2]!];
  const offset = 5 * st[0]! + 2 * st[1]! + 3;
  let k = 0;
  for (let z = 0; z < shape[0]!; z++) for (let y = 0; y < shape[1]!; y++) for (let x = 0; x < shape[2]!; x++) data[offset + z * stride[0]! + y * stride[1]! + x] = 1 + ((k++ * 37) % 90);
  const block = (s: number[], t: number[], o: number): Block => ({ dtype, data, shape: s, stride: t, offset: o }) as unknown as Block;
  return {
    data,
    views: [
      ["every other plane", block(shape, stride, offset)],
      ["axes 0 and 2 reversed", block(shape, [-stride[0]!, stride[1]!, -1], offset + 16 * stride[0]! + 8)],
      ["transposed", block([9, 8, 17], [1, stride[1]!, stride[0]!], offset)],
    ],
  };
}

/** A contiguous copy of `b` in `dtype`. */
function contiguous(b: Block, dtype: "float32" | "float64"): Block {
  const out = new (dtype === "float32" ? Float32Array : Float64Array)(b.shape.reduce((a, c) => a * c, 1));
  let k = 0;
  for (let i = 0; i < b.shape[0]!; i++) for (let j = 0; j < b.shape[1]!; j++) for (let l = 0; l < b.shape[2]!; l++) out[k++] = Number(b.data[b.offset + i * b.stride[0]! + j * b.stride[1]! + l * b.stride[2]!]);
  return { dtype, data: out, shape: [...b.shape], stride: cStrides(b.shape), offset: 0 } as Block;
}

function run(image: Block, options: object, backend: "wasm" | "typescript"): Block {
  const prev = setDefaultFftBackend(backend);
  try {
    return richardsonLucy(image, PSF, options as never);
  } finally {
    setDefaultFftBackend(prev);
  }
}

const PSF = { dtype: "float32", data: Float32Array.from({ length: 27 }, (_, i) => 1 + (i % 5)), shape: [3, 3, 3], stride: [9, 3, 1], offset: 0 } as Block;
const OPTIONS = [{ iterations: 2 }, { iterations: 2, init: "image", boundary: "neumann", filterEpsilon: 1e-5 }];

describe("richardsonLucy on views into a larger poisoned buffer", () => {
  for (const dtype of ["uint8", "int8", "uint16", "int16", "int32", "uint32", "float32", "float64"]) {
    it(`${dtype}: the bytes of a contiguous float copy, the caller's buffer untouched, only the view read`, () => {
      const { data, views: vs } = views(dtype);
      const before = digest(data);
      const want = dtype === "int32" || dtype === "uint32" || dtype === "float64" ? "float64" : "float32";
      for (const [name, view] of vs) {
        for (const o of OPTIONS) {
          const copy = run(contiguous(view, want), o, "wasm");
          const ref = run(view, o, "typescript");
          for (const threads of [1, 3]) {
            const got = run(view, { ...o, threads }, "wasm");
            const what = `${name}, ${o.boundary ?? "zero"}, threads ${threads}`;
            expect(got.dtype, what).toBe(want);
            expect(digest(got.data), what).toBe(digest(copy.data));
            expect(Array.from(got.data as Float32Array).every(Number.isFinite), what).toBe(true);
            const scale = Math.max(...Array.from(ref.data as Float32Array, Math.abs));
            for (let i = 0; i < got.data.length; i++) expect(Math.abs(Number(got.data[i]) - Number(ref.data[i])), what).toBeLessThanOrEqual(1e-5 * scale);
            expect(digest(data), what).toBe(before);
          }
        }
      }
    });
  }
});
