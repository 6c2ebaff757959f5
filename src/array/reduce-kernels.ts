/**
 * The kernels of lazy tree reductions (dask's `reduction`: chunk, combine, aggregate), named
 * with `defineKernel` so every executor can import them. Each reuses the eager core
 * reductions, so a lazy result has the dtype and wrap-around semantics of the eager one:
 * - `reducePartial` reduces one block over the reduced axes, keeping them as length 1;
 * - `reduceCombine` reduces several partials of one shape into one (elementwise over them);
 * - `reduceAggregate` combines the last partials and finishes: divides by the element count
 *   for `mean`, casts to the result dtype, drops the reduced axes unless `keepdims`.
 * Float sums and means carry float64 partials (the eager functions accumulate in float64).
 * @module
 */
import { astype } from "../core/astype.js";
import { canCastSafely, type DataType } from "../core/dtype.js";
import { copyInto, emptyBlock, type Block } from "../core/ndarray.js";
import * as core from "../core/reduce.js";
import { index as view, squeeze } from "../core/views.js";
import { defineKernel } from "../graph/kernel.js";

/** Which reduction. */
export type ReductionKind = "sum" | "prod" | "mean" | "min" | "max";

/** Parameters shared by the three reduction kernels. */
export interface ReductionParams {
  readonly kind: ReductionKind;
  /** The reduced axes of the input. */
  readonly axes: readonly number[];
  /** The result dtype (as the eager function's). */
  readonly dtype: DataType;
  /** The dtype partials are carried in. */
  readonly partialDtype: DataType;
}

/** Parameters of {@link reduceAggregate}. */
interface AggregateParams extends ReductionParams {
  readonly keepdims: boolean;
  /** Number of elements reduced into each output element (for `mean`). */
  readonly count: number;
}

/** The eager reduction a partial or combine step runs. */
function step(kind: ReductionKind, block: Block, axes: readonly number[], dtype: DataType): Block {
  if (kind === "min") return core.min(block, { axis: axes, keepdims: true });
  if (kind === "max") return core.max(block, { axis: axes, keepdims: true });
  return (kind === "prod" ? core.prod : core.sum)(block, { axis: axes, keepdims: true, dtype });
}

/**
 * Reduces one block over `params.axes`, keeping them as length 1 (dask's `chunk` step).
 * @example reducePartial(block, { kind: "sum", axes: [0], dtype: "float64", partialDtype: "float64" })
 */
export const reducePartial = defineKernel(import.meta.url, "reducePartial", (block: Block, params: ReductionParams): Block => {
  let b = block;
  // As the eager functions: an explicit dtype the input cannot cast to safely is cast first.
  if (params.kind !== "min" && params.kind !== "max" && !canCastSafely(b.dtype, params.dtype)) b = astype(b, params.dtype);
  return step(params.kind, b, params.axes, params.partialDtype);
});

/** Reduces partials of one shape into one, stacking them on a new leading axis. */
function combine(blocks: readonly Block[], params: ReductionParams): Block {
  if (blocks.length === 1) return blocks[0]!;
  const shape = blocks[0]!.shape;
  const stacked = emptyBlock(params.partialDtype, [blocks.length, ...shape]);
  blocks.forEach((b, k) => copyInto(view(stacked, [k, "..."]), b));
  const kind = params.kind === "mean" ? "sum" : params.kind;
  const out = step(kind, stacked, [0], params.partialDtype);
  return { ...out, shape: [...shape], stride: out.stride.slice(1) };
}

/**
 * Combines several partials into one partial of the same shape (dask's `combine` step).
 * Called as `reduceCombine(...partials, params, ctx)`.
 * @example reduceCombine(p0, p1, p2, p3, params, ctx)
 */
export const reduceCombine = defineKernel(import.meta.url, "reduceCombine", (...args: unknown[]): Block => {
  const params = args[args.length - 2] as ReductionParams;
  return combine(args.slice(0, args.length - 2) as Block[], params);
});

/**
 * Combines the last partials and finishes the reduction (dask's `aggregate` step): divides
 * by `params.count` for `mean`, casts to `params.dtype`, drops the reduced axes unless
 * `params.keepdims`. Called as `reduceAggregate(...partials, params, ctx)`.
 * @example reduceAggregate(p0, p1, { ...params, keepdims: false, count: 100 }, ctx)
 */
export const reduceAggregate = defineKernel(import.meta.url, "reduceAggregate", (...args: unknown[]): Block => {
  const params = args[args.length - 2] as AggregateParams;
  const total = combine(args.slice(0, args.length - 2) as Block[], params);
  let out: Block;
  if (params.kind === "mean") {
    out = emptyBlock(params.dtype, total.shape);
    const scaled = emptyBlock("float64", total.shape);
    copyInto(scaled, total);
    const d = scaled.data;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! / params.count;
    copyInto(out, scaled);
  } else {
    out = total.dtype === params.dtype ? total : astype(total, params.dtype);
  }
  return params.keepdims ? out : squeeze(out, params.axes);
});
