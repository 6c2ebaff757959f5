/**
 * Properties of the FFT layer (fast-check): inverse of forward is the identity (real and
 * complex, any axes), Parseval's theorem, linearity, and agreement with a naive O(n^2) DFT for
 * every length 1..200 (radix 2, 3, 4, 5, generic primes and Bluestein).
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { cStrides } from "../../src/core/ndarray.js";
import { complexFromInterleaved, fftn, ifftn, irfftn, rfftn } from "../../src/fft/index.js";

const NUM_RUNS = 40;

/** Shapes of 1 to 3 axes with at most `maxSize` elements. */
const shapeArb = (maxSize: number) =>
  fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 1, maxLength: 3 })
    .filter((s) => s.reduce((p, d) => p * d, 1) <= maxSize);

/** A float64 array of the given shape with values in [-1, 1]. */
const realArb = (maxSize = 600) =>
  shapeArb(maxSize).chain((shape) =>
    fc.float64Array({ minLength: shape.reduce((p, d) => p * d, 1), maxLength: shape.reduce((p, d) => p * d, 1), noDefaultInfinity: true, noNaN: true, min: -1, max: 1 })
      .map((data) => ({ dtype: "float64" as const, data, shape, stride: cStrides(shape), offset: 0 })));

const complexArb = (maxSize = 600) =>
  shapeArb(maxSize).chain((shape) => {
    const n = 2 * shape.reduce((p, d) => p * d, 1);
    return fc.float64Array({ minLength: n, maxLength: n, noNaN: true, noDefaultInfinity: true, min: -1, max: 1 })
      .map((data) => complexFromInterleaved(data, shape));
  });

/** A non-empty subset of the axes of an ndim-D array, in random order. */
const axesOf = (ndim: number) =>
  fc.shuffledSubarray(Array.from({ length: ndim }, (_, i) => i), { minLength: 1 });

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!));
  return e;
}

describe("fft properties", () => {
  test("irfftn(rfftn(x), s=x.shape) == x over random axes", () => {
    fc.assert(
      fc.property(realArb().chain((x) => fc.tuple(fc.constant(x), axesOf(x.shape.length))), ([x, axes]) => {
        const s = axes.map((a) => x.shape[a]!);
        const y = irfftn(rfftn(x, { axes }), { axes, s });
        expect(maxAbsDiff(y.data, x.data)).toBeLessThan(1e-12);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test("ifftn(fftn(x)) == x over random axes and norms", () => {
    const norm = fc.constantFrom("backward" as const, "ortho" as const, "forward" as const);
    fc.assert(
      fc.property(complexArb().chain((x) => fc.tuple(fc.constant(x), axesOf(x.shape.length), norm)), ([x, axes, n]) => {
        const y = ifftn(fftn(x, { axes, norm: n }), { axes, norm: n });
        expect(maxAbsDiff(y.data, x.data)).toBeLessThan(1e-12);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test("Parseval: sum |x|^2 == sum |X|^2 / N", () => {
    fc.assert(
      fc.property(complexArb(), (x) => {
        const X = fftn(x);
        const N = x.shape.reduce((p, d) => p * d, 1);
        let ex = 0, eX = 0;
        for (const v of x.data) ex += v * v;
        for (const v of X.data) eX += v * v;
        expect(Math.abs(ex - eX / N)).toBeLessThanOrEqual(1e-10 * Math.max(1, ex));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test("linearity: fftn(a x + b y) == a fftn(x) + b fftn(y)", () => {
    const pair = realArb(300).chain((x) =>
      fc.tuple(
        fc.constant(x),
        fc.float64Array({ minLength: x.data.length, maxLength: x.data.length, noNaN: true, noDefaultInfinity: true, min: -1, max: 1 }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
      ));
    fc.assert(
      fc.property(pair, ([x, yData, a, b]) => {
        const y = { ...x, data: yData };
        const z = { ...x, data: x.data.map((v, i) => a * v + b * yData[i]!) };
        const [X, Y, Z] = [rfftn(x), rfftn(y), rfftn(z)];
        const want = X.data.map((v, i) => a * v + b * Y.data[i]!);
        expect(maxAbsDiff(Z.data, want)).toBeLessThan(1e-10 * Math.max(1, x.data.length));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test("fftn equals a naive O(n^2) DFT for random lengths 1..200", () => {
    const arb = fc.integer({ min: 1, max: 200 }).chain((n) =>
      fc.float64Array({ minLength: 2 * n, maxLength: 2 * n, noNaN: true, noDefaultInfinity: true, min: -1, max: 1 }));
    fc.assert(
      fc.property(arb, fc.boolean(), (data, forward) => {
        const n = data.length / 2;
        const X = (forward ? fftn : ifftn)(complexFromInterleaved(data, [n]));
        const sign = forward ? -1 : 1;
        const scale = forward ? 1 : 1 / n;
        const want = new Float64Array(2 * n);
        for (let k = 0; k < n; k++) {
          let re = 0, im = 0;
          for (let j = 0; j < n; j++) {
            const a = (sign * 2 * Math.PI * ((j * k) % n)) / n;
            const c = Math.cos(a), s = Math.sin(a);
            re += data[2 * j]! * c - data[2 * j + 1]! * s;
            im += data[2 * j]! * s + data[2 * j + 1]! * c;
          }
          want[2 * k] = re * scale;
          want[2 * k + 1] = im * scale;
        }
        expect(maxAbsDiff(X.data, want)).toBeLessThan(1e-12 * n);
      }),
      { numRuns: 200 },
    );
  });
});
