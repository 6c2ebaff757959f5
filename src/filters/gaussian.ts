/**
 * Gaussian smoothing: `gaussianFilter` matches `scipy.ndimage.gaussian_filter(input, sigma,
 * mode=..., cval=..., truncate=...)` (scipy 1.10, order 0): separable 1-D correlations, axis 0
 * first, with the float64 kernel `exp(-x^2 / (2 sigma^2))` normalised to sum 1 over
 * `x = -r..r`, `r = int(truncate * sigma + 0.5)`.
 *
 * Invariants (scipy's): the result has the input's dtype, and so does every intermediate pass
 * (a float32 image is rounded to float32 between passes; integer images truncate between
 * passes); axes with `sigma <= 1e-15` are skipped; a constant image stays constant in every
 * mode but "constant". Memory: the output plus one line of float64 scratch.
 * @module
 */
import { copyInto, emptyBlock, type Block, type BlockLike } from "../core/ndarray.js";
import { defineKernel } from "../graph/kernel.js";
import { blockArg, checkKeys, modeOption, numberOption, perAxis, type BoundaryMode } from "./common.js";
import { correlate1dInto } from "./convolve.js";

/**
 * Options of {@link gaussianFilter}.
 * @example
 * ```ts
 * const options: GaussianOptions = { sigma: [1, 2, 2], truncate: 3, mode: "nearest" };
 * ```
 */
export interface GaussianOptions {
  /** Standard deviation in voxels, one number or one per axis (>= 0). */
  readonly sigma: number | readonly number[];
  /** Kernel radius in standard deviations (default 4.0): radius `int(truncate * sigma + 0.5)`. */
  readonly truncate?: number;
  /** Boundary mode (default "reflect"), or one per axis. */
  readonly mode?: BoundaryMode | readonly BoundaryMode[] | string;
  /** Value outside the image for mode "constant" (default 0). */
  readonly cval?: number;
}

const KEYS = ["sigma", "truncate", "mode", "cval"];

/**
 * The kernel radius scipy uses for one axis: `int(truncate * sigma + 0.5)`.
 * @example
 * ```ts
 * gaussianRadius(1.5, 4); // 6
 * ```
 */
export function gaussianRadius(sigma: number, truncate = 4): number {
  return Math.trunc(truncate * sigma + 0.5);
}

/**
 * The normalised 1-D Gaussian weights of `scipy.ndimage._gaussian_kernel1d(sigma, 0, radius)`.
 * @example
 * ```ts
 * gaussianKernel1d(1, 4).length; // 9
 * ```
 */
export function gaussianKernel1d(sigma: number, radius: number): Float64Array {
  const w = new Float64Array(2 * radius + 1);
  const s2 = sigma * sigma;
  let sum = 0;
  for (let i = 0; i < w.length; i++) {
    const x = i - radius;
    w[i] = Math.exp((-0.5 / s2) * x * x);
    sum += w[i]!;
  }
  for (let i = 0; i < w.length; i++) w[i]! /= sum;
  return w;
}

/**
 * Gaussian filter, as `scipy.ndimage.gaussian_filter` (order 0).
 * @param image - any-dtype block; the result has the same dtype and shape
 * @param options - `sigma` (required), `truncate` (default 4), `mode` (default "reflect"), `cval` (default 0)
 * @throws {ValueError} for a negative or missing sigma, a non-positive truncate or a bad mode
 * @example
 * ```ts
 * const smooth = gaussianFilter(image, { sigma: 2 });
 * const anisotropic = gaussianFilter(volume, { sigma: [0.5, 2, 2], mode: "nearest" });
 * ```
 */
export const gaussianFilter = defineKernel(import.meta.url, "gaussianFilter", function gaussianFilter(image: Block | BlockLike, options: GaussianOptions): Block {
  const fn = "gaussianFilter";
  const x = blockArg(fn, "image", image);
  const o = checkKeys(fn, options, KEYS);
  const nd = x.shape.length;
  const sigmas = perAxis(fn, "sigma", o.sigma, nd, (v) => Number.isFinite(v) && v >= 0, "are finite and >= 0");
  const truncate = numberOption(fn, "truncate", o.truncate, 4, (v) => Number.isFinite(v) && v > 0, "be a positive finite number");
  const modes = modeOption(fn, o.mode, nd, "reflect");
  const cval = numberOption(fn, "cval", o.cval, 0);
  const out = emptyBlock(x.dtype, x.shape);
  let src: Block = x;
  for (let d = 0; d < nd; d++) {
    const s = sigmas[d]!;
    if (s <= 1e-15) continue;
    correlate1dInto(src, out, d, gaussianKernel1d(s, gaussianRadius(s, truncate)), modes[d]!, cval);
    src = out;
  }
  if (src === x) copyInto(out, x);
  return out;
});

/**
 * The halo `gaussianFilter` needs per axis: `int(truncate * sigma + 0.5)` voxels each side.
 * @example
 * ```ts
 * gaussianDepth({ sigma: [1, 2] }, 2); // [4, 8]
 * ```
 */
export function gaussianDepth(options: GaussianOptions, ndim: number): number[] {
  const o = checkKeys("gaussianFilter", options, KEYS);
  const sigmas = perAxis("gaussianFilter", "sigma", o.sigma, ndim, (v) => Number.isFinite(v) && v >= 0, "are finite and >= 0");
  const truncate = numberOption("gaussianFilter", "truncate", o.truncate, 4);
  return sigmas.map((s) => (s <= 1e-15 ? 0 : gaussianRadius(s, truncate)));
}
