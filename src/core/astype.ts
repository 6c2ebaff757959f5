/**
 * Casting a block to another dtype; matches `numpy.ndarray.astype(dtype, casting="unsafe",
 * copy=True)`.
 *
 * Invariants (all NumPy's results on x86-64, except where marked):
 * - float -> int truncates toward zero; values outside the target range wrap modulo 2^bits,
 *   as int -> int casts do (300.5 -> int8 gives 44, -1.5 -> uint8 gives 255).
 * - anything -> bool is `x != 0`, so NaN -> true; bool -> number gives 0 or 1.
 * - float64 -> float32 rounds to nearest, ties to even; overflow gives +-Infinity.
 * - NaN and +-Infinity -> any integer dtype give 0 (JavaScript's ToInt32 rules), and every finite
 *   float truncates then wraps modulo 2^bits. NumPy leaves float -> int casts of values outside
 *   the C conversion's range undefined; on x86-64 it converts through int32 for 8/16/32-bit
 *   targets, so NaN, +-Infinity and |x| >= 2^31 give -2147483648 for int32 and 0 for
 *   int8/int16/uint8/uint16 (here: 3e9 -> int16 is 24064), and through int64 for uint32 (NaN and
 *   -Infinity give 2147483648 there). Clip or check finiteness first where it matters.
 * @module
 */
import { checkDtype } from "./creation.js";
import type { DataType } from "./dtype.js";
import { asBlock, emptyBlock, forEachRow, type Block, type BlockLike } from "./ndarray.js";

/** Options of {@link astype}. */
export interface AstypeOptions {
  /**
   * Whether to always return a new block (default true, as NumPy). With `copy: false` the
   * input itself is returned when it already has the requested dtype; a cast still copies.
   */
  copy?: boolean;
}

/**
 * A C-contiguous copy of `block` with elements cast to `dtype`, as `numpy.ndarray.astype`.
 * @param block - a block, scijs ndarray or zarrita chunk
 * @param dtype - the target dtype name
 * @param options - `copy` (default true): false returns `block` unchanged when it already has `dtype`
 * @throws {DtypeError} if `dtype` is not a chunkwise dtype
 * @throws {ValueError} if `block` is not block-like
 * @example
 * astype(array([1.7, -1.7, NaN]), "int8") // int8 [1, -1, 0]
 * astype(array([0, 2, NaN]), "bool")      // bool [false, true, true]
 */
export function astype<D extends DataType>(
  block: Block | BlockLike,
  dtype: D,
  options: AstypeOptions = {},
): Block<D> {
  const src = asBlock(block, "astype", "array");
  const to = checkDtype("astype", dtype) as D;
  if (options.copy === false && src.dtype === to) return src as Block<D>;
  const out = emptyBlock(to, src.shape);
  castInto(out, src);
  return out;
}

/**
 * Writes `src` cast to `dst.dtype` into `dst` (same shape; internal, unchecked).
 * Every cast but "to bool" is a TypedArray store, whose ToInt/ToFloat32 conversions are the
 * casts documented in the module header; `TypedArray.set` applies the same conversions.
 */
export function castInto(dst: Block, src: Block): void {
  const d = dst.data;
  const s = src.data;
  const nd = src.shape.length;
  const ds = dst.stride[nd - 1] ?? 1;
  const ss = src.stride[nd - 1] ?? 1;
  if (dst.dtype === "bool") {
    forEachRow(src.shape, [dst, src], (o, n) => {
      for (let i = 0, p = o[0]!, q = o[1]!; i < n; i++, p += ds, q += ss) d[p] = s[q] !== 0 ? 1 : 0;
    });
    return;
  }
  forEachRow(src.shape, [dst, src], (o, n) => {
    const p0 = o[0]!;
    const q0 = o[1]!;
    if (ds === 1 && ss === 1 && n > 16) {
      d.set(s.subarray(q0, q0 + n), p0);
      return;
    }
    for (let i = 0, p = p0, q = q0; i < n; i++, p += ds, q += ss) d[p] = s[q]!;
  });
}
