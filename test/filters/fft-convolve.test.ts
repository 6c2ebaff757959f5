import { describe, expect, it } from "vitest";
import { array } from "../../src/core/creation.js";
import { toFlatArray } from "../../src/core/ndarray.js";
import { fftConvolve } from "../../src/filters/index.js";
import { casesOf, relErr, tolerance, versions } from "./load-fixtures.js";

describe(`fftConvolve matches scipy.signal.fftconvolve (scipy ${versions.scipy}); relative error over max|ref| <= 1e-4 float32, 1e-9 float64 (1e-6 when a float32 input meets a float64 one: scipy transforms the float32 input in float32)`, () => {
  for (const c of casesOf("fftConvolve")) {
    it(c.name, () => {
      const out = fftConvolve(c.inputs[0]!, c.inputs[1]!, c.params as { mode: "same" });
      expect(out.shape).toEqual(c.outShape);
      expect(out.dtype).toBe(c.outDtype);
      const mixed = c.outDtype === "float64" && c.inputs.some((b) => b.dtype === "float32");
      expect(relErr(out.data, c.output)).toBeLessThanOrEqual(mixed ? 1e-6 : tolerance(c.outDtype));
    });
  }
});

describe("fftConvolve edge cases", () => {
  it("0-d inputs give their product", () => {
    expect(toFlatArray(fftConvolve(array(3), array(4)))).toEqual([12]);
  });
  it("empty input gives shape (0,)", () => {
    expect(fftConvolve(array([]), array([1, 2])).shape).toEqual([0]);
  });
  it("1-D full convolution of small integers is exact to 1e-12", () => {
    const out = fftConvolve(array([1, 2, 3]), array([0, 1, 0.5]));
    expect(out.dtype).toBe("float64");
    const got = toFlatArray(out);
    [0, 1, 2.5, 4, 1.5].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
  });
  it.each([
    [{ mode: "middle" }, /mode must be "full", "same" or "valid"/],
    [{ mod: "same" }, /options must use known keys; got 'mod'/],
  ])("bad options %j", (opts, msg) => {
    expect(() => fftConvolve(array([1, 2]), array([1]), opts as never)).toThrow(msg);
  });
  it("mismatched ranks throw", () => {
    expect(() => fftConvolve(array([[1, 2]]), array([1]))).toThrow(/kernel must have as many axes as the image \(2\)/);
  });
  it("valid mode with neither input fitting throws", () => {
    expect(() => fftConvolve(array([[1, 2, 3]]), array([[1], [2]]), { mode: "valid" })).toThrow(/at least as large as the other on every axis/);
  });
});
