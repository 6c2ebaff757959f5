/**
 * `applyPipeline(x, p, psf?)`: runs a filter pipeline over a ChunkedArray through
 * `mapOverlap`, each block extended by the pipeline's halo (`p.depth`) and the PSF handed
 * whole to every task (depth 0). With the default boundary "none" the blocks at the array's
 * edges see the array's true edges, so each filter applies its own boundary mode there and the
 * tiled result equals the whole-volume result wherever the halo covers the filters' reach
 * (exactly, for Gaussian, unsharp mask and direct convolution; approximately for iterative
 * deconvolution, whose reach grows with the iterations).
 * @module
 */
import type { DataType } from "../core/dtype.js";
import { ValueError, show } from "../core/errors.js";
import type { Block } from "../core/ndarray.js";
import { mapOverlap } from "../array/map-overlap.js";
import { isChunkedArray, type ChunkedArray } from "../array/chunked-array.js";
import type { BoundaryInput, DepthInput } from "../chunks/overlap.js";
import type { Pipeline } from "./pipeline.js";

/**
 * Options of {@link applyPipeline}.
 * @example
 * ```ts
 * const options: ApplyPipelineOptions = { depth: [8, 16, 16], boundary: "none" };
 * ```
 */
export interface ApplyPipelineOptions {
  /** Halo per axis (default `p.depth(ndim, psf.shape)`); larger halos bring deconvolution closer to the whole-volume result. */
  readonly depth?: DepthInput;
  /** What lies beyond the array's edges (default "none": the filters' own boundary modes apply there). */
  readonly boundary?: BoundaryInput;
  /** Output dtype (default `p.outputDtype(x.dtype, psf.dtype)`). */
  readonly dtype?: DataType;
}

/**
 * Applies `p` to every block of `x` with the halo it needs; lazy, like `mapOverlap`.
 * @param x - the chunked image
 * @param p - a {@link Pipeline} made by `pipeline(...)` from named kernels
 * @param psf - the PSF block (or single-chunk array) when a stage needs one
 * @param options - `depth`, `boundary`, `dtype`
 * @throws {ValueError} if `x` is not a ChunkedArray, the PSF is missing, or a stage is an untagged closure
 * @example
 * ```ts
 * const p = pipeline([gaussianFilter, { sigma: 1 }], [richardsonLucy, { iterations: 10 }]);
 * const restored = await applyPipeline(fromArray(volume, { chunks: [64, 256, 256] }), p, psf).compute();
 * ```
 */
export function applyPipeline(x: ChunkedArray, p: Pipeline, psf?: Block | ChunkedArray, options: ApplyPipelineOptions = {}): ChunkedArray {
  const fn = "applyPipeline";
  if (!isChunkedArray(x)) throw new ValueError(fn, `x must be a ChunkedArray; got ${show(x)}. Wrap a block with fromArray(block, { chunks })`);
  if (p.params === undefined) {
    throw new ValueError(fn, "every stage must be a named kernel so tasks can name it; got an untagged function. Wrap it with defineKernel(import.meta.url, name, fn) and export it");
  }
  if (p.needsPsf && psf === undefined) throw new ValueError(fn, "psf must be given for a pipeline that deconvolves or convolves; got none. Pass applyPipeline(x, p, psf)");
  const depth = options.depth ?? p.depth(x.ndim, psf?.shape);
  const dtype = options.dtype ?? p.outputDtype(x.dtype, psf?.dtype);
  const boundary = options.boundary ?? "none";
  if (psf === undefined || !p.needsPsf) return mapOverlap(p.kernel, x, { depth, boundary, dtype, params: p.params });
  return mapOverlap(p.kernel, [x, psf], { depth: [depth, 0], boundary: [boundary, "none"], dtype, params: p.params });
}
