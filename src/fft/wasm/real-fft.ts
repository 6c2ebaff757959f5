// The real FFT's pre- and post-processing around a half-length complex transform: the
// forward and inverse untangling of even lengths, and the Hermitian completion of odd ones
// (AssemblyScript; see kernels.ts).

import { add, ld, mul, spl, st, sub, tws } from "./simd";

/**
 * Real forward untangle (even n = 2h): the complex transform Z of the packed pairs (h rows
 * at z) becomes the half spectrum X (h + 1 rows at o). w holds exp(2 pi i k / n), k <= h.
 */
export function realForward<T>(h: i32, bv: i32, z: usize, o: usize, w: usize): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  const half = spl<T>(<T>0.5);
  for (let k = 0; 2 * k <= h; k++) {
    const kk = h - k;
    const p = z + <usize>k * rb, pc = z + <usize>(kk == h ? 0 : kk) * rb;
    const wr = tws<T>(w + <usize>(2 * k) * E), wi = v128.neg<T>(tws<T>(w + <usize>(2 * k + 1) * E));
    const vr = tws<T>(w + <usize>(2 * kk) * E), vi = v128.neg<T>(tws<T>(w + <usize>(2 * kk + 1) * E));
    const ok = o + <usize>k * rb, okk = o + <usize>kk * rb;
    for (let v: usize = 0; v < hb; v += 16) {
      const ar = ld(p + v), ai = ld(p + hb + v), br = ld(pc + v), bi = ld(pc + hb + v);
      const er = mul<T>(half, add<T>(ar, br)), ei = mul<T>(half, sub<T>(ai, bi));
      const dr = mul<T>(half, add<T>(ai, bi)), di = mul<T>(half, sub<T>(br, ar));
      st(ok + v, add<T>(er, sub<T>(mul<T>(wr, dr), mul<T>(wi, di))));
      st(ok + hb + v, add<T>(ei, add<T>(mul<T>(wr, di), mul<T>(wi, dr))));
      if (kk != k) {
        st(okk + v, add<T>(er, add<T>(mul<T>(vr, dr), mul<T>(vi, di))));
        st(okk + hb + v, sub<T>(sub<T>(mul<T>(vi, dr), mul<T>(vr, di)), ei));
      }
    }
  }
}

/** Real inverse untangle (even n = 2h): h + 1 rows of X at a become h rows of Z at b. */
export function realInverse<T>(h: i32, bv: i32, a: usize, b: usize, w: usize): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  const zero = spl<T>(<T>0);
  for (let k = 0; 2 * k <= h; k++) {
    const kk = h - k;
    const wr = tws<T>(w + <usize>(2 * k) * E), wi = tws<T>(w + <usize>(2 * k + 1) * E);
    const vr = tws<T>(w + <usize>(2 * kk) * E), vi = tws<T>(w + <usize>(2 * kk + 1) * E);
    const p = a + <usize>k * rb, pc = a + <usize>kk * rb;
    const q = b + <usize>k * rb, qc = b + <usize>kk * rb;
    for (let v: usize = 0; v < hb; v += 16) {
      const ar = ld(p + v), ai = k == 0 ? zero : ld(p + hb + v);
      const br = ld(pc + v), bi = kk == h ? zero : ld(pc + hb + v);
      const er = add<T>(ar, br), ei = sub<T>(ai, bi), dr = sub<T>(ar, br), di = add<T>(ai, bi);
      const or = sub<T>(mul<T>(dr, wr), mul<T>(di, wi)), oi = add<T>(mul<T>(dr, wi), mul<T>(di, wr));
      st(q + v, sub<T>(er, oi));
      st(q + hb + v, add<T>(ei, or));
      if (kk != k && kk < h) {
        // the partner bin: even part conj(e), odd part -conj(d)
        const or2 = v128.neg<T>(add<T>(mul<T>(dr, vr), mul<T>(di, vi)));
        const oi2 = sub<T>(mul<T>(di, vr), mul<T>(dr, vi));
        st(qc + v, sub<T>(er, oi2));
        st(qc + hb + v, sub<T>(or2, ei));
      }
    }
  }
}

/** Odd-n inverse: rows k <= h of a Hermitian spectrum extended to all n rows (Im X0 = 0). */
export function hermitian<T>(n: i32, bv: i32, a: usize): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  const zero = spl<T>(<T>0);
  for (let v: usize = 0; v < hb; v += 16) st(a + hb + v, zero);
  for (let k = 1; 2 * k < n; k++) {
    const s = a + <usize>k * rb, d = a + <usize>(n - k) * rb;
    for (let v: usize = 0; v < hb; v += 16) {
      st(d + v, ld(s + v));
      st(d + hb + v, v128.neg<T>(ld(s + hb + v)));
    }
  }
}
