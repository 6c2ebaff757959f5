/**
 * Block kernels of `overlap`, `trimInternal` and `mapOverlap`, named with `defineKernel` so
 * every executor (threads, other machines) can import them. They import only core and the
 * kernel registry, so a worker loads little. Each follows the convention `(...blocks, params, ctx)`.
 *
 * The halo kernel builds an extended block from the blocks it reads, one axis run at a time:
 * a run copies a (possibly reversed) range of one neighbour block, repeats one element
 * (`"nearest"`), or is the constant of a constant boundary. Where constant runs of several axes
 * meet (corners), the highest axis wins and a read across a constant run yields that constant,
 * exactly as dask pads one axis after another and as `numpy.pad` fills corners.
 * @module
 */
import type { DataType } from "../core/dtype.js";
import { copyInto, emptyBlock, forEachRow, type Block } from "../core/ndarray.js";
import { defineKernel } from "../graph/kernel.js";
import type { BlockContext } from "../graph/task.js";

/** One run of an extended block along one axis, in block-local terms (plain JSON). */
export type HaloRun =
  /** Elements `[start, stop)` of source block `block` to `[to, to + stop - start)`, reversed when `reverse`. */
  | { readonly kind: "read"; readonly block: number; readonly start: number; readonly stop: number; readonly to: number; readonly reverse: boolean }
  /** Element `index` of source block `block`, `count` times from `to` (`"nearest"`). */
  | { readonly kind: "repeat"; readonly block: number; readonly index: number; readonly to: number; readonly count: number }
  /** The constant `value`, `count` times from `to`. */
  | { readonly kind: "fill"; readonly value: number; readonly to: number; readonly count: number };

/** Parameters of {@link haloKernel}. */
interface HaloParams {
  /** Shape and dtype of the extended block. */
  readonly shape: readonly number[];
  readonly dtype: DataType;
  /** Block index (per axis) of each input block, in argument order. */
  readonly inputs: readonly (readonly number[])[];
  /** The runs along each axis; their product tiles the extended block. */
  readonly axes: readonly (readonly HaloRun[])[];
}

function runLength(r: HaloRun): number {
  return r.kind === "read" ? r.stop - r.start : r.count;
}

/** A strided view written by hand: reversed reads get a negative stride, repeats a zero stride. */
function sourceView(src: Block, runs: readonly HaloRun[]): Block {
  let offset = src.offset;
  const stride: number[] = [];
  runs.forEach((r, ax) => {
    const s = src.stride[ax]!;
    if (r.kind === "read") {
      offset += (r.reverse ? r.stop - 1 : r.start) * s;
      stride.push(r.reverse ? -s : s);
    } else if (r.kind === "repeat") {
      offset += r.index * s;
      stride.push(0);
    }
  });
  return { dtype: src.dtype, data: src.data, shape: runs.map(runLength), stride, offset };
}

function targetView(out: Block, runs: readonly HaloRun[]): Block {
  let offset = out.offset;
  runs.forEach((r, ax) => (offset += r.to * out.stride[ax]!));
  return { dtype: out.dtype, data: out.data, shape: runs.map(runLength), stride: out.stride, offset };
}

function fillView(view: Block, value: number): void {
  const data = view.data as unknown as { [i: number]: number };
  const step = view.stride[view.shape.length - 1] ?? 1;
  forEachRow(view.shape, [view], (o, n) => {
    for (let i = 0, p = o[0]!; i < n; i++, p += step) data[p] = value;
  });
}

/**
 * Builds one extended (halo) block of `overlap` from the neighbour blocks it reads, as
 * described by `params` (made by `overlap`; see {@link HaloParams}).
 * @example
 * ```ts
 * // 1-D block [1, 2] with one element of "reflect" on each side, read from itself:
 * haloKernel(block, { shape: [4], dtype: "float64", inputs: [[0]], axes: [[
 *   { kind: "read", block: 0, start: 0, stop: 1, to: 0, reverse: true },
 *   { kind: "read", block: 0, start: 0, stop: 2, to: 1, reverse: false },
 *   { kind: "read", block: 0, start: 1, stop: 2, to: 3, reverse: true }]] }); // [1, 1, 2, 2]
 * ```
 */
export const haloKernel = defineKernel(import.meta.url, "haloKernel", (...args: unknown[]): Block => {
  const params = args[args.length - 2] as HaloParams;
  const blocks = args.slice(0, args.length - 2) as Block[];
  const byIndex = new Map(params.inputs.map((bi, k) => [bi.join(","), blocks[k]!]));
  const out = emptyBlock(params.dtype, params.shape);
  const nd = params.axes.length;
  const pick = new Array<HaloRun>(nd);
  const visit = (ax: number): void => {
    if (ax === nd) {
      const runs = [...pick];
      let fill: number | undefined;
      for (const r of runs) if (r.kind === "fill") fill = r.value;
      if (fill !== undefined) {
        fillView(targetView(out, runs), fill);
        return;
      }
      const src = byIndex.get(runs.map((r) => (r.kind === "fill" ? 0 : r.block)).join(","))!;
      copyInto(targetView(out, runs), sourceView(src, runs));
      return;
    }
    for (const r of params.axes[ax]!) {
      pick[ax] = r;
      visit(ax + 1);
    }
  };
  visit(0);
  return out;
});

/** Parameters of {@link trimKernel}: `[before, after]` to cut, per axis, per block along it. */
export interface TrimParams {
  readonly halo: readonly (readonly (readonly [number, number])[])[];
}

/**
 * Cuts the halo off an extended block (dask's `_trim`); the amounts come from `params.halo`
 * at the block's index in `ctx.blockIndex`. Returns a compact copy (or the block itself when
 * nothing is cut).
 * @example
 * ```ts
 * trimKernel(extended, { halo: [[[0, 1], [1, 0]]] }, { blockIndex: [1], location: [[3, 6]], shape: [6] });
 * ```
 */
export const trimKernel = defineKernel(import.meta.url, "trimKernel", (block: Block, params: TrimParams, ctx: BlockContext): Block => {
  const cut = params.halo.map((table, ax) => table[table.length === 1 ? 0 : ctx.blockIndex[ax]!]!);
  if (cut.every(([b, a]) => b === 0 && a === 0)) return block;
  const shape = block.shape.map((n, ax) => n - cut[ax]![0] - cut[ax]![1]);
  let offset = block.offset;
  cut.forEach(([b], ax) => (offset += b * block.stride[ax]!));
  const out = emptyBlock(block.dtype, shape);
  copyInto(out, { dtype: block.dtype, data: block.data, shape, stride: block.stride, offset });
  return out;
});

/** The context a `mapOverlap` kernel receives: the block context plus its halo. */
export interface OverlapContext extends BlockContext {
  /**
   * For each input array, per axis (its own axes), the `[before, after]` elements its
   * extended block has beyond the block itself. Equals the depth except where boundary
   * `"none"` meets the array's edge (there it is smaller).
   */
  readonly halo: readonly (readonly (readonly [number, number])[])[];
  /** For each input array, the requested depth per axis as `[before, after]`. */
  readonly depth: readonly (readonly (readonly [number, number])[])[];
}

/** Parameters of {@link overlapMapKernel}. */
export interface OverlapMapParams {
  /** The user's JSON parameters, passed on as they are. */
  readonly params: unknown;
  /** Block boundaries of the final output per axis (`[0, ..., length]`). */
  readonly offsets: readonly (readonly number[])[];
  /** Per input array, per axis, per block along it: the halo `[before, after]`. */
  readonly halo: readonly (readonly (readonly (readonly [number, number])[])[])[];
  /** Per input array, per axis: the requested depth `[before, after]`. */
  readonly depth: readonly (readonly (readonly [number, number])[])[];
}

/**
 * Calls a `mapOverlap` user kernel as `fn(...extendedBlocks, params, ctx)`, with `ctx` in the
 * coordinates of the final output (after trimming) and the halo of this block added (see
 * {@link OverlapContext}).
 * @example
 * ```ts
 * overlapMapKernel(ext, (b, p, ctx) => b, { params: {}, offsets: [[0, 4, 8]], halo: [[[[0, 1], [1, 0]]]], depth: [[[1, 1]]] }, ctx);
 * ```
 */
export const overlapMapKernel = defineKernel(import.meta.url, "overlapMapKernel", (...args: unknown[]): unknown => {
  const ctx = args[args.length - 1] as BlockContext;
  const params = args[args.length - 2] as OverlapMapParams;
  const fn = args[args.length - 3] as (...a: unknown[]) => unknown;
  const blocks = args.slice(0, args.length - 3);
  const bi = ctx.blockIndex;
  const nd = params.offsets.length;
  const halo = params.halo.map((axes) =>
    axes.map((table, ax) => table[table.length === 1 ? 0 : bi[nd - axes.length + ax]!]!),
  );
  const next: OverlapContext = {
    ...ctx,
    location: params.offsets.map((o, ax) => [o[bi[ax]!]!, o[bi[ax]! + 1]!] as const),
    shape: params.offsets.map((o) => o[o.length - 1]!),
    halo,
    depth: params.depth,
  };
  return fn(...blocks, params.params, next);
});
