/**
 * Reusable real N-D transform plans for repeated convolutions (Richardson-Lucy calls one 20+
 * times per chunk): `createRfftnPlan` fixes the padded shape, axes, dtype and norm once, owns
 * its line buffers and its inverse work array, and writes into caller-owned outputs, so after
 * the first call nothing is allocated. `forward` matches `scipy.fft.rfftn(x, s=shape, axes)`
 * (an input smaller than the plan is zero-padded at the end, and lines that are all padding
 * are never transformed); `inverse` matches `scipy.fft.irfftn(X, s=shape, axes)` cropped to an
 * output region (lines outside it are never computed).
 * @module
 */
import { DtypeError, ValueError, show } from "../core/errors.js";
import { cStrides, isBlockLike, sizeOf, type Block, type BlockLike } from "../core/ndarray.js";
import { checkAxes, checkLengths, checkNorm, normFactor, type FftNorm } from "./args.js";
import type { ScalarView } from "./axis-pass.js";
import { complexZeros, isComplexBlock, type ComplexBlock, type ComplexDataType } from "./complex.js";
import { c2rChain, r2cChain, runChain } from "./nd-passes.js";
import { FftWorkspace } from "./fft-workspace.js";
import type { FftBackend } from "./wasm-engine.js";

/**
 * Options of {@link createRfftnPlan}.
 * @example
 * ```ts
 * createRfftnPlan([64, 64], { axes: [0, 1], dtype: "float64", norm: "ortho" });
 * ```
 */
export interface RfftnPlanOptions {
  /** Axes to transform (default all); the last one is the halved real axis. */
  readonly axes?: readonly number[];
  /** Storage precision of the real side (default "float32"); the spectrum is complex64/128. */
  readonly dtype?: "float32" | "float64";
  /** Normalisation, as scipy.fft's `norm` (default "backward"). */
  readonly norm?: FftNorm;
  /**
   * "auto" (default): the WebAssembly SIMD kernels when they apply (5-smooth lengths),
   * computing in the storage precision; "typescript": the reference path (float64 lines).
   */
  readonly backend?: FftBackend;
}

/**
 * Options of {@link RfftnPlan.inverse}.
 * @example
 * ```ts
 * plan.inverse(spectrum, region, { offset: [25, 32, 32], overwriteInput: true });
 * ```
 */
export interface RfftnInverseOptions {
  /** Start of the output region inside the full real result (default all zeros). */
  readonly offset?: readonly number[];
  /** Let the transform overwrite `input` instead of using the plan's own work array. */
  readonly overwriteInput?: boolean;
}

/**
 * A real N-D transform pair of a fixed shape; see {@link createRfftnPlan}.
 * @example
 * ```ts
 * const plan: RfftnPlan = createRfftnPlan([32, 32]);
 * ```
 */
export interface RfftnPlan {
  /** The (padded) real shape. */
  readonly shape: readonly number[];
  /** The spectrum's shape: `shape` with the last transformed axis `n // 2 + 1`. */
  readonly complexShape: readonly number[];
  readonly axes: readonly number[];
  readonly dtype: "float32" | "float64";
  readonly complexDtype: ComplexDataType;
  readonly norm: FftNorm;
  /**
   * Real to spectrum. `input` is a block of at most `shape` per axis (zero-padded at the end)
   * or a C-order typed array of exactly `shape`; `output` (allocated when omitted) is a complex
   * block of `complexShape` or a C-order interleaved typed array.
   */
  forward(input: BlockLike | Float32Array | Float64Array, output?: ComplexBlock | Float32Array | Float64Array): ComplexBlock;
  /**
   * Spectrum to real. `output` (allocated with `shape` when omitted) may be smaller than
   * `shape` along transformed axes: it then receives the region starting at `offset`.
   */
  inverse(
    input: ComplexBlock | Float32Array | Float64Array,
    output?: BlockLike | Float32Array | Float64Array,
    options?: RfftnInverseOptions,
  ): Block<"float32" | "float64">;
  /** Bytes held by the plan's buffers so far (line buffers and the inverse work array). */
  readonly workspaceBytes: number;
}

const FN = "createRfftnPlan";

/**
 * Creates a reusable real N-D FFT plan (see the module notes).
 * @param shape - the real (already padded) shape, e.g. `[160, 576, 480]`
 * @param options - `axes`, `dtype` (default "float32"), `norm`
 * @throws {ValueError} for an invalid shape, axes, norm or backend
 * @example
 * ```ts
 * const plan = createRfftnPlan([64, 64, 64], { dtype: "float32" });
 * const spectrum = complexZeros(plan.complexShape, plan.complexDtype);
 * const image = new Float32Array(64 ** 3);
 * plan.forward(image, spectrum);           // rfftn
 * plan.inverse(spectrum, image);           // irfftn, back into the same buffer
 * ```
 */
export function createRfftnPlan(shape: readonly number[], options: RfftnPlanOptions = {}): RfftnPlan {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ValueError(FN, `shape must be a list of positive integers; got ${show(shape)}. Pass the padded shape, e.g. [160, 576, 480]`);
  }
  const dtype = options.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float64") {
    throw new DtypeError(FN, `dtype must be "float32" or "float64"; got ${show(dtype)}. Convert integer data to float32 first`);
  }
  const axes = checkAxes(FN, shape.length, options.axes, undefined);
  if (axes.length === 0) throw new ValueError(FN, "axes must name at least one axis; got none. Pass axes or a non-empty shape");
  const norm = checkNorm(FN, options.norm);
  const backend = options.backend ?? "auto";
  if (backend !== "auto" && backend !== "wasm" && backend !== "typescript") {
    throw new ValueError(FN, `backend must be "auto", "wasm" or "typescript"; got ${show(backend)}. Omit it to let the plan choose`);
  }
  const sizes = axes.map((a) => shape[a]!);
  checkLengths(FN, sizes);
  return new Plan([...shape], axes, sizes, dtype, norm, backend);
}

class Plan implements RfftnPlan {
  readonly complexShape: number[];
  readonly complexDtype: ComplexDataType;
  private readonly scratch: FftWorkspace;
  private work: ComplexBlock | undefined;
  private readonly count: number;

  constructor(
    readonly shape: number[],
    readonly axes: number[],
    private readonly sizes: number[],
    readonly dtype: "float32" | "float64",
    readonly norm: FftNorm,
    backend: FftBackend,
  ) {
    this.scratch = new FftWorkspace({ backend });
    const la = axes[axes.length - 1]!;
    this.complexShape = [...shape];
    this.complexShape[la] = (shape[la]! >> 1) + 1;
    this.complexDtype = dtype === "float32" ? "complex64" : "complex128";
    this.count = sizes.reduce((p, n) => p * n, 1);
  }

  get workspaceBytes(): number {
    return this.scratch.bytes + (this.work?.data.byteLength ?? 0);
  }

  forward(input: BlockLike | Float32Array | Float64Array, output?: ComplexBlock | Float32Array | Float64Array): ComplexBlock {
    const x = realView("forward", "input", input, this.shape, true);
    if (x.shape.some((d, i) => d !== this.shape[i] && !this.axes.includes(i))) {
      throw new ValueError("forward", `input must match the plan's shape ${show(this.shape)} along axes that are not transformed; got ${show(x.shape)}. Pad only transformed axes`);
    }
    const out = complexView("forward", "output", output, this.complexShape, this.complexDtype);
    const chain = r2cChain(x.shape, this.axes, this.sizes, normFactor(this.norm, this.count, false));
    const ov: ScalarView = { data: out.data, offset: 2 * out.offset, stride: out.stride.map((s) => 2 * s) };
    runChain(chain, x.view, ov, ov, this.scratch);
    return out;
  }

  inverse(
    input: ComplexBlock | Float32Array | Float64Array,
    output?: BlockLike | Float32Array | Float64Array,
    options: RfftnInverseOptions = {},
  ): Block<"float32" | "float64"> {
    const c = complexView("inverse", "input", input, this.complexShape, this.complexDtype);
    const y = output === undefined
      ? realView("inverse", "output", this.dtype === "float32" ? new Float32Array(sizeOf(this.shape)) : new Float64Array(sizeOf(this.shape)), this.shape, false)
      : realView("inverse", "output", output, this.shape, true);
    const start = options.offset ?? this.shape.map(() => 0);
    if (start.length !== this.shape.length || start.some((o, d) => !Number.isInteger(o) || o < 0 || o + y.shape[d]! > this.shape[d]! || (!this.axes.includes(d) && (o !== 0 || y.shape[d] !== this.shape[d])))) {
      throw new ValueError("inverse", `offset must place the output (shape ${show(y.shape)}) inside ${show(this.shape)} along transformed axes; got ${show(start)}. Pass one non-negative start per axis`);
    }
    const cv: ScalarView = { data: c.data, offset: 2 * c.offset, stride: c.stride.map((s) => 2 * s) };
    const chain = c2rChain(this.complexShape, this.axes, this.sizes, normFactor(this.norm, this.count, true), {
      start, len: y.shape,
    });
    const work = (): ScalarView => {
      if (options.overwriteInput === true) return cv;
      this.work ??= complexZeros(this.complexShape, this.complexDtype);
      return { data: this.work.data, offset: 0, stride: this.work.stride.map((s) => 2 * s) };
    };
    runChain(chain, cv, work, y.view, this.scratch);
    return y.block;
  }
}

function realView(
  fn: string, what: string, x: BlockLike | Float32Array | Float64Array, shape: readonly number[], allowSmaller: boolean,
): { shape: number[]; view: ScalarView; block: Block<"float32" | "float64"> } {
  let block: Block<"float32" | "float64">;
  if (x instanceof Float32Array || x instanceof Float64Array) {
    if (x.length !== sizeOf(shape)) {
      throw new ValueError(fn, `${what} must have ${sizeOf(shape)} elements (shape ${show(shape)}); got ${x.length}. Pass a block to use a smaller array`);
    }
    block = { dtype: x instanceof Float32Array ? "float32" : "float64", data: x, shape: [...shape], stride: cStrides(shape), offset: 0 } as Block<"float32" | "float64">;
  } else if (isBlockLike(x) && (x.data instanceof Float32Array || x.data instanceof Float64Array)) {
    block = {
      dtype: x.data instanceof Float32Array ? "float32" : "float64", data: x.data, shape: [...x.shape],
      stride: x.stride === undefined ? cStrides(x.shape) : [...x.stride], offset: x.offset ?? 0,
    } as Block<"float32" | "float64">;
  } else {
    throw new DtypeError(fn, `${what} must be a float32 or float64 block or typed array; got ${show(x)}. Convert it with astype first`);
  }
  const bad = block.shape.length !== shape.length || block.shape.some((d, i) => (allowSmaller ? d > shape[i]! : d !== shape[i]!));
  if (bad) {
    throw new ValueError(fn, `${what} shape must ${allowSmaller ? "fit inside" : "equal"} ${show(shape)}; got ${show(block.shape)}. Pad or crop it to the plan's shape`);
  }
  return { shape: [...block.shape], view: { data: block.data, offset: block.offset, stride: block.stride }, block };
}

function complexView(
  fn: string, what: string, x: ComplexBlock | Float32Array | Float64Array | undefined, shape: readonly number[], dtype: ComplexDataType,
): ComplexBlock {
  if (x === undefined) return complexZeros(shape, dtype);
  if (x instanceof Float32Array || x instanceof Float64Array) {
    if (x.length !== 2 * sizeOf(shape)) {
      throw new ValueError(fn, `${what} must hold ${2 * sizeOf(shape)} floats (interleaved shape ${show(shape)}); got ${x.length}. Allocate 2 * product(complexShape) floats`);
    }
    return { dtype: x instanceof Float32Array ? "complex64" : "complex128", data: x, shape: [...shape], stride: cStrides(shape), offset: 0 } as ComplexBlock;
  }
  if (!isComplexBlock(x) || x.shape.length !== shape.length || x.shape.some((d, i) => d !== shape[i])) {
    throw new ValueError(fn, `${what} must be a complex block of shape ${show(shape)}; got ${isComplexBlock(x) ? show(x.shape) : show(x)}. Allocate it with complexZeros(plan.complexShape)`);
  }
  return x;
}
