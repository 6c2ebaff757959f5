/**
 * Transform lengths: `nextFastLen` matches `scipy.fft.next_fast_len` (5-smooth numbers for
 * real transforms, 11-smooth for complex ones), plus the factorisation and cost model the
 * plans use to choose between mixed-radix passes and Bluestein (pocketfft's heuristic).
 * @module
 */
import { ValueError, show } from "../core/errors.js";

/**
 * The smallest length `>= target` that the FFT handles fastest, as
 * `scipy.fft.next_fast_len(target, real)`: a 5-smooth number (2^a 3^b 5^c) when `real` is
 * true, an 11-smooth number (also 7 and 11 as factors) otherwise. `nextFastLen(0)` is 0.
 * Pad to `nextFastLen(n, true)` for `rfftn`: radices 2, 3, 4 and 5 have hand-written passes.
 * @param target - a non-negative integer
 * @param real - whether the length is for a real transform (default false, as scipy)
 * @throws {ValueError} if `target` is negative or not an integer
 * @example
 * ```ts
 * nextFastLen(97);       // 98 (2 * 7 * 7)
 * nextFastLen(97, true); // 100 (2^2 * 5^2)
 * ```
 */
export function nextFastLen(target: number, real = false): number {
  if (!Number.isSafeInteger(target) || target < 0) {
    throw new ValueError(
      "nextFastLen",
      `target must be a non-negative integer; got ${show(target)}. Pass a transform length such as 97`,
    );
  }
  if (target <= 6) return target;
  return real ? smooth5(target) : smooth11(target);
}

function smooth5(n: number): number {
  if ((n & (n - 1)) === 0) return n;
  let best = 2 ** Math.ceil(Math.log2(n));
  for (let f5 = 1; f5 < best; f5 *= 5) {
    for (let f35 = f5; f35 < best; f35 *= 3) {
      // the smallest power of two lifting f35 to n or beyond
      let x = f35;
      while (x < n) x *= 2;
      if (x < best) best = x;
      if (x === n) return n;
    }
  }
  return best;
}

function smooth11(n: number): number {
  let best = smooth5(n);
  for (let f11 = 1; f11 < best; f11 *= 11) {
    for (let f7 = f11; f7 < best; f7 *= 7) {
      for (let f5 = f7; f5 < best; f5 *= 5) {
        for (let f3 = f5; f3 < best; f3 *= 3) {
          let x = f3;
          while (x < n) x *= 2;
          if (x < best) best = x;
          if (x === n) return n;
        }
      }
    }
  }
  return best;
}

/**
 * The radices of the mixed-radix passes for length `n`, in execution order: the power of two
 * as eights and fours (2^4 = 4 * 4, 2^5 = 8 * 4, 2^6 = 8 * 8, ...; a lone 2 when it is 2^1),
 * then odd primes ascending (pocketfft's order; the reverse order measured no different).
 * @example
 * ```ts
 * radixFactors(576); // [8, 8, 3, 3]
 * ```
 */
export function radixFactors(n: number): number[] {
  const out: number[] = [];
  let m = n;
  let k = 0;
  while (m % 2 === 0) {
    k++;
    m /= 2;
  }
  if (k === 1) out.push(2);
  else if (k > 1) {
    const fours = k % 3 === 1 ? 2 : k % 3 === 2 ? 1 : 0;
    for (let e = 0; e < (k - 2 * fours) / 3; e++) out.push(8);
    for (let e = 0; e < fours; e++) out.push(4);
  }
  for (let p = 3; p * p <= m; p += 2) {
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
  }
  if (m > 1) out.push(m);
  return out;
}

/**
 * pocketfft's operation-count estimate for a mixed-radix transform of length `n`.
 * @example
 * ```ts
 * costGuess(97) > costGuess(100); // true
 * ```
 */
export function costGuess(n: number): number {
  const penalty = 1.1; // larger primes have no hand-written pass
  let m = n;
  let result = 0;
  while (m % 2 === 0) {
    result += 2;
    m /= 2;
  }
  for (let x = 3; x * x <= m; x += 2) {
    while (m % x === 0) {
      result += x <= 5 ? x : penalty * x;
      m /= x;
    }
  }
  if (m > 1) result += m <= 5 ? m : penalty * m;
  return result * n;
}

/**
 * Whether Bluestein's algorithm beats mixed-radix passes for length `n` (pocketfft's rule).
 * @example
 * ```ts
 * prefersBluestein(97); // true
 * ```
 */
export function prefersBluestein(n: number): boolean {
  if (n < 50) return false;
  const direct = costGuess(n);
  const chirp = 2 * costGuess(smooth5(2 * n - 1)) * 1.5;
  return chirp < direct;
}

/**
 * The convolution length Bluestein uses for length `n`: a 5-smooth length >= 2n - 1.
 * @example
 * ```ts
 * bluesteinLength(97); // 200
 * ```
 */
export function bluesteinLength(n: number): number {
  return smooth5(2 * n - 1);
}
