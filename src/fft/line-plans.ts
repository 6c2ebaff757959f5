/**
 * Cached 1-D plans: complex plans (mixed radix, or Bluestein where pocketfft's cost model
 * prefers it) and real plans. A real transform of even length n runs a complex transform of
 * n/2 points on the packed pairs `z[k] = x[2k] + i x[2k+1]` and untangles the halves with one
 * twiddle per bin; odd lengths run the full complex transform. Plans hold float64 twiddles and
 * compute in float64 whatever the storage precision, so one plan per length serves both
 * float32 and float64 data. Matches `scipy.fft.rfft` / `irfft` (the imaginary parts of the
 * zero and Nyquist bins are ignored by the inverse, as pocketfft does).
 * @module
 */
import { BluesteinPlan, MixedRadixPlan, type LinePlan } from "./mixed-radix.js";
import { prefersBluestein } from "./next-fast-len.js";
import type { FftWorkspace } from "./fft-workspace.js";
import { rootTable } from "./twiddle.js";

const complexPlans = new Map<number, LinePlan>();
const realPlans = new Map<number, RealLinePlan>();

/**
 * The cached complex plan for length `n`.
 * @example
 * ```ts
 * const r = complexPlan(240).exec(a, b, 16, true, new FftWorkspace());
 * ```
 */
export function complexPlan(n: number): LinePlan {
  let p = complexPlans.get(n);
  if (p === undefined) {
    p = prefersBluestein(n) ? new BluesteinPlan(n) : new MixedRadixPlan(n);
    complexPlans.set(n, p);
  }
  return p;
}

/**
 * The cached real plan for length `n`.
 * @example
 * ```ts
 * realPlan(480).forward(packed, spare, 16, new FftWorkspace());
 * ```
 */
export function realPlan(n: number): RealLinePlan {
  let p = realPlans.get(n);
  if (p === undefined) {
    p = new RealLinePlan(n);
    realPlans.set(n, p);
  }
  return p;
}

/**
 * Drops every cached plan (for tests and memory-conscious callers).
 * @example
 * ```ts
 * clearPlanCache();
 * ```
 */
export function clearPlanCache(): void {
  complexPlans.clear();
  realPlans.clear();
}

/**
 * Real <-> half-spectrum transform of n points over B lanes. Real data lives in "packed"
 * layout: for even n, sample j of lane l at `[2 * ((j >> 1) * B + l) + (j & 1)]`; for odd n,
 * at `[2 * (j * B + l)]` (the real part of an `[n][B]` complex buffer). The spectrum is
 * `[n/2 + 1][B]` complex.
 * @example
 * ```ts
 * const spectrum = realPlan(480).forward(packed, spare, 16, workspace);
 * ```
 */
export class RealLinePlan {
  readonly n: number;
  readonly even: boolean;
  /** Float64 slots each line buffer needs per lane. */
  readonly bufferPerLane: number;
  private readonly inner: LinePlan;
  private readonly w: Float64Array; // exp(2 pi i k / n), k <= n/2

  constructor(n: number) {
    this.n = n;
    this.even = n % 2 === 0;
    const h = n >> 1;
    this.inner = complexPlan(this.even ? h : n);
    this.w = this.even ? rootTable(n, h + 1) : new Float64Array(0);
    this.bufferPerLane = 2 * (this.even ? h + 1 : n);
  }

  /** Real (packed, in `a`) to spectrum; returns the buffer holding `[n/2 + 1][B]` bins. */
  forward(a: Float64Array, b: Float64Array, B: number, scratch: FftWorkspace): Float64Array {
    if (!this.even) return this.inner.exec(a, b, B, true, scratch);
    const h = this.n >> 1, L = 2 * B, w = this.w;
    const z = this.inner.exec(a, b, B, true, scratch);
    const o = z === a ? b : a;
    // X[k] = (Z[k] + conj Z[h-k]) / 2 - i W^k (Z[k] - conj Z[h-k]) / 2, W = exp(-2 pi i / n);
    // bins k and h - k read the same two inputs, so both are written from one load
    for (let k = 0; 2 * k <= h; k++) {
      const kk = h - k;
      const p = (k === 0 ? 0 : k) * L, pc = (kk === h ? 0 : kk) * L;
      const wr = w[2 * k]!, wi = -w[2 * k + 1]!;
      const vr = w[2 * kk]!, vi = -w[2 * kk + 1]!;
      for (let q = 0; q < L; q += 2) {
        const ar = z[p + q]!, ai = z[p + q + 1]!, br = z[pc + q]!, bi = z[pc + q + 1]!;
        const er = 0.5 * (ar + br), ei = 0.5 * (ai - bi); // even part at bin k
        const dr = 0.5 * (ai + bi), di = -0.5 * (ar - br); // odd part at bin k: -i(Zk - conj Zc)/2
        o[k * L + q] = er + (wr * dr - wi * di);
        o[k * L + q + 1] = ei + (wr * di + wi * dr);
        if (kk !== k) {
          // at bin kk the roles swap: even part conj(er, ei), odd part conj(dr, di)
          o[kk * L + q] = er + (vr * dr + vi * di);
          o[kk * L + q + 1] = -ei + (vi * dr - vr * di);
        }
      }
    }
    return o;
  }

  /** Spectrum (`[n/2 + 1][B]` in `a`) to real packed data; returns the buffer holding it. */
  inverse(a: Float64Array, b: Float64Array, B: number, scratch: FftWorkspace): Float64Array {
    const n = this.n, h = n >> 1, L = 2 * B;
    if (!this.even) {
      for (let q = 0; q < L; q += 2) a[q + 1] = 0;
      for (let k = 1; k <= h; k++) {
        const s = k * L, d = (n - k) * L;
        for (let q = 0; q < L; q += 2) {
          a[d + q] = a[s + q]!;
          a[d + q + 1] = -a[s + q + 1]!;
        }
      }
      return this.inner.exec(a, b, B, false, scratch);
    }
    const w = this.w;
    // Z[k] = (X[k] + conj X[h-k]) + i W^-k (X[k] - conj X[h-k]); Im X[0], Im X[h] ignored
    for (let k = 0; 2 * k <= h; k++) {
      const kk = h - k;
      const wr = w[2 * k]!, wi = w[2 * k + 1]!;
      const vr = w[2 * kk]!, vi = w[2 * kk + 1]!;
      const p = k * L, pc = kk * L;
      for (let q = 0; q < L; q += 2) {
        const ar = a[p + q]!, ai = k === 0 ? 0 : a[p + q + 1]!;
        const br = a[pc + q]!, bi = kk === h ? 0 : a[pc + q + 1]!;
        const er = ar + br, ei = ai - bi, dr = ar - br, di = ai + bi;
        // odd part times W^-k, then times i
        const or = dr * wr - di * wi, oi = dr * wi + di * wr;
        b[p + q] = er - oi;
        b[p + q + 1] = ei + or;
        if (kk !== k && kk < h) {
          const er2 = er, ei2 = -ei, dr2 = -dr, di2 = di;
          const or2 = dr2 * vr - di2 * vi, oi2 = dr2 * vi + di2 * vr;
          b[pc + q] = er2 - oi2;
          b[pc + q + 1] = ei2 + or2;
        }
      }
    }
    return this.inner.exec(b, a, B, false, scratch);
  }
}
