import { describe, expect, it } from "vitest";
import { array } from "../../src/core/creation.js";
import { toFlatArray } from "../../src/core/ndarray.js";
import { convolve, correlate } from "../../src/filters/index.js";
import { casesOf, relErr, tolerance, versions } from "./load-fixtures.js";

describe(`convolve/correlate match scipy.ndimage (scipy ${versions.scipy}); relative error <= 1e-4 float32, 1e-9 float64`, () => {
  for (const c of [...casesOf("convolve"), ...casesOf("correlate")]) {
    it(c.name, () => {
      const f = c.func === "convolve" ? convolve : correlate;
      const out = f(c.inputs[0]!, c.inputs[1]!, c.params);
      expect(out.shape).toEqual(c.outShape);
      expect(out.dtype).toBe(c.outDtype);
      expect(relErr(out.data, c.output)).toBeLessThanOrEqual(tolerance(c.outDtype));
    });
  }
});

describe("convolve behaviours", () => {
  it("integer input keeps its dtype and truncates toward zero, as scipy", () => {
    const out = convolve(array([1, 2, 3], { dtype: "int16" }), array([0.3, 0.3, 0.3]), { mode: "nearest" });
    expect(out.dtype).toBe("int16");
    // scipy.ndimage.convolve(np.array([1, 2, 3], np.int16), [0.3] * 3, mode="nearest") -> [1, 1, 2]
    expect(toFlatArray(out)).toEqual([1, 1, 2]);
    // ... and [-1, -2, -3] -> [-1, -1, -2]
    expect(toFlatArray(convolve(array([-1, -2, -3], { dtype: "int16" }), array([0.3, 0.3, 0.3]), { mode: "nearest" }))).toEqual([-1, -1, -2]);
  });
  it("mirror mode on a length-1 axis repeats the value", () => {
    expect(toFlatArray(convolve(array([2]), array([1, 1, 1]), { mode: "mirror" }))).toEqual([6]);
  });
  it.each([
    [{ mode: "edge" }, /mode must be one of/],
    [{ origin: 2 }, /origin on axis 0 must lie in/],
    [{ origin: 0.5 }, /origin must be an integer/],
    [{ cval: "0" }, /cval must be a finite number/],
    [{ depth: 1 }, /options must use known keys; got 'depth'/],
  ])("bad options %j", (opts, msg) => {
    expect(() => convolve(array([1, 2, 3]), array([1, 1, 1]), opts as never)).toThrow(msg);
  });
  it("empty weights and rank mismatch throw", () => {
    expect(() => convolve(array([1, 2]), array([]))).toThrow(/weights must not have an empty axis/);
    expect(() => convolve(array([1, 2]), array([[1]]))).toThrow(/weights must have 1 dimensions like the image/);
  });
});
