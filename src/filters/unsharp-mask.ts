/**
 * Unsharp masking: `unsharpMask` matches `skimage.filters.unsharp_mask(image, radius, amount,
 * preserve_range=True)` (scikit-image 0.19) for float input:
 * `result = image + (image - gaussian(image, sigma=radius, mode="reflect", truncate=4)) * amount`,
 * with no clipping (preserve_range=True never clips).
 *
 * Invariants: float32 input computes and returns float32, float64 returns float64. Integer
 * input is converted to chunkwise's compute dtype (float32 up to 16 bits, else float64) where
 * scikit-image would use float64. A constant image is returned unchanged.
 * Memory: the output plus one blurred copy (2 buffers of the compute dtype).
 * @module
 */
import { emptyBlock, type Block, type BlockLike } from "../core/ndarray.js";
import { defineKernel } from "../graph/kernel.js";
import { blockArg, checkKeys, computeDtype, floatBlock, floatInput, numberOption, perAxis } from "./common.js";
import { gaussianFilter, gaussianRadius } from "./gaussian.js";

/**
 * Options of {@link unsharpMask}.
 * @example
 * ```ts
 * const options: UnsharpMaskOptions = { radius: 2, amount: 1.5 };
 * ```
 */
export interface UnsharpMaskOptions {
  /** Sigma of the Gaussian blur, one number or one per axis (default 1). */
  readonly radius?: number | readonly number[];
  /** Strength of the sharpening (default 1); may be negative (then it blurs). */
  readonly amount?: number;
}

const KEYS = ["radius", "amount"];

/**
 * Unsharp mask, as `skimage.filters.unsharp_mask(..., preserve_range=True)`.
 * @param image - a float block (integer blocks are converted first)
 * @param options - `radius` (default 1), `amount` (default 1)
 * @returns a float32 or float64 block of the image's shape
 * @throws {ValueError} for a negative radius or a non-finite amount
 * @example
 * ```ts
 * const sharp = unsharpMask(image, { radius: 2, amount: 1 });
 * ```
 */
export const unsharpMask = defineKernel(import.meta.url, "unsharpMask", function unsharpMask(image: Block | BlockLike, options: UnsharpMaskOptions = {}): Block {
  const fn = "unsharpMask";
  const x = blockArg(fn, "image", image);
  const o = checkKeys(fn, options, KEYS);
  const nd = x.shape.length;
  const radius = perAxis(fn, "radius", o.radius ?? 1, nd, (v) => Number.isFinite(v) && v >= 0, "are finite and >= 0");
  const amount = numberOption(fn, "amount", o.amount, 1);
  const dtype = computeDtype(x.dtype);
  const f = floatInput(x, dtype);
  const blurred = gaussianFilter(floatBlock(f.data, x.shape), { sigma: radius, mode: "reflect" });
  const out = emptyBlock(dtype, x.shape);
  const a = f.data;
  const b = blurred.data;
  const r = out.data;
  for (let i = 0; i < a.length; i++) r[i] = a[i]! + (a[i]! - b[i]!) * amount;
  return out;
});

/**
 * The halo `unsharpMask` needs per axis: the Gaussian's radius `int(4 * radius + 0.5)`.
 * @example
 * ```ts
 * unsharpMaskDepth({ radius: 2 }, 3); // [8, 8, 8]
 * ```
 */
export function unsharpMaskDepth(options: UnsharpMaskOptions, ndim: number): number[] {
  const o = checkKeys("unsharpMask", options, KEYS);
  return perAxis("unsharpMask", "radius", o.radius ?? 1, ndim, (v) => Number.isFinite(v) && v >= 0, "are finite and >= 0")
    .map((s) => (s <= 1e-15 ? 0 : gaussianRadius(s, 4)));
}
