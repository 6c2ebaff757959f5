// AssemblyScript source of chunkwise's WebAssembly SIMD FFT kernels (not TypeScript: built by
// `npm run build:wasm`, scripts/build-fft-wasm.ts, into src/fft/wasm-binary.ts). Every kernel
// works on a batch of Bv lines ("lanes", Bv a multiple of the vector width) held in split
// layout: element e of the batch is one row of 2 * Bv scalars, the Bv real parts then the Bv
// imaginary parts, so each butterfly is a loop of whole v128 vectors (4 float32 or 2 float64
// lanes) with its twiddles splatted once. Passes and index conventions are those of
// src/fft/radix-passes.ts (pocketfft's self-sorting decimation in frequency): input element
// (i, j, k) is i + ido * (j + p * k), output (i, k, j) is i + ido * (k + l1 * j). Pointers are
// byte addresses; strides and counts of the strided arrays are in scalars (a complex element
// is two scalars). Each kernel exists for f32 (suffix 32) and f64 (suffix 64).
//
// This folder is excluded from tsc (tsconfig.json): AssemblyScript's types (usize, v128) and
// builtins (load<T>, sizeof<T>) are not TypeScript's. Its one import from outside, the pass job layout,
// is a file both languages compile, so the descriptor's offsets and codes exist once.
//
// This file is the module's entry and holds its exports, one per precision: the pass job
// driver (pass-job.ts, over the radix passes of radix-passes.ts, the real FFT's untangling of
// real-fft.ts, the line gathers and scatters of lines.ts and the epilogues of epilogues.ts)
// and Richardson-Lucy's row-table steps (rl-steps.ts). simd.ts holds the v128 shorthands.

import { runPassJob } from "./pass-job";
import { rlExtrapolate, rlStep } from "./rl-steps";

export function rlStep32(rows: usize, nrows: i32, len: i32, delta: i32, prev: usize, grad: usize, acc: bool, sums: usize): void { rlStep<f32>(rows, nrows, len, delta, prev, grad, acc, sums); }
export function rlStep64(rows: usize, nrows: i32, len: i32, delta: i32, prev: usize, grad: usize, acc: bool, sums: usize): void { rlStep<f64>(rows, nrows, len, delta, prev, grad, acc, sums); }
export function rlExtrapolate32(rows: usize, nrows: i32, len: i32, prev: usize, alpha: f64): void { rlExtrapolate<f32>(rows, nrows, len, prev, alpha); }
export function rlExtrapolate64(rows: usize, nrows: i32, len: i32, prev: usize, alpha: f64): void { rlExtrapolate<f64>(rows, nrows, len, prev, alpha); }

export function runPassJob32(job: usize, part: i32, parts: i32): void { runPassJob<f32>(job, part, parts); }
export function runPassJob64(job: usize, part: i32, parts: i32): void { runPassJob<f64>(job, part, parts); }
