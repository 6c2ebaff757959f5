/**
 * `imwrite(path, x)`: writes a block or a small ChunkedArray as a baseline TIFF (2-D as one
 * page, 3-D as one page per leading index), as `tifffile.imwrite` does for grayscale data.
 * The file is written under a temporary name in the same folder and renamed, so readers
 * never see half a file; an existing file is replaced, as tifffile does.
 * @module
 */
import { replaceFileAtomically } from "../atomic-write.js";
import { ValueError, show as showValue } from "../../core/errors.js";
import { asBlock, isBlockLike, type Block, type BlockLike } from "../../core/ndarray.js";
import { ChunkedArray } from "../../array/chunked-array.js";
import { compute, type ComputeOptions } from "../../schedule/compute.js";
import { encodeTiff, type EncodeTiffOptions } from "./encode.js";
import { show } from "./header.js";
import type { TiffDataType } from "./layout.js";
import { checkPath } from "./read-tiff.js";
import { TiffError } from "./tiff-error.js";

/** Options of {@link imwrite}. */
export interface ImwriteOptions extends EncodeTiffOptions {
  /** Where a ChunkedArray's tasks run (default `inline()`). */
  executor?: ComputeOptions["executor"];
  /** Cancels computing and writing. */
  signal?: AbortSignal;
}

const FN = "imwrite";
const WRITABLE: readonly string[] = ["uint8", "int8", "uint16", "int16", "uint32", "int32", "float32"];
const MAX_BYTES = 2 ** 32 - 2 ** 20;

/**
 * Writes a 2-D or 3-D block (or a ChunkedArray small enough to compute in memory) as a
 * little-endian baseline TIFF: 2-D as one page, 3-D as a stack of pages along the first axis.
 * uint8/16/32, int8/16/32 and float32 are written as they are (SampleFormat marks signed and
 * float samples); read it back with `imread`, tifffile, ImageJ or libtiff.
 * @param path - the file to write (replaced if it exists)
 * @param x - a block (or scijs ndarray) or a ChunkedArray
 * @param options - `compression` (`"none"` or `"deflate"`), `description`, `executor`, `signal`
 * @throws {ValueError} for other dtypes or dimensions, more than 4 GiB, or a non-ASCII description
 * @throws {TiffError} if the file cannot be written
 * @example
 * ```ts
 * await imwrite("psf.tif", psfBlock, { description: "PSF, 0.1 um steps" });
 * await imwrite("result.tif", deconvolved.astype("float32"), { compression: "deflate" });
 * ```
 */
export async function imwrite(path: string, x: Block | BlockLike | ChunkedArray, options: ImwriteOptions = {}): Promise<void> {
  checkPath(FN, path);
  checkOptions(options);
  const { signal } = options;
  signal?.throwIfAborted();
  if (x instanceof ChunkedArray) checkArray(x.shape, x.dtype, x.nbytes);
  else if (!isBlockLike(x)) {
    throw new ValueError(FN, `x must be a block or a ChunkedArray; got ${typeof x === "object" && x !== null ? `an object with keys ${showValue(Object.keys(x))}` : showValue(x)}. Pass the array to write`);
  }
  const block = x instanceof ChunkedArray
    ? await compute(x, { ...(options.executor ? { executor: options.executor } : {}), ...(signal ? { signal } : {}) })
    : asBlock(x, FN, "x");
  checkArray(block.shape, block.dtype, block.data.BYTES_PER_ELEMENT * block.shape.reduce((a, b) => a * b, 1));
  const bytes = encodeTiff(block as Block<TiffDataType>, options);
  await replaceFileAtomically(path, bytes, signal, (why, cause) =>
    new TiffError(FN, `${show(path)} must be writable; got ${why}. Create the folder or choose another path`, { path, cause }),
  );
}

function checkArray(shape: readonly number[], dtype: string, nbytes: number): void {
  if (!WRITABLE.includes(dtype)) {
    const to = dtype === "float64" ? "float32" : "uint8";
    throw new ValueError(FN, `x must have dtype ${WRITABLE.join(", ")}; got ${dtype}. Cast it first, e.g. x.astype("${to}")`);
  }
  if (shape.length !== 2 && shape.length !== 3) {
    throw new ValueError(FN, `x must be 2-D (one page) or 3-D (a stack of pages); got shape ${showValue(shape)}. Index or reshape it to (pages, height, width)`);
  }
  if (shape.some((n) => n === 0)) {
    throw new ValueError(FN, `x must have no empty axis; got shape ${showValue(shape)}. A TIFF page needs at least one pixel`);
  }
  if (nbytes > MAX_BYTES) {
    throw new ValueError(FN, `x must be under 4 GiB to fit a classic TIFF; got ${nbytes} bytes. Write it with toZarr, or write several files`);
  }
}

function checkOptions(options: ImwriteOptions): void {
  const { compression, description } = options;
  if (compression !== undefined && compression !== "none" && compression !== "deflate") {
    throw new ValueError(FN, `compression must be "none" or "deflate"; got ${showValue(compression)}. Pass "deflate" for zlib compression`);
  }
  if (description !== undefined && (typeof description !== "string" || !/^[\x20-\x7e\t\n\r]*$/.test(description))) {
    throw new ValueError(FN, `description must be printable ASCII text; got ${showValue(description)}. Remove other characters, or store them as JSON escapes`);
  }
}
