/**
 * Kernels the attack suite's worker is started with (`--kernels`): one that never returns
 * (its thread is blocked until the worker's task timeout stops it).
 */
import { defineKernel } from "../../src/graph/kernel.js";

/** Blocks its thread for `params.ms` (default ten minutes): a hung kernel. */
export const stall = defineKernel(import.meta.url, "stall", (params: { ms?: number }) => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, params.ms ?? 600_000);
  return 0;
});
