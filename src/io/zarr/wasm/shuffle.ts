// AssemblyScript (see blosc.ts): blosc's byte shuffle and its inverse. Shuffling `size` bytes
// of elements of `ts` bytes writes byte b of element i to b * n + i (n = size / ts whole
// elements); a tail shorter than one element is copied as is. The v128 paths for 2, 4 and 8
// bytes handle 16 elements a step and leave the rest to the scalar loop, so every path writes
// the same bytes as the generic definition.

function lo16(a: v128, b: v128): v128 { return v128.shuffle<i16>(a, b, 0, 8, 1, 9, 2, 10, 3, 11); }
function hi16(a: v128, b: v128): v128 { return v128.shuffle<i16>(a, b, 4, 12, 5, 13, 6, 14, 7, 15); }
function lo32(a: v128, b: v128): v128 { return v128.shuffle<i32>(a, b, 0, 4, 1, 5); }
function hi32(a: v128, b: v128): v128 { return v128.shuffle<i32>(a, b, 2, 6, 3, 7); }
function lo64(a: v128, b: v128): v128 { return v128.shuffle<i64>(a, b, 0, 2); }
function hi64(a: v128, b: v128): v128 { return v128.shuffle<i64>(a, b, 1, 3); }

/** Bytes 0..15 of 4 elements of 4 bytes, regrouped byte-major (a 4x4 byte transpose; its own inverse). */
function planar4(v: v128): v128 { return v128.shuffle<i8>(v, v, 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15); }
/** 2 elements of 8 bytes as 8 byte pairs (byte b of both elements in 16-bit lane b). */
function pairs8(v: v128): v128 { return v128.shuffle<i8>(v, v, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15); }
/** The inverse of pairs8. */
function unpairs8(v: v128): v128 { return v128.shuffle<i8>(v, v, 0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15); }

/** Transposes the 4x4 matrix of 32-bit lanes in rows a, b, c, d and stores its rows at q, q + t, q + 2t, q + 3t. */
function transpose4(a: v128, b: v128, c: v128, d: v128, q: usize, t: usize): void {
  const t0 = lo32(a, b), t1 = hi32(a, b), t2 = lo32(c, d), t3 = hi32(c, d);
  v128.store(q, lo64(t0, t2));
  v128.store(q + t, hi64(t0, t2));
  v128.store(q + 2 * t, lo64(t1, t3));
  v128.store(q + 3 * t, hi64(t1, t3));
}

/** Transposes 8 rows of 8 16-bit lanes (loaded from p + k * s) into q + k * t: rows of element pairs made planar first (shuffle), or the transposed rows turned back into elements (unshuffle). */
function transpose8(p: usize, s: usize, q: usize, t: usize, pairsIn: bool): void {
  let r0 = v128.load(p), r1 = v128.load(p + s), r2 = v128.load(p + 2 * s), r3 = v128.load(p + 3 * s);
  let r4 = v128.load(p + 4 * s), r5 = v128.load(p + 5 * s), r6 = v128.load(p + 6 * s), r7 = v128.load(p + 7 * s);
  if (pairsIn) {
    r0 = pairs8(r0); r1 = pairs8(r1); r2 = pairs8(r2); r3 = pairs8(r3);
    r4 = pairs8(r4); r5 = pairs8(r5); r6 = pairs8(r6); r7 = pairs8(r7);
  }
  const t0 = lo16(r0, r1), t1 = hi16(r0, r1), t2 = lo16(r2, r3), t3 = hi16(r2, r3);
  const t4 = lo16(r4, r5), t5 = hi16(r4, r5), t6 = lo16(r6, r7), t7 = hi16(r6, r7);
  const u0 = lo32(t0, t2), u1 = hi32(t0, t2), u2 = lo32(t1, t3), u3 = hi32(t1, t3);
  const u4 = lo32(t4, t6), u5 = hi32(t4, t6), u6 = lo32(t5, t7), u7 = hi32(t5, t7);
  let c0 = lo64(u0, u4), c1 = hi64(u0, u4), c2 = lo64(u1, u5), c3 = hi64(u1, u5);
  let c4 = lo64(u2, u6), c5 = hi64(u2, u6), c6 = lo64(u3, u7), c7 = hi64(u3, u7);
  if (!pairsIn) {
    c0 = unpairs8(c0); c1 = unpairs8(c1); c2 = unpairs8(c2); c3 = unpairs8(c3);
    c4 = unpairs8(c4); c5 = unpairs8(c5); c6 = unpairs8(c6); c7 = unpairs8(c7);
  }
  v128.store(q, c0); v128.store(q + t, c1); v128.store(q + 2 * t, c2); v128.store(q + 3 * t, c3);
  v128.store(q + 4 * t, c4); v128.store(q + 5 * t, c5); v128.store(q + 6 * t, c6); v128.store(q + 7 * t, c7);
}

/** blosc's byte shuffle of `size` bytes at src into dst (no overlap). */
export function shuffle(ts: i32, size: i32, src: usize, dst: usize): void {
  const n = size / ts;
  let i = 0;
  const plane = <usize>n;
  if (ts == 2) {
    for (; i + 16 <= n; i += 16) {
      const a = v128.load(src + 2 * i), b = v128.load(src + 2 * i + 16);
      v128.store(dst + i, v128.shuffle<i8>(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30));
      v128.store(dst + plane + i, v128.shuffle<i8>(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31));
    }
  } else if (ts == 4) {
    for (; i + 16 <= n; i += 16) {
      const p = src + 4 * i;
      transpose4(planar4(v128.load(p)), planar4(v128.load(p + 16)), planar4(v128.load(p + 32)), planar4(v128.load(p + 48)), dst + i, plane);
    }
  } else if (ts == 8) {
    for (; i + 16 <= n; i += 16) transpose8(src + 8 * i, 16, dst + i, plane, true);
  }
  for (let b = 0; b < ts; b++) {
    const to = dst + <usize>b * plane;
    for (let k = i; k < n; k++) store<u8>(to + k, load<u8>(src + <usize>k * ts + b));
  }
  const whole = n * ts;
  if (size > whole) memory.copy(dst + whole, src + whole, size - whole);
}

/** The inverse of {@link shuffle}: `size` bytes at src into dst (no overlap). */
export function unshuffle(ts: i32, size: i32, src: usize, dst: usize): void {
  const n = size / ts;
  let i = 0;
  const plane = <usize>n;
  if (ts == 2) {
    for (; i + 16 <= n; i += 16) {
      const a = v128.load(src + i), b = v128.load(src + plane + i);
      v128.store(dst + 2 * i, v128.shuffle<i8>(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23));
      v128.store(dst + 2 * i + 16, v128.shuffle<i8>(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31));
    }
  } else if (ts == 4) {
    for (; i + 16 <= n; i += 16) {
      const p = src + i;
      const a = v128.load(p), b = v128.load(p + plane), c = v128.load(p + 2 * plane), d = v128.load(p + 3 * plane);
      const t0 = lo32(a, b), t1 = hi32(a, b), t2 = lo32(c, d), t3 = hi32(c, d);
      const q = dst + 4 * i;
      v128.store(q, planar4(lo64(t0, t2)));
      v128.store(q + 16, planar4(hi64(t0, t2)));
      v128.store(q + 32, planar4(lo64(t1, t3)));
      v128.store(q + 48, planar4(hi64(t1, t3)));
    }
  } else if (ts == 8) {
    for (; i + 16 <= n; i += 16) transpose8(src + i, plane, dst + 8 * i, 16, false);
  }
  for (let b = 0; b < ts; b++) {
    const from = src + <usize>b * plane;
    for (let k = i; k < n; k++) store<u8>(dst + <usize>k * ts + b, load<u8>(from + k));
  }
  const whole = n * ts;
  if (size > whole) memory.copy(dst + whole, src + whole, size - whole);
}
