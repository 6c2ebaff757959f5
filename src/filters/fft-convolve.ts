/**
 * FFT convolution: `fftConvolve` matches `scipy.signal.fftconvolve(in1, in2, mode)` (scipy
 * 1.10) for real N-D input: zero-padded linear convolution over
 * `nextFastLen(s1 + s2 - 1, real)` per axis, cropped to "full" (`s1 + s2 - 1`), "same" (`s1`,
 * centred: start `(s2 - 1) // 2`) or "valid" (`s1 - s2 + 1`, start `s2 - 1`; the inputs swap
 * when `in2` is larger on every axis, as scipy's).
 *
 * Invariants (scipy's dtype rule): float32 with float32 computes and returns float32; any
 * other mix, integers included, computes and returns float64. Both 0-d gives their product;
 * an empty input gives an empty result of shape (0,). Memory: two spectra of the padded shape
 * (about 8 bytes per padded voxel in float32, 16 in float64) plus the output.
 * @module
 */
import { ValueError, show } from "../core/errors.js";
import { sizeOf, type Block, type BlockLike } from "../core/ndarray.js";
import { complexZeros, createRfftnPlan, nextFastLen } from "../fft/index.js";
import { defineKernel } from "../graph/kernel.js";
import { allocFloat, blockArg, checkKeys, floatBlock, floatInput } from "./common.js";
import { multiplySpectra } from "./spectral.js";

/**
 * Options of {@link fftConvolve}.
 * @example
 * ```ts
 * const options: FftConvolveOptions = { mode: "same" };
 * ```
 */
export interface FftConvolveOptions {
  /** Output region (default "full"), as scipy's `mode`. */
  readonly mode?: "full" | "same" | "valid";
}

const MODES = ["full", "same", "valid"];

/**
 * N-D convolution through real FFTs, as `scipy.signal.fftconvolve`.
 * @param image - the first input (`in1`), any real dtype
 * @param kernel - the second input (`in2`), with as many axes as `image`
 * @param options - `mode`: "full" (default), "same" or "valid"
 * @returns float32 when both inputs are float32, else float64
 * @throws {ValueError} for mismatched ranks, an unknown mode, or "valid" shapes where neither input fits inside the other
 * @example
 * ```ts
 * const blurred = fftConvolve(image, psf, { mode: "same" });
 * ```
 */
export const fftConvolve = defineKernel(import.meta.url, "fftConvolve", function fftConvolve(image: Block | BlockLike, kernel: Block | BlockLike, options: FftConvolveOptions = {}): Block {
  const fn = "fftConvolve";
  let a = blockArg(fn, "image", image);
  let b = blockArg(fn, "kernel", kernel);
  const o = checkKeys(fn, options, ["mode"]);
  const mode = o.mode ?? "full";
  if (typeof mode !== "string" || !MODES.includes(mode)) {
    throw new ValueError(fn, `mode must be "full", "same" or "valid"; got ${show(mode)}. Pass one of those`);
  }
  if (a.shape.length !== b.shape.length) {
    throw new ValueError(fn, `kernel must have as many axes as the image (${a.shape.length}); got shape ${show(b.shape)} for image shape ${show(a.shape)}. Add size-1 axes to the smaller one`);
  }
  const dtype = a.dtype === "float32" && b.dtype === "float32" ? "float32" : "float64";
  const nd = a.shape.length;
  if (nd === 0) {
    const v = a.data[a.offset]! * b.data[b.offset]!;
    return floatBlock(dtype === "float32" ? Float32Array.of(v) : Float64Array.of(v), []);
  }
  if (sizeOf(a.shape) === 0 || sizeOf(b.shape) === 0) return floatBlock(allocFloat(dtype, 0), [0]);
  if (mode === "valid") {
    const aFits = a.shape.every((d, i) => d >= b.shape[i]!);
    const bFits = b.shape.every((d, i) => d >= a.shape[i]!);
    if (!aFits && !bFits) {
      throw new ValueError(fn, `image and kernel must, for mode "valid", be at least as large as the other on every axis; got ${show(a.shape)} and ${show(b.shape)}. Use mode "same" or "full"`);
    }
    if (!aFits) [a, b] = [b, a];
  }
  const s1 = a.shape;
  const s2 = b.shape;
  const full = s1.map((d, i) => d + s2[i]! - 1);
  const outShape = mode === "full" ? full : mode === "same" ? [...s1] : s1.map((d, i) => d - s2[i]! + 1);
  const start = full.map((f, i) => Math.floor((f - outShape[i]!) / 2));
  const plan = createRfftnPlan(full.map((f) => nextFastLen(f, true)), { dtype });
  const fa = complexZeros(plan.complexShape, plan.complexDtype);
  const fb = complexZeros(plan.complexShape, plan.complexDtype);
  plan.forward(floatBlock(floatInput(a, dtype).data, s1), fa);
  plan.forward(floatBlock(floatInput(b, dtype).data, s2), fb);
  multiplySpectra(fa.data, fb.data, false);
  const out = floatBlock(allocFloat(dtype, sizeOf(outShape)), outShape);
  plan.inverse(fa, out, { offset: start, overwriteInput: true });
  return out;
});
