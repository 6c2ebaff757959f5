/**
 * The point spread function of `chunkwise deconvolve`: read from TIFF files (a glob, one file
 * per channel, as the blog's `imread("psfs/*.tif")`), from a Zarr array, or generated from a
 * model (Gaussian, or the light-sheet model of src/cli/demo-data/psf.ts). A PSF is small, so it is read
 * whole before anything runs, and made ready for Richardson-Lucy: float32, a measured PSF's
 * background subtracted (by default the median of its outer shell of voxels, clamped at 0),
 * and each 3-D PSF normalised to sum 1. Then its rank is matched to the image's:
 *
 * - 3-D `(z, y, x)`: one PSF for every volume;
 * - the image's rank: leading axes broadcast (each 1 or the image's size);
 * - one fewer than a 5-D image's, `(c, z, y, x)`: one PSF per channel, given a size-1 time
 *   axis (`psf.index([":", null, "..."])`, the blog's step).
 * @module
 */
import { createHash } from "node:crypto";
import { fromArray, type Block, type ChunkedArray } from "../index.js";
import { astype } from "../core/astype.js";
import { cStrides } from "../core/ndarray.js";
import { gaussianPsf, lightSheetPsf } from "./demo-data/psf.js";
import { messageOf } from "./job-args.js";
import { UsageError } from "./command.js";

/** Where the PSF comes from. */
export type PsfSource =
  | { readonly kind: "tiff"; readonly pattern: string }
  | { readonly kind: "zarr"; readonly store: string; readonly path: string }
  | { readonly kind: "gaussian"; readonly sigma: readonly number[]; readonly shape: readonly number[] }
  | {
      readonly kind: "light-sheet";
      readonly shape: readonly number[];
      readonly wavelength: number;
      readonly na: number;
      readonly sheetSigma: number;
      readonly voxelSize: readonly number[];
      readonly refractiveIndex: number;
    };

/** `"auto"` (median of the outer shell), `"none"`, or a count to subtract. */
export type PsfBackground = "auto" | "none" | number;

/** A PSF ready for the gufunc, and what was done to it. */
export interface LoadedPsf {
  /** float32, rank matched to the image, one chunk per 3-D PSF. */
  readonly array: ChunkedArray;
  /** The PSF as read (before preparation): shape and dtype. */
  readonly rawShape: readonly number[];
  readonly rawDtype: string;
  /** The background subtracted from each 3-D PSF. */
  readonly backgrounds: readonly number[];
  /** Words for the plan. */
  readonly description: string;
  /** SHA-256 of the prepared float32 values: what `--resume` compares (file contents, background and model all end up here). */
  readonly sha256: string;
}

const FN = "deconvolve";

/**
 * Reads or makes the PSF and prepares it for an image of shape `imageShape`.
 * @throws {UsageError} for missing files, an unreadable PSF, a wrong rank or shape, or a PSF
 *   that is all background
 * @example
 * ```ts
 * const psf = await loadPsf({ kind: "tiff", pattern: "psfs/*.tif" }, "auto", [2, 3, 32, 128, 128]);
 * psf.array.shape; // [2, 1, 17, 31, 31]
 * ```
 */
export async function loadPsf(source: PsfSource, background: PsfBackground, imageShape: readonly number[]): Promise<LoadedPsf> {
  const { block, description } = await readPsf(source);
  const raw = { shape: [...block.shape], dtype: block.dtype };
  if (block.shape.length < 3) {
    throw new UsageError(`${FN}: the PSF must have 3 or more axes (..., z, y, x); got shape (${block.shape.join(", ")}) from ${description}. Pass a 3-D PSF, or one per channel`);
  }
  const target = matchRank(block.shape, imageShape, description);
  const measured = source.kind === "tiff" || source.kind === "zarr";
  const { data, backgrounds } = prepare(block, measured ? background : "none", description);
  const prepared: Block<"float32"> = { dtype: "float32", data, shape: target, stride: cStrides(target), offset: 0 };
  const chunks = target.map((n, ax) => (ax < target.length - 3 ? 1 : n));
  const sha256 = createHash("sha256").update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest("hex");
  return { array: fromArray(prepared, { chunks }), rawShape: raw.shape, rawDtype: raw.dtype, backgrounds, description, sha256 };
}

async function readPsf(source: PsfSource): Promise<{ block: Block; description: string }> {
  if (source.kind === "gaussian") {
    return { block: gaussianPsf(source.shape, source.sigma), description: `a Gaussian model, sigma (${source.sigma.join(", ")}) voxels` };
  }
  if (source.kind === "light-sheet") {
    const { shape, ...physics } = source;
    let block: Block;
    try {
      block = lightSheetPsf(shape, physics);
    } catch (e) {
      throw new UsageError(`${FN}: ${messageOf(e)}`, { cause: e });
    }
    return { block, description: `the light-sheet model, wavelength ${source.wavelength} um, NA ${source.na}, sheet sigma ${source.sheetSigma} um` };
  }
  try {
    if (source.kind === "tiff") {
      const { imread } = await import("../io/tiff/index.js");
      const array = await imread(source.pattern, { check: true });
      const files = array.shape[0]!;
      return { block: await array.compute(), description: `${files} TIFF file${files === 1 ? "" : "s"} matching ${JSON.stringify(source.pattern)}` };
    }
    const { fromZarr } = await import("../io/zarr/index.js");
    const array = await fromZarr(source.store, { path: source.path });
    return { block: await array.compute(), description: `the Zarr array ${source.store}${source.path === "" ? "" : `/${source.path}`}` };
  } catch (e) {
    throw new UsageError(`${FN}: the PSF could not be read: ${messageOf(e)}`, { cause: e });
  }
}

/** The PSF's shape with the image's rank (see the module notes). */
function matchRank(psf: readonly number[], image: readonly number[], description: string): number[] {
  const r = psf.length;
  const R = image.length;
  const core = psf.slice(-3);
  let shape: number[];
  if (r === 3) shape = [...image.slice(0, -3).map(() => 1), ...core];
  else if (r === R) shape = [...psf];
  else if (r === R - 1 && R >= 5) shape = [psf[0]!, 1, ...psf.slice(1)];
  else {
    const loop = image.slice(0, -3);
    const perChannel = R >= 5 ? `, (${loop[0]}, z, y, x) for one per channel` : "";
    throw new UsageError(
      `${FN}: the PSF's rank must be 3 (one PSF for all), ${R} (matching the image's loop axes)${R >= 5 ? `, or ${R - 1} (one per channel)` : ""}; got shape (${psf.join(", ")}) from ${description} for an image of shape (${image.join(", ")}). Pass a PSF of shape (z, y, x)${perChannel}, or (${loop.map(() => "1").join(", ")}, z, y, x)`,
    );
  }
  shape.slice(0, -3).forEach((n, ax) => {
    if (n !== 1 && n !== image[ax]) {
      throw new UsageError(
        `${FN}: the PSF's axis ${ax} must be 1 or ${image[ax]} (the image's); got ${n} (PSF shape (${psf.join(", ")}) from ${description}, image (${image.join(", ")})). Pass one PSF per ${ax === 0 ? "channel" : `index of axis ${ax}`}, or a single 3-D PSF`,
      );
    }
  });
  core.forEach((n, k) => {
    const m = image[R - 3 + k]!;
    if (n > 2 * m + 1) {
      throw new UsageError(`${FN}: the PSF must not be more than twice the size of the volume along ${"zyx"[k]}; got ${n} voxels for a volume of ${m} (PSF from ${description}). Crop the PSF, or check that the image and PSF are not swapped`);
    }
  });
  return shape;
}

/** float32 copies of every 3-D PSF, background subtracted, clamped at 0 and normalised. */
function prepare(block: Block, background: PsfBackground, description: string): { data: Float32Array; backgrounds: number[] } {
  const core = block.shape.slice(-3) as [number, number, number];
  const frame = core[0] * core[1] * core[2];
  const count = block.shape.slice(0, -3).reduce((a, b) => a * b, 1);
  const flat = astype(block, "float64").data;
  const data = new Float32Array(count * frame);
  const backgrounds: number[] = [];
  for (let k = 0; k < count; k++) {
    const values = flat.subarray(k * frame, (k + 1) * frame);
    refuseNonFinite(values, k, count, description);
    const bg = background === "auto" ? shellMedian(values, core) : background === "none" ? 0 : background;
    backgrounds.push(bg);
    let sum = 0;
    for (let i = 0; i < frame; i++) {
      const v = values[i]! - bg;
      const w = v > 0 && Number.isFinite(v) ? v : 0;
      data[k * frame + i] = w;
      sum += w;
    }
    if (!(sum > 0)) {
      throw new UsageError(`${FN}: every PSF must have a positive sum after subtracting its background; got 0 for PSF ${k} of ${description} (background ${bg}). Pass --psf-background none or a lower count`);
    }
    for (let i = 0; i < frame; i++) data[k * frame + i]! /= sum;
  }
  return { data, backgrounds };
}

/** A PSF with NaN or infinite voxels would turn every deconvolved voxel to NaN: refused, counted. */
function refuseNonFinite(values: Float64Array, k: number, count: number, description: string): void {
  let nan = 0;
  let inf = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) continue;
    if (Number.isNaN(v)) nan++;
    else inf++;
    if (first < 0) first = i;
  }
  if (first < 0) return;
  throw new UsageError(`${FN}: the PSF must hold only finite values; got ${nan} NaN and ${inf} infinite voxel${nan + inf === 1 ? "" : "s"}${count > 1 ? ` in PSF ${k}` : ""} of ${description} (the first at flat index ${first}). Fix or re-measure the PSF`);
}

/** The median of the voxels on the box's faces: a measured PSF's background (camera offset, stray light). */
function shellMedian(values: ArrayLike<number>, [nz, ny, nx]: readonly [number, number, number]): number {
  const shell: number[] = [];
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        if (z === 0 || z === nz - 1 || y === 0 || y === ny - 1 || x === 0 || x === nx - 1) shell.push(values[(z * ny + y) * nx + x]!);
      }
    }
  }
  shell.sort((a, b) => a - b);
  const m = shell.length >> 1;
  return shell.length % 2 === 1 ? shell[m]! : (shell[m - 1]! + shell[m]!) / 2;
}
