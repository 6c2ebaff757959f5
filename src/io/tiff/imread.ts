/**
 * `imread(pattern)`: a stack of TIFF files as one lazy array, as `dask.array.image.imread`.
 * Files are sorted naturally (`psf_2.tif` before `psf_10.tif`); each file is one block and
 * its index is the first axis. Only the first file's header is read to build the graph (as
 * dask reads only the first image); each block task reads its own file and checks it against
 * the declared shape and dtype, so a file that differs is named when it is read.
 * @module
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { show as showValue } from "../../core/errors.js";
import type { Block } from "../../core/ndarray.js";
import type { ChunksInput } from "../../chunks/grid.js";
import { graphWith } from "../../graph/graph.js";
import { tokenize } from "../../graph/hash.js";
import { defineKernel, kernelRefOf } from "../../graph/kernel.js";
import { blockKey, type BlockContext, type Task } from "../../graph/task.js";
import { ChunkedArray } from "../../array/chunked-array.js";
import { rechunk } from "../../array/rechunk.js";
import { show } from "./header.js";
import type { TiffDataType, TiffLayout } from "./layout.js";
import { checkPath, fsError, readTiffLayout, readWhole } from "./read-tiff.js";
import { naturalCompare } from "./natural-sort.js";
import { TiffError } from "./tiff-error.js";

/** Options of {@link imread}. */
export interface ImreadOptions {
  /** Chunks of the result; default one block per file: `((1, 1, ...), ...fileShape)`. Other chunkings rechunk after reading. */
  chunks?: ChunksInput;
  /** Read every file's header now and fail at once on the first file that differs (default false: each file is checked when its block is read). */
  check?: boolean;
  /** Cancels the header reads. */
  signal?: AbortSignal;
}

/** JSON parameters of {@link imreadBlock}. */
export interface ImreadBlockParams {
  readonly path: string;
  /** The declared shape and dtype of every file, and the file they came from. */
  readonly shape: readonly number[];
  readonly dtype: TiffDataType;
  readonly first: string;
}

const FN = "imread";

/**
 * The block task of {@link imread}: reads one file and returns it with a leading axis of 1.
 * Named with `defineKernel`, so thread and distributed workers import it themselves.
 * @param params - the file, and the shape, dtype and first file every file must match
 * @throws {TiffError} if the file is unreadable or its shape or dtype differ from the first file's
 * @example
 * ```ts
 * const block = await imreadBlock({ path: "/data/psf_2.tif", shape: [101, 64, 64], dtype: "uint16", first: "/data/psf_1.tif" });
 * block.shape; // [1, 101, 64, 64]
 * ```
 */
export const imreadBlock = defineKernel(import.meta.url, "imreadBlock", async (params: ImreadBlockParams, ctx?: Partial<BlockContext>): Promise<Block> => {
  const { layout, block } = await readWhole(params.path, FN, ctx?.signal);
  checkAgainst(layout, params);
  return { ...block, shape: [1, ...block.shape], stride: [block.data.length, ...block.stride] };
});

/**
 * Reads TIFF files matching a glob as one lazy array whose first axis is the file index, as
 * `dask.array.image.imread`. A file may hold one plane `(height, width)` (or with samples,
 * `(height, width, samples)`, or `(samples, height, width)` for separate sample planes) or a
 * multi-page stack `(pages, height, width)`; samples may be 8-, 16- or 32-bit signed or
 * unsigned integers or 32-bit floats. Values are tifffile's (the stored values).
 * @param pattern - a glob (tinyglobby syntax, relative to the working directory) or a file path
 * @param options - `chunks` to rechunk, `check` to read every header now, `signal`
 * @returns shape `(files, ...fileShape)`, chunks `((1, 1, ...), ...fileShape)` by default
 * @throws {TiffError} if nothing matches (naming the pattern and working directory), if the
 *   first file (or, with `check`, any file) is unreadable or unsupported, or, with `check`,
 *   if a file's shape or dtype differs from the first file's. Without `check`, that last
 *   error comes from `compute`, naming the file.
 * @example
 * ```ts
 * const psfs = await imread("AOLLSMData/m4/psfs_z0p1/*.tif"); // (3, 101, 64, 64) uint16
 * const psf = psfs.index([":", null, "..."]).astype("float32"); // (3, 1, 101, 64, 64)
 * ```
 */
export async function imread(pattern: string, options: ImreadOptions = {}): Promise<ChunkedArray<TiffDataType>> {
  checkPath(FN, pattern, "pattern");
  const { signal } = options;
  signal?.throwIfAborted();
  const paths = await matchFiles(pattern);
  signal?.throwIfAborted();
  const layout = await readTiffLayout(paths[0]!, FN);
  const params = { shape: layout.shape, dtype: layout.dtype, first: paths[0]! };
  if (options.check === true) {
    for (const path of paths.slice(1)) {
      signal?.throwIfAborted();
      checkAgainst(await readTiffLayout(path, FN), { ...params, path });
    }
  }
  const stamps = await Promise.all(paths.map(async (p) => {
    try {
      const s = await stat(p);
      return [s.size, s.mtimeMs];
    } catch (cause) {
      throw fsError(FN, p, cause);
    }
  }));
  const name = `imread-${tokenize(paths, stamps, layout.shape, layout.dtype)}`;
  const shape = [paths.length, ...layout.shape];
  const chunks = [paths.map(() => 1), ...layout.shape.map((n) => [n])];
  const tasks = new Map<string, Task>();
  const kernel = kernelRefOf(imreadBlock)!;
  paths.forEach((path, i) => {
    const blockIndex = [i, ...layout.shape.map(() => 0)];
    const key = blockKey(name, blockIndex);
    tasks.set(key, {
      key,
      kernel,
      args: [],
      params: { ...params, path } satisfies ImreadBlockParams,
      ctx: { blockIndex, location: shape.map((n, ax) => (ax === 0 ? [i, i + 1] : [0, n])), shape },
      expect: { op: FN, shapes: [[1, ...layout.shape]], dtypes: [layout.dtype], several: false },
    });
  });
  const array = new ChunkedArray<TiffDataType>({ name, shape, dtype: layout.dtype, chunks, graph: graphWith({ name, tasks }) });
  return options.chunks === undefined ? array : rechunk(array, options.chunks);
}

/** The files a pattern names, absolute and in natural order. */
async function matchFiles(pattern: string): Promise<string[]> {
  let paths: string[];
  if (!isDynamicPattern(pattern)) {
    try {
      await stat(pattern);
    } catch (cause) {
      if ((cause as { code?: string }).code !== "ENOENT") throw fsError(FN, pattern, cause);
      throw emptyGlob(pattern);
    }
    paths = [resolve(pattern)];
  } else {
    paths = await glob(pattern, { absolute: true, onlyFiles: true, expandDirectories: false });
  }
  if (paths.length === 0) throw emptyGlob(pattern);
  return paths.sort(naturalCompare);
}

function emptyGlob(pattern: string): TiffError {
  return new TiffError(FN, `pattern must match at least one file; got no match for ${show(pattern)} in working directory ${show(process.cwd())}. Check the folder, the extension (.tif or .tiff) and the working directory, or pass an absolute pattern`);
}

function checkAgainst(layout: TiffLayout, params: ImreadBlockParams): void {
  const same = layout.dtype === params.dtype && layout.shape.length === params.shape.length && layout.shape.every((n, i) => n === params.shape[i]);
  if (!same) {
    throw new TiffError(FN, `every file must have the shape and dtype of the first file, ${show(params.first)} (${showValue(params.shape)} ${params.dtype}); got ${showValue(layout.shape)} ${layout.dtype} in ${show(params.path)}. Move that file out of the pattern's folder, convert it, or read the files separately`, { path: params.path });
  }
}
