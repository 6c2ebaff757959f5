/**
 * The kernel behind `coarsen`: reduces every non-overlapping window of `factors` elements of
 * one block with an eager core reduction, as `dask.array.coarsen` calls `reduction(x.reshape(
 * n0, f0, n1, f1, ...), axis=(1, 3, ...))` per block. The reshape is a strided view (axis `a`
 * of stride `s` becomes `(n, f)` with strides `(s * f, s)`), so no block is copied before the
 * reduction; results, dtypes and NaN handling are those of the core reductions.
 * @module
 */
import type { DataType } from "../core/dtype.js";
import { emptyBlock, type Block } from "../core/ndarray.js";
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

/**
 * mean, min and max by one pass over each window's precomputed offsets: the generic reduction
 * over the `(n, f)` view runs rows of length `f` (2 for pyramids), whose per-row overhead made
 * it six times slower. Same results: means accumulate in float64 and round once, min and max
 * propagate NaN. Sums keep the core path (its integer wrap-around rules).
 */
function windowLoop(block: Block, params: CoarsenParams): Block | undefined {
  if (params.reduction === "sum") return undefined;
  const { factors } = params;
  const outShape = block.shape.map((n, a) => n / factors[a]!);
  const out = emptyBlock(params.dtype, outShape);
  const total = out.data.length;
  if (total === 0) return out;
  const offsets: number[] = [0];
  block.shape.forEach((_, a) => {
    const step = block.stride[a]!;
    const base = offsets.splice(0);
    for (const o of base) for (let i = 0; i < factors[a]!; i++) offsets.push(o + i * step);
  });
  const src = block.data as ArrayLike<number>;
  const dst = out.data as { [i: number]: number };
  const nd = outShape.length;
  const jump = block.stride.map((s, a) => s * factors[a]!);
  const index = new Array<number>(nd).fill(0);
  const w = offsets.length;
  const mean = params.reduction === "mean";
  const max = params.reduction === "max";
  let base = block.offset;
  for (let k = 0; k < total; k++) {
    if (mean) {
      let acc = 0;
      for (let j = 0; j < w; j++) acc += src[base + offsets[j]!]!;
      dst[k] = acc / w;
    } else {
      let acc = src[base]!;
      for (let j = 1; j < w; j++) {
        const v = src[base + offsets[j]!]!;
        if ((max ? v > acc : v < acc) || Number.isNaN(v)) acc = Number.isNaN(acc) ? acc : v;
      }
      dst[k] = acc;
    }
    for (let a = nd - 1; a >= 0; a--) {
      base += jump[a]!;
      if (++index[a]! < outShape[a]!) break;
      base -= jump[a]! * outShape[a]!;
      index[a] = 0;
    }
  }
  return out;
}

/** Reduces each window of `params.factors` elements of `block` to one element. */
export function coarsenEager(block: Block, params: CoarsenParams): Block {
  const fast = windowLoop(block, params);
  if (fast !== undefined) return fast;
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
