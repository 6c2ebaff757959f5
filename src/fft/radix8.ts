/**
 * The radix-8 pass (pocketfft's `pass8` in spirit), same lane layout, indexing and sign
 * convention as `radix-passes.ts`. One radix-8 pass replaces a radix-4 and a radix-2 pass (or
 * two thirds of three radix-2 passes), saving a sweep over the line buffer: an 8-point DFT is
 * split into a 4-point DFT of the sums `c[j] + c[j+4]` (even outputs) and a 4-point DFT of the
 * differences rotated by `w^j`, `w = exp(sg 2 pi i / 8)` (odd outputs).
 * @module
 */

const R = Math.SQRT1_2;

/**
 * Radix 8 (twiddles skipped when ido = 1).
 * @example
 * ```ts
 * pass8(ido, l1, B, cc, ch, tw, tOff, -1);
 * ```
 */
export function pass8(
  ido: number, l1: number, B: number, cc: Float64Array, ch: Float64Array,
  tw: Float64Array, tOff: number, sg: number,
): void {
  const L = 2 * B;
  const jc = ido * L;
  const jh = l1 * ido * L;
  const tStep = 2 * (ido - 1);
  const w = new Float64Array(14);
  for (let k = 0; k < l1; k++) {
    const cBase = 8 * k * jc;
    const hBase = k * jc;
    for (let i = 0; i < ido; i++) {
      const twiddled = i > 0;
      if (twiddled) for (let u = 0, t = tOff + 2 * (i - 1); u < 7; u++, t += tStep) {
        w[2 * u] = tw[t]!;
        w[2 * u + 1] = tw[t + 1]!;
      }
      const c0 = cBase + i * L;
      const h0 = hBase + i * L;
      for (let q = 0; q < L; q += 2) {
        const a = c0 + q;
        const x0r = cc[a]!, x0i = cc[a + 1]!, x4r = cc[a + 4 * jc]!, x4i = cc[a + 4 * jc + 1]!;
        const x1r = cc[a + jc]!, x1i = cc[a + jc + 1]!, x5r = cc[a + 5 * jc]!, x5i = cc[a + 5 * jc + 1]!;
        const x2r = cc[a + 2 * jc]!, x2i = cc[a + 2 * jc + 1]!, x6r = cc[a + 6 * jc]!, x6i = cc[a + 6 * jc + 1]!;
        const x3r = cc[a + 3 * jc]!, x3i = cc[a + 3 * jc + 1]!, x7r = cc[a + 7 * jc]!, x7i = cc[a + 7 * jc + 1]!;
        // sums (even outputs) and rotated differences (odd outputs)
        const a0r = x0r + x4r, a0i = x0i + x4i, a1r = x1r + x5r, a1i = x1i + x5i;
        const a2r = x2r + x6r, a2i = x2i + x6i, a3r = x3r + x7r, a3i = x3i + x7i;
        const b0r = x0r - x4r, b0i = x0i - x4i;
        let dr = x1r - x5r, di = x1i - x5i;
        const b1r = R * (dr - sg * di), b1i = R * (di + sg * dr);
        dr = x2r - x6r; di = x2i - x6i;
        const b2r = -sg * di, b2i = sg * dr;
        dr = x3r - x7r; di = x3i - x7i;
        const b3r = -R * (dr + sg * di), b3i = R * (sg * dr - di);
        const o = h0 + q;
        // 4-point DFT of a -> outputs 0, 2, 4, 6
        let pr = a0r + a2r, pi = a0i + a2i, mr = a0r - a2r, mi = a0i - a2i;
        let sr = a1r + a3r, si = a1i + a3i, tr = -sg * (a1i - a3i), ti = sg * (a1r - a3r);
        ch[o] = pr + sr;
        ch[o + 1] = pi + si;
        put(ch, o + 2 * jh, mr + tr, mi + ti, w, 1, twiddled);
        put(ch, o + 4 * jh, pr - sr, pi - si, w, 3, twiddled);
        put(ch, o + 6 * jh, mr - tr, mi - ti, w, 5, twiddled);
        // 4-point DFT of b -> outputs 1, 3, 5, 7
        pr = b0r + b2r; pi = b0i + b2i; mr = b0r - b2r; mi = b0i - b2i;
        sr = b1r + b3r; si = b1i + b3i; tr = -sg * (b1i - b3i); ti = sg * (b1r - b3r);
        put(ch, o + jh, pr + sr, pi + si, w, 0, twiddled);
        put(ch, o + 3 * jh, mr + tr, mi + ti, w, 2, twiddled);
        put(ch, o + 5 * jh, pr - sr, pi - si, w, 4, twiddled);
        put(ch, o + 7 * jh, mr - tr, mi - ti, w, 6, twiddled);
      }
    }
  }
}

function put(ch: Float64Array, o: number, xr: number, xi: number, w: Float64Array, u: number, twiddled: boolean): void {
  if (twiddled) {
    const wr = w[2 * u]!, wi = w[2 * u + 1]!;
    ch[o] = xr * wr - xi * wi;
    ch[o + 1] = xr * wi + xi * wr;
  } else {
    ch[o] = xr;
    ch[o + 1] = xi;
  }
}
