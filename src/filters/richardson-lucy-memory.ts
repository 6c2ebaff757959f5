/**
 * Richardson-Lucy's memory, computed once: what the resident engine is asked for (its arrays,
 * its region and the caller's extra bytes, {@link residentRlMemory}) is both what
 * `richardson-lucy-resident.ts` reserves and, through `ResidentRfftn.bytesFor`, what the
 * kernel declares as its workspace for the memory plan ({@link richardsonLucyWorkspace}).
 * @module
 */
import { sizeOf } from "../core/ndarray.js";
import { RESIDENT_MAX_BYTES, ResidentRfftn } from "../fft/internal.js";
import { stagedImageBytes } from "./richardson-lucy-image.js";
import { defaultFftShape, plannedThreads, type RichardsonLucyOptions } from "./richardson-lucy-options.js";
import { RlUpdate, needsUpdate, type RlAcceleration } from "./richardson-lucy-update.js";

/**
 * Engine bytes past which the lean transfer function is chosen even where three whole arrays
 * fit wasm32 ({@link RESIDENT_MAX_BYTES}): it saves `1 - k0 / P0` of an array (816 MiB on the
 * blog's 201x1024x768 chunk with a 101x64x64 PSF, whose three whole arrays and staging area
 * take 3.53 GiB) and measured as fast there (9.4 to 9.7 s per iteration against 8.3 to 10.6 s,
 * one thread, 2026-12-08); below it volumes keep the whole one and its bytes.
 */
const LEAN_ABOVE_BYTES = 3.5 * 2 ** 30;

/** The options that decide Richardson-Lucy's memory. */
export interface RlMemoryOptions {
  readonly neumann: boolean;
  readonly fftShape: readonly number[];
  readonly acceleration: RlAcceleration;
  readonly tolerance: number;
  readonly stopOn: "change" | "divergence";
  /** The lean transfer function: true always, false never, undefined when three whole arrays do not fit (see {@link residentRlMemory}). */
  readonly leanTransfer?: boolean | undefined;
  /** Threads the engine runs with (their line buffers count towards the limit; default 1). */
  readonly threads?: number | undefined;
  /** Image planes the staging area holds (default 16, `STAGE_PLANES`; tests pass fewer to run more slabs). */
  readonly stagePlanes?: number | undefined;
}

/** What the resident engine is asked for: see {@link residentRlMemory}. */
export interface ResidentRlMemory {
  /** Padded arrays: the estimate, the work spectrum, the transfer function, and its mirror for "zero" with an even PSF axis. */
  readonly arrays: number;
  /** The leading corner of the padded domain that holds data: the padded domain for "neumann", the image's for "zero". */
  readonly region: readonly number[];
  /** Bytes taken with `allocBytes`: the image's staging area (a few planes, not a copy of it), its row table and column map, and the update's arrays, each 64-byte aligned; with the lean transfer function its planes and ramp too. */
  readonly extraBytes: number;
  /**
   * The lean transfer function's planes (the PSF's first-axis extent), 0 for a whole one: the
   * transfer function kept transformed along all axes but the first and finished per line in
   * the forwards' last passes, two whole arrays instead of three. Used where three whole
   * arrays and the rest exceed the engine's limit (`RESIDENT_MAX_BYTES`, wasm32's 4 GiB less
   * 1 MiB) or 3.5 GiB, where the saving decides (`LEAN_ABOVE_BYTES`: the blog's 201x1024x768
   * chunk with a 101x64x64 PSF), never with the mirror's second transfer function.
   */
  readonly leanRows: number;
}

/**
 * What the resident engine needs for an image of shape `n`, a PSF of shape `k` and elements
 * of `E` bytes (4 for float32 compute, 8 for float64).
 * @example
 * ```ts
 * residentRlMemory([24, 40, 36], [5, 7, 7], { neumann: true, fftShape: [30, 48, 45], acceleration: "none", tolerance: 0, stopOn: "change" }, 4);
 * // { arrays: 3, region: [30, 48, 45], extraBytes: 4 * 16 * 40 * 36 + 4 * 30 * 48 + 192, leanRows: 0 } (16 of the 24 planes staged)
 * ```
 */
export function residentRlMemory(n: readonly number[], k: readonly number[], o: RlMemoryOptions, E: number): ResidentRlMemory {
  const p = o.fftShape;
  const len = p[p.length - 1]!;
  const rowCount = sizeOf(p) / len;
  // scikit-image's two crops differ by one sample on even PSF axes: the mirror needs its own array.
  const mirror = !o.neumann && k.some((d) => d % 2 === 0);
  const region = o.neumann ? [...p] : [...n];
  // The update's compact arrays (with acceleration), row table and per-row sums (RlUpdate.bytes).
  const update = needsUpdate(o) ? RlUpdate.bytes(o.acceleration, o.tolerance, sizeOf(region), E, rowCount) : 0;
  const extraBytes = stagedImageBytes(n, p, E, o.stagePlanes) + update;
  const dtype = E === 4 ? "float32" : "float64";
  const leanOk = !mirror && p.length >= 2 && p.length <= 4 && o.leanTransfer !== false;
  const wholeBytes = ResidentRfftn.bytesFor(p, dtype, o.threads ?? 1, 3, region, extraBytes);
  const whole = o.leanTransfer === true || (wholeBytes <= RESIDENT_MAX_BYTES && wholeBytes <= LEAN_ABOVE_BYTES);
  if (!leanOk || (whole && o.leanTransfer !== true)) return { arrays: mirror ? 4 : 3, region, extraBytes, leanRows: 0 };
  // The transfer function's first k[0] planes (rows of 2 (x / 2 + 1) scalars) and the first axis's ramp.
  const planes = (rowCount / p[0]!) * 2 * ((len >> 1) + 1) * k[0]! * E;
  return { arrays: 2, region, extraBytes: extraBytes + Math.ceil(planes / 64) * 64 + Math.ceil((2 * p[0]! * E) / 64) * 64, leanRows: k[0]! };
}

/**
 * Workspace bytes of one `richardsonLucy` call beyond its inputs and output, for the
 * executors' memory plan: the resident engine's memory (what the engine reserves for the
 * call, counted by its own `bytesFor`: three padded volumes with rows of `2 (x / 2 + 1)` scalars, four for
 * "zero" with an even PSF axis, the image's staging area (16 planes of it, `STAGE_PLANES`, not a
 * whole copy) with its row and column maps, each thread's
 * line buffers, and with `acceleration: "biggs"` two arrays of the estimate's domain plus a
 * row table and per-row sums with acceleration or a tolerance), and with
 * `regularization: { tv }` two float64 slabs of the estimate's domain. The input shapes may
 * carry leading loop dims (a gufunc's block): the last `psf.length` axes are the image's.
 * Options are read leniently (the kernel checks them when it runs). `out` changes nothing here:
 * the result is an output, which the plan counts beside the workspace (with `out`, in a direct
 * call, it is the caller's buffer; kernels run by an executor cannot take one).
 * @param params - richardsonLucy's options (`boundary`, `fftShape`, `threads`, `acceleration`, `tolerance`, `stopOn`, `regularization` matter)
 * @param shapes - the image's and the PSF's block shapes
 * @param itemSizes - their bytes per element (8 means float64 compute)
 * @example
 * ```ts
 * richardsonLucyWorkspace({ boundary: "neumann" }, [[101, 512, 384], [51, 64, 64]], [4, 4]); // 3 x 4 x 160 x 576 x 452 + 16 image planes + maps + line buffers
 * ```
 */
export function richardsonLucyWorkspace(
  params: RichardsonLucyOptions | undefined, shapes: readonly (readonly number[])[], itemSizes: readonly number[] = [],
): number {
  const [image, psf] = shapes;
  if (image === undefined || psf === undefined || psf.length === 0 || image.length < psf.length) return 0;
  const n = image.slice(-psf.length);
  const neumann = params?.boundary === "neumann";
  const threads = plannedThreads(params?.threads);
  const o: RlMemoryOptions = {
    neumann,
    fftShape: params?.fftShape ?? defaultFftShape(n, psf, neumann),
    acceleration: params?.acceleration ?? "none",
    tolerance: params?.tolerance ?? 0,
    stopOn: params?.stopOn ?? "change",
    threads,
  };
  const E = Math.max(itemSizes[0] ?? 4, itemSizes[1] ?? 4) >= 8 ? 8 : 4;
  const { arrays, region, extraBytes } = residentRlMemory(n, psf, o, E);
  const engine = ResidentRfftn.bytesFor(o.fftShape, E === 4 ? "float32" : "float64", threads, arrays, region, extraBytes);
  // Total variation's two float64 slabs of inverse norms (one step along the first axis), in TypeScript.
  const tv = (params?.regularization?.tv ?? 0) > 0 ? 2 * 8 * sizeOf(region.slice(1)) : 0;
  return engine + tv;
}
