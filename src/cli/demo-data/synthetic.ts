/**
 * `syntheticStack`: a realistic-looking synthetic light-sheet dataset with known ground truth,
 * the demo's input. A specimen of beads and filaments (see scene.ts) is drawn per channel and
 * timepoint, blurred with that channel's PSF (FFT convolution, zero outside the volume), and
 * recorded as a camera would: `noisy = clip(round(Poisson(blurred + background) +
 * Normal(0, readNoise)), 0, 65535)` as uint16.
 *
 * Units: `truth` and `blurred` are in expected photo-electrons per voxel (so `blurred` is
 * exactly what deconvolution should recover `truth` from, after subtracting `background`);
 * each channel is scaled so that its blurred maximum at t = 0 is `photons`. Channels differ in
 * emission wavelength (0.52, 0.61, 0.68, 0.45 um), so their PSFs differ in width.
 *
 * Deterministic: the same options give bit-identical output on every platform Node runs on
 * (V8 computes `Math.log`, `Math.exp` and `Math.cos` identically everywhere; see random.ts).
 * @module
 */
import { ValueError, show } from "../../core/errors.js";
import { fromTypedArray, type Block } from "../../core/ndarray.js";
import { createBlur } from "./blur.js";
import { gaussianPsf, lightSheetPsf, lightSheetPsfWidths } from "./psf.js";
import { createRng } from "./random.js";
import { makeScene, renderFrame } from "./scene.js";

/**
 * The preset sizes: "small" (2, 3, 32, 128, 128) and "medium" (2, 4, 48, 256, 256).
 * @example
 * ```ts
 * const size: SyntheticSize = "medium";
 * ```
 */
export type SyntheticSize = "small" | "medium";

/**
 * Options of {@link syntheticStack}; every field has a default (the "small" preset).
 * @example
 * ```ts
 * const options: SyntheticOptions = { size: "medium", seed: 7, psf: "gaussian" };
 * ```
 */
export interface SyntheticOptions {
  /** A preset for `channels`, `timepoints`, `shape`, `beads` and `filaments` (default "small"). */
  readonly size?: SyntheticSize;
  readonly channels?: number;
  readonly timepoints?: number;
  /** Volume shape (z, y, x). */
  readonly shape?: readonly [number, number, number] | readonly number[];
  /** Seed of every random choice (default 0). */
  readonly seed?: number;
  /** Number of beads. */
  readonly beads?: number;
  /** Number of filaments (dealt round-robin to the channels). */
  readonly filaments?: number;
  /** PSF model: "light-sheet" (default, see psf.ts) or "gaussian" with the same FWHMs. */
  readonly psf?: "light-sheet" | "gaussian";
  /** PSF shape (z, y, x), odd sizes (default [17, 31, 31]). */
  readonly psfShape?: readonly [number, number, number] | readonly number[];
  /** Expected photons at each channel's brightest blurred voxel (default 400). */
  readonly photons?: number;
  /** Mean background per voxel in counts, camera offset plus stray light (default 100). */
  readonly background?: number;
  /** Camera read noise, standard deviation in counts (default 1.5). */
  readonly readNoise?: number;
  /** Voxel size (z, y, x) in micrometres (default [0.25, 0.1, 0.1]). */
  readonly voxelSize?: readonly [number, number, number] | readonly number[];
  /** Detection NA (default 0.8, in water). */
  readonly na?: number;
  /** Standard deviation of the light sheet's thickness profile, micrometres (default 0.4). */
  readonly sheetSigma?: number;
}

/**
 * The dataset. Every block is C-contiguous and owns its data.
 * @example
 * ```ts
 * const { noisy, psfs } = syntheticStack({ seed: 1 }); // uint16 (2, 3, 32, 128, 128), float32 (2, 17, 31, 31)
 * ```
 */
export interface SyntheticStack {
  /** Ground truth (c, t, z, y, x), float32, photons per voxel before blurring. */
  readonly truth: Block<"float32">;
  /** `truth` convolved with each channel's PSF (c, t, z, y, x), float32, no background. */
  readonly blurred: Block<"float32">;
  /** The recorded data (c, t, z, y, x), uint16: Poisson and read noise on blurred + background. */
  readonly noisy: Block<"uint16">;
  /** The PSF of each channel (c, z, y, x), float32, each summing to 1. */
  readonly psfs: Block<"float32">;
  /** A measured-looking PSF per channel (c, z, y, x), uint16: peak about 4000 counts, same background and noise. */
  readonly measuredPsfs: Block<"uint16">;
  /** The mean background added before noise, in counts. */
  readonly background: number;
  /** Emission wavelength of each channel, micrometres. */
  readonly wavelengths: readonly number[];
  readonly voxelSize: readonly number[];
}

const FN = "syntheticStack";
const WAVELENGTHS = [0.52, 0.61, 0.68, 0.45];
const PRESETS: Record<SyntheticSize, { channels: number; timepoints: number; shape: number[]; beads: number; filaments: number }> = {
  small: { channels: 2, timepoints: 3, shape: [32, 128, 128], beads: 40, filaments: 24 },
  medium: { channels: 2, timepoints: 4, shape: [48, 256, 256], beads: 150, filaments: 64 },
};

/**
 * Makes the synthetic light-sheet dataset (see the module notes). The "small" preset takes
 * about two seconds, "medium" under ten (one core).
 * @param options - see {@link SyntheticOptions}; all optional
 * @throws {ValueError} for a bad count, shape, PSF shape or physical parameter
 * @example
 * ```ts
 * const data = syntheticStack({ size: "small", seed: 42 });
 * data.noisy.shape;  // [2, 3, 32, 128, 128]
 * data.psfs.shape;   // [2, 17, 31, 31]
 * ```
 */
export function syntheticStack(options: SyntheticOptions = {}): SyntheticStack {
  const o = resolve(options);
  const [nz, ny, nx] = o.shape as [number, number, number];
  const frame = nz * ny * nx;
  const rng = createRng(o.seed);
  const extent: [number, number, number] = [nz * o.voxelSize[0]!, ny * o.voxelSize[1]!, nx * o.voxelSize[2]!];
  const scene = makeScene(rng.fork(), { channels: o.channels, timepoints: o.timepoints, extent, beads: o.beads, filaments: o.filaments });
  const look = { beadSigma: 0.06, filamentSigma: 0.05, filamentDensity: 2.5, bleach: 0.96 };
  const psfFrame = o.psfShape.reduce((a, b) => a * b, 1);
  const frames = o.channels * o.timepoints;
  const truth = new Float32Array(frames * frame);
  const blurred = new Float32Array(frames * frame);
  const psfs = new Float32Array(o.channels * psfFrame);
  for (let c = 0; c < o.channels; c++) {
    const psf = channelPsf(o, WAVELENGTHS[c % WAVELENGTHS.length]! * (1 + 0.1 * Math.floor(c / WAVELENGTHS.length)));
    psfs.set(psf.data, c * psfFrame);
    const blur = createBlur(o.shape, psf);
    let scale = 0;
    for (let t = 0; t < o.timepoints; t++) {
      const at = (c * o.timepoints + t) * frame;
      const volume = fromTypedArray("float32", renderFrame(scene, c, t, o.shape, o.voxelSize, look), o.shape);
      const out = blur(volume).data;
      if (t === 0) {
        let peak = 0;
        for (const v of out) if (v > peak) peak = v;
        scale = peak > 0 ? o.photons / peak : 0;
      }
      for (let i = 0; i < frame; i++) {
        truth[at + i] = volume.data[i]! * scale;
        blurred[at + i] = Math.max(0, out[i]! * scale); // FFT round-off leaves tiny negatives
      }
    }
  }
  const noiseRng = rng.fork();
  const record = (signal: Float32Array): Uint16Array => {
    const counts = new Uint16Array(signal.length);
    for (let i = 0; i < signal.length; i++) {
      const v = Math.round(noiseRng.poisson(signal[i]! + o.background) + (o.readNoise > 0 ? noiseRng.normal(0, o.readNoise) : 0));
      counts[i] = v < 0 ? 0 : v > 65535 ? 65535 : v;
    }
    return counts;
  };
  // A bead image per channel: its peak (the centre voxel, as psfShape is odd) at 4000 counts.
  const measured = record(psfs.map((v, i) => (v * 4000) / psfs[i - (i % psfFrame) + (psfFrame - 1) / 2]!));
  const volumeShape = [o.channels, o.timepoints, nz, ny, nx];
  return {
    truth: fromTypedArray("float32", truth, volumeShape),
    blurred: fromTypedArray("float32", blurred, volumeShape),
    noisy: fromTypedArray("uint16", record(blurred), volumeShape),
    psfs: fromTypedArray("float32", psfs, [o.channels, ...o.psfShape]),
    measuredPsfs: fromTypedArray("uint16", measured, [o.channels, ...o.psfShape]),
    background: o.background,
    wavelengths: Array.from({ length: o.channels }, (_, c) => WAVELENGTHS[c % WAVELENGTHS.length]!),
    voxelSize: [...o.voxelSize],
  };
}

type Resolved = Required<Omit<SyntheticOptions, "size" | "shape" | "psfShape" | "voxelSize">> & {
  shape: number[]; psfShape: number[]; voxelSize: number[];
};

function channelPsf(o: Resolved, wavelength: number): Block<"float32"> {
  const physics = { wavelength, na: o.na, sheetSigma: o.sheetSigma, voxelSize: o.voxelSize };
  if (o.psf === "light-sheet") return lightSheetPsf(o.psfShape, physics);
  // A Gaussian with the light-sheet model's FWHMs: sigma = FWHM / (2 sqrt(2 ln 2)).
  const w = lightSheetPsfWidths(physics);
  const k = 2 * Math.sqrt(2 * Math.LN2);
  return gaussianPsf(o.psfShape, [w.axial / k / o.voxelSize[0]!, w.lateral / k / o.voxelSize[1]!, w.lateral / k / o.voxelSize[2]!]);
}

function resolve(options: SyntheticOptions): Resolved {
  if (typeof options !== "object" || options === null) {
    throw new ValueError(FN, `options must be an object; got ${show(options)}. Pass e.g. { size: "small", seed: 1 }`);
  }
  const size = options.size ?? "small";
  const preset = PRESETS[size];
  if (preset === undefined) {
    throw new ValueError(FN, `size must be "small" or "medium"; got ${show(size)}. Pass one of the presets or an explicit shape`);
  }
  const integer = (name: string, v: number, min: number): number => {
    if (!Number.isSafeInteger(v) || v < min) throw new ValueError(FN, `${name} must be an integer >= ${min}; got ${show(v)}. Pass e.g. ${Math.max(min, 2)}`);
    return v;
  };
  const positive = (name: string, v: number, zeroOk = false): number => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (!zeroOk && v === 0)) {
      throw new ValueError(FN, `${name} must be a ${zeroOk ? "non-negative" : "positive"} number; got ${show(v)}. Pass e.g. ${zeroOk ? 0 : 1}`);
    }
    return v;
  };
  const triple = (name: string, v: readonly number[], check: (x: number) => boolean, hint: string): number[] => {
    if (!Array.isArray(v) || v.length !== 3 || !v.every(check)) throw new ValueError(FN, `${name} must be three ${hint} (z, y, x); got ${show(v)}. Pass e.g. ${name === "voxelSize" ? "[0.25, 0.1, 0.1]" : "[17, 31, 31]"}`);
    return [...v];
  };
  const shape = triple("shape", options.shape ?? preset.shape, (n) => Number.isInteger(n) && n >= 1, "positive integers");
  const psfShape = triple("psfShape", options.psfShape ?? [17, 31, 31], (n) => Number.isInteger(n) && n >= 1 && n % 2 === 1, "odd positive integers");
  const voxelSize = triple("voxelSize", options.voxelSize ?? [0.25, 0.1, 0.1], (n) => typeof n === "number" && n > 0 && Number.isFinite(n), "positive numbers");
  const psf = options.psf ?? "light-sheet";
  if (psf !== "light-sheet" && psf !== "gaussian") {
    throw new ValueError(FN, `psf must be "light-sheet" or "gaussian"; got ${show(psf)}. Pass one of the two models`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new ValueError(FN, `seed must be an integer; got ${show(seed)}. Pass e.g. 42`);
  return {
    channels: integer("channels", options.channels ?? preset.channels, 1),
    timepoints: integer("timepoints", options.timepoints ?? preset.timepoints, 1),
    beads: integer("beads", options.beads ?? preset.beads, 0),
    filaments: integer("filaments", options.filaments ?? preset.filaments, 0),
    shape, psfShape, voxelSize, psf, seed,
    photons: positive("photons", options.photons ?? 400),
    background: positive("background", options.background ?? 100, true),
    readNoise: positive("readNoise", options.readNoise ?? 1.5, true),
    na: positive("na", options.na ?? 0.8),
    sheetSigma: positive("sheetSigma", options.sheetSigma ?? 0.4),
  };
}
