/**
 * Block kernels of the lazy axis operations (transpose, moveaxis), named with `defineKernel`
 * so every executor can import them. Each follows the kernel convention `(block, params, ctx)`
 * and returns a view sharing the block's data, as NumPy's `transpose` does.
 * @module
 */
import type { Block } from "../core/ndarray.js";
import { transpose as transposeView } from "../core/views.js";
import { defineKernel } from "../graph/kernel.js";

/**
 * Permutes the axes of one block by `params.axes`, as `numpy.transpose`; a view, no copy.
 * @example transposeKernel(block, { axes: [1, 0] }) // the block's transpose
 */
export const transposeKernel = defineKernel(import.meta.url, "transposeKernel", (block: Block, params: { axes: number[] }) =>
  transposeView(block, params.axes),
);
