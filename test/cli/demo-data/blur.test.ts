import { describe, expect, it } from "vitest";
import { ValueError } from "../../../src/core/errors.js";
import { fromTypedArray, type Block } from "../../../src/core/ndarray.js";
import { createBlur } from "../../../src/cli/demo-data/blur.js";
import { createRng } from "../../../src/cli/demo-data/random.js";

/** Direct "same" convolution, as scipy.signal.convolve(x, k, mode="same"). */
function directSame(x: Block, k: Block): Float64Array {
  const [nz, ny, nx] = x.shape as [number, number, number];
  const [mz, my, mx] = k.shape as [number, number, number];
  const [oz, oy, ox] = [mz, my, mx].map((m) => (m - 1) >> 1) as [number, number, number];
  const out = new Float64Array(nz * ny * nx);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let xx = 0; xx < nx; xx++) {
    let s = 0;
    for (let a = 0; a < mz; a++) for (let b = 0; b < my; b++) for (let c = 0; c < mx; c++) {
      const iz = z + oz - a, iy = y + oy - b, ix = xx + ox - c;
      if (iz < 0 || iy < 0 || ix < 0 || iz >= nz || iy >= ny || ix >= nx) continue;
      s += x.data[(iz * ny + iy) * nx + ix]! * k.data[(a * my + b) * mx + c]!;
    }
    out[(z * ny + y) * nx + xx] = s;
  }
  return out;
}

const random = (shape: number[], seed: number): Block<"float32"> => {
  const rng = createRng(seed);
  return fromTypedArray("float32", Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform()), shape);
};

describe("createBlur", () => {
  it.each([
    [[5, 7, 6], [3, 5, 3]],
    [[4, 9, 8], [2, 4, 5]],
    [[6, 6, 6], [7, 1, 3]],
  ])("volume=%j psf=%j equals direct same-mode convolution", (shape, psfShape) => {
    const x = random(shape, 1);
    const k = random(psfShape, 2);
    const got = createBlur(shape, k)(x);
    expect(got.shape).toEqual(shape);
    const want = directSame(x, k);
    want.forEach((v, i) => expect(Math.abs(got.data[i]! - v)).toBeLessThan(1e-4 * (1 + Math.abs(v))));
  });

  it("reuses its plan for several volumes", () => {
    const k = random([3, 3, 3], 3);
    const blur = createBlur([4, 5, 6], k);
    const a = random([4, 5, 6], 4);
    const first = Array.from(blur(a).data);
    blur(random([4, 5, 6], 5));
    expect(Array.from(blur(a).data)).toEqual(first);
  });

  it("rejects a PSF of another rank and a volume of another shape", () => {
    expect(() => createBlur([4, 4, 4], random([3, 3], 0))).toThrow(ValueError);
    expect(() => createBlur([4, 4, 4], random([3, 3, 3], 0))(random([4, 4, 5], 0))).toThrow(ValueError);
  });
});
