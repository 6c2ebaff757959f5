/**
 * `richardsonLucy`'s options: their types, the names it accepts, and the checks and
 * defaults applied once at the public boundary (richardson-lucy.ts documents what they mean
 * for the algorithms).
 * @module
 */
import { ValueError, show } from "../core/errors.js";
import type { Block, BlockLike } from "../core/ndarray.js";
import { MAX_FFT_THREADS, nextFastLen } from "../fft/index.js";
import { numberOption } from "./common.js";
import { resolveTv } from "./richardson-lucy-tv.js";
import type { RlAcceleration } from "./richardson-lucy-update.js";

const FN = "richardsonLucy";

/** Every option name `richardsonLucy` accepts. */
export const RL_KEYS = ["iterations", "clip", "filterEpsilon", "init", "boundary", "normalizePsf", "fftShape", "onIteration", "threads", "acceleration", "tolerance", "onStop", "stopOn", "damping", "regularization", "out"];

/**
 * Options of `richardsonLucy`.
 * @example
 * ```ts
 * const itkLike: RichardsonLucyOptions = { iterations: 10, init: "image", boundary: "neumann", clip: false, filterEpsilon: 1e-5 };
 * ```
 */
export interface RichardsonLucyOptions {
  /** Number of iterations (default 50, scikit-image's `num_iter`). */
  readonly iterations?: number;
  /**
   * Clip the result to [-1, 1] at the end (default false; scikit-image's default is true, meant
   * for images scaled to [0, 1]: pass `clip: true` to reproduce it exactly).
   */
  readonly clip?: boolean;
  /** Where the blurred estimate is below this, the ratio is 0 (default none; 0 also means none). */
  readonly filterEpsilon?: number | null;
  /** Initial estimate: "constant" (0.5, default, scikit-image), "image" (ITK), or a constant value. */
  readonly init?: "constant" | "image" | number;
  /** "zero" (default): zero-padded linear convolution, scikit-image. "neumann": ITK's zero-flux Neumann padding. */
  readonly boundary?: "zero" | "neumann";
  /** Divide the PSF by its sum first (default false, as scikit-image and ITK's default). */
  readonly normalizePsf?: boolean;
  /** The padded FFT shape (default as the module notes); e.g. ITK's pad size to reproduce its output exactly. */
  readonly fftShape?: readonly number[];
  /**
   * Called after iteration `i` (1-based) with a view of the current estimate: a strided block
   * into the working memory (its `data` is larger than the image; read it with `toFlatArray` or
   * `copy`), valid only during the call, and `info.change`, the estimate's relative change
   * `||x_i - x_(i-1)|| / ||x_(i-1)||` (undefined unless `tolerance` or an acceleration is set). Inline use only.
   */
  readonly onIteration?: (i: number, estimate: Block, info: RichardsonLucyIterationInfo) => void;
  /**
   * "none" (default): plain Richardson-Lucy, byte-identical to earlier releases. "biggs":
   * Biggs & Andrews' vector extrapolation as MATLAB's `deconvlucy` (see
   * `richardson-lucy-update.ts`): each iteration costs the same transforms plus two passes
   * over the estimate, two extra arrays of the estimate's domain, and reaches a given error in
   * fewer iterations.
   */
  readonly acceleration?: RlAcceleration;
  /**
   * Stop early, once the estimate's relative change `||x_i - x_(i-1)|| / ||x_(i-1)||` is at most
   * this (default none: run all `iterations`, which is then the maximum). `onStop` reports
   * where it stopped.
   */
  readonly tolerance?: number | null;
  /**
   * What `tolerance` bounds: "change" (default), the estimate's relative change; or
   * "divergence", the relative decrease `(I_(i-1) - I_i) / I_(i-1)` of Csiszar's I-divergence
   * `sum f log(f / Hx) - f + Hx` of the blurred estimate each iteration starts from against the
   * image (over the image for "zero", the padded image for "neumann"), the quantity
   * Richardson-Lucy decreases. The divergence costs one more pass per iteration.
   */
  readonly stopOn?: "change" | "divergence";
  /**
   * MATLAB deconvlucy's DAMPAR (default 0: none), in the image's units: where the blurred
   * estimate lies within about this of the image (by the voxel's I-divergence), the update is
   * suppressed (see `dampedRatio` in richardson-lucy-update.ts), so noise is not fitted. Costs
   * one more pass per iteration on the resident engine (the divide runs in TypeScript).
   */
  readonly damping?: number;
  /**
   * `{ tv: lambda }`: total-variation regularised Richardson-Lucy (Dey et al. 2006; see
   * richardson-lucy-tv.ts): the update is divided by `1 - lambda div(grad x / |grad x|)`, which
   * smooths noise while keeping edges. lambda in [0, 1 / (2 ndim)), typically 1e-4 to 1e-2;
   * 0 or absent: none (byte-identical to plain). Costs one more pass over the estimate per
   * iteration, in TypeScript on the calling thread.
   */
  readonly regularization?: { readonly tv: number };
  /** Called once at the end with the iterations run and the last relative change (inline use only). */
  readonly onStop?: (info: RichardsonLucyStopInfo) => void;
  /**
   * Threads that share this one volume's transforms (default 1, at most 8): the calling thread
   * plus `threads - 1` helper threads over one shared WebAssembly memory, as ITK's number of
   * threads. `"auto"`: the thread budget the executor puts in the kernel's context
   * (`ctx.threads`: cores / workers for `threads()`, the cores / concurrency for `inline()`),
   * else 1. Results are byte-identical for any number. In a browser the helper threads come
   * from running the call as a task of `webWorkers()` (chunkwise/web-workers) with
   * `threadsPerTask`, in a cross-origin isolated page; elsewhere (the page's own thread, a page
   * that is not isolated) the call runs on one thread with a note.
   */
  readonly threads?: number | "auto";
  /**
   * Where to write the result, as NumPy's `out=`: a C-contiguous array of the image's shape
   * and the result's dtype (float32, or float64 for float64 or wide-integer input), which is
   * then returned (the same object when it is a block). It may be the image itself when that
   * is a C-contiguous float array of the result's dtype: Richardson-Lucy in place, without a
   * second image-sized buffer (the image is read until the last iteration and written after
   * it, so it is unchanged if the call is aborted or throws). It must not share memory with
   * the PSF, nor overlap the image in any other way; direct calls only (not a gufunc's or
   * task's params). See richardson-lucy-out.ts for the rules.
   */
  readonly out?: Block | BlockLike;
}

/** What {@link RichardsonLucyOptions.onIteration} gets besides the estimate. */
export interface RichardsonLucyIterationInfo {
  /**
   * What the tolerance bounds: the estimate's relative change this iteration (undefined when
   * neither a tolerance nor acceleration asked for it), or with `stopOn: "divergence"` the
   * divergence's relative decrease (Infinity on the first iteration).
   */
  readonly change: number | undefined;
  /** With `stopOn: "divergence"`: the I-divergence of the estimate this iteration started from. */
  readonly divergence: number | undefined;
}

/** What {@link RichardsonLucyOptions.onStop} reports. */
export interface RichardsonLucyStopInfo {
  /** Iterations run (at most `iterations`; fewer when `tolerance` stopped it). */
  readonly iterations: number;
  /** The last iteration's relative change (undefined as in {@link RichardsonLucyIterationInfo}). */
  readonly change: number | undefined;
  /** Whether the last change met the tolerance (false without one). */
  readonly converged: boolean;
}


/** The options checked and defaulted, as the paths read them. */
export interface ResolvedRlOptions {
  iterations: number;
  clip: boolean;
  fe: number;
  init: number | "image";
  neumann: boolean;
  normalize: boolean;
  fftShape: number[];
  onIteration: RichardsonLucyOptions["onIteration"];
  onStop: RichardsonLucyOptions["onStop"];
  threads: number;
  acceleration: RlAcceleration;
  /** 0: none. */
  tolerance: number;
  stopOn: "change" | "divergence";
  /** 0: none. */
  damping: number;
  /** The total-variation weight lambda (0: none). */
  tv: number;
}


/** `threads: "auto"`: the executor's thread budget (absent or not a number: 1), at most 8. */
function autoThreads(budget: number | undefined): number {
  return typeof budget === "number" && Number.isFinite(budget) ? Math.min(MAX_FFT_THREADS, Math.max(1, Math.floor(budget))) : 1;
}

/**
 * Threads a call with `threads` may use, for the memory plan (which runs before any executor
 * gives a budget, so "auto" counts the most it can become).
 */
export function plannedThreads(threads: RichardsonLucyOptions["threads"]): number {
  return threads === "auto" ? MAX_FFT_THREADS : threads ?? 1;
}

/**
 * Checks and defaults `richardsonLucy`'s options for an image of shape `n` and a PSF of
 * shape `k` (keys already checked against {@link RL_KEYS}); `budget` is the executor's thread
 * budget (`ctx.threads`) that `threads: "auto"` takes.
 * @throws {ValueError} for a bad option, in the house template
 * @example
 * ```ts
 * resolveRlOptions({ iterations: 10 }, [64, 64], [5, 5]).fftShape; // [72, 72]
 * ```
 */
export function resolveRlOptions(o: Record<string, unknown>, n: readonly number[], k: readonly number[], budget?: number): ResolvedRlOptions {
  const iterations = numberOption(FN, "iterations", o.iterations, 50, (v) => Number.isInteger(v) && v >= 0, "be a non-negative integer");
  if (o.clip !== undefined && typeof o.clip !== "boolean") throw new ValueError(FN, `clip must be a boolean; got ${show(o.clip)}. Pass true or false`);
  if (o.normalizePsf !== undefined && typeof o.normalizePsf !== "boolean") throw new ValueError(FN, `normalizePsf must be a boolean; got ${show(o.normalizePsf)}. Pass true or false`);
  const threads = o.threads === "auto" ? autoThreads(budget)
    : numberOption(FN, "threads", o.threads, 1, (v) => Number.isInteger(v) && v >= 1 && v <= MAX_FFT_THREADS, `be an integer from 1 to ${MAX_FFT_THREADS} or "auto"`);
  const fe = o.filterEpsilon === undefined || o.filterEpsilon === null ? 0 : numberOption(FN, "filterEpsilon", o.filterEpsilon, 0);
  const init = o.init ?? "constant";
  if (init !== "constant" && init !== "image" && !(typeof init === "number" && Number.isFinite(init))) {
    throw new ValueError(FN, `init must be "constant", "image" or a finite number; got ${show(init)}. Pass "image" to start from the image as ITK does`);
  }
  const boundary = o.boundary ?? "zero";
  if (boundary !== "zero" && boundary !== "neumann") {
    throw new ValueError(FN, `boundary must be "zero" or "neumann"; got ${show(boundary)}. Pass "neumann" for ITK's zero-flux Neumann padding`);
  }
  const neumann = boundary === "neumann";
  const min = n.map((d, i) => (neumann ? Math.max(d, k[i]!) : d + k[i]! - 1));
  let fftShape: number[];
  if (o.fftShape === undefined) {
    fftShape = defaultFftShape(n, k, neumann);
  } else {
    const s = o.fftShape;
    if (!Array.isArray(s) || s.length !== n.length || s.some((v, i) => !Number.isInteger(v) || v < min[i]!)) {
      throw new ValueError(FN, `fftShape must list ${n.length} integers of at least ${show(min)}; got ${show(s)}. Omit it for a fast default`);
    }
    fftShape = [...(s as number[])];
  }
  for (const key of ["onIteration", "onStop"] as const) {
    if (o[key] !== undefined && typeof o[key] !== "function") {
      throw new ValueError(FN, `${key} must be a function; got ${show(o[key])}. Pass ${key === "onStop" ? "(info) => ..." : "(i, estimate) => ..."}`);
    }
  }
  const acceleration = o.acceleration ?? "none";
  if (acceleration !== "none" && acceleration !== "biggs") {
    throw new ValueError(FN, `acceleration must be "none" or "biggs"; got ${show(acceleration)}. Pass "biggs" for Biggs-Andrews extrapolation`);
  }
  const tolerance = o.tolerance === undefined || o.tolerance === null ? 0
    : numberOption(FN, "tolerance", o.tolerance, 0, (v) => Number.isFinite(v) && v >= 0, "be a non-negative finite number (a relative change, e.g. 1e-3)");
  const stopOn = o.stopOn ?? "change";
  if (stopOn !== "change" && stopOn !== "divergence") {
    throw new ValueError(FN, `stopOn must be "change" or "divergence"; got ${show(stopOn)}. Pass "divergence" to stop on Csiszar's I-divergence`);
  }
  const damping = numberOption(FN, "damping", o.damping, 0, (v) => Number.isFinite(v) && v >= 0, "be a non-negative finite number (a noise threshold in the image's units, e.g. 3 read-noise sigmas)");
  const tv = resolveTv(o.regularization, n.length, (rule) => new ValueError(FN, `regularization must ${rule}; got ${show(o.regularization)}. Pass e.g. { tv: 0.002 }, or omit it`));
  return {
    acceleration, tolerance, stopOn, damping, tv, onStop: o.onStop as ResolvedRlOptions["onStop"],
    iterations, clip: (o.clip as boolean | undefined) ?? false, fe, neumann, normalize: (o.normalizePsf as boolean | undefined) ?? false, fftShape,
    init: init === "constant" ? 0.5 : init, onIteration: o.onIteration as ResolvedRlOptions["onIteration"], threads,
  };
}

/**
 * The default `fftShape`: per axis the 5-smooth length of at least `n + k - 1` (the linear
 * convolution, "zero") or `n + k` (ITK's padding, "neumann").
 * @example
 * ```ts
 * defaultFftShape([64, 64], [5, 5], false); // [72, 72]
 * ```
 */
export function defaultFftShape(n: readonly number[], k: readonly number[], neumann: boolean): number[] {
  return n.map((d, i) => nextFastLen(neumann ? d + k[i]! : d + k[i]! - 1, true));
}
