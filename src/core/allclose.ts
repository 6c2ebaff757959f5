/**
 * Approximate and exact comparison of whole arrays: `isclose` and `allclose` match
 * `numpy.isclose` / `numpy.allclose` (`|a - b| <= atol + rtol * |b|`, asymmetric in `b`,
 * broadcasting; infinities are close only to themselves; NaN only with `equalNan`);
 * `arrayEqual` matches `numpy.array_equal` (same shape, equal values, dtype ignored).
 * Values are compared in float64 (NumPy computes float32 inputs in float32, so results can
 * differ for float32 values within one float32 ulp of the tolerance).
 * Unlike NumPy, `rtol` and `atol` must be finite and non-negative.
 * @module
 */
import { broadcastShapes } from "./broadcast.js";
import { ValueError, show } from "./errors.js";
import { emptyBlock, type Block } from "./ndarray.js";
import { checkOptions, materialize, planLoop, prepare, runRows, type Operand } from "./operands.js";

/** Options of {@link isclose} and {@link allclose}. */
export interface IsCloseOptions {
  /** Relative tolerance, scaled by `|b|` (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Whether NaN is close to NaN (default false). */
  equalNan?: boolean;
}

function checkTolerances(fn: string, options: IsCloseOptions | undefined): Required<IsCloseOptions> {
  const opts = checkOptions(fn, options);
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  const equalNan = opts.equalNan ?? false;
  for (const [name, v] of [["rtol", rtol], ["atol", atol]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new ValueError(fn, `${name} must be a finite non-negative number; got ${show(v)}. Pass e.g. ${name === "rtol" ? "1e-5" : "1e-8"}`);
    }
  }
  if (typeof equalNan !== "boolean") {
    throw new ValueError(fn, `equalNan must be a boolean; got ${show(equalNan)}. Pass true or false`);
  }
  return { rtol, atol, equalNan };
}

/**
 * Elementwise `|a - b| <= atol + rtol * |b|` as a bool block, as `numpy.isclose`.
 * @param a - a block, number or boolean
 * @param b - the reference; the tolerance scales with `|b|`
 * @param options - `rtol` (1e-5), `atol` (1e-8), `equalNan` (false)
 * @throws {BroadcastError} if the shapes do not broadcast
 * @throws {ValueError} for a negative or non-finite tolerance, or non-boolean equalNan
 * @example isclose(array([1, 1.1, NaN]), 1, { rtol: 0.05 }) // bool [true, false, false]
 */
export function isclose(a: Operand, b: Operand, options?: IsCloseOptions): Block<"bool"> {
  const fn = "isclose";
  const { rtol, atol, equalNan } = checkTolerances(fn, options);
  const [ba, bb] = materialize(fn, [prepare(fn, a, "a"), prepare(fn, b, "b")], "float64", false);
  const shape = broadcastShapes([ba!.shape, bb!.shape], fn);
  const out = emptyBlock("bool", shape);
  const r = out.data;
  const x = ba!.data;
  const y = bb!.data;
  runRows(planLoop(shape, [out, ba!, bb!]), ([pr, pa, pb], n, [sr, sa, sb]) => {
    for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) {
      const u = x[q]!;
      const v = y[s]!;
      let ok: boolean;
      if (Number.isFinite(u) && Number.isFinite(v)) ok = Math.abs(u - v) <= atol + rtol * Math.abs(v);
      else ok = u === v || (equalNan && u !== u && v !== v);
      r[p] = ok ? 1 : 0;
    }
  });
  return out;
}

/**
 * Whether every element of `a` is close to `b` (broadcasting), as `numpy.allclose`; true for
 * empty arrays.
 * @throws as {@link isclose}
 * @example allclose(array([1, 2]), array([1, 2 + 1e-9])) // true
 */
export function allclose(a: Operand, b: Operand, options?: IsCloseOptions): boolean {
  const c = isclose(a, b, options).data;
  for (let i = 0; i < c.length; i++) if (c[i] === 0) return false;
  return true;
}

/**
 * Whether `a` and `b` have the same shape and equal elements, as `numpy.array_equal`. The
 * dtypes may differ (int32 [1] equals float64 [1]); NaN equals NaN only with `equalNan`.
 * @throws {ValueError} if an operand is not block-like, a number or a boolean
 * @example arrayEqual(array([1, 2]), array([1, 2], { dtype: "int32" })) // true
 */
export function arrayEqual(a: Operand, b: Operand, options?: { equalNan?: boolean }): boolean {
  const fn = "arrayEqual";
  const opts = checkOptions(fn, options);
  const equalNan = opts.equalNan ?? false;
  if (typeof equalNan !== "boolean") {
    throw new ValueError(fn, `equalNan must be a boolean; got ${show(equalNan)}. Pass true or false`);
  }
  const [ba, bb] = materialize(fn, [prepare(fn, a, "a"), prepare(fn, b, "b")], "float64", false);
  const shape = ba!.shape;
  if (shape.length !== bb!.shape.length || shape.some((d, i) => d !== bb!.shape[i])) return false;
  const x = ba!.data;
  const y = bb!.data;
  let equal = true;
  runRows(planLoop(shape, [ba!, bb!]), ([pa, pb], n, [sa, sb]) => {
    if (!equal) return;
    for (let i = 0, q = pa!, s = pb!; i < n; i++, q += sa!, s += sb!) {
      const u = x[q]!;
      const v = y[s]!;
      if (u !== v && !(equalNan && u !== u && v !== v)) {
        equal = false;
        return;
      }
    }
  });
  return equal;
}
