// A user's kernel module in the Vite app.
import { defineKernel } from "../../../src/graph/kernel.js";
import type { Block } from "../../../src/core/ndarray.js";

/** `3 x + 1` of a float64 block (C-contiguous). */
export const affine = defineKernel(import.meta.url, "affine", (b: Block) => ({ ...b, data: Float64Array.from(b.data as Float64Array, (v) => 3 * v + 1) }));
