/**
 * chunkwise FFT layer: N-D real and complex discrete Fourier transforms over blocks, matching
 * scipy.fft (`fftn`, `ifftn`, `rfftn`, `irfftn`, `fft`, `ifft`, `rfft`, `irfft`,
 * `next_fast_len`), reusable real plans for repeated convolutions, and the complex block type.
 * Pure and synchronous.
 * @module
 */
export {
  complexDtypeOf, complexFromInterleaved, complexZeros, isComplexBlock,
  type ComplexBlock, type ComplexDataType, type ComplexStorageFor,
} from "./complex.js";
export type { FftNorm } from "./args.js";
export { fft, fftn, ifft, ifftn, irfft, irfftn, rfft, rfftn, type FftOptions, type FftnOptions } from "./fftn.js";
export { nextFastLen } from "./next-fast-len.js";
export {
  createRfftnPlan, type RfftnInverseOptions, type RfftnPlan, type RfftnPlanOptions,
} from "./rfftn-plan.js";
export { FftWorkspace, type FftWorkspaceOptions } from "./fft-workspace.js";
export type { FftBackend } from "./wasm-engine.js";
export { clearPlanCache } from "./line-plans.js";
export { MAX_PARTS as MAX_FFT_THREADS } from "./pass-jobs.js";
