/**
 * Operands of elementwise functions: blocks and JavaScript scalars, NumPy 2's NEP 50
 * promotion of "weak" Python scalars, and the broadcast row loop every kernel runs on.
 *
 * A JavaScript number is a weak Python `int` when it is a safe integer and a weak Python
 * `float` otherwise (2.5, NaN, Infinity, 1e20); a boolean is a weak Python `bool`. JavaScript
 * cannot tell `2.0` from `2`, so `2.0` acts as the int 2 (NumPy: int8 array * 2.0 is float64,
 * here int8). Weak scalars take the array's dtype unless their kind is higher, in which case
 * they take the default dtype of their kind: int32 (NumPy: int64) or float64.
 * Only the `Operand` type is public; the helpers are shared internals of core.
 * @module
 */
import { broadcastStrides } from "./broadcast.js";
import { dtypeKind, resultTypeOf, type DataType } from "./dtype.js";
import { ValueError, show } from "./errors.js";
import { asBlock, forEachRow, type Block, type BlockLike } from "./ndarray.js";

/** An elementwise operand: a block (or scijs ndarray / zarrita chunk), a number or a boolean. */
export type Operand = Block | BlockLike | number | boolean;

type WeakKind = "bool" | "int" | "float";

/** An operand after parsing: a block, or a weak scalar with its value. */
export interface Prepared {
  readonly block: Block | undefined;
  readonly weak: WeakKind | undefined;
  readonly value: number;
  /** How error messages name the operand, e.g. "x1". */
  readonly what: string;
}

/** Parses one operand. @throws {ValueError} for anything but a block-like, number or boolean */
export function prepare(fn: string, x: Operand, what: string): Prepared {
  if (typeof x === "boolean") return { block: undefined, weak: "bool", value: x ? 1 : 0, what };
  if (typeof x === "number") return { block: undefined, weak: Number.isSafeInteger(x) ? "int" : "float", value: x, what };
  return { block: asBlock(x, fn, what), weak: undefined, value: 0, what };
}

const KIND_RANK: Record<WeakKind, number> = { bool: 0, int: 1, float: 2 };
const DEFAULT_OF_KIND: Record<WeakKind, DataType> = { bool: "bool", int: "int32", float: "float64" };

/** The result dtype of `ops` under NEP 50 (weak scalars), as `numpy.result_type` in NumPy 2. */
export function promote(ops: readonly Prepared[]): DataType {
  const strong = ops.flatMap((o) => (o.block === undefined ? [] : [o.block.dtype]));
  let weak: WeakKind | undefined;
  for (const o of ops) if (o.weak !== undefined && (weak === undefined || KIND_RANK[o.weak] > KIND_RANK[weak])) weak = o.weak;
  if (strong.length === 0) return DEFAULT_OF_KIND[weak ?? "float"];
  const r = resultTypeOf(strong);
  if (weak === undefined) return r;
  const k = dtypeKind(r);
  const rank = k === "b" ? 0 : k === "f" ? 2 : 1;
  return KIND_RANK[weak] > rank ? DEFAULT_OF_KIND[weak] : r;
}

const INT_RANGE: Partial<Record<DataType, readonly [number, number]>> = {
  int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
  uint8: [0, 255], uint16: [0, 65535], uint32: [0, 4294967295],
};

/**
 * Turns prepared operands into blocks, scalars becoming 0-d float64 blocks holding the value
 * cast to `compute` (rounded to float32 for float32, as NumPy casts the scalar first).
 * @param checkRange - reject integer scalars outside an integer `compute` dtype, as NumPy 2's
 *   OverflowError does for arithmetic (comparisons pass them through and compare exactly)
 * @throws {ValueError} for an out-of-range integer scalar when `checkRange` is set
 */
export function materialize(fn: string, ops: readonly Prepared[], compute: DataType, checkRange: boolean): Block[] {
  return ops.map((o) => {
    if (o.block !== undefined) return o.block;
    let v = o.value;
    const range = INT_RANGE[compute];
    if (checkRange && o.weak === "int" && range !== undefined && (v < range[0] || v > range[1])) {
      throw new ValueError(
        fn,
        `integer scalar ${o.what} must fit in ${compute} [${range[0]}, ${range[1]}], the dtype of the other operand; got ${show(v)}. Cast the array first with astype(..., "float64") or a wider integer dtype`,
      );
    }
    if (compute === "float32") v = Math.fround(v);
    return { dtype: "float64", data: new Float64Array([v]), shape: [], stride: [], offset: 0 } as Block;
  });
}

/** A loop plan: the iteration shape and each operand's strides, with axes merged where possible. */
export interface LoopPlan {
  readonly shape: number[];
  readonly operands: { stride: number[]; offset: number }[];
}

/**
 * Broadcasts `blocks` to `shape` (stride 0 on stretched axes) and merges adjacent axes that
 * every operand walks contiguously, so a C-contiguous array becomes one long row.
 */
export function planLoop(shape: readonly number[], blocks: readonly Block[]): LoopPlan {
  const strides = blocks.map((b) => broadcastStrides(b, shape));
  return coalesce(shape, strides, blocks.map((b) => b.offset));
}

/** Drops size-1 axes and merges axis i into i+1 when `stride[i] == stride[i+1] * shape[i+1]` for all. */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[], offsets: readonly number[]): LoopPlan {
  if (shape.some((d) => d === 0)) return { shape: [0], operands: offsets.map((offset) => ({ stride: [0], offset })) };
  const keep = shape.flatMap((d, i) => (d === 1 ? [] : [i]));
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (const ax of keep) {
    const d = shape[ax]!;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[ax]! * d)) {
      outShape[last] = outShape[last]! * d;
      strides.forEach((s, k) => (outStrides[k]![last] = s[ax]!));
    } else {
      outShape.push(d);
      strides.forEach((s, k) => outStrides[k]!.push(s[ax]!));
    }
  }
  if (outShape.length === 0) return { shape: [1], operands: offsets.map((offset) => ({ stride: [0], offset })) };
  return { shape: outShape, operands: offsets.map((offset, k) => ({ stride: outStrides[k]!, offset })) };
}

/**
 * Runs `body(offsets, n, steps)` once per row of a loop plan, `steps[k]` being operand k's
 * last-axis stride; kernels put their tight per-element loop inside `body`.
 */
export function runRows(plan: LoopPlan, body: (offsets: readonly number[], n: number, steps: readonly number[]) => void): void {
  const steps = plan.operands.map((o) => o.stride[o.stride.length - 1] ?? 0);
  forEachRow(plan.shape, plan.operands, (o, n) => body(o, n, steps));
}

/** Whether `x` (viewed with strides `xs`) shares memory with `out` other than element for element. */
export function overlapsUnsafely(x: Block, xs: readonly number[], out: Block): boolean {
  if (x.data.buffer !== out.data.buffer) return false;
  const same =
    x.data.byteOffset === out.data.byteOffset &&
    x.data.BYTES_PER_ELEMENT === out.data.BYTES_PER_ELEMENT &&
    x.offset === out.offset &&
    out.shape.every((d, i) => d <= 1 || xs[i] === out.stride[i]);
  return !same;
}

/** Checks `options` is an object (or undefined) and returns it. @throws {ValueError} */
export function checkOptions<T extends object>(fn: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValueError(fn, `options must be an object; got ${show(options)}. Pass e.g. { axis: 0 }`);
  }
  return options;
}
