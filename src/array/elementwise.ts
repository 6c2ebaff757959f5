/**
 * Elementwise operations and `astype` on lazy arrays, with NumPy broadcasting and dask's
 * chunk unification: operands are aligned from the right, size-1 axes broadcast, different
 * chunkings are unified to their common refinement. Each free function here dispatches:
 * blocks in give a block, any ChunkedArray in gives a ChunkedArray.
 * @module
 */
import { astype as astypeBlock } from "../core/astype.js";
import { broadcastShapes } from "../core/broadcast.js";
import type { DataType } from "../core/dtype.js";
import { checkDtype } from "../core/creation.js";
import { emptyBlock, type Block } from "../core/ndarray.js";
import type { Operand } from "../core/operands.js";
import { astypeKernel, ELEMENTWISE, elementwiseKernel, type ElementwiseName } from "../graph/block-kernels.js";
import { blockwise, type BlockwiseInput } from "../graph/blockwise.js";
import { ChunkedArray, isChunkedArray } from "./chunked-array.js";
import { fromArray } from "./creation.js";

/** An operand of a dispatching operation: a block, a lazy array, or a number. */
export type AnyOperand = Operand | ChunkedArray;

/** Labels for the last `ndim` of `outNdim` axes, aligned from the right. */
export function rightLabels(ndim: number, outNdim: number): string[] {
  return Array.from({ length: ndim }, (_, k) => `d${outNdim - ndim + k}`);
}

/** Turns blocks into single-chunk lazy arrays; numbers stay numbers. */
export function toLazy(x: AnyOperand): ChunkedArray | number | boolean {
  if (typeof x === "number" || typeof x === "boolean" || isChunkedArray(x)) return x;
  return fromArray(x, { chunks: -1 });
}

/** Applies elementwise operation `op` lazily. */
export function lazyElementwise(op: ElementwiseName, operands: readonly AnyOperand[]): ChunkedArray {
  const ops = operands.map(toLazy);
  const arrays = ops.filter(isChunkedArray);
  const shape = broadcastShapes(arrays.map((a) => a.shape), op);
  // The result dtype comes from running the same eager operation on empty blocks: NumPy's
  // promotion (and weak scalars) without touching any data or user code.
  const probe = ops.map((o) => (isChunkedArray(o) ? emptyBlock(o.dtype, [0]) : o));
  const dtype = (ELEMENTWISE[op] as (...xs: unknown[]) => Block)(...probe).dtype;
  const labels = rightLabels(shape.length, shape.length);
  const inputs: BlockwiseInput[] = arrays.map((a) => ({ array: a, labels: rightLabels(a.ndim, shape.length) }));
  const scalars = ops.map((o) => (isChunkedArray(o) ? null : o));
  const [meta] = blockwise({ op, kernel: elementwiseKernel, inputs, outputs: [{ labels, dtype }], params: { op, scalars } });
  return new ChunkedArray(meta!);
}

/** Makes the dispatching public function for elementwise operation `op`. */
function dispatch<R extends Block>(op: ElementwiseName) {
  function f(...xs: AnyOperand[]): R | ChunkedArray {
    if (xs.some(isChunkedArray)) return lazyElementwise(op, xs);
    return (ELEMENTWISE[op] as (...a: unknown[]) => R)(...xs);
  }
  Object.defineProperty(f, "name", { value: op });
  return f as {
    (x1: ChunkedArray, ...rest: AnyOperand[]): ChunkedArray;
    (x1: AnyOperand, x2: ChunkedArray, ...rest: AnyOperand[]): ChunkedArray;
    (x1: AnyOperand, x2: AnyOperand, x3: ChunkedArray): ChunkedArray;
    (...xs: Operand[]): R;
    (...xs: AnyOperand[]): R | ChunkedArray;
  };
}

/** `x1 + x2` with broadcasting, as `numpy.add`; lazy if any operand is a ChunkedArray. */
export const add = dispatch("add");
/** `x1 - x2`, as `numpy.subtract`. */
export const subtract = dispatch("subtract");
/** `x1 * x2`, as `numpy.multiply`. */
export const multiply = dispatch("multiply");
/** `x1 / x2` (true division), as `numpy.divide`. */
export const divide = dispatch("divide");
/** `x1 // x2`, as `numpy.floor_divide`. */
export const floorDivide = dispatch("floorDivide");
/** `x1 % x2` with the divisor's sign, as `numpy.remainder`. */
export const remainder = dispatch("remainder");
/** `x1 ** x2`, as `numpy.power`. */
export const power = dispatch("power");
/** Elementwise maximum (NaN propagates), as `numpy.maximum`. */
export const maximum = dispatch("maximum");
/** Elementwise minimum (NaN propagates), as `numpy.minimum`. */
export const minimum = dispatch("minimum");
/** `x1 == x2`, as `numpy.equal`. */
export const equal = dispatch<Block<"bool">>("equal");
/** `x1 != x2`, as `numpy.not_equal`. */
export const notEqual = dispatch<Block<"bool">>("notEqual");
/** `x1 < x2`, as `numpy.less`. */
export const less = dispatch<Block<"bool">>("less");
/** `x1 <= x2`, as `numpy.less_equal`. */
export const lessEqual = dispatch<Block<"bool">>("lessEqual");
/** `x1 > x2`, as `numpy.greater`. */
export const greater = dispatch<Block<"bool">>("greater");
/** `x1 >= x2`, as `numpy.greater_equal`. */
export const greaterEqual = dispatch<Block<"bool">>("greaterEqual");
/** Logical and, as `numpy.logical_and`. */
export const logicalAnd = dispatch<Block<"bool">>("logicalAnd");
/** Logical or, as `numpy.logical_or`. */
export const logicalOr = dispatch<Block<"bool">>("logicalOr");
/** Logical not, as `numpy.logical_not`. */
export const logicalNot = dispatch<Block<"bool">>("logicalNot");
/** `-x`, as `numpy.negative`. */
export const negative = dispatch("negative");
/** `|x|`, as `numpy.absolute`. */
export const abs = dispatch("abs");
/** Square root, as `numpy.sqrt`. */
export const sqrt = dispatch("sqrt");
/** `e^x`, as `numpy.exp`. */
export const exp = dispatch("exp");
/** Natural logarithm, as `numpy.log`. */
export const log = dispatch("log");
/** `cond ? x : y` elementwise with broadcasting, as `numpy.where`. */
export const where = dispatch("where");

/**
 * Casts to `dtype` with NumPy's casting results; lazy for a ChunkedArray.
 * @throws {DtypeError} for an unknown dtype
 * @example astype(imgs, "float32")
 */
export function astype<T extends DataType>(x: ChunkedArray, dtype: T): ChunkedArray<T>;
export function astype<T extends DataType>(x: Block | Operand, dtype: T): Block<T>;
export function astype<T extends DataType>(x: ChunkedArray | Operand, dtype: T): ChunkedArray<T> | Block<T> {
  if (!isChunkedArray(x)) return astypeBlock(x as Block, dtype);
  const d = checkDtype("astype", dtype) as T;
  if (x.dtype === d) return x as ChunkedArray<T>;
  const labels = rightLabels(x.ndim, x.ndim);
  const [meta] = blockwise({ op: "astype", kernel: astypeKernel, inputs: [{ array: x, labels }], outputs: [{ labels, dtype: d }], params: { dtype: d } });
  return new ChunkedArray<T>(meta!);
}
