/**
 * Total-variation regularised Richardson-Lucy (Dey et al., "Richardson-Lucy algorithm with
 * total variation regularization for 3D confocal microscope deconvolution", Microscopy
 * Research and Technique 69(4), 2006): the multiplicative update becomes
 *
 *     x_{k+1} = y_k H^T(f / H y_k) / (1 - lambda div(grad y_k / |grad y_k|))
 *
 * with `y_k` the estimate the iteration starts from (the extrapolated point with acceleration).
 *
 * Discretisation (Chambolle's pair, J. Math. Imaging Vision 20, 2004, not Dey's minmod scheme):
 * the gradient by forward differences, 0 past the last sample of each axis (a Neumann edge at the
 * edges of the estimate's domain: the image's for scikit-image's algorithm, the padded one for
 * ITK's); `|grad u| = sqrt(sum_a (d_a u)^2 + eps^2)` with `eps` = 1e-6 (in the image's
 * units: it only matters where the gradient is flat to 1e-6); the divergence by backward
 * differences, the normalised field taken as 0 before the first sample, so it is minus the
 * adjoint of the gradient. Each component of the normalised field lies in [-1, 1], so
 * `|div| <= 2 ndim` and `lambda < 1 / (2 ndim)` keeps the denominator positive: the estimate
 * stays non-negative. Arithmetic in float64 from the stored estimate; the corrected ratio is
 * stored in the storage precision. It runs on the calling thread in TypeScript over the
 * estimate's rows (on the resident engine too), so results do not depend on `threads`. Memory:
 * two slabs of the inverse norms (one step along the first axis), float64.
 * @module
 */
import type { FloatArray } from "./common.js";

/** The `eps` in `|grad u| = sqrt(sum (d_a u)^2 + eps^2)`. */
const TV_EPS = 1e-6;

/**
 * Divides the correction `c` by `1 - lambda div(grad u / |grad u|)` in place (see the module
 * notes). `u` and `c` share the layout: `shape` from offset 0 with strides `stride`.
 * @example
 * ```ts
 * tvDivide(est, work, [12, 20, 18], cStrides([12, 20, 18]), 2e-3); // work /= 1 - lambda div(...)
 * ```
 */
export function tvDivide(u: FloatArray, c: FloatArray, shape: readonly number[], stride: readonly number[], lambda: number): void {
  const nd = shape.length;
  const last = nd - 1;
  const len = shape[last]!, sx = stride[last]!;
  // Inverse norms of the previous and the current slab along axis 0 (one row for 1-D).
  const slab = nd >= 2 ? shape.slice(1).reduce((a, b) => a * b, 1) : len;
  let prev = new Float64Array(slab), cur = new Float64Array(slab);
  // Flat steps within the slab, for the neighbour one back along axis a >= 1.
  const slabStep = new Array<number>(nd).fill(0);
  for (let a = last, q = 1; a >= 1; a--) {
    slabStep[a] = q;
    q *= shape[a]!;
  }
  const outer = shape.slice(0, last);
  const rows = outer.reduce((a, b) => a * b, 1);
  const rowsPerSlab = slab / len;
  const idx = new Array<number>(last).fill(0);
  const hasNext = new Array<boolean>(last), hasPrev = new Array<boolean>(last);
  const eps2 = TV_EPS * TV_EPS;
  for (let r = 0; r < rows; r++) {
    if (r > 0 && r % rowsPerSlab === 0) [prev, cur] = [cur, prev];
    let base = 0;
    for (let a = 0; a < last; a++) {
      base += idx[a]! * stride[a]!;
      hasNext[a] = idx[a]! + 1 < shape[a]!;
      hasPrev[a] = idx[a]! > 0;
    }
    const s0 = (r % rowsPerSlab) * len;
    for (let x = 0; x < len; x++) {
      const j = base + x * sx, s = s0 + x;
      const uj = u[j]!;
      let sq = 0;
      for (let a = 0; a < last; a++) {
        if (hasNext[a]) {
          const d = u[j + stride[a]!]! - uj;
          sq += d * d;
        }
      }
      if (x + 1 < len) {
        const d = u[j + sx]! - uj;
        sq += d * d;
      }
      const inv = 1 / Math.sqrt(sq + eps2);
      cur[s] = inv;
      // Per axis, n_a(j) - n_a(j - e_a): the forward difference at j (0 at the last sample),
      // then the same difference seen from j - e_a (0 before the first sample).
      let div = 0;
      for (let a = 0; a < last; a++) {
        if (hasNext[a]) div += (u[j + stride[a]!]! - uj) * inv;
        if (hasPrev[a]) div -= (uj - u[j - stride[a]!]!) * (a === 0 ? prev[s]! : cur[s - slabStep[a]!]!);
      }
      if (x + 1 < len) div += (u[j + sx]! - uj) * inv;
      if (x > 0) div -= (uj - u[j - sx]!) * cur[s - 1]!;
      c[j] = c[j]! / (1 - lambda * div);
    }
    for (let a = last - 1; a >= 0; a--) {
      if (++idx[a]! < shape[a]!) break;
      idx[a] = 0;
    }
  }
}

/**
 * Checks `regularization` (undefined or `{ tv: lambda }`) for an `ndim`-D image; returns lambda
 * (0: none). `fail` builds the house-template error for a bad value.
 */
export function resolveTv(value: unknown, ndim: number, fail: (what: string) => Error): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "object" || Array.isArray(value) || Object.keys(value).some((key) => key !== "tv")) {
    throw fail("be { tv: lambda }");
  }
  const lambda = (value as { tv?: unknown }).tv ?? 0;
  const max = 1 / (2 * ndim);
  if (typeof lambda !== "number" || !Number.isFinite(lambda) || lambda < 0 || lambda >= max) {
    throw fail(`have tv a finite number in [0, ${max}) for a ${ndim}-D image (typically 1e-4 to 1e-2; below 1 / (2 ndim) the estimate stays non-negative)`);
  }
  return lambda;
}
