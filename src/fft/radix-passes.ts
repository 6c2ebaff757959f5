/**
 * Hand-written radix-2, 3 and 4 passes (radix 5 and 8 live in radix5.ts and radix8.ts) of a
 * self-sorting mixed-radix complex FFT: the decimation-in-frequency passes of FFTPACK/pocketfft
 * (`pass2b` ... `pass4b`), each working on
 * B lines at once. A buffer holds B interleaved lines ("lanes"): element e of lane l lives at
 * `[2 * (e * B + l)]` (real) and the next slot (imaginary), so every butterfly runs over B
 * contiguous lanes with its twiddle factors loaded once.
 *
 * Pass indexing (pocketfft's CC/CH): input element `(i, j, k)` is `i + ido * (j + p * k)`,
 * output element `(i, k, j)` is `i + ido * (k + l1 * j)`, for `i < ido`, `j < p`, `k < l1`.
 * `sg` is -1 for the forward transform (exp(-2 pi i jk/n)) and +1 for the backward one; the
 * twiddle table `tw` is already conjugated for the forward direction. Arithmetic is float64.
 * @module
 */

/**
 * A mixed-radix pass: reads `cc`, writes `ch` (distinct buffers).
 * @example
 * ```ts
 * const pass: RadixPass = pass4;
 * ```
 */
export type RadixPass = (
  ido: number, l1: number, B: number, cc: Float64Array, ch: Float64Array,
  tw: Float64Array, tOff: number, sg: number,
) => void;

/**
 * Radix 2.
 * @example
 * ```ts
 * pass2(ido, l1, B, cc, ch, tw, tOff, -1);
 * ```
 */
export function pass2(
  ido: number, l1: number, B: number, cc: Float64Array, ch: Float64Array,
  tw: Float64Array, tOff: number, _sg: number,
): void {
  const L = 2 * B;
  const jc = ido * L; // j step in cc
  const jh = l1 * ido * L; // j step in ch
  for (let k = 0; k < l1; k++) {
    const cBase = 2 * k * jc;
    const hBase = k * jc;
    for (let i = 0; i < ido; i++) {
      let wr = 1;
      let wi = 0;
      if (i > 0) {
        const t = tOff + 2 * (i - 1);
        wr = tw[t]!;
        wi = tw[t + 1]!;
      }
      const c0 = cBase + i * L;
      const h0 = hBase + i * L;
      for (let q = 0; q < L; q += 2) {
        const a = c0 + q;
        const o = h0 + q;
        const ar = cc[a]!, ai = cc[a + 1]!, br = cc[a + jc]!, bi = cc[a + jc + 1]!;
        ch[o] = ar + br;
        ch[o + 1] = ai + bi;
        const dr = ar - br, di = ai - bi;
        ch[o + jh] = dr * wr - di * wi;
        ch[o + jh + 1] = dr * wi + di * wr;
      }
    }
  }
}

/** Radix 4 with twiddles (ido > 1). */
function pass4Twiddled(
  ido: number, l1: number, B: number, cc: Float64Array, ch: Float64Array,
  tw: Float64Array, tOff: number, sg: number,
): void {
  const L = 2 * B;
  const jc = ido * L;
  const jh = l1 * ido * L;
  const tStep = 2 * (ido - 1);
  for (let k = 0; k < l1; k++) {
    const cBase = 4 * k * jc;
    const hBase = k * jc;
    for (let i = 0; i < ido; i++) {
      let w1r = 1, w1i = 0, w2r = 1, w2i = 0, w3r = 1, w3i = 0;
      if (i > 0) {
        const t = tOff + 2 * (i - 1);
        w1r = tw[t]!; w1i = tw[t + 1]!;
        w2r = tw[t + tStep]!; w2i = tw[t + tStep + 1]!;
        w3r = tw[t + 2 * tStep]!; w3i = tw[t + 2 * tStep + 1]!;
      }
      const c0 = cBase + i * L;
      const h0 = hBase + i * L;
      for (let q = 0; q < L; q += 2) {
        const a = c0 + q;
        const ar = cc[a]!, ai = cc[a + 1]!;
        const br = cc[a + jc]!, bi = cc[a + jc + 1]!;
        const cr = cc[a + 2 * jc]!, ci = cc[a + 2 * jc + 1]!;
        const dr = cc[a + 3 * jc]!, di = cc[a + 3 * jc + 1]!;
        const t2r = ar + cr, t2i = ai + ci, t1r = ar - cr, t1i = ai - ci;
        const t3r = br + dr, t3i = bi + di;
        const t4r = -sg * (bi - di), t4i = sg * (br - dr); // (b - d) * (sg * i)
        const o = h0 + q;
        ch[o] = t2r + t3r;
        ch[o + 1] = t2i + t3i;
        const x1r = t1r + t4r, x1i = t1i + t4i;
        const x2r = t2r - t3r, x2i = t2i - t3i;
        const x3r = t1r - t4r, x3i = t1i - t4i;
        ch[o + jh] = x1r * w1r - x1i * w1i;
        ch[o + jh + 1] = x1r * w1i + x1i * w1r;
        ch[o + 2 * jh] = x2r * w2r - x2i * w2i;
        ch[o + 2 * jh + 1] = x2r * w2i + x2i * w2r;
        ch[o + 3 * jh] = x3r * w3r - x3i * w3i;
        ch[o + 3 * jh + 1] = x3r * w3i + x3i * w3r;
      }
    }
  }
}

/** Radix 4 without twiddles (the last pass, ido = 1). */
function pass4Plain(l1: number, B: number, cc: Float64Array, ch: Float64Array, sg: number): void {
  const L = 2 * B;
  const jh = l1 * L;
  for (let k = 0; k < l1; k++) {
    const cBase = 4 * k * L;
    const hBase = k * L;
    for (let q = 0; q < L; q += 2) {
      const a = cBase + q;
      const ar = cc[a]!, ai = cc[a + 1]!;
      const br = cc[a + L]!, bi = cc[a + L + 1]!;
      const cr = cc[a + 2 * L]!, ci = cc[a + 2 * L + 1]!;
      const dr = cc[a + 3 * L]!, di = cc[a + 3 * L + 1]!;
      const t2r = ar + cr, t2i = ai + ci, t1r = ar - cr, t1i = ai - ci;
      const t3r = br + dr, t3i = bi + di;
      const t4r = -sg * (bi - di), t4i = sg * (br - dr);
      const o = hBase + q;
      ch[o] = t2r + t3r;
      ch[o + 1] = t2i + t3i;
      ch[o + jh] = t1r + t4r;
      ch[o + jh + 1] = t1i + t4i;
      ch[o + 2 * jh] = t2r - t3r;
      ch[o + 2 * jh + 1] = t2i - t3i;
      ch[o + 3 * jh] = t1r - t4r;
      ch[o + 3 * jh + 1] = t1i - t4i;
    }
  }
}

/**
 * Radix 4.
 * @example
 * ```ts
 * pass4(ido, l1, B, cc, ch, tw, tOff, -1);
 * ```
 */
export function pass4(
  ido: number, l1: number, B: number, cc: Float64Array, ch: Float64Array,
  tw: Float64Array, tOff: number, sg: number,
): void {
  if (ido === 1) pass4Plain(l1, B, cc, ch, sg);
  else pass4Twiddled(ido, l1, B, cc, ch, tw, tOff, sg);
}

const SIN60 = 0.8660254037844386;

/**
 * Radix 3.
 * @example
 * ```ts
 * pass3(ido, l1, B, cc, ch, tw, tOff, -1);
 * ```
 */
export function pass3(
  ido: number, l1: number, B: number, cc: Float64Array, ch: Float64Array,
  tw: Float64Array, tOff: number, sg: number,
): void {
  const L = 2 * B;
  const jc = ido * L;
  const jh = l1 * ido * L;
  const tStep = 2 * (ido - 1);
  const s = sg * SIN60;
  for (let k = 0; k < l1; k++) {
    const cBase = 3 * k * jc;
    const hBase = k * jc;
    for (let i = 0; i < ido; i++) {
      let w1r = 1, w1i = 0, w2r = 1, w2i = 0;
      if (i > 0) {
        const t = tOff + 2 * (i - 1);
        w1r = tw[t]!; w1i = tw[t + 1]!;
        w2r = tw[t + tStep]!; w2i = tw[t + tStep + 1]!;
      }
      const c0 = cBase + i * L;
      const h0 = hBase + i * L;
      for (let q = 0; q < L; q += 2) {
        const a = c0 + q;
        const ar = cc[a]!, ai = cc[a + 1]!;
        const br = cc[a + jc]!, bi = cc[a + jc + 1]!;
        const cr = cc[a + 2 * jc]!, ci = cc[a + 2 * jc + 1]!;
        const t1r = br + cr, t1i = bi + ci, t2r = br - cr, t2i = bi - ci;
        const o = h0 + q;
        ch[o] = ar + t1r;
        ch[o + 1] = ai + t1i;
        const car = ar - 0.5 * t1r, cai = ai - 0.5 * t1i;
        const cbr = -s * t2i, cbi = s * t2r;
        const x1r = car + cbr, x1i = cai + cbi, x2r = car - cbr, x2i = cai - cbi;
        ch[o + jh] = x1r * w1r - x1i * w1i;
        ch[o + jh + 1] = x1r * w1i + x1i * w1r;
        ch[o + 2 * jh] = x2r * w2r - x2i * w2i;
        ch[o + 2 * jh + 1] = x2r * w2i + x2i * w2r;
      }
    }
  }
}
