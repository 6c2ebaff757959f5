/**
 * Complex blocks: interleaved (real, imaginary) pairs in a Float32Array (`complex64`) or a
 * Float64Array (`complex128`), the memory layout of NumPy's complex arrays. Element
 * `(i0, i1, ...)` has its real part at `data[2 * (offset + i0 * stride[0] + ...)]` and its
 * imaginary part right after; `stride` and `offset` count complex elements, as NumPy's
 * strides divided by the item size.
 *
 * Self-contained on purpose: complex dtypes join `core/dtype.ts` later, and this type is meant
 * to fold into `Block` then without changing its fields.
 * @module
 */
import { ValueError } from "../core/errors.js";
import { cStrides, sizeOf } from "../core/ndarray.js";

/**
 * The complex dtypes, named as NumPy names them.
 * @example
 * ```ts
 * const dt: ComplexDataType = "complex64";
 * ```
 */
export type ComplexDataType = "complex64" | "complex128";

/**
 * The interleaved storage of a complex dtype: Float32Array for complex64, else Float64Array.
 * @example
 * ```ts
 * const data: ComplexStorageFor<"complex64"> = new Float32Array(8);
 * ```
 */
export type ComplexStorageFor<D extends ComplexDataType> = D extends "complex64" ? Float32Array : Float64Array;

/**
 * An in-memory complex N-D array: a strided view over interleaved (re, im) pairs.
 * `stride` and `offset` are in complex elements (so `data.length` is twice the element count
 * of a contiguous array).
 * @example
 * ```ts
 * const z: ComplexBlock = {
 *   dtype: "complex128", data: new Float64Array([1, 2, 3, 4]), shape: [2], stride: [1], offset: 0,
 * }; // [1+2j, 3+4j]
 * ```
 */
export interface ComplexBlock<D extends ComplexDataType = ComplexDataType> {
  readonly dtype: D;
  readonly data: ComplexStorageFor<D>;
  readonly shape: readonly number[];
  /** Strides in complex elements. */
  readonly stride: readonly number[];
  /** Offset in complex elements. */
  readonly offset: number;
}

/**
 * Whether `value` is a {@link ComplexBlock}: a complex dtype with matching interleaved storage.
 * @param value - anything
 * @returns true for `{ dtype: "complex64" | "complex128", data, shape, stride, offset }`
 * @example
 * ```ts
 * isComplexBlock(complexZeros([2, 2])); // true
 * ```
 */
export function isComplexBlock(value: unknown): value is ComplexBlock {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<ComplexBlock>;
  if (!Array.isArray(v.shape) || !Array.isArray(v.stride)) return false;
  if (v.dtype === "complex64") return v.data instanceof Float32Array;
  if (v.dtype === "complex128") return v.data instanceof Float64Array;
  return false;
}

/**
 * A new C-contiguous zero-filled complex block.
 * @param shape - the shape, e.g. `[4, 3]`
 * @param dtype - `"complex128"` (default) or `"complex64"`
 * @example
 * ```ts
 * const z = complexZeros([4, 3], "complex64"); // z.data is a Float32Array of length 24
 * ```
 */
export function complexZeros<D extends ComplexDataType = "complex128">(
  shape: readonly number[],
  dtype?: D,
): ComplexBlock<D> {
  const dt = (dtype ?? "complex128") as D;
  const n = 2 * sizeOf(shape);
  const data = (dt === "complex64" ? new Float32Array(n) : new Float64Array(n)) as ComplexStorageFor<D>;
  return { dtype: dt, data, shape: [...shape], stride: cStrides(shape), offset: 0 };
}

/**
 * Wraps interleaved (re, im) data as a C-contiguous complex block without copying.
 * @param data - interleaved pairs; its type picks the dtype (Float32Array gives complex64)
 * @param shape - the shape; `data.length` must be `2 * product(shape)`
 * @throws {ValueError} if the length does not match the shape
 * @example
 * ```ts
 * const z = complexFromInterleaved(new Float64Array([1, 0, 0, 1]), [2]); // [1, 1j]
 * ```
 */
export function complexFromInterleaved<T extends Float32Array | Float64Array>(
  data: T,
  shape: readonly number[],
): ComplexBlock<T extends Float32Array ? "complex64" : "complex128"> {
  if (data.length !== 2 * sizeOf(shape)) {
    throw new ValueError(
      "complexFromInterleaved",
      `data length must be 2 * product(shape) = ${2 * sizeOf(shape)}; got ${data.length}. Pass interleaved (re, im) pairs for every element`,
    );
  }
  const dtype = data instanceof Float32Array ? "complex64" : "complex128";
  return { dtype, data, shape: [...shape], stride: cStrides(shape), offset: 0 } as unknown as ComplexBlock<
    T extends Float32Array ? "complex64" : "complex128"
  >;
}

/**
 * The complex dtype NumPy gives a transform of data stored in `storage`: complex64 for
 * Float32Array, complex128 otherwise.
 * @example
 * ```ts
 * complexDtypeOf(new Float32Array(2)); // "complex64"
 * ```
 */
export function complexDtypeOf(storage: Float32Array | Float64Array): ComplexDataType {
  return storage instanceof Float32Array ? "complex64" : "complex128";
}
