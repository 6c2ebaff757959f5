/**
 * What filters/ uses of the FFT engine beyond the public `chunkwise/fft` entry (`index.ts`):
 * the resident engine Richardson-Lucy runs on and the switch that says whether the
 * WebAssembly kernels serve this process. These are internals (raw wasm addresses, thread
 * teams, kernel tables) that change with the engine, so they are not public API; naming them
 * in one barrel keeps filters/ off the engine's individual files, which can then move freely.
 * No package entry points here.
 * @module
 */
export { RowSums } from "./pass-job-layout.js";
export { ResidentRfftn } from "./resident-rfftn.js";
export { wasmEnabled } from "./wasm-engine.js";
