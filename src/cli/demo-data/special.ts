/**
 * Special functions the demo's PSF and object models need: the Bessel function J1 and the
 * error function. Both are classic rational/polynomial fits, accurate far beyond float32:
 * - `besselJ1` uses the rational fits of Numerical Recipes (2nd ed., `bessj1`, after Hart et
 *   al.), absolute error below 1e-8 for all x (matches `scipy.special.j1` to that tolerance).
 * - `erf` uses its Maclaurin series below |x| = 0.5 and the Chebyshev fit of Numerical
 *   Recipes' `erfcc` above; absolute error below 1.2e-7 (matches `scipy.special.erf` to that
 *   tolerance).
 * @module
 */

/**
 * The Bessel function of the first kind of order one, J1(x).
 * @param x - any real number (J1 is odd)
 * @returns J1(x), absolute error below 1e-8
 * @example
 * ```ts
 * besselJ1(1);         // 0.44005058...
 * besselJ1(3.8317060); // ~0, the first zero (the Airy pattern's first dark ring)
 * ```
 */
export function besselJ1(x: number): number {
  const ax = Math.abs(x);
  if (ax < 8) {
    const y = x * x;
    const num = x * (72362614232.0 + y * (-7895059235.0 + y * (242396853.1 + y * (-2972611.439 + y * (15704.4826 + y * -30.16036606)))));
    const den = 144725228442.0 + y * (2300535178.0 + y * (18583304.74 + y * (99447.43394 + y * (376.9991397 + y))));
    return num / den;
  }
  const z = 8 / ax;
  const y = z * z;
  const xx = ax - 2.356194491;
  const p = 1 + y * (0.183105e-2 + y * (-0.3516396496e-4 + y * (0.2457520174e-5 + y * -0.240337019e-6)));
  const q = 0.04687499995 + y * (-0.2002690873e-3 + y * (0.8449199096e-5 + y * (-0.88228987e-6 + y * 0.105787412e-6)));
  const r = Math.sqrt(0.636619772 / ax) * (Math.cos(xx) * p - z * Math.sin(xx) * q);
  return x < 0 ? -r : r;
}

/**
 * The Airy intensity pattern `(2 J1(v) / v)^2`, 1 at v = 0, first zero at v = 3.8317.
 * @param v - the optical radius `2 pi NA r / wavelength`
 * @example
 * ```ts
 * airy(0); // 1
 * ```
 */
export function airy(v: number): number {
  if (Math.abs(v) < 1e-6) return 1;
  const a = (2 * besselJ1(v)) / v;
  return a * a;
}

/**
 * The error function, erf(x) = 2/sqrt(pi) * integral of exp(-t^2) from 0 to x.
 * @returns erf(x), absolute error below 1.2e-7
 * @example
 * ```ts
 * erf(1); // 0.8427007...
 * ```
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.5) {
    // Maclaurin series: converges fast here and keeps erf's odd symmetry exactly.
    const x2 = x * x;
    return 1.1283791670955126 * x * (1 - x2 * (1 / 3 - x2 * (1 / 10 - x2 * (1 / 42 - x2 * (1 / 216 - x2 / 1320)))));
  }
  // Numerical Recipes' erfc Chebyshev fit (fractional error below 1.2e-7 everywhere).
  const t = 1 / (1 + 0.5 * ax);
  const tau = t * Math.exp(-ax * ax - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - tau : tau - 1;
}
