import { describe, expect, it } from "vitest";
import { array } from "../../src/core/creation.js";
import { toFlatArray } from "../../src/core/ndarray.js";
import { gaussianDepth, gaussianFilter, gaussianKernel1d, gaussianRadius } from "../../src/filters/index.js";
import { casesOf, relErr, tolerance, versions } from "./load-fixtures.js";

describe(`gaussianFilter matches scipy.ndimage.gaussian_filter (scipy ${versions.scipy}); relative error <= 1e-4 float32, 1e-9 float64`, () => {
  for (const c of casesOf("gaussianFilter")) {
    it(c.name, () => {
      const out = gaussianFilter(c.inputs[0]!, c.params as never);
      expect(out.shape).toEqual(c.outShape);
      expect(out.dtype).toBe(c.outDtype);
      expect(relErr(out.data, c.output)).toBeLessThanOrEqual(tolerance(c.outDtype));
    });
  }
});

describe("gaussianFilter behaviours", () => {
  it("radius is int(truncate * sigma + 0.5)", () => {
    expect(gaussianRadius(1.5, 4)).toBe(6);
    expect(gaussianRadius(0.3, 4)).toBe(1);
    expect(gaussianKernel1d(1, 4).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(gaussianDepth({ sigma: [1, 0, 2.5] }, 3)).toEqual([4, 0, 10]);
  });
  it("uint8 input keeps uint8, truncating, as scipy", () => {
    // scipy.ndimage.gaussian_filter(np.array([0, 10, 0, 5, 0], np.uint8), 1) -> [2, 4, 3, 2, 1]
    const out = gaussianFilter(array([0, 10, 0, 5, 0], { dtype: "uint8" }), { sigma: 1 });
    expect(out.dtype).toBe("uint8");
    expect(toFlatArray(out)).toEqual([2, 4, 3, 2, 1]);
  });
  it("sigma 0 copies the input", () => {
    const x = array([[1, 2], [3, 4]], { dtype: "float32" });
    const out = gaussianFilter(x, { sigma: 0 });
    expect(toFlatArray(out)).toEqual([1, 2, 3, 4]);
    expect(out.data).not.toBe(x.data);
  });
  it.each([
    [{ sigma: -1 }, /sigma must be a number or a list of 2 numbers/],
    [{ sigma: [1] }, /sigma must be a number or a list of 2 numbers/],
    [{}, /sigma must be a number/],
    [{ sigma: 1, truncate: 0 }, /truncate must be a positive finite number/],
    [{ sigma: 1, mode: "edge" }, /mode must be one of/],
  ])("bad options %j", (opts, msg) => {
    expect(() => gaussianFilter(array([[1, 2], [3, 4]]), opts as never)).toThrow(msg);
  });
});
