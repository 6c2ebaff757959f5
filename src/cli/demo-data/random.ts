/**
 * A small seeded pseudo-random generator for the demo data: xoshiro128** (Blackman and
 * Vigna, 2018) seeded through splitmix32, with uniform, normal and Poisson sampling.
 *
 * Determinism: the integer stream is exact 32-bit arithmetic (`Math.imul`, `>>> 0`), so it is
 * the same on every JavaScript engine. `normal` and `poisson` also call `Math.log`, `Math.cos`,
 * `Math.exp` and `Math.sqrt`; ECMAScript fixes only `sqrt` bit for bit, but V8 (Node, Chrome)
 * computes the others with the same fdlibm port on every CPU and OS, so a seed gives the same
 * samples everywhere Node runs. Another engine may differ in rare last bits.
 *
 * Poisson sampling matches `numpy.random.Generator.poisson` in distribution (not in stream):
 * Knuth's product-of-uniforms method below lambda = 10, Hörmann's PTRS (transformed rejection
 * with squeeze, 1993) from 10 on, which is exact (no normal approximation) at every lambda.
 * @module
 */
import { ValueError, show } from "../../core/errors.js";

/**
 * A seeded random stream; every method advances it.
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.uniform(); rng.normal(0, 2); rng.poisson(120);
 * ```
 */
export interface Rng {
  /** The next 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform double in `[lo, hi)` (default `[0, 1)`), 53 bits of randomness. */
  uniform(lo?: number, hi?: number): number;
  /** An integer in `[0, n)`, without modulo bias. */
  integer(n: number): number;
  /** A normal sample (Box-Muller, both values used). */
  normal(mean?: number, sd?: number): number;
  /** A Poisson sample with mean `lambda >= 0`. */
  poisson(lambda: number): number;
  /** An independent stream derived from this one (for per-object or per-frame streams). */
  fork(): Rng;
}

/**
 * A seeded generator (xoshiro128**, seeded by splitmix32 from `seed`).
 * @param seed - any integer (taken modulo 2^32)
 * @throws {ValueError} if `seed` is not a finite integer
 * @example
 * ```ts
 * const a = createRng(7), b = createRng(7);
 * a.uniform() === b.uniform(); // true
 * ```
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new ValueError("createRng", `seed must be an integer; got ${show(seed)}. Pass e.g. 42`);
  }
  return new Xoshiro128(seed >>> 0);
}

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [s, (z ^ (z >>> 16)) >>> 0];
}

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

class Xoshiro128 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;

  constructor(seed: number) {
    let s = seed;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, word] = splitmix32(s);
      s = next;
      words.push(word);
    }
    [this.a, this.b, this.c, this.d] = words as [number, number, number, number];
    // xoshiro's only bad state is all zeros; splitmix32 cannot give four zero words in a row,
    // but guard anyway so the invariant is local.
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  uniform(lo = 0, hi = 1): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return lo + ((high * 67108864 + low) / TWO_53) * (hi - lo);
  }

  integer(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) {
      throw new ValueError("integer", `n must be an integer in [1, 2^32]; got ${show(n)}. Pass the number of choices`);
    }
    // Rejection of the top partial range removes modulo bias.
    const limit = TWO_32 - (TWO_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  normal(mean = 0, sd = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + sd * z;
    }
    // 32-bit uniforms in (0, 1) are plenty for Box-Muller (tails to 6.7 sd) and never 0.
    const r = Math.sqrt(-2 * Math.log((this.nextUint32() + 0.5) / TWO_32));
    const theta = (2 * Math.PI * this.nextUint32()) / TWO_32;
    this.spare = r * Math.sin(theta);
    return mean + sd * r * Math.cos(theta);
  }

  poisson(lambda: number): number {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) {
      throw new ValueError("poisson", `lambda must be a finite number >= 0; got ${show(lambda)}. Clamp negative expectations to 0`);
    }
    if (lambda === 0) return 0;
    return lambda < 10 ? poissonKnuth(this, lambda) : poissonPtrs(this, lambda);
  }

  /** A 32-bit uniform in [0, 1): enough resolution for the rejection samplers, half the cost. */
  u32(): number {
    return this.nextUint32() / TWO_32;
  }

  fork(): Rng {
    return new Xoshiro128(this.nextUint32() ^ Math.imul(this.nextUint32(), 0x27d4eb2d));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function poissonKnuth(rng: Xoshiro128, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.u32();
  while (p > limit) {
    k++;
    p *= rng.u32();
  }
  return k;
}

/** Hörmann (1993) PTRS, as numpy's `random_poisson_ptrs`; valid for lambda >= 10. */
function poissonPtrs(rng: Xoshiro128, lambda: number): number {
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.u32() - 0.5;
    const v = rng.u32();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k;
  }
}

const LOG_FACTORIAL_TABLE: readonly number[] = (() => {
  const t = [0];
  for (let i = 1; i < 32; i++) t.push(t[i - 1]! + Math.log(i));
  return t;
})();

/**
 * `log(k!)`: a table below 32, Stirling's series with four correction terms above
 * (absolute error below 1e-15 there).
 * @example
 * ```ts
 * logFactorial(5); // Math.log(120)
 * ```
 */
export function logFactorial(k: number): number {
  if (k < 32) return LOG_FACTORIAL_TABLE[k]!;
  const n = k + 1;
  const inv = 1 / n;
  const inv2 = inv * inv;
  return (n - 0.5) * Math.log(n) - n + 0.9189385332046728 + inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)));
}
