import { describe, expect, test } from "vitest";
import { cStrides } from "../../src/core/ndarray.js";
import {
  complexFromInterleaved, complexZeros, createRfftnPlan, fftn, ifftn, irfftn, rfftn, FftWorkspace,
  type ComplexBlock, type FftBackend,
} from "../../src/fft/index.js";
import { setDefaultFftBackend, wasmEnabled } from "../../src/fft/wasm-engine.js";
import { fftCases, relErr, type FftCase } from "./load-fixtures.js";

// Tolerances (max |error| / max |reference|): float32 1e-4, float64 1e-10, as fftn.test.ts.
const RTOL = { float32: 1e-4, float64: 1e-10 } as const;
const BACKENDS: FftBackend[] = ["typescript", "wasm"];

function inputOf(c: FftCase): unknown {
  if (c.complexInput) return complexFromInterleaved(c.input, c.shape);
  const dtype = c.input instanceof Float32Array ? "float32" : "float64";
  return { dtype, data: c.input, shape: c.shape, stride: cStrides(c.shape), offset: 0 };
}

function ramp(shape: readonly number[], f32: boolean) {
  const size = shape.reduce((p, d) => p * d, 1);
  const data = (f32 ? new Float32Array(size) : new Float64Array(size)).map((_, i) => Math.sin(0.37 * i) + ((i * 7) % 5));
  return { dtype: f32 ? ("float32" as const) : ("float64" as const), data, shape: [...shape], stride: cStrides(shape), offset: 0 };
}

test("the WebAssembly SIMD kernels compile on this runtime", () => {
  expect(wasmEnabled("wasm")).toBe(true);
});

describe.each(BACKENDS)("backend=%s: scipy.fft reference cases", (backend) => {
  const fns = { fftn, ifftn, rfftn, irfftn } as const;
  test.each(fftCases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const workspace = new FftWorkspace({ backend });
    const opts = { norm: c.norm, workspace, ...(c.axes ? { axes: c.axes } : {}), ...(c.s ? { s: c.s } : {}) };
    const y = (fns[c.func] as (x: unknown, o: object) => ComplexBlock)(inputOf(c), opts);
    expect(y.shape).toEqual(c.outShape);
    expect(relErr(y.data, c.output)).toBeLessThan(RTOL[c.dtype]);
  });
});

describe("the wasm backend agrees with the typescript reference", () => {
  const shapes: [number[], number[] | undefined][] = [
    [[1], undefined], [[2], undefined], [[3], undefined], [[16], undefined], [[15], undefined],
    [[9, 10], undefined], [[8, 6], [0]], [[5, 12, 15], undefined], [[3, 45, 10], [2, 0]],
    [[4, 5, 9], [1, 2]], [[12, 1, 16], undefined], [[20, 27, 32], undefined], [[7, 6], undefined],
  ];
  test.each(shapes.flatMap(([s, a]) => [[s, a, true], [s, a, false]] as const))(
    "shape=%j axes=%j float32=%s: rfftn, irfftn, fftn, ifftn",
    (shape, axes, f32) => {
      const x = ramp(shape, f32);
      const ts = new FftWorkspace({ backend: "typescript" });
      const wa = new FftWorkspace({ backend: "wasm" });
      const o = axes ? { axes } : {};
      const tol = f32 ? 2e-6 : 1e-13;
      const Xt = rfftn(x, { ...o, workspace: ts }), Xw = rfftn(x, { ...o, workspace: wa });
      expect(relErr(Xw.data, Xt.data)).toBeLessThan(tol);
      const s = (axes ?? shape.map((_, i) => i)).map((d) => shape[d]!);
      expect(relErr(irfftn(Xw, { ...o, s, workspace: wa }).data, x.data)).toBeLessThan(tol);
      const Ct = fftn(x, { ...o, workspace: ts }), Cw = fftn(x, { ...o, workspace: wa });
      expect(relErr(Cw.data, Ct.data)).toBeLessThan(tol);
      expect(relErr(ifftn(Cw, { ...o, workspace: wa }).data, ifftn(Ct, { ...o, workspace: ts }).data)).toBeLessThan(tol);
      const smooth = shape.every((n) => n !== 7 && n !== 9 * 5 * 7);
      if (smooth) expect(wa.bytes).toBeGreaterThan(ts.bytes); // the wasm path really ran
    },
  );

  test.each([true, false])("pruned plan (input [9,11,7] in [16,20,18], region offset [3,4,5] shape [9,11,7]) float32=%s", (f32) => {
    const dtype = f32 ? "float32" : "float64";
    const plans = BACKENDS.map((backend) => createRfftnPlan([16, 20, 18], { dtype, backend }));
    const x = ramp([9, 11, 7], f32);
    const specs = plans.map((p) => p.forward(x, complexZeros(p.complexShape, p.complexDtype)));
    const tol = f32 ? 2e-6 : 1e-13;
    expect(relErr(specs[1]!.data, specs[0]!.data)).toBeLessThan(tol);
    const outs = plans.map((p, i) => p.inverse(specs[i]!, ramp([9, 11, 7], f32), { offset: [3, 4, 5] }));
    expect(relErr(outs[1]!.data, outs[0]!.data)).toBeLessThan(tol);
  });

  test("float32 wasm error at shape=[40,48,50] stays near float32 rounding of a float64 reference", () => {
    const x64 = ramp([40, 48, 50], false);
    const x32 = { ...x64, dtype: "float32" as const, data: Float32Array.from(x64.data) };
    const ref = rfftn({ ...x64, data: Float64Array.from(x32.data) });
    const got = rfftn(x32, { workspace: new FftWorkspace({ backend: "wasm" }) });
    expect(relErr(got.data, ref.data)).toBeLessThan(1e-6);
    const back = irfftn(got, { s: [40, 48, 50], workspace: new FftWorkspace({ backend: "wasm" }) });
    expect(relErr(back.data, x32.data)).toBeLessThan(1e-6);
  });

  test("setDefaultFftBackend('typescript') routes default workspaces to the reference path", () => {
    const prev = setDefaultFftBackend("typescript");
    try {
      const ws = new FftWorkspace();
      expect(ws.wasm).toBeUndefined();
      rfftn(ramp([8, 8], true), { workspace: ws });
      expect(ws.bytes).toBeGreaterThan(0);
    } finally {
      setDefaultFftBackend(prev);
    }
  });
});

test.each([
  ["createRfftnPlan", () => createRfftnPlan([4], { backend: "gpu" as never })],
  ["FftWorkspace", () => new FftWorkspace({ backend: "simd" as never })],
] as const)("%s rejects an unknown backend", (_name, call) => {
  expect(call).toThrow(/backend must be "auto", "wasm" or "typescript"/);
});
