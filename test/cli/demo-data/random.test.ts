import { describe, expect, it } from "vitest";
import { ValueError } from "../../../src/core/errors.js";
import { createRng, logFactorial } from "../../../src/cli/demo-data/random.js";

function moments(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

describe("createRng", () => {
  // From the reference C xoshiro128** (prng.di.unimi.it) seeded with the same four splitmix32
  // words (gcc -O2, x86-64): the integer stream is exact 32-bit arithmetic, so every engine agrees.
  it.each([
    [0, [3809008728, 1133695204, 53579671, 2891528803, 139681546]],
    [42, [2837322924, 544945897, 479756282, 3500138142, 339756180]],
    [4294967295, [835879718, 1921286648, 2356205009, 1885780724, 980451116]],
  ])("seed=%d matches the reference C implementation", (seed, expected) => {
    const rng = createRng(seed);
    expect(Array.from({ length: 5 }, () => rng.nextUint32())).toEqual(expected);
  });

  it("same seed gives the same uniform, normal and Poisson streams; another seed differs", () => {
    const draw = (seed: number): number[] => {
      const r = createRng(seed);
      return [r.uniform(), r.normal(), r.poisson(3), r.poisson(250), r.integer(10), r.fork().uniform()];
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });

  it("uniform(lo, hi) stays in [lo, hi) with mean (lo + hi) / 2", () => {
    const rng = createRng(1);
    const xs = Array.from({ length: 20000 }, () => rng.uniform(-2, 3));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...xs)).toBeLessThan(3);
    expect(moments(xs).mean).toBeCloseTo(0.5, 1);
  });

  it("integer(n=7) hits every value about equally", () => {
    const rng = createRng(2);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 14000; i++) counts[rng.integer(7)]!++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });

  it("normal(mean=3, sd=2) has that mean and standard deviation", () => {
    const rng = createRng(3);
    const m = moments(Array.from({ length: 40000 }, () => rng.normal(3, 2)));
    expect(m.mean).toBeCloseTo(3, 1);
    expect(Math.sqrt(m.variance)).toBeCloseTo(2, 1);
  });

  it.each([0.3, 3, 9.99, 10, 37, 400, 20000])("poisson(lambda=%d) has mean and variance lambda", (lambda) => {
    const rng = createRng(4);
    const xs = Array.from({ length: 20000 }, () => rng.poisson(lambda));
    expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    const m = moments(xs);
    // Standard errors: sqrt(lambda / n) for the mean, about lambda * sqrt(2 / n) for the variance.
    expect(Math.abs(m.mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / xs.length));
    expect(Math.abs(m.variance - lambda)).toBeLessThan(6 * (lambda + 0.5) * Math.sqrt(2 / xs.length) + 0.02);
  });

  it.each([4, 25])("poisson(lambda=%d) frequencies follow the Poisson pmf", (lambda) => {
    const rng = createRng(8);
    const n = 40000;
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const k = rng.poisson(lambda);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    for (let k = Math.max(0, Math.floor(lambda - 2 * Math.sqrt(lambda))); k <= lambda + 2 * Math.sqrt(lambda); k++) {
      const p = Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
      const expected = n * p;
      expect(Math.abs((counts.get(k) ?? 0) - expected)).toBeLessThan(5 * Math.sqrt(expected));
    }
  });

  it("poisson(0) is 0", () => {
    expect(createRng(0).poisson(0)).toBe(0);
  });

  it.each([[-1], [NaN], [Infinity]])("poisson(lambda=%d) throws ValueError", (lambda) => {
    expect(() => createRng(0).poisson(lambda)).toThrow(ValueError);
  });

  it.each([[1.5], [NaN], ["7"]])("createRng(seed=%s) throws ValueError", (seed) => {
    expect(() => createRng(seed as number)).toThrow(/createRng: seed must be an integer/);
  });

  it.each([[0], [2.5], [2 ** 33]])("integer(n=%d) throws ValueError", (n) => {
    expect(() => createRng(0).integer(n)).toThrow(ValueError);
  });
});

describe("logFactorial", () => {
  it("equals the summed logs for k = 0..300 to 1e-12 relative", () => {
    let exact = 0;
    for (let k = 0; k <= 300; k++) {
      if (k > 0) exact += Math.log(k);
      expect(Math.abs(logFactorial(k) - exact)).toBeLessThanOrEqual(1e-12 * Math.max(1, exact));
    }
  });
});
