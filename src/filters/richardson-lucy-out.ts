/**
 * `richardsonLucy`'s `out` option, NumPy's `out=`: the result is written into the caller's
 * array, which is returned. The rules, checked when the call starts (before any work):
 *
 * - `out` is a block (or scijs ndarray, zarrita chunk) of the image's shape and of the
 *   result's dtype (float64 when the image or PSF is float64 or an integer wider than 16 bits,
 *   float32 otherwise), C-contiguous and within its buffer;
 * - it shares no memory with the PSF;
 * - it shares memory with the image only by being the image itself (the same dtype and first
 *   byte, the image C-contiguous: in place, the usual way to deconvolve float input without a
 *   second image-sized buffer); a view that overlaps the image in any other way (a shifted
 *   subarray, every other element, a reinterpretation of its bytes) is refused. Overlap is
 *   judged by byte bounds, as NumPy's `may_share_memory`, so interleaved views that share no
 *   element are refused too;
 * - it is given in a direct call, not in a gufunc's or a task's params, where the same buffer
 *   would be every block's output (or, on worker threads, a copy of it);
 * - it does not lie in the resident engine's memory (an estimate kept from an earlier call's
 *   `onIteration`, which the engine reuses): checked when the engine starts, before it is written.
 *
 * JavaScript has no read-only typed arrays (`Object.freeze` throws on a non-empty one), so
 * there is nothing to check for that. Every path reads the image for the last time in the
 * last iteration's divide and writes `out` after it (the reference "zero" path computes
 * straight into `out` when it is not the image): in place, the image is unchanged until the
 * iterations end, also when the call is aborted or throws.
 * @module
 */
import { DtypeError, ValueError, show } from "../core/errors.js";
import type { FloatDataType } from "../core/dtype.js";
import { asBlock, isCContiguous, sizeOf, type Block } from "../core/ndarray.js";
import type { FloatArray } from "./common.js";

const FN = "richardsonLucy";

/** A checked `out`: the block to return, its elements in C order, and whether it is the image. */
export interface RlOut {
  readonly block: Block;
  readonly data: FloatArray;
  readonly inPlace: boolean;
}

/** `[first byte, end byte)` of a block's elements in its buffer (empty blocks: undefined). */
function byteSpan(b: Block): [number, number] | undefined {
  let lo = b.offset, hi = b.offset;
  for (let i = 0; i < b.shape.length; i++) {
    if (b.shape[i] === 0) return undefined;
    const reach = (b.shape[i]! - 1) * b.stride[i]!;
    if (reach < 0) lo += reach;
    else hi += reach;
  }
  const e = b.data.BYTES_PER_ELEMENT;
  return [b.data.byteOffset + lo * e, b.data.byteOffset + (hi + 1) * e];
}

/** Whether two blocks' byte bounds intersect in one buffer (NumPy's `may_share_memory`). */
function mayShareMemory(a: Block, b: Block): boolean {
  if (a.data.buffer !== b.data.buffer) return false;
  const sa = byteSpan(a), sb = byteSpan(b);
  return sa !== undefined && sb !== undefined && sa[0] < sb[1] && sb[0] < sa[1];
}

/**
 * Checks `out` against the image `x`, the PSF `k` and the result's dtype (see the module
 * notes); undefined when `out` is absent.
 * @param ctx - the kernel's context: a gufunc's loop (`index`) or a task's block (`blockIndex`) refuses `out`
 * @throws {ValueError} for a wrong shape, layout or overlap, or `out` in a gufunc's or task's params
 * @throws {DtypeError} for a dtype other than the result's
 */
export function resolveOut(value: unknown, x: Block, k: Block, dtype: FloatDataType, ctx: object | undefined): RlOut | undefined {
  if (value === undefined) return undefined;
  if (ctx !== undefined && ctx !== null && ("index" in ctx || "blockIndex" in ctx)) {
    throw new ValueError(FN, "out must be given only in a direct call; got out in a gufunc's or task's params, where every block would write the same buffer. Omit out: the gufunc allocates each block's output");
  }
  const out = asBlock(value, FN, "out");
  if (out.dtype !== dtype) {
    throw new DtypeError(FN, `out must have the result's dtype ${dtype} (float64 for a float64 image or PSF or integers wider than 16 bits, float32 otherwise); got ${out.dtype}. Pass a ${dtype} out, or omit out`);
  }
  if (out.shape.length !== x.shape.length || out.shape.some((d, i) => d !== x.shape[i])) {
    throw new ValueError(FN, `out must have the image's shape ${show(x.shape)}; got ${show(out.shape)}. Pass an out of the image's shape, or the image itself to deconvolve in place`);
  }
  const n = sizeOf(out.shape);
  if (!isCContiguous(out) || !Number.isInteger(out.offset) || out.offset < 0 || out.offset + n > out.data.length) {
    throw new ValueError(FN, `out must be C-contiguous and lie within its data; got stride ${show(out.stride)} and offset ${out.offset} over ${out.data.length} elements. Pass a C-order array (e.g. zeros(shape, "${dtype}")), not a strided view`);
  }
  if (mayShareMemory(out, k)) {
    throw new ValueError(FN, `out must not share memory with psf; got out over the PSF's buffer (bytes ${show(byteSpan(out))} and ${show(byteSpan(k))}). Pass an out of its own, or the image itself`);
  }
  const inPlace = mayShareMemory(out, x);
  if (inPlace && !(out.dtype === x.dtype && isCContiguous(x) && byteSpan(out)![0] === byteSpan(x)![0])) {
    throw new ValueError(FN, `out must be the image itself or share no memory with it; got a view overlapping the image (bytes ${show(byteSpan(out))} of ${out.dtype} against the image's ${show(byteSpan(x))} of ${x.dtype}${isCContiguous(x) ? "" : ", strided"}). Pass the C-contiguous float image itself for in place, or an array of its own`);
  }
  return { block: out, data: (out.data as FloatArray).subarray(out.offset, out.offset + n), inPlace };
}
