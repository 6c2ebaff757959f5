// Gathering strided lines of an array into a batch in split layout, and scattering a batch
// back (AssemblyScript; see kernels.ts).

import { ld, mul, spl, st } from "./simd";

/**
 * Lines contiguous in memory, lanes strided: scalars [0, count) of each of nb lanes (lane
 * stride in scalars) go to rows q >> 1, real part for even q, imaginary for odd, through
 * register transposes (4x4 float32, 2x2 float64).
 */
export function gatherPairs<T>(src: usize, lane: i32, count: i32, nb: i32, bv: i32, dst: usize): void {
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
export function scatterPairs<T>(buf: usize, start: i32, count: i32, nb: i32, bv: i32, scale: T, dst: usize, lane: i32): void {
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
export function gatherComplex<T>(src: usize, lane: i32, ax: i32, m: i32, rows: i32, nb: i32, bv: i32, dst: usize): void {
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
export function gatherReal<T>(src: usize, lane: i32, ax: i32, m: i32, n: i32, nb: i32, bv: i32, dst: usize, packed: bool): void {
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
export function scatterComplex<T>(buf: usize, start: i32, len: i32, nb: i32, bv: i32, scale: T, dst: usize, lane: i32, ax: i32): void {
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
export function scatterReal<T>(buf: usize, packed: bool, start: i32, len: i32, nb: i32, bv: i32, scale: T, dst: usize, lane: i32, ax: i32): void {
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
