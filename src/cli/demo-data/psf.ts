/**
 * Point spread function models for the demo, as float32 blocks (z, y, x) that sum to 1, with
 * the peak at the centre voxel `(n - 1) / 2` of each axis (between two voxels for even sizes).
 *
 * `gaussianPsf` samples a separable Gaussian at voxel centres (as
 * `skimage`'s and `scipy.ndimage`'s Gaussian kernels do), then normalises.
 *
 * `lightSheetPsf` is a light-sheet system PSF: detection PSF times the sheet's excitation
 * profile. It is a model that gets the widths and the shape right, not a vectorial or
 * Gibson-Lanni calculation:
 * - Lateral, in focus: the paraxial Airy pattern `(2 J1(v) / v)^2`, `v = 2 pi NA r / lambda`
 *   (FWHM 0.514 lambda / NA, first dark ring at 0.61 lambda / NA), exact for a
 *   scalar, aberration-free, paraxial objective.
 * - Axial: Born and Wolf's on-axis widefield intensity is `sinc^2(u / 4)` with
 *   `u = 2 pi NA^2 z / (n lambda)`; it is replaced by the Lorentzian `1 / (1 + (z / zR)^2)`
 *   with the same FWHM (`zR = 0.886 n lambda / NA^2`), which drops the weak axial side lobes.
 * - Defocus: the Airy pattern is widened by `sqrt(1 + (z / zR)^2)` while its peak falls as the
 *   Lorentzian, so every z-plane holds the same energy, as in a real widefield PSF, and far
 *   from focus the pattern grows linearly with |z| like the geometric light cone. The true
 *   defocused pattern's rings (a flat disc with Fresnel rings) are not reproduced.
 * - Excitation: the light sheet's Gaussian profile `exp(-z^2 / (2 sheetSigma^2))` along the
 *   detection axis, assumed uniform in x and y over the PSF's extent (its Rayleigh range is
 *   much longer than the PSF box) and perfectly aligned with the focal plane.
 * - Sampling: each voxel is the mean of `oversample^3` point samples inside it, so PSFs
 *   narrower than a voxel do not alias. No noise, no pixel-size blur of a camera.
 * @module
 */
import { ValueError, show } from "../../core/errors.js";
import { fromTypedArray, type Block } from "../../core/ndarray.js";
import { airy } from "./special.js";

/**
 * A separable Gaussian PSF sampled at voxel centres and normalised to sum 1.
 * @param shape - the PSF's shape, e.g. `[17, 25, 25]` (any rank)
 * @param sigma - the standard deviation per axis in voxels, one per axis of `shape`
 * @throws {ValueError} if `shape` is not positive integers or `sigma` not positive numbers
 * @example
 * ```ts
 * const psf = gaussianPsf([17, 25, 25], [2.5, 1.5, 1.5]); // float32, sums to 1
 * ```
 */
export function gaussianPsf(shape: readonly number[], sigma: readonly number[]): Block<"float32"> {
  const fn = "gaussianPsf";
  checkShape(fn, shape, shape.length);
  if (!Array.isArray(sigma) || sigma.length !== shape.length || sigma.some((s) => typeof s !== "number" || !(s > 0) || !Number.isFinite(s))) {
    throw new ValueError(fn, `sigma must be ${shape.length} positive numbers (one per axis, in voxels); got ${show(sigma)}. Pass e.g. [2.5, 1.5, 1.5]`);
  }
  const profiles = shape.map((n, ax) => {
    const c = (n - 1) / 2;
    const s = sigma[ax]!;
    return Float64Array.from({ length: n }, (_, i) => Math.exp(-((i - c) ** 2) / (2 * s * s)));
  });
  const total = profiles.reduce((p, f) => p * f.reduce((a, b) => a + b, 0), 1);
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  for (let flat = 0; flat < size; flat++) {
    let rest = flat;
    let v = 1;
    for (let ax = shape.length - 1; ax >= 0; ax--) {
      const n = shape[ax]!;
      v *= profiles[ax]![rest % n]!;
      rest = Math.floor(rest / n);
    }
    out[flat] = v / total;
  }
  return fromTypedArray("float32", out, shape);
}

/**
 * Options of {@link lightSheetPsf}. Lengths are in micrometres.
 * @example
 * ```ts
 * const options: LightSheetPsfOptions = { wavelength: 0.52, na: 0.8, sheetSigma: 0.5, voxelSize: [0.25, 0.1, 0.1] };
 * ```
 */
export interface LightSheetPsfOptions {
  /** Emission wavelength in vacuum, e.g. 0.52 for GFP. */
  readonly wavelength: number;
  /** Numerical aperture of the detection objective, below `refractiveIndex`. */
  readonly na: number;
  /** Standard deviation of the sheet's Gaussian profile along z (1/e^2 half-width is twice it). */
  readonly sheetSigma: number;
  /** Voxel size (z, y, x). */
  readonly voxelSize: readonly [number, number, number] | readonly number[];
  /** Refractive index of the immersion medium (default 1.33, water). */
  readonly refractiveIndex?: number;
  /** Point samples per voxel and axis (default 3). */
  readonly oversample?: number;
}

/**
 * Theoretical full widths at half maximum of {@link lightSheetPsf}, in micrometres.
 * @example
 * ```ts
 * const w: PsfWidths = { lateral: 0.33, axial: 0.9 };
 * ```
 */
export interface PsfWidths {
  /** Lateral FWHM in the focal plane (the Airy pattern's, 0.514 lambda / NA). */
  readonly lateral: number;
  /** Axial FWHM on the optical axis (detection Lorentzian times the sheet's Gaussian). */
  readonly axial: number;
}

const FN = "lightSheetPsf";

/**
 * A light-sheet PSF (z, y, x): a widefield detection PSF (Airy lateral profile, Lorentzian
 * axial profile, constant energy per plane) times the sheet's Gaussian excitation along z,
 * each voxel averaged over `oversample^3` samples, normalised to sum 1. See the module notes
 * for what the model leaves out.
 * @param shape - the PSF's shape (z, y, x), e.g. `[17, 31, 31]`
 * @param options - `wavelength`, `na`, `sheetSigma`, `voxelSize`, `refractiveIndex`, `oversample`
 * @throws {ValueError} for a shape that is not three positive integers, a non-positive length,
 *   or `na` not below `refractiveIndex`
 * @example
 * ```ts
 * const psf = lightSheetPsf([17, 31, 31], { wavelength: 0.52, na: 0.8, sheetSigma: 0.5, voxelSize: [0.25, 0.1, 0.1] });
 * ```
 */
export function lightSheetPsf(shape: readonly number[], options: LightSheetPsfOptions): Block<"float32"> {
  checkShape(FN, shape, 3);
  const { wavelength, na, sheetSigma, voxelSize, n, oversample } = checkOptions(options);
  const [nz, ny, nx] = shape as [number, number, number];
  const zR = rayleighRange(wavelength, na, n);
  const vPerUm = (2 * Math.PI * na) / wavelength;
  const sub = Array.from({ length: oversample }, (_, k) => (k + 0.5) / oversample - 0.5);
  const coords = (count: number, step: number): Float64Array => {
    const c = (count - 1) / 2;
    const out = new Float64Array(count * oversample);
    for (let i = 0; i < count; i++) for (let k = 0; k < oversample; k++) out[i * oversample + k] = (i - c + sub[k]!) * step;
    return out;
  };
  const zs = coords(nz, voxelSize[0]!);
  const ys = coords(ny, voxelSize[1]!);
  const xs = coords(nx, voxelSize[2]!);
  const out = new Float64Array(nz * ny * nx);
  const plane = new Float64Array(ny * nx);
  for (let zi = 0; zi < zs.length; zi++) {
    const z = zs[zi]!;
    const defocus = 1 + (z / zR) ** 2;
    const weight = Math.exp(-(z * z) / (2 * sheetSigma * sheetSigma)) / defocus;
    const scale = vPerUm / Math.sqrt(defocus);
    plane.fill(0);
    for (let yi = 0; yi < ys.length; yi++) {
      const y2 = ys[yi]! ** 2;
      const row = Math.floor(yi / oversample) * nx;
      for (let xi = 0; xi < xs.length; xi++) {
        plane[row + Math.floor(xi / oversample)]! += airy(scale * Math.sqrt(y2 + xs[xi]! ** 2));
      }
    }
    const base = Math.floor(zi / oversample) * ny * nx;
    for (let p = 0; p < plane.length; p++) out[base + p]! += weight * plane[p]!;
  }
  return normalised(out, shape);
}

/**
 * The FWHMs {@link lightSheetPsf} is built to have, before voxel sampling.
 * @param options - as {@link lightSheetPsf} (`voxelSize` and `oversample` are not used)
 * @throws {ValueError} as {@link lightSheetPsf}
 * @example
 * ```ts
 * lightSheetPsfWidths({ wavelength: 0.52, na: 0.8, sheetSigma: 0.5, voxelSize: [1, 1, 1] });
 * // { lateral: 0.334..., axial: ... }
 * ```
 */
export function lightSheetPsfWidths(options: LightSheetPsfOptions): PsfWidths {
  const { wavelength, na, sheetSigma, n } = checkOptions(options);
  const zR = rayleighRange(wavelength, na, n);
  // On-axis profile f(z) = exp(-z^2 / 2s^2) / (1 + (z/zR)^2) falls monotonically: bisect f = 1/2.
  let lo = 0;
  let hi = Math.min(zR, sheetSigma * 1.1774100225154747) * 2;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (Math.exp(-(mid * mid) / (2 * sheetSigma * sheetSigma)) / (1 + (mid / zR) ** 2) > 0.5) lo = mid;
    else hi = mid;
  }
  return { lateral: (2 * 1.616339948310703 * wavelength) / (2 * Math.PI * na), axial: 2 * lo };
}

/** Half the FWHM of Born and Wolf's on-axis sinc^2(u/4): u/4 = 1.39156 at half maximum. */
function rayleighRange(wavelength: number, na: number, n: number): number {
  return (4 * 1.391557377251 * n * wavelength) / (2 * Math.PI * na * na);
}

function normalised(values: Float64Array, shape: readonly number[]): Block<"float32"> {
  let total = 0;
  for (const v of values) total += v;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! / total;
  return fromTypedArray("float32", out, shape);
}

function checkShape(fn: string, shape: readonly number[], rank: number): void {
  if (!Array.isArray(shape) || shape.length !== rank || rank === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ValueError(fn, `shape must be ${rank === 3 ? "three" : "one or more"} positive integers (z, y, x); got ${show(shape)}. Pass e.g. [17, 31, 31]`);
  }
}

function checkOptions(options: LightSheetPsfOptions): {
  wavelength: number; na: number; sheetSigma: number; voxelSize: readonly number[]; n: number; oversample: number;
} {
  if (typeof options !== "object" || options === null) {
    throw new ValueError(FN, `options must be an object with wavelength, na, sheetSigma and voxelSize; got ${show(options)}. Pass e.g. { wavelength: 0.52, na: 0.8, sheetSigma: 0.5, voxelSize: [0.25, 0.1, 0.1] }`);
  }
  const positive = (name: string, v: unknown): number => {
    if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) {
      throw new ValueError(FN, `${name} must be a positive number (micrometres for lengths); got ${show(v)}. Pass e.g. wavelength 0.52, na 0.8, sheetSigma 0.5`);
    }
    return v;
  };
  const wavelength = positive("wavelength", options.wavelength);
  const na = positive("na", options.na);
  const sheetSigma = positive("sheetSigma", options.sheetSigma);
  const n = positive("refractiveIndex", options.refractiveIndex ?? 1.33);
  if (na >= n) {
    throw new ValueError(FN, `na must be below the refractive index ${n}; got ${na}. Pass the objective's NA, e.g. 0.8 in water`);
  }
  const { voxelSize } = options;
  if (!Array.isArray(voxelSize) || voxelSize.length !== 3) {
    throw new ValueError(FN, `voxelSize must be three positive numbers (z, y, x) in micrometres; got ${show(voxelSize)}. Pass e.g. [0.25, 0.1, 0.1]`);
  }
  voxelSize.forEach((v, i) => positive(`voxelSize[${i}]`, v));
  const oversample = options.oversample ?? 3;
  if (!Number.isInteger(oversample) || oversample < 1 || oversample > 16) {
    throw new ValueError(FN, `oversample must be an integer from 1 to 16; got ${show(oversample)}. Pass 3 for smooth sampling or 1 for point samples`);
  }
  return { wavelength, na, sheetSigma, voxelSize, n, oversample };
}
