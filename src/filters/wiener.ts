/**
 * Wiener-Hunt deconvolution (non-iterative, for comparison with Richardson-Lucy): `wiener`
 * matches `skimage.restoration.wiener(image, psf, balance, reg=None, is_real=True, clip)`
 * (scikit-image 0.19) for 2-D images:
 * `x = irfftn(conj(H) / (|H|^2 + balance |L|^2) * rfftn(image))`, where `H` is the PSF's
 * transform over the image's shape with the PSF's centre `k // 2` rolled to the origin
 * (skimage's `ir2tf`), `L` the transform of the discrete Laplacian (skimage's default `reg`),
 * `|L| = 2 ndim - sum_d 2 cos(2 pi f_d / n_d)`; then clipped to [-1, 1] when `clip`.
 *
 * Invariants: convolution is circular over the image (no padding), as scikit-image's. For N-D
 * images chunkwise transforms all axes; scikit-image 0.19 transforms the image over its last
 * two axes only (`urfft2`) while building `H` over all axes, so the two differ for 3-D input.
 * The PSF must fit inside the image. float32 input computes in float32, float64 in float64.
 * Unlike scikit-image, `clip` defaults to false (as `richardsonLucy`'s): clipping to [-1, 1]
 * turns camera counts into a flat 1; `{ clip: true }` is scikit-image's default exactly.
 * Memory: two half spectra plus the output (about `3 b n` bytes, `b` = 4 or 8).
 * @module
 */
import { ValueError, show } from "../core/errors.js";
import { sizeOf, type Block, type BlockLike } from "../core/ndarray.js";
import { complexZeros, createRfftnPlan } from "../fft/index.js";
import { defineKernel } from "../graph/kernel.js";
import { allocFloat, blockArg, checkKeys, checkNdim, computeDtype, floatBlock, floatInput, numberOption } from "./common.js";
import { multiplyWithDelay } from "./spectral.js";

/**
 * Options of {@link wiener}.
 * @example
 * ```ts
 * const options: WienerOptions = { balance: 0.1, clip: false };
 * ```
 */
export interface WienerOptions {
  /** Regularisation weight (skimage's `balance`, required, >= 0): larger is smoother. */
  readonly balance: number;
  /** Clip the result to [-1, 1] (default false; true is scikit-image's default). */
  readonly clip?: boolean;
}

const FN = "wiener";

/**
 * Wiener-Hunt deconvolution with the Laplacian regulariser, as `skimage.restoration.wiener`.
 * @param image - any-dtype block
 * @param psf - the PSF, same rank, no larger than the image on any axis
 * @param options - `balance` (required), `clip` (default false)
 * @returns float32 or float64 block of the image's shape
 * @throws {ValueError} for a missing or negative balance, mismatched ranks or a PSF larger than the image
 * @example
 * ```ts
 * const restored = wiener(blurred, psf, { balance: 0.05 });
 * ```
 */
export const wiener = defineKernel(import.meta.url, "wiener", function wiener(image: Block | BlockLike, psf: Block | BlockLike, options: WienerOptions): Block {
  const x = blockArg(FN, "image", image);
  const k = blockArg(FN, "psf", psf);
  const o = checkKeys(FN, options, ["balance", "clip"]);
  checkNdim(FN, "psf", k, x.shape.length);
  const n = x.shape;
  if (n.length === 0 || sizeOf(n) === 0 || sizeOf(k.shape) === 0 || k.shape.some((d, i) => d > n[i]!)) {
    throw new ValueError(FN, `psf must be non-empty and fit inside the image; got psf ${show(k.shape)} for image ${show(n)}. Crop the PSF`);
  }
  const balance = numberOption(FN, "balance", o.balance, undefined, (v) => Number.isFinite(v) && v >= 0, "be a finite number >= 0");
  if (o.clip !== undefined && typeof o.clip !== "boolean") throw new ValueError(FN, `clip must be a boolean; got ${show(o.clip)}. Pass true or false`);
  const dtype = computeDtype(x.dtype, k.dtype);
  const plan = createRfftnPlan(n, { dtype });
  const cshape = plan.complexShape;
  const h = complexZeros(cshape, plan.complexDtype);
  plan.forward(floatBlock(floatInput(k, dtype).data, k.shape), h);
  multiplyWithDelay(h.data, undefined, false, cshape, n, k.shape.map((d) => -Math.floor(d / 2)));
  const spec = complexZeros(cshape, plan.complexDtype);
  plan.forward(floatBlock(floatInput(x, dtype).data, n), spec);
  applyWienerFilter(spec.data, h.data, cshape, n, balance);
  const out = floatBlock(allocFloat(dtype, sizeOf(n)), n);
  plan.inverse(spec, out, { overwriteInput: true });
  if (o.clip === true) {
    const d = out.data;
    for (let i = 0; i < d.length; i++) {
      if (d[i]! > 1) d[i] = 1;
      else if (d[i]! < -1) d[i] = -1;
    }
  }
  return out;
});

/** `y *= conj(h) / (|h|^2 + balance * lap^2)`, with the Laplacian's real transform computed per bin. */
function applyWienerFilter(y: Float32Array | Float64Array, h: Float32Array | Float64Array, cshape: readonly number[], n: readonly number[], balance: number): void {
  const nd = cshape.length;
  const cos = cshape.map((m, d) => {
    const t = new Float64Array(m);
    for (let f = 0; f < m; f++) t[f] = 2 * Math.cos((2 * Math.PI * f) / n[d]!);
    return t;
  });
  const m = cshape[nd - 1]!;
  const last = cos[nd - 1]!;
  const rows = y.length / (2 * m);
  const idx = new Array<number>(nd - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let outer = 2 * nd;
    for (let d = 0; d < nd - 1; d++) outer -= cos[d]![idx[d]!]!;
    for (let f = 0; f < m; f++) {
      const k = 2 * (r * m + f);
      const lap = outer - last[f]!;
      const hr = h[k]!;
      const hi = h[k + 1]!;
      const den = hr * hr + hi * hi + balance * lap * lap;
      const wr = hr / den;
      const wi = -hi / den;
      const yr = y[k]!;
      const yi = y[k + 1]!;
      y[k] = yr * wr - yi * wi;
      y[k + 1] = yr * wi + yi * wr;
    }
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d]! < cshape[d]!) break;
      idx[d] = 0;
    }
  }
}
