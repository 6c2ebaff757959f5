/**
 * Blurring a volume with a PSF for the demo data: linear convolution by real FFT, zero
 * padding outside the volume, cropped to the input's shape. Matches
 * `scipy.signal.fftconvolve(volume, psf, mode="same")` (float32 transforms, so to about 1e-6
 * of the volume's maximum). One plan and one PSF spectrum serve every volume of a channel.
 * @module
 */
import { ValueError, show } from "../../core/errors.js";
import { fromTypedArray, type Block } from "../../core/ndarray.js";
import { createRfftnPlan, nextFastLen, type RfftnPlan } from "../../fft/index.js";

/**
 * A reusable "same"-mode FFT convolution with one PSF for volumes of one shape.
 * @example
 * ```ts
 * const blur = createBlur([32, 128, 128], psf);
 * const blurred = blur(truthVolume); // float32 block (32, 128, 128)
 * ```
 */
export type Blur = (volume: Block<"float32">) => Block<"float32">;

/**
 * Prepares {@link Blur} for volumes of `shape` and the PSF `psf` (same rank).
 * @param shape - the volumes' shape, e.g. `[32, 128, 128]`
 * @param psf - a float32 PSF block, C-contiguous, any size (it is not normalised here)
 * @throws {ValueError} if the ranks differ
 * @example
 * ```ts
 * const blur = createBlur([32, 128, 128], gaussianPsf([9, 9, 9], [2, 1, 1]));
 * ```
 */
export function createBlur(shape: readonly number[], psf: Block<"float32">): Blur {
  if (psf.shape.length !== shape.length) {
    throw new ValueError("createBlur", `psf must have the volume's rank ${shape.length}; got shape ${show(psf.shape)}. Pass a (z, y, x) PSF for (z, y, x) volumes`);
  }
  const padded = shape.map((n, ax) => nextFastLen(n + psf.shape[ax]! - 1, true));
  const plan: RfftnPlan = createRfftnPlan(padded, { dtype: "float32" });
  const kernel = plan.forward(psf).data as Float32Array;
  const spectrum = plan.forward(new Float32Array(padded.reduce((a, b) => a * b, 1)));
  const offset = psf.shape.map((m) => (m - 1) >> 1);
  return (volume) => {
    if (volume.shape.length !== shape.length || volume.shape.some((n, ax) => n !== shape[ax])) {
      throw new ValueError("blur", `volume must have shape ${show(shape)}; got ${show(volume.shape)}. Make one blur per volume shape`);
    }
    plan.forward(volume, spectrum);
    const s = spectrum.data as Float32Array;
    for (let i = 0; i < s.length; i += 2) {
      const re = s[i]!;
      const im = s[i + 1]!;
      const kr = kernel[i]!;
      const ki = kernel[i + 1]!;
      s[i] = re * kr - im * ki;
      s[i + 1] = re * ki + im * kr;
    }
    const out = fromTypedArray("float32", new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
    plan.inverse(spectrum, out, { offset, overwriteInput: true });
    return out;
  };
}
