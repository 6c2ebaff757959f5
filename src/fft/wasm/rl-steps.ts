// Richardson-Lucy's estimate update and extrapolation, over a table of rows (rlStep,
// rlExtrapolate) or fused into a pass job as its epilogue and prologue (rlStepLines,
// rlExtrapolateLines) (AssemblyScript; see kernels.ts).

import { RowSums } from "../pass-job-layout";
import { ld, mul, spl, st, sub } from "./simd";

/**
 * Epilogue 5 (after a c2r along a contiguous axis): Richardson-Lucy's step on nb rows of c just
 * written at d, as rlStep, with the estimate at d + delta. Row r (counted from rowBase,
 * rowBytes apart) has its compact prev and grad row at byte offset table[r] and its five sums
 * (a RowSums record) at sums + RowSums.Bytes r, so each row's sums are the same whichever thread takes it.
 */
export function rlStepLines<T>(d: usize, lane: i32, len: i32, nb: i32, delta: isize, table: usize, prev: usize, grad: usize, rowBase: usize, rowBytes: u32, sums: usize, acc: bool): void {
  const E = <usize>sizeof<T>();
  for (let l = 0; l < nb; l++) {
    const p0 = d + <usize>(l * lane) * E;
    const r = <usize>(<u32>(p0 - rowBase) / rowBytes);
    const off = <usize>load<u32>(table + r * 4);
    rlStepRow<T>(<usize>(<isize>p0 + delta), p0, grad + off, prev + off, len, acc);
    const o = sums + r * RowSums.Bytes;
    store<f64>(o, rsChange, RowSums.Change);
    store<f64>(o, rsNorm, RowSums.Norm);
    store<f64>(o, rsDot, RowSums.Dot);
    store<f64>(o, rsLast, RowSums.Last);
    store<f64>(o, rsNow, RowSums.Now);
  }
}

/**
 * Prologue 1 (before an r2c along a contiguous axis reads nb rows of m samples at s):
 * Richardson-Lucy's extrapolation on those rows, as rlExtrapolate (row r's compact prev row at
 * byte offset table[r]), so the transform reads the extrapolated estimate.
 */
export function rlExtrapolateLines<T>(s: usize, lane: i32, m: i32, nb: i32, table: usize, prev: usize, rowBase: usize, rowBytes: u32, alpha: f64): void {
  const E = <usize>sizeof<T>();
  for (let l = 0; l < nb; l++) {
    const p0 = s + <usize>(l * lane) * E;
    rlExtrapolateRow<T>(p0, prev + <usize>load<u32>(table + <usize>(<u32>(p0 - rowBase) / rowBytes) * 4), m, alpha);
  }
}

// ---- Richardson-Lucy's estimate update (src/filters/richardson-lucy-update.ts) ----
// One thread walks the rows of a strided real array in order (row r starts at the byte address
// rows[r], an i32 table; c's row at that address plus delta) and the compact arrays prev and
// grad in step; each row's sums accumulate in f64 (rlStepRow), and the rows' sums are added in
// row order, so the result is one fixed function of the data (and the same as the fused
// epilogue's per-row sums added in row order). Products and differences round to T where they
// are stored, as the TypeScript reference does (f64 arithmetic rounded once on store is T's own
// arithmetic for +, -, x).

/**
 * est = est * c (clamped at 0 when acc). With acc: grad = est - y, and sums (f64 at `sums`)
 * [change^2, norm^2, dot, last, now] = [sum (x - prev)^2, sum prev^2, sum g g0, sum g0^2,
 * sum g^2]; without: [sum (x - y)^2, sum y^2, 0, 0, 0].
 */
export function rlStep<T>(rows: usize, nrows: i32, len: i32, delta: i32, prev: usize, grad: usize, acc: bool, sums: usize): void {
  const E = <usize>sizeof<T>();
  let change: f64 = 0, norm: f64 = 0, dot: f64 = 0, last: f64 = 0, now: f64 = 0;
  for (let r = 0; r < nrows; r++) {
    const row = <usize>load<u32>(rows + <usize>r * 4);
    const q = <usize>r * <usize>len * E;
    rlStepRow<T>(row, <usize>(<isize>row + <isize>delta), grad + q, prev + q, len, acc);
    change += rsChange;
    norm += rsNorm;
    dot += rsDot;
    last += rsLast;
    now += rsNow;
  }
  store<f64>(sums, change, RowSums.Change);
  store<f64>(sums, norm, RowSums.Norm);
  store<f64>(sums, dot, RowSums.Dot);
  store<f64>(sums, last, RowSums.Last);
  store<f64>(sums, now, RowSums.Now);
}

/** est = max(x + alpha (x - prev), 0) and prev = x, x the estimate's value, over the same rows. */
export function rlExtrapolate<T>(rows: usize, nrows: i32, len: i32, prev: usize, alpha: f64): void {
  const E = <usize>sizeof<T>();
  for (let r = 0; r < nrows; r++) rlExtrapolateRow<T>(<usize>load<u32>(rows + <usize>r * 4), prev + <usize>r * <usize>len * E, len, alpha);
}

/** The high two f32 lanes of a as f64x2 (promote_low promotes the low two). */
export function promoteHigh(a: v128): v128 { return f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 2, 3)); }

// One Richardson-Lucy step's five sums over the row last passed to rlStepRow (see rlStep).
export let rsChange: f64 = 0, rsNorm: f64 = 0, rsDot: f64 = 0, rsLast: f64 = 0, rsNow: f64 = 0;

/**
 * Richardson-Lucy's step on one row of len samples: the estimate at pe times the correction
 * at pc (clamped at 0 when acc, NaN included), and with acc the gradient row at pg and the
 * previous estimate's row at pp, as rlStep; the row's sums are left in rsChange..rsNow.
 * Stored values are T's own arithmetic (f32 x and - are correctly rounded, as the f64
 * computation rounded once on store is); sums accumulate in f64, one per vector lane, then
 * the lanes and the scalar tail, so a row's sums depend only on its data.
 */
export function rlStepRow<T>(pe: usize, pc: usize, pg: usize, pp: usize, len: i32, acc: bool): void {
  const E = <usize>sizeof<T>();
  const V = <i32>(16 / <i32>E);
  const zero = spl<T>(<T>0), z2 = f64x2.splat(0);
  let vChange = z2, vNorm = z2, vDot = z2, vLast = z2, vNow = z2;
  let i = 0;
  for (; i + V <= len; i += V) {
    const o = <usize>i * E;
    const y = ld(pe + o);
    let v = mul<T>(y, ld(pc + o));
    if (acc) {
      v = v128.bitselect(v, zero, v128.gt<T>(v, zero));
      const g0 = ld(pg + o), xp = ld(pp + o), g = sub<T>(v, y);
      st(pg + o, g);
      if (sizeof<T>() == 4) {
        for (let h = 0; h < 2; h++) {
          const gd = h == 0 ? f64x2.promote_low_f32x4(g) : promoteHigh(g), g0d = h == 0 ? f64x2.promote_low_f32x4(g0) : promoteHigh(g0);
          const xd = h == 0 ? f64x2.promote_low_f32x4(v) : promoteHigh(v), xpd = h == 0 ? f64x2.promote_low_f32x4(xp) : promoteHigh(xp);
          const dx = f64x2.sub(xd, xpd);
          vDot = f64x2.add(vDot, f64x2.mul(gd, g0d));
          vLast = f64x2.add(vLast, f64x2.mul(g0d, g0d));
          vNow = f64x2.add(vNow, f64x2.mul(gd, gd));
          vChange = f64x2.add(vChange, f64x2.mul(dx, dx));
          vNorm = f64x2.add(vNorm, f64x2.mul(xpd, xpd));
        }
      } else {
        const dx = f64x2.sub(v, xp);
        vDot = f64x2.add(vDot, f64x2.mul(g, g0));
        vLast = f64x2.add(vLast, f64x2.mul(g0, g0));
        vNow = f64x2.add(vNow, f64x2.mul(g, g));
        vChange = f64x2.add(vChange, f64x2.mul(dx, dx));
        vNorm = f64x2.add(vNorm, f64x2.mul(xp, xp));
      }
    } else if (sizeof<T>() == 4) {
      for (let h = 0; h < 2; h++) {
        const xd = h == 0 ? f64x2.promote_low_f32x4(v) : promoteHigh(v), yd = h == 0 ? f64x2.promote_low_f32x4(y) : promoteHigh(y);
        const dx = f64x2.sub(xd, yd);
        vChange = f64x2.add(vChange, f64x2.mul(dx, dx));
        vNorm = f64x2.add(vNorm, f64x2.mul(yd, yd));
      }
    } else {
      const dx = f64x2.sub(v, y);
      vChange = f64x2.add(vChange, f64x2.mul(dx, dx));
      vNorm = f64x2.add(vNorm, f64x2.mul(y, y));
    }
    st(pe + o, v);
  }
  let change: f64 = 0, norm: f64 = 0, dot: f64 = 0, last: f64 = 0, now: f64 = 0;
  for (; i < len; i++) {
    const o = <usize>i * E;
    const y = <f64>load<T>(pe + o);
    let v = <T>(y * <f64>load<T>(pc + o));
    if (acc && !(v > <T>0)) v = <T>0;
    store<T>(pe + o, v);
    const x = <f64>v;
    if (acc) {
      const g0 = <f64>load<T>(pg + o), xp = <f64>load<T>(pp + o);
      const gt = <T>(x - y);
      store<T>(pg + o, gt);
      const g = <f64>gt;
      dot += g * g0;
      last += g0 * g0;
      now += g * g;
      change += (x - xp) * (x - xp);
      norm += xp * xp;
    } else {
      const d = x - y;
      change += d * d;
      norm += y * y;
    }
  }
  rsChange = f64x2.extract_lane(vChange, 0) + f64x2.extract_lane(vChange, 1) + change;
  rsNorm = f64x2.extract_lane(vNorm, 0) + f64x2.extract_lane(vNorm, 1) + norm;
  rsDot = f64x2.extract_lane(vDot, 0) + f64x2.extract_lane(vDot, 1) + dot;
  rsLast = f64x2.extract_lane(vLast, 0) + f64x2.extract_lane(vLast, 1) + last;
  rsNow = f64x2.extract_lane(vNow, 0) + f64x2.extract_lane(vNow, 1) + now;
}

/**
 * Richardson-Lucy's extrapolation on one row of m samples, as rlExtrapolate: the estimate at
 * pe becomes max(x + alpha (x - prev), 0) (computed in f64, rounded once to T; NaN gives 0)
 * and the previous estimate's row at pp becomes x.
 */
export function rlExtrapolateRow<T>(pe: usize, pp: usize, m: i32, alpha: f64): void {
  const E = <usize>sizeof<T>();
  const V = <i32>(16 / <i32>E);
  const zero = spl<T>(<T>0), a = f64x2.splat(alpha);
  let i = 0;
  for (; i + V <= m; i += V) {
    const o = <usize>i * E;
    const x = ld(pe + o), xp = ld(pp + o);
    st(pp + o, x);
    let v: v128;
    if (sizeof<T>() == 4) {
      const xl = f64x2.promote_low_f32x4(x), xh = promoteHigh(x);
      const vl = f64x2.add(xl, f64x2.mul(a, f64x2.sub(xl, f64x2.promote_low_f32x4(xp))));
      const vh = f64x2.add(xh, f64x2.mul(a, f64x2.sub(xh, promoteHigh(xp))));
      v = v128.shuffle<f32>(f32x4.demote_f64x2_zero(vl), f32x4.demote_f64x2_zero(vh), 0, 1, 4, 5);
    } else {
      v = f64x2.add(x, f64x2.mul(a, f64x2.sub(x, xp)));
    }
    st(pe + o, v128.bitselect(v, zero, v128.gt<T>(v, zero)));
  }
  for (; i < m; i++) {
    const o = <usize>i * E;
    const xt = load<T>(pe + o);
    const x = <f64>xt;
    const v = x + alpha * (x - <f64>load<T>(pp + o));
    store<T>(pp + o, xt);
    store<T>(pe + o, v > 0 ? <T>v : <T>0);
  }
}
