/**
 * Reading one TIFF file, whole (`readTiff`) or its header only (`readTiffLayout`): the file
 * access under `imread`, with file-system errors turned into messages that name the file.
 * @module
 */
import { open, readFile } from "node:fs/promises";
import type { DataType } from "../../core/dtype.js";
import { ValueError } from "../../core/errors.js";
import { fromTypedArray, type Block } from "../../core/ndarray.js";
import { bufferSource, readHeader, show, type ByteSource } from "./header.js";
import { decodePixels } from "./decode.js";
import { fileLayout, type TiffDataType, type TiffLayout } from "./layout.js";
import { TiffError } from "./tiff-error.js";

/** Options of {@link readTiff}. */
export interface ReadTiffOptions {
  /** Cancels the read. */
  signal?: AbortSignal;
}

/**
 * Reads one TIFF file into a block, eagerly: one page as `(height, width)` (or
 * `(height, width, samples)`, or `(samples, height, width)` for separate sample planes),
 * several pages stacked on a leading axis, with tifffile.imread's values.
 * @param path - the file
 * @throws {TiffError} if the file is missing, not a TIFF, truncated or damaged, or holds
 *   samples other than 8/16/32-bit integers or 32-bit floats, or a compression other than
 *   Deflate, LZW or PackBits
 * @example
 * ```ts
 * const stack = await readTiff("psfs/psf_1.tif"); // Block<"uint16">, shape (pages, height, width)
 * ```
 */
export async function readTiff(path: string, options: ReadTiffOptions = {}): Promise<Block<TiffDataType>> {
  checkPath("readTiff", path);
  return (await readWhole(path, "readTiff", options.signal)).block;
}

/** Reads and decodes a whole file; `fn` names the public function in errors. */
export async function readWhole(path: string, fn: string, signal?: AbortSignal): Promise<{ layout: TiffLayout; block: Block<TiffDataType> }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path, signal ? { signal } : {});
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw fsError(fn, path, cause);
  }
  const layout = fileLayout(await readHeader(bufferSource(bytes), path, fn), path, fn);
  const data = decodePixels(bytes, layout, path, fn);
  return { layout, block: fromTypedArray(layout.dtype as DataType, data, layout.shape) as Block<TiffDataType> };
}

/**
 * Reads only the header of a file (random-access reads, pixels untouched) and returns its
 * shape, dtype and pages.
 * @throws {TiffError} as {@link readTiff}, for everything the header shows
 */
export async function readTiffLayout(path: string, fn: string): Promise<TiffLayout> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (cause) {
    throw fsError(fn, path, cause);
  }
  try {
    const { size } = await handle.stat();
    const source: ByteSource = {
      size,
      read: async (offset, length) => {
        const n = Math.max(0, Math.min(length, size - offset));
        const buf = new Uint8Array(n);
        if (n > 0) await handle.read(buf, 0, n, offset);
        return buf;
      },
    };
    return fileLayout(await readHeader(source, path, fn), path, fn);
  } catch (cause) {
    if (cause instanceof TiffError) throw cause;
    throw fsError(fn, path, cause);
  } finally {
    await handle.close();
  }
}

/** A file-system error as a TiffError naming the file and what to do. */
export function fsError(fn: string, path: string, cause: unknown): TiffError {
  const code = (cause as { code?: string } | null)?.code;
  const what = code === "ENOENT" ? "no such file"
    : code === "EISDIR" ? "a directory"
    : code === "EACCES" || code === "EPERM" ? "permission denied"
    : cause instanceof Error ? cause.message : String(cause);
  const fix = code === "ENOENT" ? "Check the path and the working directory"
    : code === "EISDIR" ? "Pass a file, or a glob such as \"dir/*.tif\" to imread"
    : code === "EACCES" || code === "EPERM" ? "Check the file's permissions"
    : "Check that the file is readable";
  return new TiffError(fn, `${show(path)} must be a readable file; got ${what}. ${fix}`, { path, cause });
}

/**
 * Validates a path argument.
 * @throws {ValueError} if it is not a non-empty string
 */
export function checkPath(fn: string, path: unknown, what = "path"): asserts path is string {
  if (typeof path !== "string" || path === "") {
    throw new ValueError(fn, `${what} must be a non-empty string; got ${path === "" ? "\"\"" : typeof path}. Pass a file path`);
  }
}
