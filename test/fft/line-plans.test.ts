import { describe, expect, test } from "vitest";
import { FftWorkspace } from "../../src/fft/fft-workspace.js";
import { complexPlan, realPlan } from "../../src/fft/line-plans.js";
import { prefersBluestein } from "../../src/fft/next-fast-len.js";

/** Naive DFT of lane `l` of a `[n][B]` interleaved buffer. */
function naive(a: Float64Array, n: number, B: number, l: number, sign: number): Float64Array {
  const out = new Float64Array(2 * n);
  const cos = Float64Array.from({ length: n }, (_, m) => Math.cos((2 * Math.PI * m) / n));
  const sin = Float64Array.from({ length: n }, (_, m) => sign * Math.sin((2 * Math.PI * m) / n));
  for (let k = 0; k < n; k++) {
    let re = 0, im = 0;
    for (let j = 0; j < n; j++) {
      const m = (j * k) % n;
      const c = cos[m]!, s = sin[m]!;
      const xr = a[2 * (j * B + l)]!, xi = a[2 * (j * B + l) + 1]!;
      re += xr * c - xi * s;
      im += xr * s + xi * c;
    }
    out[2 * k] = re;
    out[2 * k + 1] = im;
  }
  return out;
}

function filled(size: number, seed: number): Float64Array {
  return new Float64Array(size).map((_, i) => Math.sin(seed + 0.731 * i) + Math.cos(0.17 * i * i));
}

describe("complex line plans over B lanes equal a naive DFT", () => {
  test.each([
    [512, 3], [1000, 2], [1009, 3], [2048, 1], [1155, 2], [2053, 1], [97, 5], [1, 4],
  ])("n=%i B=%i", (n, B) => {
    const ws = new FftWorkspace();
    for (const forward of [true, false]) {
      const x = filled(2 * n * B, n);
      const a = x.slice();
      const r = complexPlan(n).exec(a, new Float64Array(2 * n * B), B, forward, ws);
      for (let l = 0; l < B; l++) {
        const want = naive(x, n, B, l, forward ? -1 : 1);
        let err = 0, max = 0;
        for (let k = 0; k < n; k++) {
          err = Math.max(err, Math.abs(r[2 * (k * B + l)]! - want[2 * k]!), Math.abs(r[2 * (k * B + l) + 1]! - want[2 * k + 1]!));
          max = Math.max(max, Math.abs(want[2 * k]!), Math.abs(want[2 * k + 1]!));
        }
        expect(err / max).toBeLessThan(1e-13);
      }
    }
  });

  test("Bluestein is chosen for large primes only: 97, 101, 1009, 4097=17*241", () => {
    expect([97, 101, 1009, 4097, 7, 13, 1155, 1024].map(prefersBluestein)).toEqual([true, true, true, true, false, false, false, false]);
  });
});

describe("real line plans: packed layout round trip", () => {
  test.each([[2, 3], [480, 4], [97, 2], [202, 3], [1, 2]])("n=%i B=%i", (n, B) => {
    const plan = realPlan(n);
    const ws = new FftWorkspace();
    const size = plan.bufferPerLane * B;
    const a = new Float64Array(size), b = new Float64Array(size);
    const x = filled(n * B, n);
    // pack: even n as pairs, odd n as real parts
    for (let l = 0; l < B; l++) for (let j = 0; j < n; j++) {
      a[plan.even ? 2 * ((j >> 1) * B + l) + (j & 1) : 2 * (j * B + l)] = x[l * n + j]!;
    }
    const spec = plan.forward(a, b, B, ws);
    const back = plan.inverse(spec, spec === a ? b : a, B, ws);
    for (let l = 0; l < B; l++) for (let j = 0; j < n; j++) {
      const v = back[plan.even ? 2 * ((j >> 1) * B + l) + (j & 1) : 2 * (j * B + l)]! / n;
      expect(Math.abs(v - x[l * n + j]!)).toBeLessThan(1e-13);
    }
  });
});
