/**
 * The kernel behind `coarsen`: reduces every non-overlapping window of `factors` elements of
 * one block with an eager core reduction, as `dask.array.coarsen` calls `reduction(x.reshape(
 * n0, f0, n1, f1, ...), axis=(1, 3, ...))` per block. The reshape is a strided view (axis `a`
 * of stride `s` becomes `(n, f)` with strides `(s * f, s)`), so no block is copied before the
 * reduction; results, dtypes and NaN handling are those of the core reductions.
 * @module
 */
import type { DataType } from "../core/dtype.js";
import type { Block } from "../core/ndarray.js";
import * as core from "../core/reduce.js";
import { defineKernel } from "../graph/kernel.js";

/** The reductions `coarsen` accepts, by name (a name crosses threads; a function would not). */
export type CoarsenReduction = "mean" | "sum" | "min" | "max";

/** The JSON params of one coarsen task. */
export interface CoarsenParams {
  readonly reduction: CoarsenReduction;
  /** Window length per axis (1 leaves an axis as it is). */
  readonly factors: readonly number[];
  /** The result dtype (the core reduction's). */
  readonly dtype: DataType;
}

/** The block seen as `(n0, f0, n1, f1, ...)`: a view, no copy. Every axis length must divide by its factor. */
export function windowView(block: Block, factors: readonly number[]): Block {
  const shape: number[] = [];
  const stride: number[] = [];
  block.shape.forEach((n, a) => {
    const f = factors[a]!;
    shape.push(n / f, f);
    stride.push(block.stride[a]! * f, block.stride[a]!);
  });
  return { dtype: block.dtype, data: block.data, shape, stride, offset: block.offset };
}

/** Reduces each window of `params.factors` elements of `block` to one element. */
export function coarsenEager(block: Block, params: CoarsenParams): Block {
  const windows = windowView(block, params.factors);
  const axis = params.factors.map((_, a) => 2 * a + 1);
  const reduce = core[params.reduction] as (b: Block, o: core.ReduceOptions) => Block;
  return reduce(windows, { axis });
}

/**
 * One coarsen task: the window reduction of one block (whose axis lengths are multiples of
 * the factors; `coarsen` rechunks so they are).
 * @example coarsenBlock(block, { reduction: "mean", factors: [2, 2], dtype: "float32" })
 */
export const coarsenBlock = defineKernel(import.meta.url, "coarsenBlock", (block: Block, params: CoarsenParams): Block => coarsenEager(block, params));
