/**
 * Roots of unity for twiddle tables, computed in float64 from exact integer angles: the
 * angle 2 pi m / n is reduced with integer arithmetic to [0, pi/4] before calling cos and
 * sin, so every entry is accurate to an ulp or so whatever the transform length.
 * @module
 */

/**
 * `exp(2 pi i m / n)` as `[cos, sin]`, accurate for any integer `m`.
 * @example
 * ```ts
 * rootOfUnity(1, 4); // [0, 1]
 * ```
 */
export function rootOfUnity(m: number, n: number): [number, number] {
  let r = m % n;
  if (r < 0) r += n;
  // angle = (pi / 2) * num / n with num = 4r: quadrant k, remainder rem in [0, n)
  const num = 4 * r;
  const k = Math.floor(num / n);
  const rem = num - k * n;
  let c: number;
  let s: number;
  if (2 * rem <= n) {
    const a = (Math.PI / 2) * (rem / n);
    c = Math.cos(a);
    s = Math.sin(a);
  } else {
    const a = (Math.PI / 2) * ((n - rem) / n);
    c = Math.sin(a);
    s = Math.cos(a);
  }
  switch (k) {
    case 0: return [c, s];
    case 1: return [-s, c];
    case 2: return [-c, -s];
    default: return [s, -c];
  }
}

/**
 * Table of `exp(2 pi i m / n)` for `m < count`, interleaved [re, im].
 * @example
 * ```ts
 * rootTable(4); // [1, 0, 0, 1, -1, 0, -0, -1]
 * ```
 */
export function rootTable(n: number, count = n): Float64Array {
  const t = new Float64Array(2 * count);
  for (let m = 0; m < count; m++) {
    const [c, s] = rootOfUnity(m, n);
    t[2 * m] = c;
    t[2 * m + 1] = s;
  }
  return t;
}
