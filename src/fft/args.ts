/**
 * Argument checking for the public transforms, following scipy.fft's rules: `axes` default to
 * all axes, or to the last `len(s)` axes when only `s` is given; axes may be negative but not
 * repeated; an `s` entry of -1 keeps the input's length (for `irfftn`'s last axis,
 * `2 * (m - 1)`); norms are "backward", "ortho" and "forward".
 * @module
 */
import { DtypeError, ValueError, show } from "../core/errors.js";
import { asBlock, type Block } from "../core/ndarray.js";
import { isComplexBlock, type ComplexBlock } from "./complex.js";
import type { ScalarView } from "./axis-pass.js";

/**
 * Normalisation of a transform pair, as scipy.fft's `norm`.
 * @example
 * ```ts
 * irfftn(X, { norm: "forward" });
 * ```
 */
export type FftNorm = "backward" | "ortho" | "forward";

/**
 * Checks `norm` (default "backward").
 * @example
 * ```ts
 * checkNorm("fftn", undefined); // "backward"
 * ```
 */
export function checkNorm(fn: string, norm: unknown): FftNorm {
  if (norm === undefined || norm === null) return "backward";
  if (norm === "backward" || norm === "ortho" || norm === "forward") return norm;
  throw new ValueError(fn, `norm must be "backward", "ortho" or "forward"; got ${show(norm)}. Pass one of those or omit it`);
}

/**
 * The factor applied to a forward (`inverse` false) or inverse transform over `count` points.
 * @example
 * ```ts
 * normFactor("ortho", 16, false); // 0.25
 * ```
 */
export function normFactor(norm: FftNorm, count: number, inverse: boolean): number {
  if (norm === "ortho") return 1 / Math.sqrt(count);
  if (norm === "backward") return inverse ? 1 / count : 1;
  return inverse ? 1 : 1 / count;
}

/**
 * Resolves `axes` against `ndim` (and `s`), as scipy.fft does.
 * @example
 * ```ts
 * checkAxes("fftn", 3, [-1, 0], undefined); // [2, 0]
 * ```
 */
export function checkAxes(fn: string, ndim: number, axes: unknown, s: unknown): number[] {
  let list: number[];
  if (axes === undefined || axes === null) {
    if (s === undefined || s === null) {
      list = Array.from({ length: ndim }, (_, i) => i);
    } else {
      const k = Array.isArray(s) ? s.length : 0;
      if (k > ndim) {
        throw new ValueError(fn, `s must have at most one entry per input axis (${ndim}); got ${show(s)}. Pass axes or a shorter s`);
      }
      list = Array.from({ length: k }, (_, i) => ndim - k + i);
    }
  } else {
    if (!Array.isArray(axes) || axes.some((a) => !Number.isInteger(a))) {
      throw new ValueError(fn, `axes must be a list of integers; got ${show(axes)}. Pass e.g. [0, 1]`);
    }
    list = (axes as number[]).map((a) => {
      if (a < -ndim || a >= ndim) {
        throw new ValueError(fn, `axes must lie in [${-ndim}, ${ndim}) for a ${ndim}-D input; got ${show(axes)}. Use axes that exist`);
      }
      return a < 0 ? a + ndim : a;
    });
    if (new Set(list).size !== list.length) {
      throw new ValueError(fn, `axes must be unique; got ${show(axes)}. Drop the repeated axis`);
    }
  }
  return list;
}

/**
 * Resolves `s` to one length per axis in `axes`; `-1` (or a missing `s`) takes `dflt(axis)`.
 * @throws {ValueError} if `s` and `axes` differ in length or a length is not a positive integer
 * @example
 * ```ts
 * checkSizes("fftn", [0, 1], [8, -1], (a) => [4, 5][a]!); // [8, 5]
 * ```
 */
export function checkSizes(fn: string, axes: readonly number[], s: unknown, dflt: (axis: number, i: number) => number): number[] {
  if (s === undefined || s === null) return axes.map((a, i) => dflt(a, i));
  if (!Array.isArray(s) || s.length !== axes.length) {
    throw new ValueError(fn, `s must have one length per transformed axis (${axes.length}); got ${show(s)}. Pass s and axes of the same length`);
  }
  return axes.map((a, i) => {
    const v = s[i] as unknown;
    if (v === -1) return dflt(a, i);
    if (!Number.isInteger(v) || (v as number) < 1) {
      throw new ValueError(fn, `s must hold positive integers (or -1 for the input's length); got ${show(s)}. Pass lengths of at least 1`);
    }
    return v as number;
  });
}

/**
 * Throws if a transform length is below 1.
 * @example
 * ```ts
 * checkLengths("irfftn", [0]); // throws ValueError
 * ```
 */
export function checkLengths(fn: string, sizes: readonly number[]): void {
  if (sizes.some((n) => n < 1)) {
    throw new ValueError(fn, `every transformed length must be at least 1; got ${show(sizes)}. Pass s or an input without empty transformed axes`);
  }
}

/**
 * A real input as a float32/float64 block; integers and bool are converted to float64 (a copy).
 * @example
 * ```ts
 * realInput("rfftn", { data: new Int16Array(4), shape: [4] }).dtype; // "float64"
 * ```
 */
export function realInput(fn: string, x: unknown): Block<"float32" | "float64"> {
  if (isComplexBlock(x)) {
    throw new DtypeError(fn, `x must be real; got a ${x.dtype} array. Use fftn for complex input`);
  }
  const b = asBlock(x, fn, "x");
  if (b.dtype === "float32" || b.dtype === "float64") return b as Block<"float32" | "float64">;
  const out = new Float64Array(b.shape.reduce((p, d) => p * d, 1));
  let i = 0;
  const nd = b.shape.length;
  const idx = new Array<number>(nd).fill(0);
  if (out.length > 0) {
    for (;;) {
      let p = b.offset;
      for (let d = 0; d < nd; d++) p += idx[d]! * b.stride[d]!;
      out[i++] = b.data[p]!;
      let d = nd - 1;
      while (d >= 0 && ++idx[d]! === b.shape[d]!) idx[d--] = 0;
      if (d < 0) break;
    }
  }
  const shape = [...b.shape];
  const stride = new Array<number>(nd);
  for (let d = nd - 1, st = 1; d >= 0; d--) {
    stride[d] = st;
    st *= shape[d]!;
  }
  return { dtype: "float64", data: out, shape, stride, offset: 0 };
}

/**
 * A complex or real input for fftn/ifftn/irfftn: complex blocks pass through.
 * @example
 * ```ts
 * anyInput("fftn", complexZeros([2])).dtype; // "complex128"
 * ```
 */
export function anyInput(fn: string, x: unknown): ComplexBlock | Block<"float32" | "float64"> {
  if (isComplexBlock(x)) return x;
  return realInput(fn, x);
}

/**
 * The scalar-unit view of a real or complex block.
 * @example
 * ```ts
 * scalarView(complexZeros([2, 3])).stride; // [6, 2]
 * ```
 */
export function scalarView(x: ComplexBlock | Block<"float32" | "float64">): ScalarView {
  if (isComplexBlock(x)) return { data: x.data, offset: 2 * x.offset, stride: x.stride.map((s) => 2 * s) };
  return { data: x.data, offset: x.offset, stride: x.stride };
}
