/**
 * Data types, named as NumPy and Zarr name them, with the TypedArray type derived from the
 * dtype literal (the zarrita habit: `TypedArrayFor<"uint16">` is `Uint16Array`).
 * @module
 */

/** Maps every dtype name to the TypedArray that stores it. `bool` is one byte per element. */
export interface TypedArrayMap {
  bool: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  float32: Float32Array;
  float64: Float64Array;
}

/** A dtype name: `"bool"`, `"int8"` ... `"float64"`. */
export type DataType = keyof TypedArrayMap;

/** The TypedArray type that stores dtype `D`. */
export type TypedArrayFor<D extends DataType> = TypedArrayMap[D];

/** Any TypedArray chunkwise stores data in. */
export type AnyTypedArray = TypedArrayMap[DataType];

/** Floating-point dtypes. */
export type FloatDataType = "float32" | "float64";

type TypedArrayCtor = {
  new (length: number): AnyTypedArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): AnyTypedArray;
  BYTES_PER_ELEMENT: number;
};

const CTORS: { [D in DataType]: TypedArrayCtor } = {
  bool: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** Every dtype, in NumPy's order of kinds (bool, signed, unsigned, float). */
export const DTYPES: readonly DataType[] = [
  "bool", "int8", "int16", "int32", "uint8", "uint16", "uint32", "float32", "float64",
];

/** Whether `value` names a dtype chunkwise supports. */
export function isDataType(value: unknown): value is DataType {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(CTORS, value);
}

/** Bytes per element of `dtype`. */
export function itemSize(dtype: DataType): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

/** A new zero-filled TypedArray of `length` elements for `dtype`. */
export function allocate<D extends DataType>(dtype: D, length: number): TypedArrayFor<D> {
  return new CTORS[dtype](length) as TypedArrayFor<D>;
}

/** The TypedArray constructor for `dtype`. */
export function typedArrayConstructor(dtype: DataType): TypedArrayCtor {
  return CTORS[dtype];
}

/** The kind of a dtype, as NumPy's `dtype.kind`: b(ool), i(nt), u(nsigned), f(loat). */
export function dtypeKind(dtype: DataType): "b" | "i" | "u" | "f" {
  if (dtype === "bool") return "b";
  if (dtype.startsWith("int")) return "i";
  if (dtype.startsWith("uint")) return "u";
  return "f";
}

/** The dtype whose TypedArray class `data` is, or undefined; Uint8Array reads as uint8. */
export function dtypeOfTypedArray(data: unknown): DataType | undefined {
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint32Array) return "uint32";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Int8Array) return "int8";
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return "uint8";
  return undefined;
}

const BITS: { [D in DataType]: number } = {
  bool: 1, int8: 8, int16: 16, int32: 32, uint8: 8, uint16: 16, uint32: 32, float32: 32, float64: 64,
};

/**
 * The result dtype of combining two dtypes, as `numpy.result_type` (promotion of arrays).
 * Mixed signed/unsigned integers widen (uint16 with int16 gives int32; uint32 with int32 gives
 * float64, as NumPy, since int64 is not a chunkwise dtype). Integers with float32 follow NumPy:
 * int8/uint8/int16/uint16 keep float32, wider integers give float64.
 */
export function resultType(a: DataType, b: DataType): DataType {
  if (a === b) return a;
  const ka = dtypeKind(a);
  const kb = dtypeKind(b);
  if (ka === "b") return b;
  if (kb === "b") return a;
  if (ka === "f" || kb === "f") {
    const [f, other] = ka === "f" ? [a, b] : [b, a];
    if (dtypeKind(other) === "f") return BITS[a] >= BITS[b] ? a : b;
    if (f === "float64") return "float64";
    return BITS[other] <= 16 ? "float32" : "float64";
  }
  if (ka === kb) return BITS[a] >= BITS[b] ? a : b;
  const [s, u] = ka === "i" ? [a, b] : [b, a];
  if (BITS[s] > BITS[u]) return s;
  if (BITS[u] === 8) return "int16";
  if (BITS[u] === 16) return "int32";
  return "float64";
}

/** `resultType` folded over several dtypes. */
export function resultTypeOf(dtypes: readonly DataType[]): DataType {
  if (dtypes.length === 0) return "float64";
  return dtypes.reduce(resultType);
}

/**
 * The common float type of `dtypes`: NumPy's `result_type(*dtypes, float16)` with float16
 * widened to float32, so uint16 images compute in float32 and int32 data in float64.
 */
export function commonFloatType(dtypes: readonly DataType[]): FloatDataType {
  return resultTypeOf([...dtypes, "float32"]) as FloatDataType;
}

/**
 * Whether a cast from `from` to `to` is "safe" in NumPy's sense (`np.can_cast(from, to)`):
 * no value of `from` is changed by it.
 */
export function canCastSafely(from: DataType, to: DataType): boolean {
  return resultType(from, to) === to;
}
