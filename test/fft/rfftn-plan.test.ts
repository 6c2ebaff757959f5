import { describe, expect, test } from "vitest";
import { cStrides } from "../../src/core/ndarray.js";
import { complexZeros, createRfftnPlan, irfftn, rfftn } from "../../src/fft/index.js";
import { wasmEnabled } from "../../src/fft/wasm-engine.js";
import { relErr } from "./load-fixtures.js";

function ramp(shape: number[], f32 = false) {
  const size = shape.reduce((p, d) => p * d, 1);
  const data = (f32 ? new Float32Array(size) : new Float64Array(size)).map((_, i) => Math.sin(0.37 * i) + ((i * 7) % 5));
  return { dtype: f32 ? ("float32" as const) : ("float64" as const), data, shape, stride: cStrides(shape), offset: 0 };
}

describe("createRfftnPlan", () => {
  test.each([
    [[16], undefined],
    [[9, 10], undefined],
    [[6, 7, 8], undefined],
    [[6, 7, 8], [0, 2]],
    [[6, 7, 8], [2, 0]],
    [[5, 97], undefined],
  ] as const)("shape=%j axes=%j matches rfftn/irfftn float64", (shape, axes) => {
    const plan = createRfftnPlan(shape, { dtype: "float64", ...(axes ? { axes } : {}) });
    const x = ramp([...shape]);
    const ref = rfftn(x, axes ? { axes } : {});
    expect(plan.complexShape).toEqual(ref.shape);
    const X = plan.forward(x);
    expect(relErr(X.data, ref.data)).toBeLessThan(1e-12);
    const y = plan.inverse(X);
    expect(relErr(y.data, x.data)).toBeLessThan(1e-12);
  });

  test("float32 plan writes into preallocated buffers and reuses its workspace", () => {
    const shape = [8, 12, 10];
    const plan = createRfftnPlan(shape);
    expect(plan.dtype).toBe("float32");
    const x = ramp(shape, true);
    const spec = new Float32Array(2 * 8 * 12 * 6);
    const out = new Float32Array(8 * 12 * 10);
    plan.forward(x.data, spec);
    plan.inverse(spec, out);
    const bytes = plan.workspaceBytes;
    for (let i = 0; i < 3; i++) {
      plan.forward(x.data, spec);
      plan.inverse(spec, out);
    }
    expect(plan.workspaceBytes).toBe(bytes);
    expect(relErr(out, x.data)).toBeLessThan(1e-6);
    expect(relErr(spec, rfftn(x).data)).toBeLessThan(1e-6);
  });

  test("smaller input is zero-padded at the end: shape=[7,9,5] in plan [12,16,10]", () => {
    const plan = createRfftnPlan([12, 16, 10], { dtype: "float64" });
    const x = ramp([7, 9, 5]);
    const X = plan.forward(x, complexZeros(plan.complexShape, "complex128"));
    expect(relErr(X.data, rfftn(x, { s: [12, 16, 10] }).data)).toBeLessThan(1e-12);
  });

  test("output region: offset=[2,3,1] shape=[5,6,4] equals the cropped full inverse", () => {
    const shape = [9, 11, 8];
    const plan = createRfftnPlan(shape, { dtype: "float64", norm: "ortho" });
    const X = plan.forward(ramp(shape));
    const full = irfftn(X, { s: shape, norm: "ortho" });
    const out = ramp([5, 6, 4]);
    plan.inverse(X, out, { offset: [2, 3, 1] });
    const want: number[] = [];
    for (let i = 0; i < 5; i++) for (let j = 0; j < 6; j++) for (let k = 0; k < 4; k++) want.push(full.data[((i + 2) * 11 + j + 3) * 8 + k + 1]!);
    expect(relErr(out.data, want)).toBeLessThan(1e-12);
  });

  test("overwriteInput gives the same result without a work array (typescript backend)", () => {
    const shape = [6, 10];
    const plan = createRfftnPlan(shape, { dtype: "float64", backend: "typescript" });
    const x = ramp(shape);
    const X = plan.forward(x);
    const y = plan.inverse(plan.forward(x), undefined, { overwriteInput: true });
    expect(relErr(y.data, x.data)).toBeLessThan(1e-12);
    const before = plan.workspaceBytes;
    plan.inverse(X);
    expect(plan.workspaceBytes - before).toBe(2 * 6 * 6 * 8); // the work array, allocated only now
  });

  test.each(["auto", "typescript"] as const)("input and output may share one buffer (%s backend)", (backend) => {
    const shape = [5, 300, 16]; // more lines than one batch
    const plan = createRfftnPlan(shape, { dtype: "float64", backend });
    const x = ramp(shape);
    const want = plan.forward(x);
    const buf = new Float64Array(2 * 5 * 300 * 9);
    const real = buf.subarray(0, 5 * 300 * 16);
    real.set(x.data);
    plan.forward(real, buf);
    expect(relErr(buf, want.data)).toBeLessThan(1e-12);
    plan.inverse(buf, real, { overwriteInput: true });
    expect(relErr(real, x.data)).toBeLessThan(1e-12);
    buf.set(want.data);
    plan.inverse(buf, real);
    expect(relErr(real, x.data)).toBeLessThan(1e-12);
  });

  test.runIf(wasmEnabled("auto"))("wasm: the real side shares the complex work area (one volume, not two)", () => {
    const shape = [40, 48, 50];
    const x = ramp(shape, true);
    const plan = createRfftnPlan(shape, { dtype: "float32" });
    const y = plan.inverse(plan.forward(x), undefined, { overwriteInput: true });
    expect(relErr(y.data, x.data)).toBeLessThan(1e-5);
    const complexBytes = 2 * 40 * 48 * 26 * 4;
    expect(plan.workspaceBytes).toBeLessThan(complexBytes + 100_000); // tables and line buffers
    // Along axis 0 the r2c pass would overwrite unread input: separate areas, still exact.
    const plan0 = createRfftnPlan(shape, { dtype: "float32", axes: [0] });
    const X0 = plan0.forward(x);
    expect(relErr(X0.data, rfftn(x, { axes: [0] }).data)).toBeLessThan(1e-5);
    expect(relErr(plan0.inverse(X0).data, x.data)).toBeLessThan(1e-5);
  });

  const bad: [string, () => unknown, RegExp][] = [
    ["shape with 0", () => createRfftnPlan([4, 0]), /shape must be a list of positive integers/],
    ["integer dtype", () => createRfftnPlan([4], { dtype: "uint16" as never }), /dtype must be "float32" or "float64"/],
    ["no axes", () => createRfftnPlan([4], { axes: [] }), /at least one axis/],
    ["typed array of wrong length", () => createRfftnPlan([4, 4]).forward(new Float32Array(15)), /must have 16 elements/],
    ["input larger than plan", () => createRfftnPlan([4, 4]).forward(ramp([5, 4], true)), /must fit inside/],
    ["output of wrong length", () => createRfftnPlan([4, 4]).forward(new Float32Array(16), new Float32Array(10)), /must hold 24 floats/],
    ["offset outside", () => createRfftnPlan([4, 4]).inverse(new Float32Array(24), ramp([2, 2], true), { offset: [3, 0] }), /offset must place the output/],
    ["integer input", () => createRfftnPlan([4]).forward({ data: new Int16Array(4), shape: [4] }), /float32 or float64/],
  ];
  test.each(bad)("rejects %s", (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
