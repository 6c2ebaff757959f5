/**
 * Elementwise functions on blocks; each matches the NumPy ufunc of the same (snake_case) name
 * with NumPy 2 semantics: broadcasting, `numpy.result_type` promotion, NEP 50 weak scalars
 * (see operands.ts), and integer arithmetic that wraps modulo 2^bits.
 *
 * Invariants and NumPy details kept:
 * - `divide` is true division: integer and bool inputs give float64.
 * - Integer `floorDivide` and `remainder` by zero give 0 (NumPy also warns; we do not);
 *   `remainder` takes the sign of the divisor (Python's `%`), and float versions follow
 *   NumPy's `npy_divmod` exactly, float32 rounding every step.
 * - Integer `power` wraps; a negative integer exponent throws, as NumPy.
 * - bool: `add` is or, `multiply` is and, `floorDivide`/`remainder`/`power` compute in int8,
 *   `subtract` and `negative` throw (NumPy's TypeError).
 * - `maximum`/`minimum` propagate NaN; which zero `maximum(-0, 0)` returns is unspecified, as
 *   in NumPy. `power`, `exp`, `log` use V8's Math.pow/exp/log (float32: rounded once from
 *   float64); neither they nor NumPy's libm are correctly rounded, so results may differ by 1-2 ulp.
 * - `sqrt`, `exp`, `log` of bool/int8/uint8 give float32 where NumPy gives float16.
 * - An integer scalar outside the other operand's integer dtype throws (NumPy 2 OverflowError),
 *   except in comparisons, which compare exactly as NumPy 2 does.
 * - `out` must have exactly the broadcast shape (NumPy also broadcasts inputs up to `out`).
 * @module
 */
import { castInto } from "./astype.js";
import { broadcastShapes, broadcastStrides } from "./broadcast.js";
import { commonFloatType, dtypeKind, type AnyTypedArray, type DataType } from "./dtype.js";
import { DtypeError, ValueError, show } from "./errors.js";
import { emptyBlock, isBlock, type Block } from "./ndarray.js";
import { checkOptions, materialize, overlapsUnsafely, planLoop, prepare, promote, runRows, type Operand } from "./operands.js";
import * as K from "./kernels.js";

export type { Operand } from "./operands.js";

/** Options of every elementwise function. */
export interface ElementwiseOptions {
  /** A block to write the result into, returned as the result; its shape must equal the broadcast shape. */
  out?: Block;
}

interface Resolution {
  /** The dtype scalars are cast to and arithmetic is done in. */
  compute: DataType;
  out: DataType;
  row: K.RowN;
}

interface Spec {
  name: string;
  checkRange: boolean;
  resolve(common: DataType): Resolution;
}

const KIND_ORDER = { b: 0, u: 1, i: 2, f: 3 } as const;

/**
 * Whether NumPy's `casting="same_kind"` allows writing `from` into `to` (`numpy.can_cast`):
 * kinds may only rise bool < unsigned < signed < float; any size within a kind is allowed.
 * @example canCastSameKind("float64", "float32") // true; ("float64", "int32") is false
 */
export function canCastSameKind(from: DataType, to: DataType): boolean {
  return KIND_ORDER[dtypeKind(from)] <= KIND_ORDER[dtypeKind(to)];
}

/** Runs an n-ary elementwise spec: parse, promote, broadcast, loop, write `out`. */
function apply(spec: Spec, operands: readonly Operand[], options: ElementwiseOptions | undefined): Block {
  const fn = spec.name;
  const opts = checkOptions(fn, options);
  const prepared = operands.map((x, k) => prepare(fn, x, `x${k + 1}`));
  const { compute, out: outDtype, row } = spec.resolve(promote(prepared));
  const blocks = materialize(fn, prepared, compute, spec.checkRange);
  const shape = broadcastShapes(blocks.map((b) => b.shape), fn);
  const target = writeTarget(fn, opts.out, shape, outDtype, blocks);
  const plan = planLoop(shape, [target, ...blocks]);
  const arrays = [target, ...blocks].map((b) => b.data as AnyTypedArray);
  runRows(plan, (o, n, s) => row(n, arrays, o, s));
  if (opts.out === undefined || target === opts.out) return target;
  castInto(opts.out, target);
  return opts.out;
}

function writeTarget(fn: string, out: Block | undefined, shape: number[], dtype: DataType, inputs: readonly Block[]): Block {
  if (out === undefined) return emptyBlock(dtype, shape);
  if (!isBlock(out)) {
    throw new ValueError(fn, `options.out must be a block ({ dtype, data, shape, stride, offset }); got ${show(out)}. Pass a block from zeros(...) or omit out`);
  }
  if (out.shape.length !== shape.length || out.shape.some((d, i) => d !== shape[i])) {
    throw new ValueError(fn, `options.out must have the broadcast shape ${show(shape)}; got ${show(out.shape)}. Allocate out with zeros(${show(shape).replace(/[()]/g, "")}) or omit it`);
  }
  if (!canCastSameKind(dtype, out.dtype)) {
    throw new DtypeError(fn, `options.out must have a dtype the ${dtype} result casts to with casting "same_kind"; got ${out.dtype}. Use an out of dtype ${dtype}, or cast with astype(...) afterwards`);
  }
  const unsafe = inputs.some((b) => overlapsUnsafely(b, broadcastStrides(b, shape), out));
  return out.dtype === dtype && !unsafe ? out : emptyBlock(dtype, shape);
}

function same(row: K.RowN): (c: DataType) => Resolution {
  return (c) => ({ compute: c, out: c, row });
}

function arith(name: string, rows: { int: K.RowN; f64: K.RowN; f32?: K.RowN; bool: K.RowN | "int8" | "error" }): Spec {
  return {
    name,
    checkRange: true,
    resolve(c) {
      const kind = dtypeKind(c);
      if (kind === "b") {
        if (rows.bool === "error") {
          throw new DtypeError(name, `operands must not both be bool; got bool and bool. Use logicalXor-style logic (notEqual) or cast with astype(..., "int8")`);
        }
        if (rows.bool === "int8") return { compute: "int8", out: "int8", row: rows.int };
        return { compute: c, out: c, row: rows.bool };
      }
      if (kind === "f") return { compute: c, out: c, row: c === "float32" ? (rows.f32 ?? rows.f64) : rows.f64 };
      return { compute: c, out: c, row: rows.int };
    },
  };
}

function comparison(name: string, row: K.RowN): Spec {
  return { name, checkRange: false, resolve: (c) => ({ compute: c, out: "bool", row }) };
}

function run2(spec: Spec, x1: Operand, x2: Operand, options?: ElementwiseOptions): Block {
  return apply(spec, [x1, x2], options);
}

const ADD = arith("add", { int: K.add, f64: K.add, bool: K.or });
const SUBTRACT = arith("subtract", { int: K.sub, f64: K.sub, bool: "error" });
const MULTIPLY = arith("multiply", { int: K.imul, f64: K.mul, bool: K.and });
const FLOOR_DIVIDE = arith("floorDivide", { int: K.ifloordiv, f64: K.floordiv, f32: K.floordivF32, bool: "int8" });
const REMAINDER = arith("remainder", { int: K.irem, f64: K.rem, bool: "int8" });
const POWER = arith("power", { int: K.ipow, f64: K.pow, bool: "int8" });
const MAXIMUM = arith("maximum", { int: K.max, f64: K.max, bool: K.max });
const MINIMUM = arith("minimum", { int: K.min, f64: K.min, bool: K.min });
const DIVIDE: Spec = {
  name: "divide",
  checkRange: false,
  resolve: (c) => (dtypeKind(c) === "f" ? { compute: c, out: c, row: K.div } : { compute: "float64", out: "float64", row: K.div }),
};

/**
 * `x1 + x2`, as `numpy.add`: broadcasting, promotion, integer wraparound; bool + bool is or.
 * @param x1 - a block (or scijs ndarray / zarrita chunk), number or boolean
 * @param x2 - likewise; numbers are weak scalars (uint8 block + 1 stays uint8)
 * @param options - `out`: a block of the broadcast shape to write into
 * @throws {BroadcastError} if the shapes do not broadcast
 * @throws {ValueError} for an integer scalar outside the array's integer dtype, or a bad `out`
 * @example add(array([250, 10], { dtype: "uint8" }), 10) // uint8 [4, 20]
 */
export function add(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block {
  return run2(ADD, x1, x2, options);
}

/**
 * `x1 - x2`, as `numpy.subtract`; unsigned results wrap (uint8 0 - 1 gives 255).
 * @throws {DtypeError} if both operands are bool (NumPy's TypeError); other errors as {@link add}
 * @example subtract(array([0], { dtype: "uint8" }), 1) // uint8 [255]
 */
export function subtract(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block {
  return run2(SUBTRACT, x1, x2, options);
}

/**
 * `x1 * x2`, as `numpy.multiply`; int32/uint32 products keep their exact low 32 bits.
 * @throws as {@link add}
 * @example multiply(array([65536], { dtype: "int32" }), 65536) // int32 [0]
 */
export function multiply(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block {
  return run2(MULTIPLY, x1, x2, options);
}

/**
 * True division `x1 / x2`, as `numpy.divide`: integer and bool inputs give float64; x/0 gives
 * +-Infinity or NaN.
 * @throws as {@link add}
 * @example divide(array([1, 2], { dtype: "int32" }), 4) // float64 [0.25, 0.5]
 */
export function divide(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block {
  return run2(DIVIDE, x1, x2, options);
}

/**
 * Floor division `x1 // x2`, as `numpy.floor_divide`; integer division by zero gives 0.
 * @throws as {@link add}
 * @example floorDivide(array([-7, 7], { dtype: "int32" }), 2) // int32 [-4, 3]
 */
export function floorDivide(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block {
  return run2(FLOOR_DIVIDE, x1, x2, options);
}

/**
 * Remainder with the sign of the divisor (Python's `%`), as `numpy.remainder`; integer
 * remainder by zero gives 0, float remainder by zero gives NaN.
 * @throws as {@link add}
 * @example remainder(array([-7, 7], { dtype: "int32" }), 3) // int32 [2, 1]
 */
export function remainder(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block {
  return run2(REMAINDER, x1, x2, options);
}

/**
 * `x1 ** x2`, as `numpy.power`; integer powers wrap.
 * @throws {ValueError} for a negative exponent with integer operands; others as {@link add}
 * @example power(array([2, 3], { dtype: "int32" }), 2) // int32 [4, 9]
 */
export function power(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block {
  return run2(POWER, x1, x2, options);
}

/**
 * The elementwise larger value, as `numpy.maximum`; NaN propagates.
 * @throws as {@link add}
 * @example maximum(array([1, NaN, 3]), 2) // float64 [2, NaN, 3]
 */
export function maximum(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block {
  return run2(MAXIMUM, x1, x2, options);
}

/**
 * The elementwise smaller value, as `numpy.minimum`; NaN propagates.
 * @throws as {@link add}
 * @example minimum(array([1, NaN, 3]), 2) // float64 [1, NaN, 2]
 */
export function minimum(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block {
  return run2(MINIMUM, x1, x2, options);
}

const EQUAL = comparison("equal", K.eq);
const NOT_EQUAL = comparison("notEqual", K.ne);
const LESS = comparison("less", K.lt);
const LESS_EQUAL = comparison("lessEqual", K.le);
const GREATER = comparison("greater", K.gt);
const GREATER_EQUAL = comparison("greaterEqual", K.ge);

/**
 * `x1 == x2` as a bool block, as `numpy.equal`. A float32 operand rounds a number scalar to
 * float32 first (NEP 50), so `equal(float32 [0.1], 0.1)` is true.
 * @throws {BroadcastError} if the shapes do not broadcast; {@link ValueError} for a bad `out`
 * @example equal(array([1, 2]), 2) // bool [false, true]
 */
export function equal(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block<"bool"> {
  return run2(EQUAL, x1, x2, options) as Block<"bool">;
}

/** `x1 != x2`, as `numpy.not_equal` (NaN != NaN is true). @throws as {@link equal} @example notEqual(array([NaN]), NaN) // bool [true] */
export function notEqual(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block<"bool"> {
  return run2(NOT_EQUAL, x1, x2, options) as Block<"bool">;
}

/** `x1 < x2`, as `numpy.less`. @throws as {@link equal} @example less(array([1, 2]), 2) // bool [true, false] */
export function less(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block<"bool"> {
  return run2(LESS, x1, x2, options) as Block<"bool">;
}

/** `x1 <= x2`, as `numpy.less_equal`. @throws as {@link equal} @example lessEqual(array([1, 3]), 2) // bool [true, false] */
export function lessEqual(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block<"bool"> {
  return run2(LESS_EQUAL, x1, x2, options) as Block<"bool">;
}

/** `x1 > x2`, as `numpy.greater`. @throws as {@link equal} @example greater(array([1, 3]), 2) // bool [false, true] */
export function greater(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block<"bool"> {
  return run2(GREATER, x1, x2, options) as Block<"bool">;
}

/** `x1 >= x2`, as `numpy.greater_equal`. @throws as {@link equal} @example greaterEqual(array([1, 2]), 2) // bool [false, true] */
export function greaterEqual(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block<"bool"> {
  return run2(GREATER_EQUAL, x1, x2, options) as Block<"bool">;
}

const LOGICAL_AND = comparison("logicalAnd", K.and);
const LOGICAL_OR = comparison("logicalOr", K.or);

/** Truth of `x1 && x2` (nonzero and NaN are true), as `numpy.logical_and`. @throws as {@link equal} @example logicalAnd(array([0, 1, NaN]), true) // bool [false, true, true] */
export function logicalAnd(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block<"bool"> {
  return run2(LOGICAL_AND, x1, x2, options) as Block<"bool">;
}

/** Truth of `x1 || x2`, as `numpy.logical_or`. @throws as {@link equal} @example logicalOr(array([0, 2]), 0) // bool [false, true] */
export function logicalOr(x1: Operand, x2: Operand, options?: ElementwiseOptions): Block<"bool"> {
  return run2(LOGICAL_OR, x1, x2, options) as Block<"bool">;
}

const UNARY_SAME = (name: string, row: K.RowN, boolError = false): Spec => ({
  name,
  checkRange: false,
  resolve(c) {
    if (boolError && c === "bool") {
      throw new DtypeError(name, `x1 must not be bool; got bool. Use logicalNot(x) instead, or cast with astype(x, "int8")`);
    }
    return { compute: c, out: c, row };
  },
});
const UNARY_FLOAT = (name: string, row: K.RowN): Spec => ({
  name,
  checkRange: false,
  resolve: (c) => {
    const f = dtypeKind(c) === "f" ? c : commonFloatType([c]);
    return { compute: f, out: f, row };
  },
});
const NEGATIVE = UNARY_SAME("negative", K.neg, true);
const ABS = UNARY_SAME("abs", K.abs);
const SQRT = UNARY_FLOAT("sqrt", K.sqrt);
const EXP = UNARY_FLOAT("exp", K.exp);
const LOG = UNARY_FLOAT("log", K.log);
const LOGICAL_NOT = comparison("logicalNot", K.lnot);

/** `-x`, as `numpy.negative`; unsigned values wrap. @throws {DtypeError} for bool @example negative(array([1], { dtype: "uint8" })) // uint8 [255] */
export function negative(x: Operand, options?: ElementwiseOptions): Block {
  return apply(NEGATIVE, [x], options);
}

/** `|x|`, as `numpy.abs`; int8 -128 stays -128 as NumPy. @throws {ValueError} for a bad operand or `out` @example abs(array([-1.5, 2])) // [1.5, 2] */
export function abs(x: Operand, options?: ElementwiseOptions): Block {
  return apply(ABS, [x], options);
}

/** Square root, as `numpy.sqrt`; integer input gives float (see module notes). @throws as {@link abs} @example sqrt(array([4, -1])) // [2, NaN] */
export function sqrt(x: Operand, options?: ElementwiseOptions): Block {
  return apply(SQRT, [x], options);
}

/** `e ** x`, as `numpy.exp`. @throws as {@link abs} @example exp(array([0])) // [1] */
export function exp(x: Operand, options?: ElementwiseOptions): Block {
  return apply(EXP, [x], options);
}

/** Natural logarithm, as `numpy.log`; log(0) is -Infinity, log(-1) NaN. @throws as {@link abs} @example log(array([1, 0])) // [0, -Infinity] */
export function log(x: Operand, options?: ElementwiseOptions): Block {
  return apply(LOG, [x], options);
}

/** `!x` (zero is false, NaN is true), as `numpy.logical_not`. @throws as {@link abs} @example logicalNot(array([0, 2, NaN])) // bool [true, false, false] */
export function logicalNot(x: Operand, options?: ElementwiseOptions): Block<"bool"> {
  return apply(LOGICAL_NOT, [x], options) as Block<"bool">;
}

const WHERE: Spec = { name: "where", checkRange: true, resolve: same(K.where) };

/**
 * `x` where `cond` is true (nonzero, NaN), else `y`, broadcasting all three, as
 * `numpy.where(cond, x, y)`. The dtype is the promotion of `x` and `y` only.
 * @param cond - any dtype; read as truth values
 * @throws {BroadcastError} if the three shapes do not broadcast; {@link ValueError} as {@link add}
 * @example where(greater(a, 0), a, 0) // a with negative values replaced by 0
 */
export function where(cond: Operand, x: Operand, y: Operand, options?: ElementwiseOptions): Block {
  const fn = "where";
  const c = prepare(fn, cond, "cond");
  const ops = [prepare(fn, x, "x"), prepare(fn, y, "y")];
  const dtype = promote(ops);
  const [bx, by] = materialize(fn, ops, dtype, true);
  const condBlock = c.block ?? materialize(fn, [c], "float64", false)[0]!;
  return apply({ ...WHERE, resolve: () => ({ compute: dtype, out: dtype, row: K.where }) }, [condBlock, bx!, by!], options);
}
