/**
 * The estimate's update at the end of one Richardson-Lucy iteration, once the correction
 * `c = H^T (image / H y)` is known, for the paths that need more than the fused `est *= c`:
 * Biggs-Andrews acceleration and the stopping rule on the estimate's relative change.
 *
 * Biggs & Andrews, "Acceleration of iterative image restoration algorithms", Applied Optics
 * 36(8), 1997, as MATLAB's `deconvlucy` implements it: with `y_k` the point the k-th RL step
 * starts from (`y_0 = x_0`), the step gives `x_{k+1} = max(y_k c, 0)` (c can dip below 0 by the
 * transforms' rounding where the ratio spikes) and `g_k = x_{k+1} - y_k`; then
 * `alpha = sum(g_k g_{k-1}) / sum(g_{k-1}^2)` (0 until two steps exist) and
 * `y_{k+1} = max(x_{k+1} + alpha (x_{k+1} - x_k), 0)`. The safeguards: alpha must lie in
 * [0, 1) (deconvlucy clamps to [0, 1]), and the step must not have grown
 * (`sum(g_k^2) <= sum(g_{k-1}^2)`: the extrapolation assumes contracting iterates); otherwise,
 * or when alpha is not finite, alpha is reset to 0 and the next step is a plain RL step from
 * `x_{k+1}`. The second safeguard is ours: without it scikit-image's algorithm with an even PSF
 * axis (whose two "same" crops are not each other's adjoint, so the iterates drift) diverged to
 * 1e17 within 25 iterations on a noisy 12x20x18 test volume; with it, it follows plain RL, and
 * runs that contract are unchanged.
 *
 * Arithmetic: every product and difference is rounded to the storage dtype where it is
 * stored (float32 for float32 data) and sums are accumulated in float64. Here (the TypeScript
 * reference paths) one running sum in row order; on the resident engine
 * (richardson-lucy-resident.ts) the step runs in the last inverse pass and the extrapolation in
 * the next forward's first, on whichever thread takes a row, with one sum per row added in row
 * order afterwards, so results do not depend on the thread count. Memory: two extra arrays of
 * the estimate's domain (`x_k` and `g_k`), compact (row by row), for "biggs"; none otherwise.
 * @module
 */
import type { Block } from "../core/ndarray.js";
import { RowSums } from "../fft/internal.js";
import { allocFloat, type FloatArray } from "./common.js";

/** Acceleration methods of {@link richardsonLucy}. */
export type RlAcceleration = "none" | "biggs";

/** Where the estimate lives in its buffer: row `r` starts at `rows[r]` and holds `len` samples. */
export interface RowLayout {
  readonly rows: ArrayLike<number>;
  readonly len: number;
}

/** The five sums one step yields: see {@link UpdateCore.step}. */
type Sums = readonly [change: number, norm: number, dot: number, last: number, now: number];

/**
 * The elementwise passes, on TypeScript arrays ({@link ArrayCore}) or in wasm memory
 * ({@link ResidentRlUpdate}'s core): the same arithmetic either way.
 */
export interface UpdateCore {
  /**
   * `est = est * c` (clamped at 0 with acceleration), the gradient `g = est - y` stored;
   * returns `[sum (x - x_prev)^2, sum x_prev^2, sum g g_prev, sum g_prev^2, sum g^2]`
   * (without acceleration `x_prev` is `y` and the last three are 0).
   */
  step(c: FloatArray | number): Sums;
  /** `est = max(x + alpha (x - x_prev), 0)`, `x_prev = x`. */
  extrapolate(alpha: number): void;
}

/**
 * One call's update state (see the module notes); `step` then `extrapolate` each iteration.
 * @example
 * ```ts
 * const u = new RlUpdate(new ArrayCore(est, { rows: [0], len: est.length }, "biggs"), "biggs");
 * const change = u.step(correction); // est = x_{k+1}
 * u.extrapolate();                   // est = y_{k+1}, the next step's start
 * ```
 */
export class RlUpdate {
  /** The last extrapolation coefficient used (0 after a reset). */
  alpha = 0;
  private steps = 0;

  constructor(private readonly core: UpdateCore, private readonly acceleration: RlAcceleration) {}

  /**
   * Bytes of the update's own memory for an estimate of `voxels` samples of `itemSize` bytes,
   * on a padded domain of `paddedRows` rows: with acceleration two arrays (`x_prev`, `g`); with
   * acceleration or a tolerance the resident engine's row table (an i32 a row) and per-row sums
   * (a `RowSums` record a row).
   */
  static bytes(acceleration: RlAcceleration | undefined, tolerance: number | null | undefined, voxels: number, itemSize: number, paddedRows: number): number {
    const arrays = acceleration === "biggs" ? 2 * voxels * itemSize : 0;
    return arrays > 0 || (tolerance ?? 0) > 0 ? arrays + (4 + RowSums.Bytes) * paddedRows + 4 * 64 : 0;
  }

  /**
   * `est = est * c` (`c` an array, or its address in wasm memory for the resident core): the
   * estimate becomes `x_{k+1}` (the value any observer sees); returns the relative change
   * `||x_{k+1} - x_k|| / ||x_k||` (Infinity when `x_k` is 0).
   */
  step(c: FloatArray | number): number {
    const [change, norm, dot, last, now] = this.core.step(c);
    if (this.acceleration === "biggs") {
      this.steps++;
      const alpha = this.steps >= 2 && last > 0 && now <= last ? dot / last : 0;
      this.alpha = alpha >= 0 && alpha < 1 ? alpha : 0;
    }
    return norm > 0 ? Math.sqrt(change / norm) : change > 0 ? Infinity : 0;
  }

  /** The next step's start: `est = max(x + alpha (x - x_prev), 0)` (nothing without acceleration). */
  extrapolate(): void {
    if (this.acceleration === "biggs") this.core.extrapolate(this.alpha);
  }
}

/** {@link UpdateCore} over TypeScript arrays (the reference paths): the estimate's rows, compact `prev` and `grad`. */
export class ArrayCore implements UpdateCore {
  private readonly prev: FloatArray | undefined;
  private readonly grad: FloatArray | undefined;

  constructor(private readonly est: FloatArray, private readonly layout: RowLayout, acceleration: RlAcceleration) {
    if (acceleration !== "biggs") return;
    const dtype = est instanceof Float32Array ? "float32" : "float64";
    const size = layout.rows.length * layout.len;
    this.prev = allocFloat(dtype, size);
    this.grad = allocFloat(dtype, size);
    let q = 0;
    for (let r = 0; r < layout.rows.length; r++) {
      for (let i = 0; i < layout.len; i++) this.prev[q++] = est[layout.rows[r]! + i]!;
    }
  }

  step(c: FloatArray): Sums {
    const est = this.est, prev = this.prev, grad = this.grad;
    const { rows, len } = this.layout;
    let change = 0, norm = 0, dot = 0, last = 0, now = 0, q = 0;
    for (let r = 0; r < rows.length; r++) {
      const s = rows[r]!;
      if (prev === undefined || grad === undefined) {
        for (let j = s; j < s + len; j++) {
          const y = est[j]!;
          est[j] = y * c[j]!;
          const d = est[j]! - y;
          change += d * d;
          norm += y * y;
        }
        continue;
      }
      for (let j = s; j < s + len; j++, q++) {
        const y = est[j]!;
        const v = y * c[j]!;
        est[j] = v > 0 ? v : 0;
        const x = est[j]!, g0 = grad[q]!, xp = prev[q]!;
        grad[q] = x - y;
        const g = grad[q]!;
        dot += g * g0;
        last += g0 * g0;
        now += g * g;
        change += (x - xp) * (x - xp);
        norm += xp * xp;
      }
    }
    return [change, norm, dot, last, now];
  }

  extrapolate(alpha: number): void {
    const est = this.est, prev = this.prev!;
    const { rows, len } = this.layout;
    let q = 0;
    for (let r = 0; r < rows.length; r++) {
      const s = rows[r]!;
      for (let j = s; j < s + len; j++, q++) {
        const x = est[j]!;
        const v = x + alpha * (x - prev[q]!);
        prev[q] = x;
        est[j] = v > 0 ? v : 0;
      }
    }
  }
}

/** The loop's options {@link RunState} reads. */
export interface RunOptions {
  readonly iterations: number;
  readonly acceleration: RlAcceleration;
  /** 0: none. */
  readonly tolerance: number;
  /** What the tolerance bounds: the estimate's relative change, or the relative decrease of the I-divergence. */
  readonly stopOn: "change" | "divergence";
  readonly onIteration: ((i: number, estimate: Block, info: { change: number | undefined; divergence: number | undefined }) => void) | undefined;
  readonly onStop: ((info: { iterations: number; change: number | undefined; converged: boolean }) => void) | undefined;
}

/** Whether the iteration needs {@link RlUpdate} (else the caller multiplies, fused where it can). */
export function needsUpdate(o: Pick<RunOptions, "acceleration" | "tolerance" | "stopOn">): boolean {
  return o.acceleration !== "none" || (o.tolerance > 0 && o.stopOn === "change");
}

/**
 * MATLAB deconvlucy's damped ratio (its `corelucy` with DAMPAR): with `d22 = damping^2 / 2`,
 * `g = min((f log(f / c) - f + c) / d22, 1)` (the voxel's I-divergence term in units of the
 * noise threshold), `G = g^(N-1) (N - (N-1) g)` with N = 10, the ratio is `1 + G (f / c - 1)`:
 * where the blurred estimate is within the noise of the image (g small) the update is
 * suppressed, elsewhere it is Richardson-Lucy's `f / c`.
 */
export function dampedRatio(f: number, c: number, d22: number): number {
  const g = Math.min(divergenceTerm(f, c) / d22, 1);
  const G = g ** 9 * (10 - 9 * g);
  return 1 + G * (f / c - 1);
}

/**
 * Csiszar's I-divergence term of one voxel, `f log(f / c) - f + c` (`c` for `f <= 0`), with
 * `c` the blurred estimate plus the regulariser, as the divide step sees it.
 */
export function divergenceTerm(f: number, c: number): number {
  return f > 0 ? f * Math.log(f / c) - f + c : c;
}

/**
 * The loop's bookkeeping, shared by every path: the observers and the stopping rule.
 * @example
 * ```ts
 * const run = new RunState(o);
 * for (let it = 1; it <= o.iterations; it++) { ...; if (run.done(it, change, view)) break; }
 * run.finish();
 * ```
 */
export class RunState {
  private iterations = 0;
  private change: number | undefined;
  private converged = false;
  private lastDivergence: number | undefined;

  constructor(private readonly o: RunOptions) {}

  /**
   * Iteration `it` ended with the estimate at `estimate`, having changed it by `change` and
   * measured the I-divergence of the estimate it started from (`divergence`, with
   * `stopOn: "divergence"`): tells the observer; true to stop (tolerance met, or the last).
   * With "divergence" the measure is its relative decrease since the previous iteration
   * (Infinity on the first).
   */
  done(it: number, change: number | undefined, estimate: Block, divergence?: number): boolean {
    this.iterations = it;
    if (this.o.stopOn === "divergence" && divergence !== undefined) {
      const prev = this.lastDivergence;
      change = prev === undefined ? Infinity : prev > 0 ? (prev - divergence) / prev : 0;
      this.lastDivergence = divergence;
    }
    this.change = change;
    this.o.onIteration?.(it, estimate, { change, divergence });
    this.converged = this.o.tolerance > 0 && change !== undefined && change <= this.o.tolerance;
    return this.converged || it >= this.o.iterations;
  }

  /** Reports the run's end to `onStop`. */
  finish(): void {
    this.o.onStop?.({ iterations: this.iterations, change: this.change, converged: this.converged });
  }
}
