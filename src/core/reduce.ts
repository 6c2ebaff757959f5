/**
 * Reductions over axes: `sum`, `prod`, `mean`, `min`, `max`; match `numpy.sum`, `numpy.prod`,
 * `numpy.mean`, `numpy.min` (`amin`) and `numpy.max` (`amax`) with `axis`, `keepdims`, `dtype`.
 *
 * Result dtypes, as NumPy's except for the missing 64-bit integers:
 * - sum/prod: bool, int8, int16, int32 -> int32 (NumPy: int64); uint8, uint16, uint32 -> uint32
 *   (NumPy: uint64); floats keep their type. Integer results wrap modulo 2^32 (NumPy wraps
 *   modulo 2^64, so large integer sums differ: pass `dtype: "float64"` for those).
 * - mean: bool and integers -> float64; float32 -> float32; float64 -> float64.
 * - min/max keep the input dtype; NaN propagates; an empty reduction throws, as NumPy's
 *   "zero-size array to reduction operation minimum which has no identity".
 * - `dtype` casts the input to that dtype first, then accumulates in it, as NumPy.
 * Accuracy: float sums and means accumulate in float64 (also for float32, then round once);
 * NumPy accumulates in the dtype itself with pairwise summation, so float results may differ
 * in the last bits. float32 products round every step, as NumPy. mean of an empty reduction is
 * NaN (NumPy also warns). Results are new C-contiguous blocks; a full reduction is a 0-d block.
 * @module
 */
import { astype } from "./astype.js";
import { canCastSafely, dtypeKind, type AnyTypedArray, type DataType } from "./dtype.js";
import { DtypeError, ValueError, show } from "./errors.js";
import { checkDtype } from "./creation.js";
import { asBlock, cStrides, emptyBlock, sizeOf, type Block, type BlockLike } from "./ndarray.js";
import { checkOptions, coalesce, runRows } from "./operands.js";
import { normalizeAxis } from "./views.js";

/** Options of {@link min} and {@link max}. */
export interface MinMaxOptions {
  /** Axis or axes to reduce; negative counts from the end; default all. */
  axis?: number | readonly number[];
  /** Keep reduced axes as size 1, so the result broadcasts against the input (default false). */
  keepdims?: boolean;
}

/** Options of {@link sum}, {@link prod} and {@link mean}. */
export interface ReduceOptions extends MinMaxOptions {
  /** The dtype to cast to, accumulate in and return (default: see the module notes). */
  dtype?: DataType;
}

type Kind = "sum" | "prod" | "mean" | "min" | "max";
type Row = (n: number, acc: AnyTypedArray, pa: number, sa: number, x: AnyTypedArray, px: number, sx: number) => void;

const NUMPY_NAME: Record<Kind, string> = { sum: "add", prod: "multiply", mean: "add", min: "minimum", max: "maximum" };

/**
 * Sum of elements over `axis`, as `numpy.sum`.
 * @param block - a block, scijs ndarray or zarrita chunk
 * @param options - `axis` (default all), `keepdims`, `dtype`
 * @throws {ValueError} for an axis out of range or repeated, or a non-boolean keepdims
 * @throws {DtypeError} for an unknown dtype
 * @example sum(array([[1, 2], [3, 4]], { dtype: "uint8" }), { axis: 0 }) // uint32 [4, 6]
 */
export function sum(block: Block | BlockLike, options?: ReduceOptions): Block {
  return reduce("sum", block, options);
}

/**
 * Product of elements over `axis`, as `numpy.prod`; empty products are 1.
 * @throws as {@link sum}
 * @example prod(array([1, 2, 3, 4]), {}) // 0-d float64 24
 */
export function prod(block: Block | BlockLike, options?: ReduceOptions): Block {
  return reduce("prod", block, options);
}

/**
 * Arithmetic mean over `axis`, as `numpy.mean`; an empty mean is NaN.
 * @throws as {@link sum}; {@link DtypeError} for `dtype: "bool"`
 * @example mean(array([[1, 2], [3, 4]], { dtype: "int32" }), { axis: 1 }) // float64 [1.5, 3.5]
 */
export function mean(block: Block | BlockLike, options?: ReduceOptions): Block {
  return reduce("mean", block, options);
}

/**
 * Minimum over `axis`, as `numpy.min`; NaN propagates.
 * @throws {ValueError} if a reduced axis has length 0; otherwise as {@link sum}
 * @example min(array([[3, 1], [2, NaN]]), { axis: 1 }) // float64 [1, NaN]
 */
export function min(block: Block | BlockLike, options?: MinMaxOptions): Block {
  return reduce("min", block, options);
}

/**
 * Maximum over `axis`, as `numpy.max`; NaN propagates.
 * @throws as {@link min}
 * @example max(array([[3, 1], [2, 5]]), { axis: 0, keepdims: true }) // shape (1, 2): [[3, 5]]
 */
export function max(block: Block | BlockLike, options?: MinMaxOptions): Block {
  return reduce("max", block, options);
}

/**
 * Resolves `axis` (a number, a list, or undefined for all axes) to non-negative axes.
 * @throws {ValueError} for an axis out of range, not an integer, or repeated
 * @example normalizeAxes("sum", [-1, 0], 3) // [2, 0]
 */
export function normalizeAxes(fn: string, axis: unknown, ndim: number): number[] {
  if (axis === undefined || axis === null) return [...Array(ndim).keys()];
  const list = typeof axis === "number" ? [axis] : axis;
  if (!Array.isArray(list)) {
    throw new ValueError(fn, `axis must be an integer or a list of integers; got ${show(axis)}. Pass e.g. 0 or [0, 2]`);
  }
  const axes = list.map((a: unknown) => normalizeAxis(fn, a as number, ndim));
  const seen = new Set<number>();
  for (const a of axes) {
    if (seen.has(a)) throw new ValueError(fn, `axis must not repeat an axis; got ${show(list)}. List each axis once`);
    seen.add(a);
  }
  return axes;
}

function defaultDtype(kind: Kind, dtype: DataType): DataType {
  const k = dtypeKind(dtype);
  if (kind === "min" || kind === "max" || k === "f") return dtype;
  if (kind === "mean") return "float64";
  return k === "u" ? "uint32" : "int32";
}

function reduce(kind: Kind, input: Block | BlockLike, options: ReduceOptions | undefined): Block {
  const fn = kind;
  const opts = checkOptions(fn, options);
  let b = asBlock(input, fn, "array");
  const nd = b.shape.length;
  const axes = normalizeAxes(fn, opts.axis, nd);
  if (opts.keepdims !== undefined && typeof opts.keepdims !== "boolean") {
    throw new ValueError(fn, `keepdims must be a boolean; got ${show(opts.keepdims)}. Pass true or false`);
  }
  const dtype = opts.dtype === undefined ? defaultDtype(kind, b.dtype) : checkDtype(fn, opts.dtype);
  if (kind === "mean" && dtype === "bool") {
    throw new DtypeError(fn, `dtype must be a number dtype; got "bool". Use "float64" or count with sum(...)`);
  }
  const reduced = new Set(axes);
  const count = sizeOf(axes.map((a) => b.shape[a]!));
  if ((kind === "min" || kind === "max") && count === 0) {
    throw new ValueError(fn, `array must be non-empty along the reduced axes; got shape ${show(b.shape)} reduced over axis ${show(axes)}. zero-size array to reduction operation ${NUMPY_NAME[kind]} which has no identity; pass a non-empty array`);
  }
  if (!canCastSafely(b.dtype, dtype)) b = astype(b, dtype);
  const keptShape = b.shape.filter((_, i) => !reduced.has(i));
  const keptStride = cStrides(keptShape);
  let j = 0;
  const accStride = b.shape.map((_, i) => (reduced.has(i) ? 0 : keptStride[j++]!));
  const { acc, row, finish } = accumulator(kind, dtype, sizeOf(keptShape), count);
  // Walk the input in memory order (largest stride outermost) so transposed views stay fast.
  const order = [...Array(nd).keys()].sort((x, y) => Math.abs(b.stride[y]!) - Math.abs(b.stride[x]!));
  const plan = coalesce(
    order.map((i) => b.shape[i]!),
    [order.map((i) => accStride[i]!), order.map((i) => b.stride[i]!)],
    [0, b.offset],
  );
  const x = b.data;
  runRows(plan, (o, n, s) => row(n, acc, o[0]!, s[0]!, x, o[1]!, s[1]!));
  const outShape = opts.keepdims === true ? b.shape.map((d, i) => (reduced.has(i) ? 1 : d)) : keptShape;
  const out = emptyBlock(dtype, outShape);
  finish(out.data);
  return out;
}

function accumulator(kind: Kind, dtype: DataType, size: number, count: number): {
  acc: AnyTypedArray;
  row: Row;
  finish: (out: AnyTypedArray) => void;
} {
  const k = dtypeKind(dtype);
  const copy = (acc: AnyTypedArray) => (out: AnyTypedArray) => out.set(acc);
  if (kind === "min" || kind === "max") {
    const acc = new Float64Array(size).fill(kind === "min" ? Infinity : -Infinity);
    return { acc, row: kind === "min" ? minRow : maxRow, finish: copy(acc) };
  }
  if (k === "b") {
    const acc = new Uint8Array(size).fill(kind === "prod" ? 1 : 0);
    return { acc, row: kind === "prod" ? andRow : orRow, finish: copy(acc) };
  }
  if (k === "f") {
    const acc = new Float64Array(size).fill(kind === "prod" ? 1 : 0);
    // float32 products round every step as NumPy's float32 multiply does (overflow included).
    const row = kind !== "prod" ? sumRow : dtype === "float32" ? prodF32Row : prodRow;
    const finish = kind === "mean" ? (out: AnyTypedArray) => { for (let i = 0; i < size; i++) out[i] = acc[i]! / count; } : copy(acc);
    return { acc, row, finish };
  }
  // Integer dtypes accumulate modulo 2^32 with |0 and Math.imul; the final store wraps to the
  // dtype's width, which equals wrapping every step because reduction mod 2^bits commutes.
  const acc = new Int32Array(size).fill(kind === "prod" ? 1 : 0);
  const finish = kind === "mean" ? (out: AnyTypedArray) => { for (let i = 0; i < size; i++) out[i] = wrap(dtype, acc[i]!) / count; } : copy(acc);
  return { acc, row: kind === "prod" ? iprodRow : isumRow, finish };
}

/** The int32 word `v` read as `dtype` (mean over an integer dtype divides the wrapped sum). */
function wrap(dtype: DataType, v: number): number {
  const t = new (dtype === "int8" ? Int8Array : dtype === "int16" ? Int16Array : dtype === "uint8" ? Uint8Array : dtype === "uint16" ? Uint16Array : dtype === "uint32" ? Uint32Array : Int32Array)(1);
  t[0] = v;
  return t[0]!;
}

const sumRow: Row = (n, acc, pa, sa, x, px, sx) => {
  if (sa === 0) {
    let s = acc[pa]!;
    for (let i = 0; i < n; i++, px += sx) s += x[px]!;
    acc[pa] = s;
    return;
  }
  for (let i = 0; i < n; i++, pa += sa, px += sx) acc[pa] = acc[pa]! + x[px]!;
};
const prodRow: Row = (n, acc, pa, sa, x, px, sx) => {
  for (let i = 0; i < n; i++, pa += sa, px += sx) acc[pa] = acc[pa]! * x[px]!;
};
const prodF32Row: Row = (n, acc, pa, sa, x, px, sx) => {
  for (let i = 0; i < n; i++, pa += sa, px += sx) acc[pa] = Math.fround(acc[pa]! * x[px]!);
};
const isumRow: Row = (n, acc, pa, sa, x, px, sx) => {
  for (let i = 0; i < n; i++, pa += sa, px += sx) acc[pa] = (acc[pa]! + x[px]!) | 0;
};
const iprodRow: Row = (n, acc, pa, sa, x, px, sx) => {
  for (let i = 0; i < n; i++, pa += sa, px += sx) acc[pa] = Math.imul(acc[pa]!, x[px]!);
};
const orRow: Row = (n, acc, pa, sa, x, px, sx) => {
  for (let i = 0; i < n; i++, pa += sa, px += sx) if (x[px]! !== 0) acc[pa] = 1;
};
const andRow: Row = (n, acc, pa, sa, x, px, sx) => {
  for (let i = 0; i < n; i++, pa += sa, px += sx) if (x[px]! === 0) acc[pa] = 0;
};
/** NumPy's minimum: keep `a` when `a <= x` or `a` is NaN, so NaN, once met, stays. */
const minRow: Row = (n, acc, pa, sa, x, px, sx) => {
  for (let i = 0; i < n; i++, pa += sa, px += sx) {
    const a = acc[pa]!;
    const v = x[px]!;
    acc[pa] = a <= v || a !== a ? a : v;
  }
};
const maxRow: Row = (n, acc, pa, sa, x, px, sx) => {
  for (let i = 0; i < n; i++, pa += sa, px += sx) {
    const a = acc[pa]!;
    const v = x[px]!;
    acc[pa] = a >= v || a !== a ? a : v;
  }
};
