/**
 * Complex 1-D plans for B lines at once. `MixedRadixPlan` chains the radix passes of
 * `radix-passes.ts` (pocketfft's self-sorting Cooley-Tukey order, twiddles from
 * `twiddle.ts`); `BluesteinPlan` turns a length with a large prime factor into a cyclic
 * convolution of a 5-smooth length. Both compute exactly the unnormalised DFT
 * `X[k] = sum_j x[j] exp(-+2 pi i jk / n)`, matching pocketfft (scipy.fft) to float64 rounding.
 * @module
 */
import { bluesteinLength, radixFactors } from "./next-fast-len.js";
import { pass2, pass3, pass4, type RadixPass } from "./radix-passes.js";
import { pass5 } from "./radix5.js";
import { makeGenericPass } from "./radix-generic.js";
import { pass8 } from "./radix8.js";
import type { FftWorkspace } from "./fft-workspace.js";
import { rootOfUnity, rootTable } from "./twiddle.js";

/**
 * A complex transform of `n` points over B interleaved lanes (`[n][B]` complex).
 * @example
 * ```ts
 * const result = plan.exec(a, b, B, true, workspace);
 * ```
 */
export interface LinePlan {
  readonly n: number;
  /**
   * Transforms the B lanes held in `a`; `b` is a second buffer of the same size. Returns the
   * buffer that holds the result (`a` or `b`). Scratch slots 2 and 3 may be used.
   */
  exec(a: Float64Array, b: Float64Array, B: number, forward: boolean, scratch: FftWorkspace): Float64Array;
}

interface Stage {
  readonly pass: RadixPass;
  readonly ido: number;
  readonly l1: number;
  readonly tOff: number;
}

/**
 * Self-sorting mixed-radix passes (2, 3, 4, 5 by hand, other primes generically).
 * @example
 * ```ts
 * const out = new MixedRadixPlan(160).exec(a, b, 32, true); // a or b
 * ```
 */
export class MixedRadixPlan implements LinePlan {
  readonly n: number;
  private readonly stages: Stage[] = [];
  private readonly twBackward: Float64Array;
  private readonly twForward: Float64Array;

  constructor(n: number) {
    this.n = n;
    const factors = n > 1 ? radixFactors(n) : [];
    let size = 0;
    let l1 = 1;
    for (const p of factors) {
      const ido = n / (l1 * p);
      const pass = p === 8 ? pass8 : p === 4 ? pass4 : p === 2 ? pass2 : p === 3 ? pass3 : p === 5 ? pass5 : makeGenericPass(p);
      this.stages.push({ pass, ido, l1, tOff: size });
      size += 2 * (p - 1) * (ido - 1);
      l1 *= p;
    }
    const roots = rootTable(n);
    this.twBackward = new Float64Array(size);
    l1 = 1;
    for (const [s, st] of this.stages.entries()) {
      const p = factors[s]!;
      for (let j = 1; j < p; j++) {
        for (let i = 1; i < st.ido; i++) {
          const t = st.tOff + 2 * ((j - 1) * (st.ido - 1) + i - 1);
          const m = j * l1 * i;
          this.twBackward[t] = roots[2 * m]!;
          this.twBackward[t + 1] = roots[2 * m + 1]!;
        }
      }
      l1 *= p;
    }
    this.twForward = this.twBackward.slice();
    for (let t = 1; t < size; t += 2) this.twForward[t] = -this.twForward[t]!;
  }

  exec(a: Float64Array, b: Float64Array, B: number, forward: boolean): Float64Array {
    const tw = forward ? this.twForward : this.twBackward;
    const sg = forward ? -1 : 1;
    let src = a;
    let dst = b;
    for (const st of this.stages) {
      st.pass(st.ido, st.l1, B, src, dst, tw, st.tOff, sg);
      const t = src;
      src = dst;
      dst = t;
    }
    return src;
  }
}

/**
 * Bluestein's chirp-z algorithm: with `b[m] = exp(i pi m^2 / n)`, the forward DFT is
 * `X[k] = conj(b[k]) * sum_j (x[j] conj(b[j])) b[k - j]`, a cyclic convolution of length
 * `N >= 2n - 1` done with a 5-smooth mixed-radix plan. The backward DFT is the conjugate of
 * the forward DFT of the conjugate.
 * @example
 * ```ts
 * new BluesteinPlan(97).exec(a, b, 4, false, new FftWorkspace()); // returns a
 * ```
 */
export class BluesteinPlan implements LinePlan {
  readonly n: number;
  private readonly m: number;
  private readonly inner: MixedRadixPlan;
  private readonly chirp: Float64Array; // b[k], k < n
  private readonly kernel: Float64Array; // FFT(b extended cyclically) / N

  constructor(n: number) {
    this.n = n;
    const m = bluesteinLength(n);
    this.m = m;
    this.inner = new MixedRadixPlan(m);
    this.chirp = new Float64Array(2 * n);
    const nn = 2 * n;
    for (let k = 0; k < n; k++) {
      // exp(i pi k^2 / n) = exp(2 pi i (k^2 mod 2n) / 2n), k^2 kept exact in float64
      const [c, s] = rootOfUnity((k * k) % nn, nn);
      this.chirp[2 * k] = c;
      this.chirp[2 * k + 1] = s;
    }
    const ext = new Float64Array(2 * m);
    for (let k = 0; k < n; k++) {
      ext[2 * k] = this.chirp[2 * k]!;
      ext[2 * k + 1] = this.chirp[2 * k + 1]!;
      if (k > 0) {
        ext[2 * (m - k)] = this.chirp[2 * k]!;
        ext[2 * (m - k) + 1] = this.chirp[2 * k + 1]!;
      }
    }
    const spare = new Float64Array(2 * m);
    const res = this.inner.exec(ext, spare, 1, true);
    this.kernel = new Float64Array(2 * m);
    for (let t = 0; t < 2 * m; t++) this.kernel[t] = res[t]! / m;
  }

  exec(a: Float64Array, _b: Float64Array, B: number, forward: boolean, scratch: FftWorkspace): Float64Array {
    const n = this.n, m = this.m, L = 2 * B;
    const u = scratch.get(2, m * L);
    const v = scratch.get(3, m * L);
    const w = this.chirp, kf = this.kernel;
    const cj = forward ? 1 : -1; // backward: conjugate the input, then the output
    for (let k = 0; k < n; k++) {
      const br = w[2 * k]!, bi = -w[2 * k + 1]!;
      for (let q = k * L, e = q + L; q < e; q += 2) {
        const xr = a[q]!, xi = cj * a[q + 1]!;
        u[q] = xr * br - xi * bi;
        u[q + 1] = xr * bi + xi * br;
      }
    }
    u.fill(0, n * L, m * L);
    let r = this.inner.exec(u, v, B, true);
    for (let k = 0; k < m; k++) {
      const kr = kf[2 * k]!, ki = kf[2 * k + 1]!;
      for (let q = k * L, e = q + L; q < e; q += 2) {
        const xr = r[q]!, xi = r[q + 1]!;
        r[q] = xr * kr - xi * ki;
        r[q + 1] = xr * ki + xi * kr;
      }
    }
    r = this.inner.exec(r, r === u ? v : u, B, false);
    for (let k = 0; k < n; k++) {
      const br = w[2 * k]!, bi = -w[2 * k + 1]!;
      for (let q = k * L, e = q + L; q < e; q += 2) {
        const xr = r[q]!, xi = r[q + 1]!;
        a[q] = xr * br - xi * bi;
        a[q + 1] = cj * (xr * bi + xi * br);
      }
    }
    return a;
  }
}
