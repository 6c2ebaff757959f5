import { describe, expect, it } from "vitest";
import { array } from "../../src/core/creation.js";
import { wiener } from "../../src/filters/index.js";
import { casesOf, relErr, tolerance, versions } from "./load-fixtures.js";

describe(`wiener matches skimage.restoration.wiener (scikit-image ${versions.skimage}, 2-D); relative error <= 1e-4 float32, 1e-9 float64`, () => {
  for (const c of casesOf("wiener")) {
    it(c.name, () => {
      const out = wiener(c.inputs[0]!, c.inputs[1]!, c.params as never);
      expect(out.shape).toEqual(c.outShape);
      expect(out.dtype).toBe(c.outDtype);
      expect(relErr(out.data, c.output)).toBeLessThanOrEqual(tolerance(c.outDtype));
    });
  }
});

describe("wiener behaviours", () => {
  const img = array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]]);
  it.each([
    [{}, /balance must be given/],
    [{ balance: -1 }, /balance must be a finite number >= 0/],
    [{ balance: 1, clip: 1 }, /clip must be a boolean/],
  ])("bad options %j", (opts, msg) => {
    expect(() => wiener(img, array([[1]]), opts as never)).toThrow(msg);
  });
  it("clip defaults to false: camera counts stay counts; clip: true clips to [-1, 1] as scikit-image's default", () => {
    const counts = array([[100, 200, 300], [400, 500, 600], [700, 800, 900]]);
    const plain = wiener(counts, array([[1]]), { balance: 0 });
    expect(Math.max(...Array.from(plain.data))).toBeCloseTo(900, 6);
    const clipped = wiener(counts, array([[1]]), { balance: 0, clip: true });
    expect(Math.max(...Array.from(clipped.data))).toBe(1);
  });
  it("a PSF larger than the image throws", () => {
    expect(() => wiener(img, array([[1, 1, 1, 1]]), { balance: 1 })).toThrow(/psf must be non-empty and fit inside the image/);
  });
});
