import { describe, expect, test } from "vitest";
import { cStrides } from "../../src/core/ndarray.js";
import {
  complexFromInterleaved, fft, fftn, ifft, ifftn, irfft, irfftn, rfft, rfftn, FftWorkspace,
  type ComplexBlock,
} from "../../src/fft/index.js";
import { fftCases, relErr, scipyVersion, type FftCase } from "./load-fixtures.js";

// Tolerances (max |error| / max |reference|): float32 1e-4, float64 1e-10.
const RTOL = { float32: 1e-4, float64: 1e-10 } as const;

function inputOf(c: FftCase): unknown {
  if (c.complexInput) return complexFromInterleaved(c.input, c.shape);
  const dtype = c.input instanceof Float32Array ? "float32" : "float64";
  return { dtype, data: c.input, shape: c.shape, stride: cStrides(c.shape), offset: 0 };
}

function run(c: FftCase, x: unknown) {
  const opts = { norm: c.norm, ...(c.axes ? { axes: c.axes } : {}), ...(c.s ? { s: c.s } : {}) };
  const fns = { fftn, ifftn, rfftn, irfftn } as const;
  return (fns[c.func] as (x: unknown, o: object) => ComplexBlock | { dtype: string; data: Float32Array | Float64Array; shape: readonly number[] })(x, opts);
}

const NP_DTYPE: Record<string, string> = { complex64: "complex64", complex128: "complex128", float32: "float32", float64: "float64" };

describe(`scipy.fft ${scipyVersion} reference cases`, () => {
  test.each(fftCases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const y = run(c, inputOf(c));
    expect(y.shape).toEqual(c.outShape);
    expect(y.dtype).toBe(NP_DTYPE[c.outDtype]);
    expect(relErr(y.data, c.output)).toBeLessThan(RTOL[c.dtype]);
  });
});

/** The same values as `c.input` in a view with negative strides and gaps between elements. */
function stridedCopy(c: FftCase): unknown {
  const k = c.complexInput ? 2 : 1;
  const nd = c.shape.length;
  const stride = cStrides(c.shape).map((s) => -3 * s);
  const size = c.shape.reduce((p, d) => p * d, 1);
  const offset = 5 - stride.reduce((p, s, d) => p + s * (c.shape[d]! - 1), 0);
  const data = new (c.input.constructor as Float64ArrayConstructor)(k * (offset + 1));
  const idx = new Array<number>(nd).fill(0);
  for (let i = 0; i < size; i++) {
    let p = offset;
    for (let d = 0; d < nd; d++) p += stride[d]! * idx[d]!;
    for (let t = 0; t < k; t++) data[k * p + t] = c.input[k * i + t]!;
    for (let d = nd - 1; d >= 0 && ++idx[d]! === c.shape[d]!; d--) idx[d] = 0;
  }
  const dtype = c.complexInput ? (c.dtype === "float32" ? "complex64" : "complex128") : c.dtype;
  return { dtype, data, shape: c.shape, stride, offset };
}

describe("strided inputs give the contiguous result", () => {
  const picks = fftCases.filter((c) => c.shape.length >= 2 && c.s === null).slice(0, 24);
  test.each(picks.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const y = run(c, stridedCopy(c));
    expect(relErr(y.data, c.output)).toBeLessThan(RTOL[c.dtype]);
  });
});

describe("1-D wrappers", () => {
  const x = { dtype: "float64" as const, data: Float64Array.from([1, 2, 0, -1, 3]), shape: [5], stride: [1], offset: 0 };
  test("fft n=5 equals fftn", () => {
    expect(Array.from(fft(x).data)).toEqual(Array.from(fftn(x).data));
  });
  test("rfft/irfft round trip n=5", () => {
    const y = irfft(rfft(x), { n: 5 });
    expect(relErr(y.data, x.data)).toBeLessThan(1e-14);
  });
  test("ifft(fft(x)) axis=0 n=8 pads", () => {
    const y = ifft(fft(x, { n: 8 }), { n: 8 });
    expect(y.shape).toEqual([8]);
    expect(relErr(Array.from(y.data).filter((_, i) => i % 2 === 0).slice(0, 5), x.data)).toBeLessThan(1e-14);
  });
  test("workspace reuse gives identical results", () => {
    const workspace = new FftWorkspace();
    const a = rfftn(x, { workspace });
    const b = rfftn(x, { workspace });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(workspace.bytes).toBeGreaterThan(0);
  });
  test("empty non-transformed axis: shape=[3,0] axes=[0] gives shape [3,0]", () => {
    const e = { dtype: "float64" as const, data: new Float64Array(0), shape: [3, 0], stride: [0, 1], offset: 0 };
    expect(fftn(e, { axes: [0] }).shape).toEqual([3, 0]);
    expect(rfftn(e, { axes: [0] }).shape).toEqual([2, 0]);
  });
  test("no axes: fftn of a 0-d block is a complex copy", () => {
    const z = fftn({ dtype: "float64", data: Float64Array.from([2]), shape: [], stride: [], offset: 0 });
    expect(z.shape).toEqual([]);
    expect(Array.from(z.data)).toEqual([2, 0]);
  });
  test("integer input promotes to complex128", () => {
    const xi = { dtype: "int16" as const, data: Int16Array.from([1, 2, 3, 4]), shape: [4], stride: [1], offset: 0 };
    const y = fftn(xi);
    expect(y.dtype).toBe("complex128");
    expect(Array.from(y.data)).toEqual([10, 0, -2, 2, -2, 0, -2, -2]);
  });
});

describe("argument errors (scipy's rules)", () => {
  const x = { dtype: "float64" as const, data: new Float64Array(12), shape: [3, 4], stride: [4, 1], offset: 0 };
  const bad: [string, () => unknown, RegExp][] = [
    ["repeated axes", () => fftn(x, { axes: [0, 0] }), /axes must be unique/],
    ["axis out of range", () => fftn(x, { axes: [2] }), /axes must lie in \[-2, 2\)/],
    ["non-integer axis", () => fftn(x, { axes: [0.5] }), /axes must be a list of integers/],
    ["s longer than ndim", () => fftn(x, { s: [2, 3, 4] }), /s must have at most one entry per input axis/],
    ["s and axes differ", () => fftn(x, { s: [2], axes: [0, 1] }), /s must have one length per transformed axis/],
    ["s zero", () => fftn(x, { s: [0, 4] }), /s must hold positive integers/],
    ["empty transformed axis", () => fftn({ ...x, data: new Float64Array(0), shape: [3, 0], stride: [0, 1] }), /at least 1/],
    ["bad norm", () => fftn(x, { norm: "bad" as never }), /norm must be "backward", "ortho" or "forward"/],
    ["rfftn no axes", () => rfftn(x, { axes: [] }), /axes must name at least one axis/],
    ["rfftn complex input", () => rfftn(complexFromInterleaved(new Float64Array(4), [2]) as never), /x must be real/],
    ["irfft default length 0", () => irfft(complexFromInterleaved(new Float64Array(2), [1])), /at least 1/],
    ["irfftn s=[0]", () => irfftn(complexFromInterleaved(new Float64Array(2), [1]), { s: [0] }), /positive integers/],
    ["not an array", () => fftn([1, 2, 3] as never), /x must be a block/],
  ];
  test.each(bad)("%s", (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
