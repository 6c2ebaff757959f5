/**
 * Row kernels of the elementwise functions (unchecked internals; not part of the public API). Each runs one tight loop over
 * a row: `arrays[0]` is the output, `arrays[1..]` the inputs; `offsets[k]` is where operand k's
 * row starts and `steps[k]` its stride. Values are read as float64 numbers; stores into integer
 * TypedArrays wrap modulo 2^bits and stores into Float32Array round to nearest, which is exactly
 * NumPy's arithmetic as long as the float64 result is exact or correctly rounded once (true for
 * + - * / sqrt of inputs already representable in the computation dtype).
 * @module
 */
import { ValueError } from "./errors.js";
import type { AnyTypedArray } from "./dtype.js";

/** One row of an n-ary elementwise kernel. */
export type RowN = (n: number, arrays: readonly AnyTypedArray[], offsets: readonly number[], steps: readonly number[]) => void;

// A factory taking the scalar op would call a closure per element; each kernel spells its loop.
// The float floor-divide, remainder and power loops call small top-level functions V8 inlines.

export const add: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = a![q]! + b![s]!;
};
export const sub: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = a![q]! - b![s]!;
};
export const mul: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = a![q]! * b![s]!;
};
/** Integer product: Math.imul keeps the exact low 32 bits, which the store then wraps. */
export const imul: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = Math.imul(a![q]!, b![s]!);
};
export const div: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = a![q]! / b![s]!;
};
export const or: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = a![q]! !== 0 || b![s]! !== 0 ? 1 : 0;
};
export const and: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = a![q]! !== 0 && b![s]! !== 0 ? 1 : 0;
};

/** NumPy's integer floor_divide: 0 for x // 0; MIN // -1 wraps to MIN through the store. */
export const ifloordiv: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) {
    const y = b![s]!;
    r![p] = y === 0 ? 0 : Math.floor(a![q]! / y);
  }
};
/** NumPy's integer remainder: sign of the divisor, 0 for x % 0. */
export const irem: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) {
    const y = b![s]!;
    const m = y === 0 ? 0 : a![q]! % y;
    r![p] = m !== 0 && m < 0 !== y < 0 ? m + y : m;
  }
};

/** `npy_floor_divide` for doubles (numpy/core/src/npymath/npy_math_internal.h.src). */
function floorDivF64(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let d = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) d -= 1;
  if (d === 0) return copysignZero(a / b);
  const fl = Math.floor(d);
  return d - fl > 0.5 ? fl + 1 : fl;
}

/** `npy_floor_dividef`: the same steps, each rounded to float32. */
function floorDivF32(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let d = Math.fround(Math.fround(a - mod) / b);
  if (mod !== 0 && b < 0 !== mod < 0) d = Math.fround(d - 1);
  if (d === 0) return copysignZero(a / b);
  const fl = Math.floor(d);
  return d - fl > 0.5 ? fl + 1 : fl;
}

/** `npy_remainder`: fmod, then moved into the divisor's sign; NaN for x % 0. */
function remF64(a: number, b: number): number {
  const mod = a % b;
  if (b === 0) return mod;
  if (mod !== 0) return b < 0 !== mod < 0 ? mod + b : mod;
  return b < 0 ? -0 : 0;
}

function copysignZero(sign: number): number {
  return sign < 0 || Object.is(sign, -0) ? -0 : 0;
}

/** C's pow where JavaScript differs: pow(1, NaN) and pow(-1, +-Infinity) are 1. */
function powF64(a: number, b: number): number {
  if (a === 1 || (a === -1 && (b === Infinity || b === -Infinity))) return 1;
  return Math.pow(a, b);
}

/** Integer power by squaring on 32-bit words (low bits exact), as NumPy's int power loop. */
function ipowInt(base: number, e: number): number {
  let r = 1;
  let x = base | 0;
  while (e > 0) {
    if (e & 1) r = Math.imul(r, x);
    x = Math.imul(x, x);
    e = Math.floor(e / 2);
  }
  return r;
}

export const floordiv: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = floorDivF64(a![q]!, b![s]!);
};
export const floordivF32: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = floorDivF32(a![q]!, b![s]!);
};
export const rem: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = remF64(a![q]!, b![s]!);
};
export const pow: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = powF64(a![q]!, b![s]!);
};

export const ipow: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) {
    const e = b![s]!;
    if (e < 0) {
      throw new ValueError("power", `integer exponents must be non-negative; got ${e}. Integers to negative integer powers are not allowed: cast to float first with astype(x, "float64")`);
    }
    r![p] = ipowInt(a![q]!, e);
  }
};

/** NumPy's scalar maximum: `(a >= b || isnan(a)) ? a : b`, so NaN in either operand wins. */
export const max: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) {
    const x = a![q]!;
    const y = b![s]!;
    r![p] = x >= y || x !== x ? x : y;
  }
};
export const min: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) {
    const x = a![q]!;
    const y = b![s]!;
    r![p] = x <= y || x !== x ? x : y;
  }
};

export const eq: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = a![q]! === b![s]! ? 1 : 0;
};
export const ne: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = a![q]! !== b![s]! ? 1 : 0;
};
export const lt: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = a![q]! < b![s]! ? 1 : 0;
};
export const le: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = a![q]! <= b![s]! ? 1 : 0;
};
export const gt: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = a![q]! > b![s]! ? 1 : 0;
};
export const ge: RowN = (n, [r, a, b], [pr, pa, pb], [sr, sa, sb]) => {
  for (let i = 0, p = pr!, q = pa!, s = pb!; i < n; i++, p += sr!, q += sa!, s += sb!) r![p] = a![q]! >= b![s]! ? 1 : 0;
};

/** `arrays[1]` is the condition, `arrays[2]`/`arrays[3]` the choices. */
export const where: RowN = (n, [r, c, a, b], [pr, pc, pa, pb], [sr, sc, sa, sb]) => {
  for (let i = 0, p = pr!, t = pc!, q = pa!, s = pb!; i < n; i++, p += sr!, t += sc!, q += sa!, s += sb!) {
    r![p] = c![t]! !== 0 ? a![q]! : b![s]!;
  }
};

export const neg: RowN = (n, [r, a], [pr, pa], [sr, sa]) => {
  for (let i = 0, p = pr!, q = pa!; i < n; i++, p += sr!, q += sa!) r![p] = -a![q]!;
};
export const abs: RowN = (n, [r, a], [pr, pa], [sr, sa]) => {
  for (let i = 0, p = pr!, q = pa!; i < n; i++, p += sr!, q += sa!) r![p] = Math.abs(a![q]!);
};
export const sqrt: RowN = (n, [r, a], [pr, pa], [sr, sa]) => {
  for (let i = 0, p = pr!, q = pa!; i < n; i++, p += sr!, q += sa!) r![p] = Math.sqrt(a![q]!);
};
export const exp: RowN = (n, [r, a], [pr, pa], [sr, sa]) => {
  for (let i = 0, p = pr!, q = pa!; i < n; i++, p += sr!, q += sa!) r![p] = Math.exp(a![q]!);
};
export const log: RowN = (n, [r, a], [pr, pa], [sr, sa]) => {
  for (let i = 0, p = pr!, q = pa!; i < n; i++, p += sr!, q += sa!) r![p] = Math.log(a![q]!);
};
export const lnot: RowN = (n, [r, a], [pr, pa], [sr, sa]) => {
  for (let i = 0, p = pr!, q = pa!; i < n; i++, p += sr!, q += sa!) r![p] = a![q]! === 0 ? 1 : 0;
};
