/**
 * Natural ordering of file names, so `psf_2.tif` comes before `psf_10.tif`: runs of digits
 * compare by value (then by length, so `01` follows `1`), everything else by code point.
 * The same order as Python's `natsort.natsorted`; pure and deterministic (no locale).
 * @module
 */

const RUNS = /(\d+)/;

/**
 * Compares two strings in natural order; use with `Array.prototype.sort`.
 * @returns a negative number, zero or a positive number, as `sort` expects
 * @example
 * ["psf_10.tif", "psf_2.tif", "psf_1.tif"].sort(naturalCompare); // psf_1, psf_2, psf_10
 */
export function naturalCompare(a: string, b: string): number {
  const x = a.split(RUNS);
  const y = b.split(RUNS);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (p === q) continue;
    // split() with a capture group puts digit runs at odd positions.
    if (i % 2 === 1) {
      const c = compareDigits(p, q);
      if (c !== 0) return c;
    } else {
      return p < q ? -1 : 1;
    }
  }
  if (x.length !== y.length) return x.length - y.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareDigits(p: string, q: string): number {
  const u = p.replace(/^0+/, "");
  const v = q.replace(/^0+/, "");
  if (u.length !== v.length) return u.length - v.length;
  if (u !== v) return u < v ? -1 : 1;
  return p.length - q.length;
}
