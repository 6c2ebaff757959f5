// AssemblyScript source of chunkwise's WebAssembly SIMD FFT kernels (not TypeScript: built by
// `npm run build:wasm`, scripts/build-fft-wasm.ts, into src/fft/wasm-binary.ts). Every kernel
// works on a batch of Bv lines ("lanes", Bv a multiple of the vector width) held in split
// layout: element e of the batch is one row of 2 * Bv scalars, the Bv real parts then the Bv
// imaginary parts, so each butterfly is a loop of whole v128 vectors (4 float32 or 2 float64
// lanes) with its twiddles splatted once. Passes and index conventions are those of
// src/fft/radix-passes.ts (pocketfft's self-sorting decimation in frequency): input element
// (i, j, k) is i + ido * (j + p * k), output (i, k, j) is i + ido * (k + l1 * j). Pointers are
// byte addresses; strides and counts of the strided arrays are in scalars (a complex element
// is two scalars). Each kernel exists for f32 (suffix 32) and f64 (suffix 64).
//
// This folder is excluded from tsc (tsconfig.json): AssemblyScript's types (usize, v128) and
// builtins (load<T>, sizeof<T>) are not TypeScript's. Its one import, the pass job layout, is
// a file both languages compile, so the descriptor's offsets and codes exist once.

import { AxisRecord, BufferRecord, Epilogue, Job, PassKind, Prologue, RowSums, StageRecord } from "../pass-job-layout";

function ld(p: usize): v128 { return v128.load(p); }
function st(p: usize, v: v128): void { v128.store(p, v); }
function add<T>(a: v128, b: v128): v128 { return v128.add<T>(a, b); }
function sub<T>(a: v128, b: v128): v128 { return v128.sub<T>(a, b); }
function mul<T>(a: v128, b: v128): v128 { return v128.mul<T>(a, b); }
function spl<T>(x: T): v128 { return v128.splat<T>(x); }
function tws<T>(p: usize): v128 { return v128.splat<T>(load<T>(p)); }

/** Stores (xr + i xi) * (wr + i wi) at p (real row) and p + hb (imaginary row). */
function cmulSt<T>(p: usize, hb: usize, xr: v128, xi: v128, wr: v128, wi: v128): void {
  st(p, sub<T>(mul<T>(xr, wr), mul<T>(xi, wi)));
  st(p + hb, add<T>(mul<T>(xr, wi), mul<T>(xi, wr)));
}

function pass2<T>(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize): void {
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

function pass3<T>(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: T): void {
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

function pass4<T>(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: T): void {
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

function pass5<T>(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: T): void {
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
function put<T>(o: usize, hb: usize, xr: v128, xi: v128, t: usize, twd: bool): void {
  if (twd) cmulSt<T>(o, hb, xr, xi, tws<T>(t), tws<T>(t + sizeof<T>()));
  else { st(o, xr); st(o + hb, xi); }
}

function pass8<T>(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: T): void {
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

/**
 * Real forward untangle (even n = 2h): the complex transform Z of the packed pairs (h rows
 * at z) becomes the half spectrum X (h + 1 rows at o). w holds exp(2 pi i k / n), k <= h.
 */
function realForward<T>(h: i32, bv: i32, z: usize, o: usize, w: usize): void {
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
function realInverse<T>(h: i32, bv: i32, a: usize, b: usize, w: usize): void {
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
function hermitian<T>(n: i32, bv: i32, a: usize): void {
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


/**
 * Lines contiguous in memory, lanes strided: scalars [0, count) of each of nb lanes (lane
 * stride in scalars) go to rows q >> 1, real part for even q, imaginary for odd, through
 * register transposes (4x4 float32, 2x2 float64).
 */
function gatherPairs<T>(src: usize, lane: i32, count: i32, nb: i32, bv: i32, dst: usize): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  const V = <i32>(16 / <i32>E);
  const full = nb / V * V, cv = count / V * V;
  const ls = <usize>lane * E;
  for (let l = 0; l < full; l += V) {
    const p = src + <usize>l * ls, d = dst + <usize>l * E;
    for (let q = 0; q < cv; q += V) {
      const a = p + <usize>q * E, row = d + <usize>(q >> 1) * rb;
      if (sizeof<T>() == 4) {
        const x0 = ld(a), x1 = ld(a + ls), x2 = ld(a + 2 * ls), x3 = ld(a + 3 * ls);
        const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
        st(row, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        st(row + hb, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
        st(row + rb, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
        st(row + rb + hb, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
      } else {
        const x0 = ld(a), x1 = ld(a + ls);
        st(row, v128.shuffle<f64>(x0, x1, 0, 2));
        st(row + hb, v128.shuffle<f64>(x0, x1, 1, 3));
      }
    }
  }
  for (let l = 0; l < nb; l++) {
    const p = src + <usize>l * ls, d = dst + <usize>l * E;
    for (let q = l < full ? cv : 0; q < count; q++) {
      store<T>(d + <usize>(q >> 1) * rb + <usize>(q & 1) * hb, load<T>(p + <usize>q * E));
    }
  }
}

/** The inverse of gatherPairs for scalars [start, start + count), times scale. */
function scatterPairs<T>(buf: usize, start: i32, count: i32, nb: i32, bv: i32, scale: T, dst: usize, lane: i32): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  const V = <i32>(16 / <i32>E);
  const sc = spl<T>(scale);
  const full = nb / V * V;
  const q0 = start + (start & 1), end = start + count;
  const qv = q0 + (end - q0) / V * V;
  const ls = <usize>lane * E;
  for (let l = 0; l < full; l += V) {
    const p = dst + <usize>l * ls - <usize>start * E, s = buf + <usize>l * E;
    for (let q = q0; q < qv; q += V) {
      const a = p + <usize>q * E, row = s + <usize>(q >> 1) * rb;
      if (sizeof<T>() == 4) {
        const r0 = mul<T>(sc, ld(row)), i0 = mul<T>(sc, ld(row + hb));
        const r1 = mul<T>(sc, ld(row + rb)), i1 = mul<T>(sc, ld(row + rb + hb));
        const t0 = v128.shuffle<f32>(r0, i0, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, i0, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(r1, i1, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r1, i1, 2, 6, 3, 7);
        st(a, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        st(a + ls, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
        st(a + 2 * ls, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
        st(a + 3 * ls, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
      } else {
        const r0 = mul<T>(sc, ld(row)), i0 = mul<T>(sc, ld(row + hb));
        st(a, v128.shuffle<f64>(r0, i0, 0, 2));
        st(a + ls, v128.shuffle<f64>(r0, i0, 1, 3));
      }
    }
  }
  for (let l = 0; l < nb; l++) {
    const p = dst + <usize>l * ls - <usize>start * E, s = buf + <usize>l * E;
    const skipFrom = l < full ? q0 : end, skipTo = l < full ? qv : end;
    for (let q = start; q < end; q++) {
      if (q == skipFrom) q = skipTo;
      if (q >= end) break;
      store<T>(p + <usize>q * E, scale * load<T>(s + <usize>(q >> 1) * rb + <usize>(q & 1) * hb));
    }
  }
}

/**
 * Gathers B complex lines (interleaved, scalar strides lane and ax from src) into rows
 * [0, m) of the batch at dst; rows [m, rows) and lanes [B, bv) are zeroed.
 */
function gatherComplex<T>(src: usize, lane: i32, ax: i32, m: i32, rows: i32, nb: i32, bv: i32, dst: usize): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  const zero = spl<T>(<T>0);
  const V = <i32>(16 / <i32>E);
  if (ax == 2 && lane != 2) {
    if (nb < bv || m < rows) for (let j = 0; j < rows; j++) {
      const row = dst + <usize>j * rb;
      for (let v: usize = 0; v < rb; v += 16) st(row + v, zero);
    }
    gatherPairs<T>(src, lane, 2 * m, nb, bv, dst);
    return;
  }
  const full = lane == 2 ? nb / V * V : 0;
  for (let j = 0; j < m; j++) {
    const row = dst + <usize>j * rb;
    const p0 = src + <usize>(j * ax) * E;
    // neighbouring lines are adjacent complex numbers: de-interleave whole vectors
    for (let l = 0; l < full; l += V) {
      const x = ld(p0 + <usize>(2 * l) * E), y = ld(p0 + <usize>(2 * l) * E + 16);
      if (sizeof<T>() == 4) {
        st(row + <usize>l * E, v128.shuffle<f32>(x, y, 0, 2, 4, 6));
        st(row + hb + <usize>l * E, v128.shuffle<f32>(x, y, 1, 3, 5, 7));
      } else {
        st(row + <usize>l * E, v128.shuffle<f64>(x, y, 0, 2));
        st(row + hb + <usize>l * E, v128.shuffle<f64>(x, y, 1, 3));
      }
    }
    for (let l = full; l < nb; l++) {
      const p = p0 + <usize>(l * lane) * E;
      store<T>(row + <usize>l * E, load<T>(p));
      store<T>(row + hb + <usize>l * E, load<T>(p + E));
    }
    for (let l = nb; l < bv; l++) {
      store<T>(row + <usize>l * E, <T>0);
      store<T>(row + hb + <usize>l * E, <T>0);
    }
  }
  for (let j = m; j < rows; j++) {
    const row = dst + <usize>j * rb;
    for (let v: usize = 0; v < rb; v += 16) st(row + v, zero);
  }
}

/**
 * Gathers B real lines into the batch at dst: packed (even n: sample j of a lane goes to row
 * j >> 1, real part when j is even, imaginary when odd; n / 2 rows) or as the real parts of n
 * complex rows. Samples past m are zero, as are lanes [B, bv).
 */
function gatherReal<T>(src: usize, lane: i32, ax: i32, m: i32, n: i32, nb: i32, bv: i32, dst: usize, packed: bool): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  const zero = spl<T>(<T>0);
  const rows = packed ? n >> 1 : n;
  const V = <i32>(16 / <i32>E);
  if (m < n || nb < bv) for (let j = 0; j < rows; j++) {
    const row = dst + <usize>j * rb;
    for (let v: usize = 0; v < rb; v += 16) st(row + v, zero);
  }
  if (packed && ax == 1 && lane != 1) {
    gatherPairs<T>(src, lane, m, nb, bv, dst);
    return;
  }
  if (lane == 1) {
    const full = nb / V * V;
    for (let j = 0; j < m; j++) {
      const row = dst + (packed ? <usize>(j >> 1) * rb + <usize>(j & 1) * hb : <usize>j * rb);
      const p0 = src + <usize>(j * ax) * E;
      for (let l = 0; l < full; l += V) st(row + <usize>l * E, v128.load(p0 + <usize>l * E));
      for (let l = full; l < nb; l++) store<T>(row + <usize>l * E, load<T>(p0 + <usize>l * E));
      if (!packed) for (let l = 0; l < nb; l++) store<T>(row + hb + <usize>l * E, <T>0);
    }
    return;
  }
  for (let l = 0; l < nb; l++) {
    const p0 = src + <usize>(l * lane) * E;
    const d0 = dst + <usize>l * E;
    if (packed) {
      let j = 0;
      for (; j + 1 < m; j += 2) {
        const d = d0 + <usize>(j >> 1) * rb;
        store<T>(d, load<T>(p0 + <usize>(j * ax) * E));
        store<T>(d + hb, load<T>(p0 + <usize>((j + 1) * ax) * E));
      }
      if (j < m) store<T>(d0 + <usize>(j >> 1) * rb, load<T>(p0 + <usize>(j * ax) * E));
    } else {
      for (let j = 0; j < m; j++) {
        const d = d0 + <usize>j * rb;
        store<T>(d, load<T>(p0 + <usize>(j * ax) * E));
        store<T>(d + hb, <T>0);
      }
    }
  }
}

/** Scatters rows [start, start + len) of the batch at buf, times scale, as complex lines. */
function scatterComplex<T>(buf: usize, start: i32, len: i32, nb: i32, bv: i32, scale: T, dst: usize, lane: i32, ax: i32): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  const V = <i32>(16 / <i32>E);
  const sc = spl<T>(scale);
  if (ax == 2 && lane != 2) {
    scatterPairs<T>(buf + <usize>start * rb, 0, 2 * len, nb, bv, scale, dst, lane);
    return;
  }
  const full = lane == 2 ? nb / V * V : 0;
  for (let j = 0; j < len; j++) {
    const row = buf + <usize>(start + j) * rb;
    const p0 = dst + <usize>(j * ax) * E;
    for (let l = 0; l < full; l += V) {
      const re = mul<T>(sc, ld(row + <usize>l * E)), im = mul<T>(sc, ld(row + hb + <usize>l * E));
      if (sizeof<T>() == 4) {
        st(p0 + <usize>(2 * l) * E, v128.shuffle<f32>(re, im, 0, 4, 1, 5));
        st(p0 + <usize>(2 * l) * E + 16, v128.shuffle<f32>(re, im, 2, 6, 3, 7));
      } else {
        st(p0 + <usize>(2 * l) * E, v128.shuffle<f64>(re, im, 0, 2));
        st(p0 + <usize>(2 * l) * E + 16, v128.shuffle<f64>(re, im, 1, 3));
      }
    }
    for (let l = full; l < nb; l++) {
      const p = p0 + <usize>(l * lane) * E;
      store<T>(p, scale * load<T>(row + <usize>l * E));
      store<T>(p + E, scale * load<T>(row + hb + <usize>l * E));
    }
  }
}

/** Scatters real samples [start, start + len) of the batch (packed or real parts), times scale. */
function scatterReal<T>(buf: usize, packed: bool, start: i32, len: i32, nb: i32, bv: i32, scale: T, dst: usize, lane: i32, ax: i32): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  const V = <i32>(16 / <i32>E);
  const sc = spl<T>(scale);
  if (packed && ax == 1 && lane != 1) {
    scatterPairs<T>(buf, start, len, nb, bv, scale, dst, lane);
    return;
  }
  if (lane == 1) {
    const full = nb / V * V;
    for (let j = 0; j < len; j++) {
      const jj = start + j;
      const row = buf + (packed ? <usize>(jj >> 1) * rb + <usize>(jj & 1) * hb : <usize>jj * rb);
      const p0 = dst + <usize>(j * ax) * E;
      for (let l = 0; l < full; l += V) st(p0 + <usize>l * E, mul<T>(sc, ld(row + <usize>l * E)));
      for (let l = full; l < nb; l++) store<T>(p0 + <usize>l * E, scale * load<T>(row + <usize>l * E));
    }
    return;
  }
  for (let l = 0; l < nb; l++) {
    const p0 = dst + <usize>(l * lane) * E;
    const s0 = buf + <usize>l * E;
    for (let j = 0; j < len; j++) {
      const jj = start + j;
      const s = s0 + (packed ? <usize>(jj >> 1) * rb + <usize>(jj & 1) * hb : <usize>jj * rb);
      store<T>(p0 + <usize>(j * ax) * E, scale * load<T>(s));
    }
  }
}


// ---- Whole passes driven by a job descriptor (src/fft/pass-jobs.ts writes them) ----
// A job describes one axis pass over arrays in this module's memory; runPassJob runs its
// batches in order when `parts` is 1, and otherwise takes batches from the job's shared counter
// until none are left, so several instances sharing one memory split a pass between threads
// (`part` selects the thread's line buffers). The descriptor's fields and codes are those of
// src/fft/pass-job-layout.ts, which pass-jobs.ts imports too. This is the wasm side's one
// batch loop (the one-shot chains of wasm-chain.ts and the resident engine both run through
// it); the TypeScript loop of axis-pass.ts stays for the lengths and runtimes it alone serves.

function execPlan<T>(st: usize, ns: i32, bv: i32, a: usize, b: usize, forward: bool): usize {
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

/** Rows [0, rows) of the batch at a times those at c (conjugated when conj), in split layout. */
function mulSplit<T>(a: usize, c: usize, rows: i32, bv: i32, conj: bool): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  for (let j = 0; j < rows; j++) {
    const p = a + <usize>j * rb, q = c + <usize>j * rb;
    for (let v: usize = 0; v < hb; v += 16) {
      const ar = ld(p + v), ai = ld(p + hb + v), br = ld(q + v);
      const bi = conj ? v128.neg<T>(ld(q + hb + v)) : ld(q + hb + v);
      st(p + v, sub<T>(mul<T>(ar, br), mul<T>(ai, bi)));
      st(p + hb + v, add<T>(mul<T>(ar, bi), mul<T>(ai, br)));
    }
  }
}

/**
 * Epilogue 1: the batch result at r (rows of output indices) times the complex array at
 * dst + delta, which has the destination's layout: its lines are gathered into c first.
 */
function timesOther<T>(r: usize, c: usize, d: usize, delta: isize, lane: i32, ax: i32, outStart: i32, outLen: i32, rows: i32, nb: i32, bv: i32, conj: bool): void {
  const E = sizeof<T>();
  const line0 = <usize>(<isize>d + delta - <isize>outStart * <isize>ax * <isize>E);
  gatherComplex<T>(line0, lane, ax, outStart + outLen, rows, nb, bv, c);
  mulSplit<T>(r, c, outStart + outLen, bv, conj);
}

/**
 * Epilogue TimesLines (a forward c2c pass with outStart 0): the batch result at r times a
 * transfer function computed line by line instead of read whole: the first m samples of each
 * line of the array at dst + delta (the kernel already transformed along the other axes, the
 * destination's layout) are gathered into c, zero-padded to n rows, transformed forward (into
 * c or scratch), row j multiplied by the complex ramp[j] (the kernel's shift along this axis),
 * then multiplied into r (conjugated when conj). Each line is computed the same way whichever
 * thread takes it.
 */
function timesLines<T>(r: usize, scratch: usize, c: usize, d: usize, delta: isize, lane: i32, ax: i32, m: i32, n: i32, nb: i32, bv: i32, conj: bool, stages: usize, ns: i32, ramp: usize): void {
  const E = sizeof<T>();
  const hb = <usize>bv * E, rb = hb << 1;
  gatherComplex<T>(<usize>(<isize>d + delta), lane, ax, m, n, nb, bv, c);
  const t = execPlan<T>(stages, ns, bv, c, scratch, true);
  for (let j = 0; j < n; j++) {
    const p = t + <usize>j * rb;
    const wr = tws<T>(ramp + <usize>(2 * j) * E), wi = tws<T>(ramp + <usize>(2 * j + 1) * E);
    for (let v: usize = 0; v < hb; v += 16) cmulSt<T>(p + v, hb, ld(p + v), ld(p + hb + v), wr, wi);
  }
  mulSplit<T>(r, t, n, bv, conj);
}

/** Epilogues 2 and 3 on nb real lines of len samples just written at d (lane, ax strides). */
function realEpilogue<T>(epi: i32, d: usize, lane: i32, ax: i32, len: i32, nb: i32, delta: isize, eps: T, fe: T, useFe: bool): void {
  const E = sizeof<T>();
  const V = <i32>(16 / <i32>E);
  const epsV = spl<T>(eps), feV = spl<T>(fe), zero = spl<T>(<T>0);
  for (let l = 0; l < nb; l++) {
    const p0 = d + <usize>(l * lane) * E;
    let j = 0;
    if (ax == 1) {
      for (; j + V <= len; j += V) {
        const p = p0 + <usize>j * E, q = <usize>(<isize>p + delta);
        if (epi == Epilogue.Divide) {
          const c = add<T>(ld(p), epsV);
          const r = v128.div<T>(ld(q), c);
          st(p, useFe ? v128.bitselect(zero, r, v128.lt<T>(c, feV)) : r);
        } else {
          st(q, mul<T>(ld(q), ld(p)));
        }
      }
    }
    for (; j < len; j++) {
      const p = p0 + <usize>(j * ax) * E, q = <usize>(<isize>p + delta);
      if (epi == Epilogue.Divide) {
        const c = load<T>(p) + eps;
        store<T>(p, useFe && c < fe ? <T>0 : load<T>(q) / c);
      } else {
        store<T>(q, load<T>(q) * load<T>(p));
      }
    }
  }
}

/**
 * Epilogue 4 on nb contiguous real lines (rows of the destination) just written at d: out =
 * img / (v + eps), 0 where v + eps < fe (when useFe), with the image read through maps instead
 * of a padded copy: row r of the destination (r = (line - rowBase) / rowBytes) reads the image
 * row starting at byte address rows[r], and sample x of it the image's column xmap[x]
 * (edge replication for ITK's Neumann padding; the identity inside). Runs of V consecutive
 * columns are read as one vector.
 */
function mappedDivide<T>(d: usize, lane: i32, start: i32, len: i32, nb: i32, rows: usize, xmap: usize, rowBase: usize, rowBytes: u32, eps: T, fe: T, useFe: bool): void {
  const E = sizeof<T>();
  const V = <i32>(16 / <i32>E);
  const epsV = spl<T>(eps), feV = spl<T>(fe), zero = spl<T>(<T>0);
  const xm = xmap + <usize>start * 4;
  for (let l = 0; l < nb; l++) {
    const p0 = d + <usize>(l * lane) * E;
    const img = <usize>load<u32>(rows + <usize>(<u32>(p0 - rowBase) / rowBytes) * 4);
    let j = 0;
    for (; j + V <= len; j += V) {
      const x0 = load<i32>(xm + <usize>j * 4);
      if (load<i32>(xm + <usize>(j + V - 1) * 4) - x0 != V - 1) break;
      const p = p0 + <usize>j * E;
      const c = add<T>(ld(p), epsV);
      const q = v128.div<T>(v128.load(img + <usize>x0 * E), c);
      st(p, useFe ? v128.bitselect(zero, q, v128.lt<T>(c, feV)) : q);
    }
    for (; j < len; j++) {
      const p = p0 + <usize>j * E;
      const c = load<T>(p) + eps;
      store<T>(p, useFe && c < fe ? <T>0 : load<T>(img + <usize>load<i32>(xm + <usize>j * 4) * E) / c);
    }
  }
}

/**
 * Epilogue 5 (after a c2r along a contiguous axis): Richardson-Lucy's step on nb rows of c just
 * written at d, as rlStep, with the estimate at d + delta. Row r (counted from rowBase,
 * rowBytes apart) has its compact prev and grad row at byte offset table[r] and its five sums
 * (a RowSums record) at sums + RowSums.Bytes r, so each row's sums are the same whichever thread takes it.
 */
function rlStepLines<T>(d: usize, lane: i32, len: i32, nb: i32, delta: isize, table: usize, prev: usize, grad: usize, rowBase: usize, rowBytes: u32, sums: usize, acc: bool): void {
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
function rlExtrapolateLines<T>(s: usize, lane: i32, m: i32, nb: i32, table: usize, prev: usize, rowBase: usize, rowBytes: u32, alpha: f64): void {
  const E = <usize>sizeof<T>();
  for (let l = 0; l < nb; l++) {
    const p0 = s + <usize>(l * lane) * E;
    rlExtrapolateRow<T>(p0, prev + <usize>load<u32>(table + <usize>(<u32>(p0 - rowBase) / rowBytes) * 4), m, alpha);
  }
}

function runPassJob<T>(job: usize, part: i32, parts: i32): void {
  const E = sizeof<T>();
  const V = <i32>(16 / <i32>E);
  const kind = load<i32>(job, Job.Kind), n = load<i32>(job, Job.N);
  const forward = load<i32>(job, Job.Forward) != 0, realSource = load<i32>(job, Job.RealSource) != 0;
  const m = load<i32>(job, Job.M), outStart = load<i32>(job, Job.OutStart), outLen = load<i32>(job, Job.OutLen);
  const src = <usize>load<u32>(job, Job.Src), dst = <usize>load<u32>(job, Job.Dst);
  const sAx = load<i32>(job, Job.SrcAxisStride), dAx = load<i32>(job, Job.DstAxisStride);
  const Bmax = load<i32>(job, Job.Lanes), nIter = load<i32>(job, Job.IterCount), ns = load<i32>(job, Job.StageCount);
  const rtw = <usize>load<u32>(job, Job.RealTwiddles), epi = load<i32>(job, Job.Epilogue), conj = load<i32>(job, Job.Conj) != 0;
  const delta = <isize>load<i32>(job, Job.Delta), useFe = load<i32>(job, Job.UseFe) != 0;
  const A = <usize>load<u32>(job + Job.Buffers + <usize>part * BufferRecord.Bytes, BufferRecord.A);
  const B = <usize>load<u32>(job + Job.Buffers + <usize>part * BufferRecord.Bytes, BufferRecord.B);
  const C = <usize>load<u32>(job + Job.Buffers + <usize>part * BufferRecord.Bytes, BufferRecord.C);
  const stages = job + Job.Stages;
  const scale = <T>load<f64>(job, Job.Scale), fe = <T>load<f64>(job, Job.Fe), eps = <T>load<f64>(job, Job.Eps);
  const inner = job + Job.Iter + <usize>(nIter - 1) * AxisRecord.Bytes;
  const innerExt = load<i32>(inner, AxisRecord.Extent), sLane = load<i32>(inner, AxisRecord.SrcStride), dLane = load<i32>(inner, AxisRecord.DstStride);
  const per = (innerExt + Bmax - 1) / Bmax;
  let outer = 1;
  for (let a = 0; a < nIter - 1; a++) outer *= load<i32>(job + Job.Iter + <usize>a * AxisRecord.Bytes, AxisRecord.Extent);
  const total = outer * per;
  // One thread walks every batch in order; several take the next free batch from a shared
  // counter, so a thread slowed by the rest of the machine does less (each batch is computed
  // the same way whoever takes it, so the result does not depend on the split).
  const next = job + Job.NextBatch;
  const h = n >> 1, even = (n & 1) == 0;
  for (let t = parts == 1 ? 0 : atomic.add<i32>(next, 1); t < total; t = parts == 1 ? t + 1 : atomic.add<i32>(next, 1)) {
    let o = t / per;
    const start = (t - o * per) * Bmax;
    const nb = min(Bmax, innerExt - start);
    let sOff = start * sLane, dOff = start * dLane;
    for (let a = nIter - 2; a >= 0; a--) {
      const ax = job + Job.Iter + <usize>a * AxisRecord.Bytes;
      const ext = load<i32>(ax, AxisRecord.Extent);
      const c = o % ext;
      o /= ext;
      sOff += c * load<i32>(ax, AxisRecord.SrcStride);
      dOff += c * load<i32>(ax, AxisRecord.DstStride);
    }
    const bv = (nb + V - 1) / V * V;
    const s = src + <usize>sOff * E, d = dst + <usize>dOff * E;
    if (kind == PassKind.C2C) {
      if (realSource) gatherReal<T>(s, sLane, sAx, m, n, nb, bv, A, false);
      else gatherComplex<T>(s, sLane, sAx, m, n, nb, bv, A);
      const r = execPlan<T>(stages, ns, bv, A, B, forward);
      if (epi == Epilogue.Times) timesOther<T>(r, C, d, delta, dLane, dAx, outStart, outLen, n, nb, bv, conj);
      else if (epi == Epilogue.TimesLines) {
        timesLines<T>(r, r == A ? B : A, C, d, delta, dLane, dAx, load<i32>(job, Job.LineRows), n, nb, bv, conj, stages, ns, <usize>load<u32>(job, Job.LineRamp));
      }
      scatterComplex<T>(r, outStart, outLen, nb, bv, scale, d, dLane, dAx);
    } else if (kind == PassKind.R2C) {
      if (load<i32>(job, Job.Prologue) == Prologue.RlExtrapolate) {
        rlExtrapolateLines<T>(s, sLane, m, nb, <usize>load<u32>(job, Job.RowTable), <usize>load<u32>(job, Job.RowArray), <usize>load<u32>(job, Job.RowBase),
          load<u32>(job, Job.RowBytes), load<f64>(job, Job.Alpha));
      }
      gatherReal<T>(s, sLane, sAx, m, n, nb, bv, A, even);
      let r = execPlan<T>(stages, ns, bv, A, B, true);
      if (even) {
        const q = r == A ? B : A;
        realForward<T>(h, bv, r, q, rtw);
        r = q;
      }
      if (epi == Epilogue.Times) timesOther<T>(r, C, d, delta, dLane, dAx, outStart, outLen, even ? h + 1 : n, nb, bv, conj);
      scatterComplex<T>(r, outStart, outLen, nb, bv, scale, d, dLane, dAx);
    } else { // PassKind.C2R
      gatherComplex<T>(s, sLane, sAx, m, h + 1, nb, bv, A);
      let r: usize;
      if (even) {
        realInverse<T>(h, bv, A, B, rtw);
        r = execPlan<T>(stages, ns, bv, B, A, false);
      } else {
        hermitian<T>(n, bv, A);
        r = execPlan<T>(stages, ns, bv, A, B, false);
      }
      scatterReal<T>(r, even, outStart, outLen, nb, bv, scale, d, dLane, dAx);
      if (epi == Epilogue.RlStep) {
        rlStepLines<T>(d, dLane, outLen, nb, delta, <usize>load<u32>(job, Job.RowTable), <usize>load<u32>(job, Job.RowArray), <usize>load<u32>(job, Job.Grad),
          <usize>load<u32>(job, Job.RowBase), load<u32>(job, Job.RowBytes), <usize>load<u32>(job, Job.Sums), load<i32>(job, Job.Acc) != 0);
      } else if (epi == Epilogue.DivideMapped) {
        mappedDivide<T>(d, dLane, outStart, outLen, nb, <usize>load<u32>(job, Job.RowTable), <usize>load<u32>(job, Job.RowArray), <usize>load<u32>(job, Job.RowBase),
          load<u32>(job, Job.RowBytes), eps, fe, useFe);
      } else if (epi >= Epilogue.Divide) realEpilogue<T>(epi, d, dLane, dAx, outLen, nb, delta, eps, fe, useFe); // Epilogue.Divide or Epilogue.MultiplyInto
    }
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
function rlStep<T>(rows: usize, nrows: i32, len: i32, delta: i32, prev: usize, grad: usize, acc: bool, sums: usize): void {
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
function rlExtrapolate<T>(rows: usize, nrows: i32, len: i32, prev: usize, alpha: f64): void {
  const E = <usize>sizeof<T>();
  for (let r = 0; r < nrows; r++) rlExtrapolateRow<T>(<usize>load<u32>(rows + <usize>r * 4), prev + <usize>r * <usize>len * E, len, alpha);
}

/** The high two f32 lanes of a as f64x2 (promote_low promotes the low two). */
function promoteHigh(a: v128): v128 { return f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 2, 3)); }

// One Richardson-Lucy step's five sums over the row last passed to rlStepRow (see rlStep).
let rsChange: f64 = 0, rsNorm: f64 = 0, rsDot: f64 = 0, rsLast: f64 = 0, rsNow: f64 = 0;

/**
 * Richardson-Lucy's step on one row of len samples: the estimate at pe times the correction
 * at pc (clamped at 0 when acc, NaN included), and with acc the gradient row at pg and the
 * previous estimate's row at pp, as rlStep; the row's sums are left in rsChange..rsNow.
 * Stored values are T's own arithmetic (f32 x and - are correctly rounded, as the f64
 * computation rounded once on store is); sums accumulate in f64, one per vector lane, then
 * the lanes and the scalar tail, so a row's sums depend only on its data.
 */
function rlStepRow<T>(pe: usize, pc: usize, pg: usize, pp: usize, len: i32, acc: bool): void {
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
function rlExtrapolateRow<T>(pe: usize, pp: usize, m: i32, alpha: f64): void {
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

export function rlStep32(rows: usize, nrows: i32, len: i32, delta: i32, prev: usize, grad: usize, acc: bool, sums: usize): void { rlStep<f32>(rows, nrows, len, delta, prev, grad, acc, sums); }
export function rlStep64(rows: usize, nrows: i32, len: i32, delta: i32, prev: usize, grad: usize, acc: bool, sums: usize): void { rlStep<f64>(rows, nrows, len, delta, prev, grad, acc, sums); }
export function rlExtrapolate32(rows: usize, nrows: i32, len: i32, prev: usize, alpha: f64): void { rlExtrapolate<f32>(rows, nrows, len, prev, alpha); }
export function rlExtrapolate64(rows: usize, nrows: i32, len: i32, prev: usize, alpha: f64): void { rlExtrapolate<f64>(rows, nrows, len, prev, alpha); }

export function runPassJob32(job: usize, part: i32, parts: i32): void { runPassJob<f32>(job, part, parts); }
export function runPassJob64(job: usize, part: i32, parts: i32): void { runPassJob<f64>(job, part, parts); }

export function pass2_32(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize): void { pass2<f32>(ido, l1, bv, cc, ch, tw); }
export function pass3_32(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: f32): void { pass3<f32>(ido, l1, bv, cc, ch, tw, sg); }
export function pass4_32(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: f32): void { pass4<f32>(ido, l1, bv, cc, ch, tw, sg); }
export function pass5_32(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: f32): void { pass5<f32>(ido, l1, bv, cc, ch, tw, sg); }
export function pass8_32(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: f32): void { pass8<f32>(ido, l1, bv, cc, ch, tw, sg); }
export function realForward32(h: i32, bv: i32, z: usize, o: usize, w: usize): void { realForward<f32>(h, bv, z, o, w); }
export function realInverse32(h: i32, bv: i32, a: usize, b: usize, w: usize): void { realInverse<f32>(h, bv, a, b, w); }
export function hermitian32(n: i32, bv: i32, a: usize): void { hermitian<f32>(n, bv, a); }
export function gatherComplex32(src: usize, lane: i32, ax: i32, m: i32, rows: i32, nb: i32, bv: i32, dst: usize): void { gatherComplex<f32>(src, lane, ax, m, rows, nb, bv, dst); }
export function gatherReal32(src: usize, lane: i32, ax: i32, m: i32, n: i32, nb: i32, bv: i32, dst: usize, packed: bool): void { gatherReal<f32>(src, lane, ax, m, n, nb, bv, dst, packed); }
export function scatterComplex32(buf: usize, start: i32, len: i32, nb: i32, bv: i32, scale: f32, dst: usize, lane: i32, ax: i32): void { scatterComplex<f32>(buf, start, len, nb, bv, scale, dst, lane, ax); }
export function scatterReal32(buf: usize, packed: bool, start: i32, len: i32, nb: i32, bv: i32, scale: f32, dst: usize, lane: i32, ax: i32): void { scatterReal<f32>(buf, packed, start, len, nb, bv, scale, dst, lane, ax); }

export function pass2_64(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize): void { pass2<f64>(ido, l1, bv, cc, ch, tw); }
export function pass3_64(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: f64): void { pass3<f64>(ido, l1, bv, cc, ch, tw, sg); }
export function pass4_64(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: f64): void { pass4<f64>(ido, l1, bv, cc, ch, tw, sg); }
export function pass5_64(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: f64): void { pass5<f64>(ido, l1, bv, cc, ch, tw, sg); }
export function pass8_64(ido: i32, l1: i32, bv: i32, cc: usize, ch: usize, tw: usize, sg: f64): void { pass8<f64>(ido, l1, bv, cc, ch, tw, sg); }
export function realForward64(h: i32, bv: i32, z: usize, o: usize, w: usize): void { realForward<f64>(h, bv, z, o, w); }
export function realInverse64(h: i32, bv: i32, a: usize, b: usize, w: usize): void { realInverse<f64>(h, bv, a, b, w); }
export function hermitian64(n: i32, bv: i32, a: usize): void { hermitian<f64>(n, bv, a); }
export function gatherComplex64(src: usize, lane: i32, ax: i32, m: i32, rows: i32, nb: i32, bv: i32, dst: usize): void { gatherComplex<f64>(src, lane, ax, m, rows, nb, bv, dst); }
export function gatherReal64(src: usize, lane: i32, ax: i32, m: i32, n: i32, nb: i32, bv: i32, dst: usize, packed: bool): void { gatherReal<f64>(src, lane, ax, m, n, nb, bv, dst, packed); }
export function scatterComplex64(buf: usize, start: i32, len: i32, nb: i32, bv: i32, scale: f64, dst: usize, lane: i32, ax: i32): void { scatterComplex<f64>(buf, start, len, nb, bv, scale, dst, lane, ax); }
export function scatterReal64(buf: usize, packed: bool, start: i32, len: i32, nb: i32, bv: i32, scale: f64, dst: usize, lane: i32, ax: i32): void { scatterReal<f64>(buf, packed, start, len, nb, bv, scale, dst, lane, ax); }
