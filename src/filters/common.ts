/**
 * Shared plumbing of the filters: input conversion to contiguous float buffers, option
 * checking with chunkwise's one error template, the compute dtype rule, and scipy.ndimage's
 * boundary extension (`reflect`, `constant`, `nearest`, `mirror`, `wrap`).
 *
 * Invariants: every filter reads its inputs through {@link floatInput}, which never writes to
 * them; a buffer it returns may alias the caller's data (read-only use only).
 * @module
 */
import { commonFloatType, type DataType, type FloatDataType } from "../core/dtype.js";
import { ValueError, show } from "../core/errors.js";
import { asBlock, cStrides, forEachRow, isCContiguous, sizeOf, type Block } from "../core/ndarray.js";

/** A float TypedArray. */
export type FloatArray = Float32Array | Float64Array;

/** A C-contiguous float input: `data` holds exactly `product(shape)` elements. */
export interface FloatInput {
  readonly data: FloatArray;
  readonly shape: readonly number[];
  readonly dtype: FloatDataType;
}

/** Allocates a float buffer of `dtype`. */
export function allocFloat(dtype: FloatDataType, n: number): FloatArray {
  return dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
}

/** A C-contiguous block over `data`. */
export function floatBlock(data: FloatArray, shape: readonly number[]): Block<FloatDataType> {
  return { dtype: data instanceof Float32Array ? "float32" : "float64", data, shape: [...shape], stride: cStrides(shape), offset: 0 } as Block<FloatDataType>;
}

/** Converts `x` (a block, scijs ndarray or zarrita chunk) to a block, naming it in errors. */
export function blockArg(fn: string, what: string, x: unknown): Block {
  return asBlock(x, fn, what);
}

/**
 * `block`'s values as a C-contiguous buffer of `dtype`; no copy when the block already is one
 * (a subarray view), so callers must not write to the result.
 */
export function floatInput(block: Block, dtype: FloatDataType): FloatInput {
  const n = sizeOf(block.shape);
  const ctor = dtype === "float32" ? Float32Array : Float64Array;
  if (block.data instanceof ctor && isCContiguous(block)) {
    return { data: (block.data as FloatArray).subarray(block.offset, block.offset + n), shape: block.shape, dtype };
  }
  const out = allocFloat(dtype, n);
  const src = block.data;
  const step = block.stride[block.shape.length - 1] ?? 1;
  let k = 0;
  forEachRow(block.shape, [block], (o, len) => {
    for (let i = 0, p = o[0]!; i < len; i++, p += step) out[k++] = src[p]!;
  });
  return { data: out, shape: block.shape, dtype };
}

/** The float dtype filters compute in: NumPy's promotion of the inputs with float32 (uint16 -> float32). */
export function computeDtype(...dtypes: DataType[]): FloatDataType {
  return commonFloatType(dtypes);
}

/** Rejects option keys a filter does not know (a typo would otherwise be silently ignored). */
export function checkKeys(fn: string, options: unknown, known: readonly string[]): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new ValueError(fn, `options must be an object; got ${show(options)}. Pass e.g. { ${known[0]}: ... }`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ValueError(fn, `options must use known keys; got '${key}'. Use one of ${known.join(", ")}`);
    }
  }
  return options as Record<string, unknown>;
}

/** A finite number option, with a default. */
export function numberOption(fn: string, name: string, value: unknown, dflt: number | undefined, rule: (v: number) => boolean = Number.isFinite, ruleText = "be a finite number"): number {
  if (value === undefined) {
    if (dflt === undefined) throw new ValueError(fn, `${name} must be given; got undefined. Pass ${name}`);
    return dflt;
  }
  if (typeof value !== "number" || !rule(value)) {
    throw new ValueError(fn, `${name} must ${ruleText}; got ${show(value)}. Pass a valid ${name}`);
  }
  return value;
}

/** A number or one number per axis, expanded to `ndim` entries. */
export function perAxis(fn: string, name: string, value: unknown, ndim: number, rule: (v: number) => boolean, ruleText: string): number[] {
  const list = typeof value === "number" ? new Array<number>(ndim).fill(value) : value;
  if (!Array.isArray(list) || list.length !== ndim || list.some((v) => typeof v !== "number" || !rule(v))) {
    throw new ValueError(fn, `${name} must be a number or a list of ${ndim} numbers that ${ruleText}; got ${show(value)}. Pass one value per axis of the ${ndim}-D image`);
  }
  return list as number[];
}

/** Throws unless `block` has `ndim` axes. */
export function checkNdim(fn: string, what: string, block: Block, ndim: number): void {
  if (block.shape.length !== ndim) {
    throw new ValueError(fn, `${what} must have ${ndim} dimensions like the image; got shape ${show(block.shape)}. Add or remove axes so the ranks agree`);
  }
}

/** scipy.ndimage boundary modes (with their grid- aliases). */
export type BoundaryMode = "reflect" | "constant" | "nearest" | "mirror" | "wrap";

const MODE_ALIASES: Record<string, BoundaryMode> = {
  reflect: "reflect", "grid-mirror": "reflect", constant: "constant", "grid-constant": "constant",
  nearest: "nearest", mirror: "mirror", wrap: "wrap", "grid-wrap": "wrap",
};

/** Checks a mode (or one per axis) and resolves scipy's aliases. */
export function modeOption(fn: string, value: unknown, ndim: number, dflt: BoundaryMode): BoundaryMode[] {
  if (value === undefined) return new Array<BoundaryMode>(ndim).fill(dflt);
  const list = typeof value === "string" ? new Array<string>(ndim).fill(value) : value;
  if (!Array.isArray(list) || list.length !== ndim || list.some((m) => typeof m !== "string" || MODE_ALIASES[m] === undefined)) {
    throw new ValueError(fn, `mode must be one of "reflect", "constant", "nearest", "mirror", "wrap" (or one per axis); got ${show(value)}. Pass e.g. mode: "reflect"`);
  }
  return (list as string[]).map((m) => MODE_ALIASES[m]!);
}

/**
 * Where position `i` (possibly outside `[0, n)`) reads from under `mode`, as scipy.ndimage's
 * line extension: -1 means "use cval" (constant mode).
 */
export function extendIndex(i: number, n: number, mode: BoundaryMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case "constant":
      return -1;
    case "nearest":
      return i < 0 ? 0 : n - 1;
    case "wrap":
      return ((i % n) + n) % n;
    case "reflect": {
      const j = ((i % (2 * n)) + 2 * n) % (2 * n);
      return j < n ? j : 2 * n - 1 - j;
    }
    case "mirror": {
      if (n === 1) return 0;
      const p = 2 * n - 2;
      const j = ((i % p) + p) % p;
      return j < n ? j : p - j;
    }
  }
}
