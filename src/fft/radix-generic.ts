/**
 * The radix-p pass for an odd prime p > 5 without a hand-written butterfly (pocketfft's
 * `passg` in spirit): an O(p^2) DFT per butterfly that pairs inputs j and p - j so each
 * output pair u, p - u shares one cosine sum and one sine sum. Same lane layout, indexing
 * and sign convention as `radix-passes.ts`. Lengths whose large prime factors would make this
 * slow go to Bluestein instead (see `prefersBluestein`).
 * @module
 */

/**
 * Radix-p pass factory: precomputes the p-th roots once per plan factor.
 * @example
 * ```ts
 * const pass7 = makeGenericPass(7); // a RadixPass for p = 7
 * ```
 */
export function makeGenericPass(p: number) {
  const cs = new Float64Array(p);
  const sn = new Float64Array(p);
  for (let m = 0; m < p; m++) {
    cs[m] = Math.cos((2 * Math.PI * m) / p);
    sn[m] = Math.sin((2 * Math.PI * m) / p);
  }
  const h = (p - 1) >> 1;
  let sum = new Float64Array(0);
  let dif = new Float64Array(0);

  return function passGeneric(
    ido: number, l1: number, B: number, cc: Float64Array, ch: Float64Array,
    tw: Float64Array, tOff: number, sg: number,
  ): void {
    const L = 2 * B;
    if (sum.length < h * L) {
      sum = new Float64Array(h * L);
      dif = new Float64Array(h * L);
    }
    const s = sum, d = dif;
    const jc = ido * L;
    const jh = l1 * ido * L;
    const tStep = 2 * (ido - 1);
    for (let k = 0; k < l1; k++) {
      const cBase = p * k * jc;
      const hBase = k * jc;
      for (let i = 0; i < ido; i++) {
        const c0 = cBase + i * L;
        const h0 = hBase + i * L;
        for (let j = 1; j <= h; j++) {
          const aj = c0 + j * jc, bj = c0 + (p - j) * jc, t = (j - 1) * L;
          for (let q = 0; q < L; q++) {
            const x = cc[aj + q]!, y = cc[bj + q]!;
            s[t + q] = x + y;
            d[t + q] = x - y;
          }
        }
        for (let q = 0; q < L; q++) {
          let acc = cc[c0 + q]!;
          for (let j = 0; j < h; j++) acc += s[j * L + q]!;
          ch[h0 + q] = acc;
        }
        for (let u = 1; u <= h; u++) {
          const t1 = tOff + 2 * (i - 1) + (u - 1) * tStep;
          const t2 = tOff + 2 * (i - 1) + (p - u - 1) * tStep;
          const w1r = i > 0 ? tw[t1]! : 1, w1i = i > 0 ? tw[t1 + 1]! : 0;
          const w2r = i > 0 ? tw[t2]! : 1, w2i = i > 0 ? tw[t2 + 1]! : 0;
          const o1 = h0 + u * jh, o2 = h0 + (p - u) * jh;
          for (let q = 0; q < L; q += 2) {
            let ar = cc[c0 + q]!, ai = cc[c0 + q + 1]!, br = 0, bi = 0;
            for (let j = 1, m = u; j <= h; j++, m = (m + u) % p) {
              const t = (j - 1) * L + q;
              ar += cs[m]! * s[t]!;
              ai += cs[m]! * s[t + 1]!;
              br += sn[m]! * d[t]!;
              bi += sn[m]! * d[t + 1]!;
            }
            // X_u = A + sg*i*B, X_{p-u} = A - sg*i*B
            const ibr = -sg * bi, ibi = sg * br;
            let xr = ar + ibr, xi = ai + ibi;
            ch[o1 + q] = xr * w1r - xi * w1i;
            ch[o1 + q + 1] = xr * w1i + xi * w1r;
            xr = ar - ibr; xi = ai - ibi;
            ch[o2 + q] = xr * w2r - xi * w2i;
            ch[o2 + q + 1] = xr * w2i + xi * w2r;
          }
        }
      }
    }
  };
}
