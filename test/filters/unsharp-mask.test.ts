import { describe, expect, it } from "vitest";
import { array } from "../../src/core/creation.js";
import { unsharpMask } from "../../src/filters/index.js";
import { casesOf, relErr, tolerance, versions } from "./load-fixtures.js";

describe(`unsharpMask matches skimage.filters.unsharp_mask(preserve_range=True) (scikit-image ${versions.skimage}); relative error <= 1e-4 float32, 1e-9 float64`, () => {
  for (const c of casesOf("unsharpMask")) {
    it(c.name, () => {
      const out = unsharpMask(c.inputs[0]!, c.params as never);
      expect(out.shape).toEqual(c.outShape);
      expect(out.dtype).toBe(c.outDtype);
      expect(relErr(out.data, c.output)).toBeLessThanOrEqual(tolerance(c.outDtype));
    });
  }
});

describe("unsharpMask behaviours", () => {
  it("uint16 input computes in float32", () => {
    expect(unsharpMask(array([1, 2, 3], { dtype: "uint16" })).dtype).toBe("float32");
  });
  it.each([
    [{ radius: -1 }, /radius must be a number or a list of 1 numbers/],
    [{ amount: Infinity }, /amount must be a finite number/],
    [{ sigma: 1 }, /options must use known keys; got 'sigma'/],
  ])("bad options %j", (opts, msg) => {
    expect(() => unsharpMask(array([1, 2, 3]), opts as never)).toThrow(msg);
  });
});
