// What a pass job does to a batch between its transform and its scatter, or to the lines it
// just wrote: products with another array or a transfer function computed line by line, and
// the real divisions of Richardson-Lucy's correction (AssemblyScript; see pass-job.ts).

import { Epilogue } from "../pass-job-layout";
import { gatherComplex } from "./lines";
import { execPlan } from "./radix-passes";
import { add, cmulSt, ld, mul, spl, st, sub, tws } from "./simd";

/** Rows [0, rows) of the batch at a times those at c (conjugated when conj), in split layout. */
export function mulSplit<T>(a: usize, c: usize, rows: i32, bv: i32, conj: bool): void {
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
export function timesOther<T>(r: usize, c: usize, d: usize, delta: isize, lane: i32, ax: i32, outStart: i32, outLen: i32, rows: i32, nb: i32, bv: i32, conj: bool): void {
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
export function timesLines<T>(r: usize, scratch: usize, c: usize, d: usize, delta: isize, lane: i32, ax: i32, m: i32, n: i32, nb: i32, bv: i32, conj: bool, stages: usize, ns: i32, ramp: usize): void {
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
export function realEpilogue<T>(epi: i32, d: usize, lane: i32, ax: i32, len: i32, nb: i32, delta: isize, eps: T, fe: T, useFe: bool): void {
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
export function mappedDivide<T>(d: usize, lane: i32, start: i32, len: i32, nb: i32, rows: usize, xmap: usize, rowBase: usize, rowBytes: u32, eps: T, fe: T, useFe: bool): void {
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
