/**
 * The demo's pictures: maximum-intensity projections before and after deconvolution, a
 * recorded | deconvolved | truth panel (top view and side view), and the error against the
 * known ground truth per Richardson-Lucy iteration (SVG and PNG), for plain Richardson-Lucy
 * (the run the demo's deconvolution made) and for Biggs-Andrews accelerated Richardson-Lucy
 * with the same options.
 *
 * The error is the relative RMS error `||x - truth|| / ||truth||` over one volume, where
 * `truth` is the specimen in photons before blurring and `x` is in the same units: the
 * recorded counts minus the background for the input, the estimate for each iteration.
 * @module
 */
import { join } from "node:path";
import { copy, index, type Block } from "../index.js";
import { richardsonLucy } from "../filters/index.js";
import { linePlotPng, maxProjection, mipPng, sideBySidePng, writeLinePlotSvg } from "./pictures/index.js";
import type { RlOptions } from "./job-plan.js";

/** One volume of each kind, (z, y, x). */
export interface DemoVolumes {
  /** The recorded counts minus the background, clamped at 0, float32. */
  readonly recorded: Block<"float32">;
  readonly deconvolved: Block;
  readonly truth: Block;
  /** The noise-free blurred volume (for the error figure's reference line). */
  readonly blurred: Block;
  /** The PSF deconvolution used (normalised). */
  readonly psf: Block;
}

/** What the pictures show, in numbers. */
export interface ErrorCurve {
  /** Relative RMS error after iteration i (index 0: the recorded input). */
  readonly errors: readonly number[];
  /** The same with `acceleration: "biggs"`. */
  readonly acceleratedErrors: readonly number[];
  /** The blurred volume without noise. */
  readonly blurredError: number;
  /** The iteration with the lowest error. */
  readonly best: number;
}

/** Relative RMS error of `x` against `truth` (both C-contiguous, same size). */
function relativeError(x: ArrayLike<number>, truth: ArrayLike<number>): number {
  let e = 0;
  let t = 0;
  for (let i = 0; i < truth.length; i++) {
    const d = x[i]! - truth[i]!;
    e += d * d;
    t += truth[i]! * truth[i]!;
  }
  return Math.sqrt(e / Math.max(t, Number.MIN_VALUE));
}

/**
 * Runs Richardson-Lucy eagerly on one volume with `onIteration`, recording the error.
 * @example const curve = errorCurve(volumes, rl);
 */
export function errorCurve(v: DemoVolumes, rl: RlOptions): ErrorCurve {
  const truth = copy(v.truth).data as ArrayLike<number>;
  const run = (acceleration: "none" | "biggs"): number[] => {
    const errors = [relativeError(v.recorded.data, truth)];
    richardsonLucy(v.recorded, v.psf, {
      iterations: rl.iterations,
      init: rl.init,
      boundary: rl.boundary,
      clip: rl.clip,
      filterEpsilon: rl.filterEpsilon,
      acceleration,
      onIteration: (_i, estimate) => errors.push(relativeError(copy(estimate).data as ArrayLike<number>, truth)),
    });
    return errors;
  };
  const errors = run("none");
  const best = errors.reduce((b, e, i) => (e < errors[b]! ? i : b), 0);
  return { errors, acceleratedErrors: run("biggs"), blurredError: relativeError(copy(v.blurred).data as ArrayLike<number>, truth), best };
}

/**
 * Writes the pictures into `dir`; returns their paths. `zStretch` repeats the side view's z rows.
 * @example const files = await writeDemoPictures("demo/pictures", volumes, curve, 2, 3);
 */
export async function writeDemoPictures(dir: string, v: DemoVolumes, curve: ErrorCurve, zoom: number, zStretch = 1): Promise<string[]> {
  const look = { colormap: "inferno", percentiles: [0.5, 99.95], gamma: 0.6, zoom } as const;
  const files = {
    before: join(dir, "mip-before.png"),
    after: join(dir, "mip-after.png"),
    compare: join(dir, "mip-compare.png"),
    side: join(dir, "mip-compare-side.png"),
    svg: join(dir, "error-per-iteration.svg"),
    png: join(dir, "error-per-iteration.png"),
  };
  await mipPng(files.before, v.recorded, look);
  await mipPng(files.after, v.deconvolved, look);
  const labels = ["recorded", "deconvolved", "truth"];
  await sideBySidePng(files.compare, [v.recorded, v.deconvolved, v.truth].map((x) => maxProjection(x, 0)), { ...look, labels });
  // Side view (z, y): where a light sheet's PSF is longest and deconvolution gains most; rows
  // repeated so that a z step looks as long as it is (voxels are anisotropic).
  await sideBySidePng(files.side, [v.recorded, v.deconvolved, v.truth].map((x) => stretchRows(maxProjection(x, 2), zStretch)), { ...look, labels });
  const x = curve.errors.map((_, i) => i);
  const series = [
    { name: "deconvolved", x, y: [...curve.errors] },
    { name: "accelerated (Biggs-Andrews)", x, y: [...curve.acceleratedErrors] },
    { name: "recorded - background", x, y: x.map(() => curve.errors[0]!) },
    { name: "blurred, no noise", x, y: x.map(() => curve.blurredError) },
  ];
  const plot = { title: "Error against the ground truth", xLabel: "iteration", yLabel: "relative RMS error" };
  await writeLinePlotSvg(files.svg, series, plot);
  await linePlotPng(files.png, series, plot);
  return Object.values(files);
}

/** A 2-D block with each row repeated `factor` times. */
function stretchRows(image: Block, factor: number): Block<"float32"> {
  const [h, w] = image.shape as [number, number];
  const src = copy(image).data as ArrayLike<number>;
  const out = new Float32Array(h * factor * w);
  for (let r = 0; r < h * factor; r++) for (let c = 0; c < w; c++) out[r * w + c] = src[Math.floor(r / factor) * w + c]!;
  return { dtype: "float32", data: out, shape: [h * factor, w], stride: [w, 1], offset: 0 };
}

/** Volume `(c, t)` of a (c, t, z, y, x) block. */
export function volumeOf(x: Block, c: number, t: number): Block {
  return copy(index(x, [c, t]));
}
