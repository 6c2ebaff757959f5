/**
 * The radix-5 pass (pocketfft's `pass5b`), same lane layout, indexing and sign convention as
 * `radix-passes.ts`, with a twiddle-free variant for the last pass (ido = 1).
 * @module
 */

const C1 = 0.30901699437494745; // cos(2 pi / 5)
const S1 = 0.9510565162951535; // sin(2 pi / 5)
const C2 = -0.8090169943749475; // cos(4 pi / 5)
const S2 = 0.5877852522924731; // sin(4 pi / 5)

/**
 * Radix 5.
 * @example
 * ```ts
 * pass5(ido, l1, B, cc, ch, tw, tOff, -1);
 * ```
 */
export function pass5(
  ido: number, l1: number, B: number, cc: Float64Array, ch: Float64Array,
  tw: Float64Array, tOff: number, sg: number,
): void {
  const L = 2 * B;
  const jc = ido * L;
  const jh = l1 * ido * L;
  const tStep = 2 * (ido - 1);
  const s1 = sg * S1, s2 = sg * S2;
  const w = new Float64Array(8);
  for (let k = 0; k < l1; k++) {
    const cBase = 5 * k * jc;
    const hBase = k * jc;
    for (let i = 0; i < ido; i++) {
      const twiddled = i > 0;
      if (twiddled) for (let u = 0, t = tOff + 2 * (i - 1); u < 4; u++, t += tStep) {
        w[2 * u] = tw[t]!;
        w[2 * u + 1] = tw[t + 1]!;
      }
      const c0 = cBase + i * L;
      const h0 = hBase + i * L;
      for (let q = 0; q < L; q += 2) {
        const a = c0 + q;
        const ar = cc[a]!, ai = cc[a + 1]!;
        const b1r = cc[a + jc]!, b1i = cc[a + jc + 1]!;
        const b2r = cc[a + 2 * jc]!, b2i = cc[a + 2 * jc + 1]!;
        const b3r = cc[a + 3 * jc]!, b3i = cc[a + 3 * jc + 1]!;
        const b4r = cc[a + 4 * jc]!, b4i = cc[a + 4 * jc + 1]!;
        const t1r = b1r + b4r, t1i = b1i + b4i, t4r = b1r - b4r, t4i = b1i - b4i;
        const t2r = b2r + b3r, t2i = b2i + b3i, t3r = b2r - b3r, t3i = b2i - b3i;
        const o = h0 + q;
        ch[o] = ar + t1r + t2r;
        ch[o + 1] = ai + t1i + t2i;
        // outputs 1 and 4
        let car = ar + C1 * t1r + C2 * t2r, cai = ai + C1 * t1i + C2 * t2i;
        let cbr = -(s1 * t4i + s2 * t3i), cbi = s1 * t4r + s2 * t3r;
        put(ch, o + jh, car + cbr, cai + cbi, w, 0, twiddled);
        put(ch, o + 4 * jh, car - cbr, cai - cbi, w, 3, twiddled);
        // outputs 2 and 3
        car = ar + C2 * t1r + C1 * t2r; cai = ai + C2 * t1i + C1 * t2i;
        cbr = -(s2 * t4i - s1 * t3i); cbi = s2 * t4r - s1 * t3r;
        put(ch, o + 2 * jh, car + cbr, cai + cbi, w, 1, twiddled);
        put(ch, o + 3 * jh, car - cbr, cai - cbi, w, 2, twiddled);
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
