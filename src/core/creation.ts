/**
 * Creating in-memory blocks: `array`, `zeros`, `ones`, `full`, `arange`, and the scijs
 * `ndarray` bridge. Results are C-contiguous and own their data.
 * @module
 */
import ndarrayFactory from "ndarray";
import { allocate, dtypeOfTypedArray, isDataType, type AnyTypedArray, type DataType, type TypedArrayFor } from "./dtype.js";
import { DtypeError, ValueError, show } from "./errors.js";
import { asBlock, fromTypedArray, sizeOf, type Block } from "./ndarray.js";

/** Options shared by creation functions. */
export interface CreationOptions<D extends DataType = DataType> {
  /** Element type; defaults as each function says. */
  dtype?: D;
}

/** Nested JavaScript arrays of numbers or booleans, any depth. */
export type NestedArray = number | boolean | readonly NestedArray[];

/** Validates a shape argument (a number or a list of non-negative integers). */
export function checkShape(fn: string, shape: unknown): number[] {
  const list = typeof shape === "number" ? [shape] : shape;
  if (!Array.isArray(list) || list.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ValueError(fn, `shape must be a list of non-negative integers; got ${show(shape)}. Pass e.g. [64, 64]`);
  }
  return [...list] as number[];
}

/** Validates a dtype argument. */
export function checkDtype(fn: string, dtype: unknown): DataType {
  if (!isDataType(dtype)) {
    throw new DtypeError(
      fn,
      `dtype must be one of bool, int8, int16, int32, uint8, uint16, uint32, float32, float64; got ${show(dtype)}. Use a NumPy dtype name such as "float32"`,
    );
  }
  return dtype;
}

/**
 * A block from nested arrays or a TypedArray, as `numpy.array`.
 * Nested arrays default to float64 (bool if every leaf is boolean); a TypedArray keeps its
 * dtype and is not copied unless `dtype` differs, and `shape` reshapes it (default 1-D).
 * @throws {ValueError} for ragged nested arrays or a shape that does not match the length
 * @example array([[1, 2], [3, 4]], { dtype: "int32" })
 */
export function array<D extends DataType = DataType>(
  values: NestedArray | ArrayLike<number>,
  options: CreationOptions<D> & { shape?: readonly number[] } = {},
): Block<D> {
  if (ArrayBuffer.isView(values)) return fromFlat(values as ArrayLike<number>, options);
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat: number[] = [];
  let allBool = true;
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(v) || (typeof v !== "number" && typeof v !== "boolean")) {
        throw new ValueError("array", `values must be nested arrays of numbers with a regular shape; got ${show(v)} at depth ${depth}. Make every row the same length`);
      }
      if (typeof v !== "boolean") allBool = false;
      flat.push(Number(v));
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ValueError("array", `values must be regular nested arrays; got a row of length ${Array.isArray(v) ? v.length : "(not an array)"} where ${shape[depth]} was expected at depth ${depth}. Make every row the same length`);
    }
    for (const x of v) walk(x, depth + 1);
  };
  walk(values, 0);
  const dtype = options.dtype ?? ((allBool && flat.length > 0 ? "bool" : "float64") as D);
  return fromFlat(flat, { dtype, shape: options.shape ?? shape });
}

function fromFlat<D extends DataType>(values: ArrayLike<number>, options: CreationOptions<D> & { shape?: readonly number[] }): Block<D> {
  const own = dtypeOfTypedArray(values);
  const dtype = checkDtype("array", options.dtype ?? own ?? "float64") as D;
  const shape = options.shape === undefined ? [values.length] : checkShape("array", options.shape);
  if (sizeOf(shape) !== values.length) {
    throw new ValueError("array", `shape ${show(shape)} must hold exactly ${values.length} elements; got ${sizeOf(shape)}. Pass a shape whose product is the data length`);
  }
  if (own === dtype || (dtype === "bool" && own === "uint8" && options.dtype !== undefined && isBoolData(values))) {
    return fromTypedArray(dtype, values as TypedArrayFor<D>, shape);
  }
  const data = allocate(dtype, values.length);
  if (dtype === "bool") for (let i = 0; i < values.length; i++) data[i] = values[i] ? 1 : 0;
  else data.set(values as ArrayLike<number>);
  return fromTypedArray(dtype, data, shape);
}

function isBoolData(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && values[i] !== 1) return false;
  return true;
}

/**
 * A block of `shape` filled with `value`, as `numpy.full` (default dtype float64, or bool for a boolean value).
 * @example full([2, 3], 7, { dtype: "uint8" })
 */
export function full<D extends DataType = "float64">(
  shape: number | readonly number[],
  value: number | boolean,
  options: CreationOptions<D> = {},
): Block<D> {
  const s = checkShape("full", shape);
  const dtype = checkDtype("full", options.dtype ?? (typeof value === "boolean" ? "bool" : "float64")) as D;
  if (typeof value !== "number" && typeof value !== "boolean") {
    throw new ValueError("full", `value must be a number or boolean; got ${show(value)}. Pass a number`);
  }
  const data = allocate(dtype, sizeOf(s));
  const v = dtype === "bool" ? (value ? 1 : 0) : Number(value);
  if (v !== 0) data.fill(v);
  return fromTypedArray(dtype, data, s);
}

/** Zeros of `shape`, as `numpy.zeros` (default float64). @example zeros([3, 4], { dtype: "float32" }) */
export function zeros<D extends DataType = "float64">(shape: number | readonly number[], options: CreationOptions<D> = {}): Block<D> {
  return full(checkShape("zeros", shape), 0, { dtype: checkDtype("zeros", options.dtype ?? "float64") as D });
}

/** Ones of `shape`, as `numpy.ones` (default float64). @example ones([3], { dtype: "uint8" }) */
export function ones<D extends DataType = "float64">(shape: number | readonly number[], options: CreationOptions<D> = {}): Block<D> {
  return full(checkShape("ones", shape), 1, { dtype: checkDtype("ones", options.dtype ?? "float64") as D });
}

/**
 * Evenly spaced values in `[start, stop)`, as `numpy.arange`: `arange(stop)` or
 * `arange(start, stop, step)`. Integer arguments give int32, others float64.
 * @throws {ValueError} for a zero or non-finite step
 * @example arange(0, 1, 0.25) // [0, 0.25, 0.5, 0.75]
 */
export function arange<D extends DataType = DataType>(
  startOrStop: number,
  stop?: number,
  step = 1,
  options: CreationOptions<D> = {},
): Block<D> {
  const [a, b] = stop === undefined ? [0, startOrStop] : [startOrStop, stop];
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(step) || step === 0) {
    throw new ValueError("arange", `start, stop and step must be finite and step nonzero; got ${a}, ${b}, ${step}. Pass finite bounds and a nonzero step`);
  }
  const n = Math.max(0, Math.ceil((b - a) / step));
  const ints = [a, b, step].every(Number.isInteger);
  const dtype = checkDtype("arange", options.dtype ?? (ints ? "int32" : "float64")) as D;
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = a + i * step;
  return fromTypedArray(dtype, data, [n]);
}

/**
 * A scijs `ndarray` as `fromNdarray` reads it: the view fields and the dtype name. Declared
 * here, structurally, so chunkwise's published types need neither `ndarray`'s types nor
 * `@types/ndarray`; a scijs `NdArray` (typed by `@types/ndarray` or not) is one.
 */
export interface NdarrayLike {
  /** The elements: a TypedArray, or (rejected at run time) a plain or generic array. */
  readonly data: ArrayLike<number> | { get(index: number): unknown; readonly length: number };
  readonly shape: readonly number[];
  readonly stride: readonly number[];
  readonly offset: number;
  /** scijs's dtype name: `"float32"`, `"uint8_clamped"`, `"array"`, ... */
  readonly dtype: string;
}

/** The scijs `ndarray` that `toNdarray` returns: its view fields and its element and view methods. */
export interface NdarrayView<T extends AnyTypedArray = AnyTypedArray> extends NdarrayLike {
  readonly data: T;
  readonly shape: number[];
  readonly stride: number[];
  readonly size: number;
  readonly dimension: number;
  get(...index: number[]): number;
  /** `set(i0, i1, ..., value)`. */
  set(...indexAndValue: number[]): number;
  /** The flat position of an element in `data`. */
  index(...index: number[]): number;
  lo(...index: number[]): NdarrayView<T>;
  hi(...index: number[]): NdarrayView<T>;
  step(...steps: number[]): NdarrayView<T>;
  transpose(...axes: number[]): NdarrayView<T>;
  /** Fixes the axes given a number, keeps those given `null` or `undefined`. */
  pick(...index: (number | null | undefined)[]): NdarrayView<T>;
}

/**
 * Wraps a scijs `ndarray` as a block, sharing its data (no copy).
 * @throws {DtypeError} for `"array"`/`"generic"`/bigint ndarrays
 * @example fromNdarray(ndarray(new Float32Array(6), [2, 3]))
 */
export function fromNdarray(nd: NdarrayLike): Block {
  return asBlock(nd, "fromNdarray", "ndarray");
}

/**
 * A scijs `ndarray` viewing the same data as `block` (no copy).
 * @example toNdarray(zeros([2, 3])).get(1, 2) // 0
 */
export function toNdarray<D extends DataType>(block: Block<D>): NdarrayView<TypedArrayFor<D>> {
  const b = asBlock(block, "toNdarray", "block");
  return ndarrayFactory(b.data as unknown as number[], [...b.shape], [...b.stride], b.offset) as unknown as NdarrayView<TypedArrayFor<D>>;
}

