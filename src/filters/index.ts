/**
 * `chunkwise/filters`: image filters as pure functions over blocks, each a named kernel
 * (so workers import it) that takes `(image, [psf,] options, ctx)`: FFT and direct
 * convolution, Gaussian smoothing, unsharp masking, Wiener and Richardson-Lucy deconvolution,
 * and pipelines that compose them. Each module's header states what it matches (scipy 1.10,
 * scikit-image 0.19, ITK 5.2).
 * @module chunkwise/filters
 */
export { convolve, correlate, type ConvolveOptions } from "./convolve.js";
export type { BoundaryMode } from "./common.js";
export { fftConvolve, type FftConvolveOptions } from "./fft-convolve.js";
export { gaussianDepth, gaussianFilter, gaussianKernel1d, gaussianRadius, type GaussianOptions } from "./gaussian.js";
export {
  richardsonLucy, richardsonLucyDepth, richardsonLucyWorkspace, type RichardsonLucyIterationInfo, type RichardsonLucyOptions, type RichardsonLucyStopInfo,
} from "./richardson-lucy.js";
export type { RlAcceleration } from "./richardson-lucy-update.js";
export { unsharpMask, unsharpMaskDepth, type UnsharpMaskOptions } from "./unsharp-mask.js";
export { wiener, type WienerOptions } from "./wiener.js";
export { pipeline, runPipeline, type AnyFilter, type Pipeline, type PipelineParams, type Stage, type StageInfo } from "./pipeline.js";
export { applyPipeline, type ApplyPipelineOptions } from "./apply-pipeline.js";
