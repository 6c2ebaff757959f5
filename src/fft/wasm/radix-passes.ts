// The radix-2, 3, 4, 5 and 8 butterfly passes on a batch in split layout, and execPlan, which
// runs a plan's stages (AssemblyScript; see kernels.ts for the layout and index conventions,
// those of src/fft/radix-passes.ts).

import { StageRecord } from "../pass-job-layout";
import { add, cmulSt, ld, mul, spl, st, sub, tws } from "./simd";

export function pass2<T>(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  const jc = <usize>ido * rb, jh = <usize>l1 * jc;
  for (let k = 0; k < l1; k++) {
    const cB = cc + <usize>(2 * k) * jc, hB = ch + <usize>k * jc;
    for (let i = 0; i < ido; i++) {
      const c0 = cB + <usize>i * rb, h0 = hB + <usize>i * rb;
      if (i == 0) {
        for (let v: usize = 0; v < hb; v += 16) {
          const a = c0 + v, o = h0 + v;
          const ar = ld(a), ai = ld(a + hb), br = ld(a + jc), bi = ld(a + jc + hb);
          st(o, add<T>(ar, br)); st(o + hb, add<T>(ai, bi));
          st(o + jh, sub<T>(ar, br)); st(o + jh + hb, sub<T>(ai, bi));
        }
      } else {
        const t = tw + <usize>(i - 1) * 2 * E;
        const wr = tws<T>(t), wi = tws<T>(t + E);
        for (let v: usize = 0; v < hb; v += 16) {
          const a = c0 + v, o = h0 + v;
          const ar = ld(a), ai = ld(a + hb), br = ld(a + jc), bi = ld(a + jc + hb);
          st(o, add<T>(ar, br)); st(o + hb, add<T>(ai, bi));
          cmulSt<T>(o + jh, hb, sub<T>(ar, br), sub<T>(ai, bi), wr, wi);
        }
      }
    }
  }
}

export function pass3<T>(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: T): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  const jc = <usize>ido * rb, jh = <usize>l1 * jc;
  const ts = <usize>(ido - 1) * 2 * E;
  const half = spl<T>(<T>0.5), s = spl<T>(sg * <T>0.8660254037844386);
  for (let k = 0; k < l1; k++) {
    const cB = cc + <usize>(3 * k) * jc, hB = ch + <usize>k * jc;
    for (let i = 0; i < ido; i++) {
      const c0 = cB + <usize>i * rb, h0 = hB + <usize>i * rb;
      const tw0 = i > 0;
      const t = tw + <usize>(i > 0 ? i - 1 : 0) * (E << 1);
      const w1r = tws<T>(t), w1i = tws<T>(t + E), w2r = tws<T>(t + ts), w2i = tws<T>(t + ts + E);
      for (let v: usize = 0; v < hb; v += 16) {
        const a = c0 + v, o = h0 + v;
        const ar = ld(a), ai = ld(a + hb);
        const br = ld(a + jc), bi = ld(a + jc + hb);
        const cr = ld(a + 2 * jc), ci = ld(a + 2 * jc + hb);
        const t1r = add<T>(br, cr), t1i = add<T>(bi, ci), t2r = sub<T>(br, cr), t2i = sub<T>(bi, ci);
        st(o, add<T>(ar, t1r)); st(o + hb, add<T>(ai, t1i));
        const car = sub<T>(ar, mul<T>(half, t1r)), cai = sub<T>(ai, mul<T>(half, t1i));
        const cbr = mul<T>(s, t2i), cbi = mul<T>(s, t2r); // cb = (-cbr, cbi)
        const x1r = sub<T>(car, cbr), x1i = add<T>(cai, cbi), x2r = add<T>(car, cbr), x2i = sub<T>(cai, cbi);
        if (tw0) {
          cmulSt<T>(o + jh, hb, x1r, x1i, w1r, w1i);
          cmulSt<T>(o + 2 * jh, hb, x2r, x2i, w2r, w2i);
        } else {
          st(o + jh, x1r); st(o + jh + hb, x1i);
          st(o + 2 * jh, x2r); st(o + 2 * jh + hb, x2i);
        }
      }
    }
  }
}

export function pass4<T>(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: T): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  const jc = <usize>ido * rb, jh = <usize>l1 * jc;
  const ts = <usize>(ido - 1) * 2 * E;
  const vs = spl<T>(sg);
  for (let k = 0; k < l1; k++) {
    const cB = cc + <usize>(4 * k) * jc, hB = ch + <usize>k * jc;
    for (let i = 0; i < ido; i++) {
      const c0 = cB + <usize>i * rb, h0 = hB + <usize>i * rb;
      if (i == 0) {
        for (let v: usize = 0; v < hb; v += 16) {
          const a = c0 + v, o = h0 + v;
          const ar = ld(a), ai = ld(a + hb), br = ld(a + jc), bi = ld(a + jc + hb);
          const cr = ld(a + 2 * jc), ci = ld(a + 2 * jc + hb), dr = ld(a + 3 * jc), di = ld(a + 3 * jc + hb);
          const t2r = add<T>(ar, cr), t2i = add<T>(ai, ci), t1r = sub<T>(ar, cr), t1i = sub<T>(ai, ci);
          const t3r = add<T>(br, dr), t3i = add<T>(bi, di);
          const t4r = mul<T>(vs, sub<T>(di, bi)), t4i = mul<T>(vs, sub<T>(br, dr));
          st(o, add<T>(t2r, t3r)); st(o + hb, add<T>(t2i, t3i));
          st(o + jh, add<T>(t1r, t4r)); st(o + jh + hb, add<T>(t1i, t4i));
          st(o + 2 * jh, sub<T>(t2r, t3r)); st(o + 2 * jh + hb, sub<T>(t2i, t3i));
          st(o + 3 * jh, sub<T>(t1r, t4r)); st(o + 3 * jh + hb, sub<T>(t1i, t4i));
        }
      } else {
        const t = tw + <usize>(i - 1) * 2 * E;
        const w1r = tws<T>(t), w1i = tws<T>(t + E);
        const w2r = tws<T>(t + ts), w2i = tws<T>(t + ts + E);
        const w3r = tws<T>(t + 2 * ts), w3i = tws<T>(t + 2 * ts + E);
        for (let v: usize = 0; v < hb; v += 16) {
          const a = c0 + v, o = h0 + v;
          const ar = ld(a), ai = ld(a + hb), br = ld(a + jc), bi = ld(a + jc + hb);
          const cr = ld(a + 2 * jc), ci = ld(a + 2 * jc + hb), dr = ld(a + 3 * jc), di = ld(a + 3 * jc + hb);
          const t2r = add<T>(ar, cr), t2i = add<T>(ai, ci), t1r = sub<T>(ar, cr), t1i = sub<T>(ai, ci);
          const t3r = add<T>(br, dr), t3i = add<T>(bi, di);
          const t4r = mul<T>(vs, sub<T>(di, bi)), t4i = mul<T>(vs, sub<T>(br, dr));
          st(o, add<T>(t2r, t3r)); st(o + hb, add<T>(t2i, t3i));
          cmulSt<T>(o + jh, hb, add<T>(t1r, t4r), add<T>(t1i, t4i), w1r, w1i);
          cmulSt<T>(o + 2 * jh, hb, sub<T>(t2r, t3r), sub<T>(t2i, t3i), w2r, w2i);
          cmulSt<T>(o + 3 * jh, hb, sub<T>(t1r, t4r), sub<T>(t1i, t4i), w3r, w3i);
        }
      }
    }
  }
}

export function pass5<T>(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: T): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  const jc = <usize>ido * rb, jh = <usize>l1 * jc;
  const ts = <usize>(ido - 1) * 2 * E;
  const c1 = spl<T>(<T>0.30901699437494745), c2 = spl<T>(<T>-0.8090169943749475);
  const s1 = spl<T>(sg * <T>0.9510565162951535), s2 = spl<T>(sg * <T>0.5877852522924731);
  for (let k = 0; k < l1; k++) {
    const cB = cc + <usize>(5 * k) * jc, hB = ch + <usize>k * jc;
    for (let i = 0; i < ido; i++) {
      const c0 = cB + <usize>i * rb, h0 = hB + <usize>i * rb;
      const twd = i > 0;
      const t = tw + <usize>(i > 0 ? i - 1 : 0) * (E << 1);
      const w1r = tws<T>(t), w1i = tws<T>(t + E), w2r = tws<T>(t + ts), w2i = tws<T>(t + ts + E);
      const w3r = tws<T>(t + 2 * ts), w3i = tws<T>(t + 2 * ts + E), w4r = tws<T>(t + 3 * ts), w4i = tws<T>(t + 3 * ts + E);
      for (let v: usize = 0; v < hb; v += 16) {
        const a = c0 + v, o = h0 + v;
        const ar = ld(a), ai = ld(a + hb);
        const b1r = ld(a + jc), b1i = ld(a + jc + hb), b2r = ld(a + 2 * jc), b2i = ld(a + 2 * jc + hb);
        const b3r = ld(a + 3 * jc), b3i = ld(a + 3 * jc + hb), b4r = ld(a + 4 * jc), b4i = ld(a + 4 * jc + hb);
        const t1r = add<T>(b1r, b4r), t1i = add<T>(b1i, b4i), t4r = sub<T>(b1r, b4r), t4i = sub<T>(b1i, b4i);
        const t2r = add<T>(b2r, b3r), t2i = add<T>(b2i, b3i), t3r = sub<T>(b2r, b3r), t3i = sub<T>(b2i, b3i);
        st(o, add<T>(ar, add<T>(t1r, t2r))); st(o + hb, add<T>(ai, add<T>(t1i, t2i)));
        // outputs 1 and 4: ca = a + c1 t1 + c2 t2, cb = i (s1 t4 + s2 t3)
        let car = add<T>(ar, add<T>(mul<T>(c1, t1r), mul<T>(c2, t2r)));
        let cai = add<T>(ai, add<T>(mul<T>(c1, t1i), mul<T>(c2, t2i)));
        let cbr = v128.neg<T>(add<T>(mul<T>(s1, t4i), mul<T>(s2, t3i)));
        let cbi = add<T>(mul<T>(s1, t4r), mul<T>(s2, t3r));
        if (twd) {
          cmulSt<T>(o + jh, hb, add<T>(car, cbr), add<T>(cai, cbi), w1r, w1i);
          cmulSt<T>(o + 4 * jh, hb, sub<T>(car, cbr), sub<T>(cai, cbi), w4r, w4i);
        } else {
          st(o + jh, add<T>(car, cbr)); st(o + jh + hb, add<T>(cai, cbi));
          st(o + 4 * jh, sub<T>(car, cbr)); st(o + 4 * jh + hb, sub<T>(cai, cbi));
        }
        // outputs 2 and 3: ca = a + c2 t1 + c1 t2, cb = i (s2 t4 - s1 t3)
        car = add<T>(ar, add<T>(mul<T>(c2, t1r), mul<T>(c1, t2r)));
        cai = add<T>(ai, add<T>(mul<T>(c2, t1i), mul<T>(c1, t2i)));
        cbr = sub<T>(mul<T>(s1, t3i), mul<T>(s2, t4i));
        cbi = sub<T>(mul<T>(s2, t4r), mul<T>(s1, t3r));
        if (twd) {
          cmulSt<T>(o + 2 * jh, hb, add<T>(car, cbr), add<T>(cai, cbi), w2r, w2i);
          cmulSt<T>(o + 3 * jh, hb, sub<T>(car, cbr), sub<T>(cai, cbi), w3r, w3i);
        } else {
          st(o + 2 * jh, add<T>(car, cbr)); st(o + 2 * jh + hb, add<T>(cai, cbi));
          st(o + 3 * jh, sub<T>(car, cbr)); st(o + 3 * jh + hb, sub<T>(cai, cbi));
        }
      }
    }
  }
}

/** Stores x, times the twiddle pair at t when twd. */
export function put<T>(o: usize, hb: usize, xr: v128, xi: v128, t: usize, twd: bool): void {
  if (twd) cmulSt<T>(o, hb, xr, xi, tws<T>(t), tws<T>(t + sizeof<T>()));
  else { st(o, xr); st(o + hb, xi); }
}

export function pass8<T>(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: T): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  const jc = <usize>ido * rb, jh = <usize>l1 * jc;
  const ts = <usize>(ido - 1) * 2 * E;
  const vs = spl<T>(sg), r = spl<T>(<T>0.7071067811865476);
  for (let k = 0; k < l1; k++) {
    const cB = cc + <usize>(8 * k) * jc, hB = ch + <usize>k * jc;
    for (let i = 0; i < ido; i++) {
      const c0 = cB + <usize>i * rb, h0 = hB + <usize>i * rb;
      const twd = i > 0;
      const t = tw + <usize>(i > 0 ? i - 1 : 0) * (E << 1);
      for (let v: usize = 0; v < hb; v += 16) {
        const a = c0 + v, o = h0 + v;
        const x0r = ld(a), x0i = ld(a + hb), x4r = ld(a + 4 * jc), x4i = ld(a + 4 * jc + hb);
        const x1r = ld(a + jc), x1i = ld(a + jc + hb), x5r = ld(a + 5 * jc), x5i = ld(a + 5 * jc + hb);
        const x2r = ld(a + 2 * jc), x2i = ld(a + 2 * jc + hb), x6r = ld(a + 6 * jc), x6i = ld(a + 6 * jc + hb);
        const x3r = ld(a + 3 * jc), x3i = ld(a + 3 * jc + hb), x7r = ld(a + 7 * jc), x7i = ld(a + 7 * jc + hb);
        const a0r = add<T>(x0r, x4r), a0i = add<T>(x0i, x4i), a1r = add<T>(x1r, x5r), a1i = add<T>(x1i, x5i);
        const a2r = add<T>(x2r, x6r), a2i = add<T>(x2i, x6i), a3r = add<T>(x3r, x7r), a3i = add<T>(x3i, x7i);
        const b0r = sub<T>(x0r, x4r), b0i = sub<T>(x0i, x4i);
        let dr = sub<T>(x1r, x5r), di = sub<T>(x1i, x5i);
        const b1r = mul<T>(r, sub<T>(dr, mul<T>(vs, di))), b1i = mul<T>(r, add<T>(di, mul<T>(vs, dr)));
        dr = sub<T>(x2r, x6r); di = sub<T>(x2i, x6i);
        const b2r = v128.neg<T>(mul<T>(vs, di)), b2i = mul<T>(vs, dr);
        dr = sub<T>(x3r, x7r); di = sub<T>(x3i, x7i);
        const b3r = v128.neg<T>(mul<T>(r, add<T>(dr, mul<T>(vs, di)))), b3i = mul<T>(r, sub<T>(mul<T>(vs, dr), di));
        // 4-point DFT of the sums -> outputs 0, 2, 4, 6
        let pr = add<T>(a0r, a2r), pi = add<T>(a0i, a2i), mr = sub<T>(a0r, a2r), mi = sub<T>(a0i, a2i);
        let sr = add<T>(a1r, a3r), si = add<T>(a1i, a3i);
        let tr = mul<T>(vs, sub<T>(a3i, a1i)), ti = mul<T>(vs, sub<T>(a1r, a3r));
        st(o, add<T>(pr, sr)); st(o + hb, add<T>(pi, si));
        put<T>(o + 2 * jh, hb, add<T>(mr, tr), add<T>(mi, ti), t + ts, twd);
        put<T>(o + 4 * jh, hb, sub<T>(pr, sr), sub<T>(pi, si), t + 3 * ts, twd);
        put<T>(o + 6 * jh, hb, sub<T>(mr, tr), sub<T>(mi, ti), t + 5 * ts, twd);
        // 4-point DFT of the rotated differences -> outputs 1, 3, 5, 7
        pr = add<T>(b0r, b2r); pi = add<T>(b0i, b2i); mr = sub<T>(b0r, b2r); mi = sub<T>(b0i, b2i);
        sr = add<T>(b1r, b3r); si = add<T>(b1i, b3i);
        tr = mul<T>(vs, sub<T>(b3i, b1i)); ti = mul<T>(vs, sub<T>(b1r, b3r));
        put<T>(o + jh, hb, add<T>(pr, sr), add<T>(pi, si), t, twd);
        put<T>(o + 3 * jh, hb, add<T>(mr, tr), add<T>(mi, ti), t + 2 * ts, twd);
        put<T>(o + 5 * jh, hb, sub<T>(pr, sr), sub<T>(pi, si), t + 4 * ts, twd);
        put<T>(o + 7 * jh, hb, sub<T>(mr, tr), sub<T>(mi, ti), t + 6 * ts, twd);
      }
    }
  }
}


export function execPlan<T>(st: usize, ns: i32, bv: i32, a: usize, b: usize, forward: bool): usize {
  let src = a, dst = b;
  const sg: T = forward ? <T>-1 : <T>1;
  for (let i = 0; i < ns; i++) {
    const s = st + <usize>i * StageRecord.Bytes;
    const p = load<i32>(s, StageRecord.Radix), ido = load<i32>(s, StageRecord.Ido), l1 = load<i32>(s, StageRecord.L1);
    const tw = <usize>load<u32>(s + (forward ? StageRecord.Fwd : StageRecord.Bwd));
    if (p == 2) pass2<T>(ido, l1, bv, src, dst, tw);
    else if (p == 3) pass3<T>(ido, l1, bv, src, dst, tw, sg);
    else if (p == 4) pass4<T>(ido, l1, bv, src, dst, tw, sg);
    else if (p == 5) pass5<T>(ido, l1, bv, src, dst, tw, sg);
    else pass8<T>(ido, l1, bv, src, dst, tw, sg);
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}
