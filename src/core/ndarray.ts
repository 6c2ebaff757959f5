/**
 * The in-memory block: `{ dtype, data, shape, stride, offset }`, the fields of a scijs
 * `ndarray`, so those pass in as they are. Element `(i0, i1, ...)` lives at
 * `data[offset + i0 * stride[0] + i1 * stride[1] + ...]`; that formula is the whole contract.
 * @module
 */
import {
  allocate,
  dtypeOfTypedArray,
  isDataType,
  type AnyTypedArray,
  type DataType,
  type TypedArrayFor,
} from "./dtype.js";
import { DtypeError, ValueError, show } from "./errors.js";

/** An in-memory N-D array: a strided view over a TypedArray. Plain data; crosses threads. */
export interface Block<D extends DataType = DataType> {
  readonly dtype: D;
  readonly data: TypedArrayFor<D>;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
  readonly offset: number;
}

/**
 * Anything accepted where a block is expected: a Block, a scijs `ndarray`, or a zarrita
 * chunk `{ data, shape, stride }` (dtype read from the TypedArray, offset 0).
 */
export interface BlockLike {
  readonly data: ArrayLike<number> | AnyTypedArray;
  readonly shape: readonly number[];
  readonly stride?: readonly number[];
  readonly offset?: number;
  readonly dtype?: string;
}

/** Row-major (C order) strides for `shape`, in elements. */
export function cStrides(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    stride[i] = s;
    s *= shape[i]!;
  }
  return stride;
}

/** The number of elements of an array of `shape`. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Whether `value` looks like a block (has a TypedArray `data`, `shape` and `stride`). */
export function isBlock(value: unknown): value is Block {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<Block>;
  return ArrayBuffer.isView(v.data) && Array.isArray(v.shape) && Array.isArray(v.stride) && isDataType(v.dtype);
}

/** Whether `value` can be turned into a block by {@link asBlock}. */
export function isBlockLike(value: unknown): value is BlockLike {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<BlockLike>;
  return ArrayBuffer.isView(v.data) && Array.isArray(v.shape);
}

/**
 * Accepts a Block, a scijs ndarray or a zarrita chunk and returns a Block sharing its data.
 * @param fn - the public function name, for error messages
 * @param what - how to name the argument in error messages, e.g. "operand 1"
 * @throws {ValueError} if `value` has no TypedArray data or inconsistent shape and stride
 * @throws {DtypeError} if its dtype is not one chunkwise supports
 */
export function asBlock(value: unknown, fn = "asBlock", what = "array"): Block {
  if (!isBlockLike(value)) {
    throw new ValueError(
      fn,
      `${what} must be a block ({ dtype, data, shape, stride, offset }), a scijs ndarray or a zarrita chunk; got ${describeValue(value)}. Create one with array(...) or fromNdarray(...)`,
    );
  }
  const v = value as BlockLike;
  const fromData = dtypeOfTypedArray(v.data);
  let dtype: DataType | undefined;
  if (v.dtype === undefined || v.dtype === "uint8_clamped") dtype = fromData;
  else if (isDataType(v.dtype)) dtype = v.dtype;
  if (dtype === undefined || fromData === undefined || !dataMatches(dtype, fromData)) {
    throw new DtypeError(
      fn,
      `${what} must hold one of bool, int8, int16, int32, uint8, uint16, uint32, float32, float64 in its matching TypedArray; got dtype ${show(v.dtype ?? null)} with ${(v.data as object).constructor.name}. Convert the data to a supported TypedArray`,
    );
  }
  const shape = [...v.shape];
  const stride = v.stride === undefined ? cStrides(shape) : [...v.stride];
  const offset = v.offset ?? 0;
  if (stride.length !== shape.length || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ValueError(
      fn,
      `${what} must have non-negative integer shape and one stride per axis; got shape ${show(shape)} and stride ${show(stride)}. Fix the shape or omit stride for C order`,
    );
  }
  // A scijs ndarray passes isBlock through its prototype's dtype getter, but spreading it
  // (as every view does) drops that getter: return it as-is only when dtype is an own field.
  if (isBlock(value) && value.offset === offset && Object.prototype.hasOwnProperty.call(value, "dtype")) return value;
  return { dtype, data: v.data as AnyTypedArray, shape, stride, offset } as Block;
}

function dataMatches(dtype: DataType, fromData: DataType): boolean {
  return dtype === fromData || (dtype === "bool" && fromData === "uint8");
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a plain JavaScript array (use array(...) to make a block)";
  if (typeof value === "object") return `an object with keys ${show(Object.keys(value as object))}`;
  return `${typeof value} ${show(value)}`;
}

/** Makes a C-contiguous block from a TypedArray (no copy). */
export function fromTypedArray<D extends DataType>(
  dtype: D,
  data: TypedArrayFor<D>,
  shape: readonly number[],
): Block<D> {
  return { dtype, data, shape: [...shape], stride: cStrides(shape), offset: 0 };
}

/** A new C-contiguous zero-filled block (internal; the public `zeros` validates). */
export function emptyBlock<D extends DataType>(dtype: D, shape: readonly number[]): Block<D> {
  return fromTypedArray(dtype, allocate(dtype, sizeOf(shape)), shape);
}

/** Whether `block` is C-contiguous with its elements at `data[offset ... offset+size)`. */
export function isCContiguous(block: Block): boolean {
  let s = 1;
  for (let i = block.shape.length - 1; i >= 0; i--) {
    const n = block.shape[i]!;
    if (n !== 1 && block.stride[i] !== s) return false;
    s *= n;
  }
  return true;
}

/** The flat data index of element `index` (no bounds check). */
export function flatIndex(block: Block, index: readonly number[]): number {
  let p = block.offset;
  for (let i = 0; i < index.length; i++) p += index[i]! * block.stride[i]!;
  return p;
}

/** Reads one element; negative indices count from the end. */
export function get(block: Block, index: readonly number[]): number {
  return block.data[flatIndex(block, normalizeIndex(block, index, "get"))]!;
}

/** Writes one element; negative indices count from the end. */
export function set(block: Block, index: readonly number[], value: number): void {
  block.data[flatIndex(block, normalizeIndex(block, index, "set"))] = value;
}

function normalizeIndex(block: Block, index: readonly number[], fn: string): number[] {
  if (index.length !== block.shape.length) {
    throw new ValueError(fn, `index must have one entry per axis (${block.shape.length}); got ${show(index)}. Pass a full index`);
  }
  return index.map((i, ax) => {
    const n = block.shape[ax]!;
    const j = i < 0 ? i + n : i;
    if (!Number.isInteger(i) || j < 0 || j >= n) {
      throw new ValueError(fn, `index on axis ${ax} must be an integer in [${-n}, ${n}); got ${i}. Use an index inside the shape ${show(block.shape)}`);
    }
    return j;
  });
}

/**
 * Calls `body(offsets, n)` once per innermost row of `shape`, where `offsets[k]` is operand
 * k's data index of the row's first element; each operand steps by its own last-axis stride.
 * This is the one loop every elementwise kernel runs on: per-row callbacks, not per-element.
 */
export function forEachRow(
  shape: readonly number[],
  operands: readonly { readonly stride: readonly number[]; readonly offset: number }[],
  body: (offsets: readonly number[], n: number) => void,
): void {
  const nd = shape.length;
  const k = operands.length;
  const offsets = operands.map((o) => o.offset);
  if (nd === 0) {
    body(offsets, 1);
    return;
  }
  for (const d of shape) if (d === 0) return;
  const n = shape[nd - 1]!;
  const counter = new Array<number>(nd - 1).fill(0);
  for (;;) {
    body(offsets, n);
    let ax = nd - 2;
    while (ax >= 0) {
      counter[ax]!++;
      for (let j = 0; j < k; j++) offsets[j]! += operands[j]!.stride[ax]!;
      if (counter[ax]! < shape[ax]!) break;
      for (let j = 0; j < k; j++) offsets[j]! -= operands[j]!.stride[ax]! * shape[ax]!;
      counter[ax] = 0;
      ax--;
    }
    if (ax < 0) return;
  }
}

/** Calls `body(index)` for every multi-index of `shape` in C order (the index array is reused). */
export function forEachIndex(shape: readonly number[], body: (index: readonly number[]) => void): void {
  const nd = shape.length;
  for (const d of shape) if (d === 0) return;
  const index = new Array<number>(nd).fill(0);
  for (;;) {
    body(index);
    let ax = nd - 1;
    while (ax >= 0) {
      index[ax]!++;
      if (index[ax]! < shape[ax]!) break;
      index[ax] = 0;
      ax--;
    }
    if (ax < 0) return;
  }
}

/** Copies `src` into `dst` elementwise (same shape), converting values as TypedArrays do. */
export function copyInto(dst: Block, src: Block): void {
  const ds = dst.data;
  const ss = src.data;
  const dStep = dst.stride[dst.shape.length - 1] ?? 1;
  const sStep = src.stride[src.shape.length - 1] ?? 1;
  // TypedArray.set is a memcpy (or a native conversion): use it for whole arrays and rows.
  if (isCContiguous(dst) && isCContiguous(src)) {
    const n = sizeOf(dst.shape);
    ds.set(n === ss.length && src.offset === 0 ? ss : ss.subarray(src.offset, src.offset + n), dst.offset);
    return;
  }
  forEachRow(dst.shape, [dst, src], (o, n) => {
    if (dStep === 1 && sStep === 1 && n > 16) {
      ds.set(ss.subarray(o[1]!, o[1]! + n), o[0]!);
      return;
    }
    let d = o[0]!;
    let s = o[1]!;
    for (let i = 0; i < n; i++, d += dStep, s += sStep) ds[d] = ss[s]!;
  });
}

/** Values of a block as a flat C-order JavaScript array (for tests and printing). */
export function toFlatArray(block: Block): number[] {
  const out: number[] = [];
  const step = block.stride[block.shape.length - 1] ?? 1;
  forEachRow(block.shape, [block], (o, n) => {
    for (let i = 0, p = o[0]!; i < n; i++, p += step) out.push(block.data[p]!);
  });
  return out;
}
