/**
 * Fused elementwise loops over interleaved (re, im) spectra for the FFT filters: products with
 * a transfer function or its conjugate, and linear phase ramps (a circular shift of the signal
 * applied in the frequency domain, so a PSF's transform is computed once and its mirror is
 * its conjugate).
 *
 * Invariant: a delay of `s` samples along an axis of padded length `P` multiplies bin `f` by
 * `exp(-2 pi i f s / P)`; bins are indexed `0..m-1` as stored (the phase is periodic in `f`,
 * so negative frequencies need no folding).
 * @module
 */
import type { FloatArray } from "./common.js";

/** `a *= b` (or `a *= conj(b)`) over interleaved complex data of equal length. */
export function multiplySpectra(a: FloatArray, b: FloatArray, conj: boolean): void {
  const n = a.length;
  const sign = conj ? -1 : 1;
  for (let i = 0; i < n; i += 2) {
    const ar = a[i]!;
    const ai = a[i + 1]!;
    const br = b[i]!;
    const bi = sign * b[i + 1]!;
    a[i] = ar * br - ai * bi;
    a[i + 1] = ar * bi + ai * br;
  }
}

/** Per-axis phase tables (cos, sin interleaved) of `exp(-2 pi i f s / P)` for `f < m`. */
export function rampTable(m: number, p: number, s: number): Float64Array {
  const t = new Float64Array(2 * m);
  for (let f = 0; f < m; f++) {
    const ang = (-2 * Math.PI * ((f * s) % p)) / p;
    t[2 * f] = Math.cos(ang);
    t[2 * f + 1] = Math.sin(ang);
  }
  return t;
}

/**
 * `a *= [conj](b) * exp(-2 pi i sum_d f_d delay_d / P_d)` over a C-order spectrum of shape
 * `cshape` (the real padded shape is `pshape`). With `b` undefined, only the ramp is applied.
 * Axes with delay 0 cost nothing extra.
 */
export function multiplyWithDelay(
  a: FloatArray, b: FloatArray | undefined, conj: boolean,
  cshape: readonly number[], pshape: readonly number[], delay: readonly number[],
): void {
  const nd = cshape.length;
  if (delay.every((s) => s === 0)) {
    if (b !== undefined) multiplySpectra(a, b, conj);
    return;
  }
  const tables = cshape.map((m, d) => (delay[d] === 0 ? undefined : rampTable(m, pshape[d]!, delay[d]!)));
  const m = cshape[nd - 1]!;
  const last = tables[nd - 1];
  const rows = a.length / (2 * m);
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  const sign = conj ? -1 : 1;
  for (let row = 0; row < rows; row++) {
    // The row's phase: product of the outer axes' ramps at this row's index.
    let wr = 1;
    let wi = 0;
    for (let d = 0; d < nd - 1; d++) {
      const t = tables[d];
      if (t === undefined) continue;
      const cr = t[2 * idx[d]!]!;
      const ci = t[2 * idx[d]! + 1]!;
      const nr = wr * cr - wi * ci;
      wi = wr * ci + wi * cr;
      wr = nr;
    }
    const base = 2 * row * m;
    for (let f = 0; f < m; f++) {
      let pr = wr;
      let pi = wi;
      if (last !== undefined) {
        const cr = last[2 * f]!;
        const ci = last[2 * f + 1]!;
        pr = wr * cr - wi * ci;
        pi = wr * ci + wi * cr;
      }
      const k = base + 2 * f;
      if (b !== undefined) {
        const br = b[k]!;
        const bi = sign * b[k + 1]!;
        const nr = pr * br - pi * bi;
        pi = pr * bi + pi * br;
        pr = nr;
      }
      const ar = a[k]!;
      const ai = a[k + 1]!;
      a[k] = ar * pr - ai * pi;
      a[k + 1] = ar * pi + ai * pr;
    }
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d]! < cshape[d]!) break;
      idx[d] = 0;
    }
  }
}
