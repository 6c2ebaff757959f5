/**
 * chunkwise's own block kernels, named with `defineKernel` so every executor can import them:
 * slicing a block, assembling a block from pieces of others (rechunk, unify, concatenate),
 * picking one output of a multi-output task, making constant blocks, casting, and
 * elementwise arithmetic. Each follows the kernel convention `(...blocks, params, ctx)`.
 * @module
 */
import { astype as castBlock } from "../core/astype.js";
import type { DataType } from "../core/dtype.js";
import * as ew from "../core/elementwise.js";
import { ValueError } from "../core/errors.js";
import { copyInto, emptyBlock, type Block } from "../core/ndarray.js";
import { full as fullBlock } from "../core/creation.js";
import { index as indexBlock, type IndexItem } from "../core/views.js";
import { defineKernel, kernelRefOf } from "./kernel.js";
import type { Task } from "./task.js";

/** Returns its literal argument (a source block embedded in the graph). */
export const identity = defineKernel(import.meta.url, "identity", (x: unknown) => x);

/**
 * Whether `task` is `identity(literal)`: a block embedded in the graph (fromArray's source),
 * which an executor evaluates where it is rather than sending anywhere.
 */
export function isLiteralSource(task: Task): boolean {
  const k = task.kernel;
  return "module" in k && k.module === IDENTITY.module && k.name === IDENTITY.name && task.args.every((a) => "value" in a);
}
const IDENTITY = kernelRefOf(identity)!;

/** A view of `block` (copied so the result owns compact data) selected by `params.index`. */
export const sliceBlock = defineKernel(import.meta.url, "sliceBlock", (block: Block, params: { index: IndexItem[]; copy?: boolean }) => {
  const view = indexBlock(block, params.index);
  if (params.copy === false) return view;
  const out = emptyBlock(view.dtype, view.shape);
  copyInto(out, view);
  return out;
});

/** One piece of an assembled block: input `input`'s region `from` goes to region `to`. */
interface AssemblePiece {
  readonly input: number;
  readonly from: { readonly start: readonly number[]; readonly stop: readonly number[] };
  readonly to: { readonly start: readonly number[]; readonly stop: readonly number[] };
}

/** Builds a block of `params.shape` from regions of its input blocks (rechunk, concatenate). */
export const assemble = defineKernel(import.meta.url, "assemble", (...args: unknown[]) => {
  const params = args[args.length - 2] as { shape: number[]; dtype: DataType; pieces: AssemblePiece[] };
  const inputs = args.slice(0, args.length - 2) as Block[];
  const out = emptyBlock(params.dtype, params.shape);
  for (const p of params.pieces) {
    const src = inputs[p.input]!;
    const dst = indexBlock(out, p.to.start.map((s, ax) => ({ start: s, stop: p.to.stop[ax]! })));
    const from = indexBlock(src, p.from.start.map((s, ax) => ({ start: s, stop: p.from.stop[ax]! })));
    copyInto(dst, from);
  }
  return out;
});

/** Output `params.output` of a multi-output task's result list. */
export const pick = defineKernel(import.meta.url, "pick", (results: unknown[], params: { output: number }) => results[params.output]);

/** A constant block, as `numpy.full`. */
export const fullKernel = defineKernel(import.meta.url, "fullKernel", (params: { shape: number[]; value: number; dtype: DataType }) =>
  fullBlock(params.shape, params.value, { dtype: params.dtype }),
);

/** Casts a block, as `ndarray.astype`. */
export const astypeKernel = defineKernel(import.meta.url, "astypeKernel", (block: Block, params: { dtype: DataType }) => castBlock(block, params.dtype));

/** The elementwise operations available lazily, by name. */
export const ELEMENTWISE = {
  add: ew.add, subtract: ew.subtract, multiply: ew.multiply, divide: ew.divide, floorDivide: ew.floorDivide,
  remainder: ew.remainder, power: ew.power, maximum: ew.maximum, minimum: ew.minimum,
  equal: ew.equal, notEqual: ew.notEqual, less: ew.less, lessEqual: ew.lessEqual, greater: ew.greater, greaterEqual: ew.greaterEqual,
  logicalAnd: ew.logicalAnd, logicalOr: ew.logicalOr, logicalNot: ew.logicalNot,
  negative: ew.negative, abs: ew.abs, sqrt: ew.sqrt, exp: ew.exp, log: ew.log, where: ew.where,
} as const;

/** Name of a lazily available elementwise operation. */
export type ElementwiseName = keyof typeof ELEMENTWISE;

/**
 * Applies elementwise operation `params.op` to its operands; `params.scalars` holds JS
 * numbers at their positions (null where a block comes in), keeping NumPy's weak-scalar rule.
 */
export const elementwiseKernel = defineKernel(import.meta.url, "elementwiseKernel", (...args: unknown[]) => {
  const params = args[args.length - 2] as { op: ElementwiseName; scalars: (number | boolean | null)[] };
  const blocks = args.slice(0, args.length - 2) as Block[];
  let b = 0;
  const operands = params.scalars.map((s) => (s === null ? blocks[b++]! : s));
  return (ELEMENTWISE[params.op] as (...xs: unknown[]) => Block)(...operands);
});

/** What {@link requireFinite} says when a block holds NaN or infinity. */
export interface RequireFiniteParams {
  /** The function named in the message, e.g. "deconvolve". */
  readonly op: string;
  /** What the block is, e.g. "the image". */
  readonly what: string;
  /** How to fix it, the message's last sentence. */
  readonly fix: string;
}

/**
 * Returns the block unchanged when every value is finite; else throws naming how many NaN and
 * infinite values the block holds, which block, and where the first one is. Placed before a
 * filter whose every output value depends on every input value (a deconvolution spreads one
 * NaN over the whole volume), so the bad input is reported instead of a silently NaN result.
 */
export const requireFinite = defineKernel(import.meta.url, "requireFinite", (block: Block, params: RequireFiniteParams, ctx: { blockIndex?: readonly number[]; location?: readonly (readonly [number, number])[] }) => {
  if (!(block.data instanceof Float32Array || block.data instanceof Float64Array)) return block;
  const { shape, stride, offset, data } = block;
  let nan = 0;
  let inf = 0;
  let first: number[] | undefined;
  const at = new Array<number>(shape.length).fill(0);
  const total = shape.reduce((a, b) => a * b, 1);
  for (let n = 0; n < total; n++) {
    let i = offset;
    for (let ax = 0; ax < shape.length; ax++) i += at[ax]! * stride[ax]!;
    const v = data[i]!;
    if (v !== v) nan++;
    else if (v === Infinity || v === -Infinity) inf++;
    if ((v !== v || v === Infinity || v === -Infinity) && first === undefined) first = at.map((c, ax) => c + (ctx.location?.[ax]?.[0] ?? 0));
    for (let ax = shape.length - 1; ax >= 0 && ++at[ax]! === shape[ax]; ax--) at[ax] = 0;
  }
  if (first === undefined) return block;
  const where = `block (${(ctx.blockIndex ?? []).join(", ")})${ctx.location ? ` covering ${ctx.location.map(([a, b]) => `${a}:${b}`).join(", ")}` : ""}`;
  throw new ValueError(params.op, `${params.what} must hold only finite values; got ${nan} NaN and ${inf} infinite voxel${nan + inf === 1 ? "" : "s"} in ${where}, the first at (${first.join(", ")}). ${params.fix}`);
});
