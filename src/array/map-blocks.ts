/**
 * `mapBlocks(fn, arrays, options)`, as dask's `map_blocks`: the kernel runs once per output
 * block on the aligned input blocks. Arrays align from the right, as NumPy broadcasting; a
 * size-1 axis in one chunk broadcasts against many blocks of another (the blog's PSF of shape
 * (3,1,101,64,64) against the image's (3,199,...)); different chunkings are unified.
 * @module
 */
import { resultTypeOf, type DataType } from "../core/dtype.js";
import { checkDtype } from "../core/creation.js";
import { ValueError, show } from "../core/errors.js";
import type { Block } from "../core/ndarray.js";
import { blockwise, type BlockwiseInput } from "../graph/blockwise.js";
import type { Kernel } from "../gufunc/eager.js";
import type { KernelParams, TupleOf } from "../gufunc/types.js";
import { ChunkedArray, isChunkedArray } from "./chunked-array.js";
import { rightLabels, toLazy } from "./elementwise.js";

/** Options of {@link mapBlocks}. */
export interface MapBlocksOptions {
  /** Output dtype (one per output with `nout`); default: the result type of the inputs. Never inferred by calling the kernel. */
  dtype?: DataType | readonly DataType[];
  /**
   * The output chunks when they differ from the inputs': a block shape (every block the same
   * on that axis) or explicit sizes per axis, as dask's `chunks=`.
   */
  chunks?: readonly number[] | readonly (readonly number[])[];
  /** Axes of the (broadcast) input that the kernel removes; blocks along them are merged first. */
  dropAxis?: number | readonly number[];
  /** Positions of new axes in the output (each one chunk; size from `chunks`, default 1). */
  newAxis?: number | readonly number[];
  /** Number of outputs: the kernel returns a list of blocks. */
  nout?: number;
  /** JSON parameters passed to the kernel after the blocks. */
  params?: unknown;
  /** Operation name in errors and task keys (default "mapBlocks"). */
  name?: string;
}

/** The arrays `mapBlocks` maps over: one array, or a list (numbers pass to the kernel as they are). */
export type MapBlocksArrays = ChunkedArray | Block | readonly (ChunkedArray | Block | number)[];

/** How many arguments `arrays` puts before the kernel's `params`. */
type ArgCount<A> = A extends readonly unknown[] ? A["length"] : 1;

/** {@link MapBlocksOptions} with `params` typed by the kernel's own parameter after its `N` blocks. */
export type TypedMapBlocksOptions<K, N extends number> = MapBlocksOptions & { params?: KernelParams<K, N> };

/**
 * Maps `fn(...blocks, params, ctx)` over aligned blocks. `ctx` has `blockIndex`, `location`
 * (`[start, stop)` per axis in the full output) and `shape`. Every returned block is checked
 * against its declared chunk shape and dtype.
 * @throws {ValueError} for inconsistent options; {@link BroadcastError} for shapes that do not align
 * @example
 * ```ts
 * const out = mapBlocks((img, psf, params, ctx) => deconvolve(img, psf), [imgs, psf], { dtype: "float32" });
 * const [lo, hi] = mapBlocks(split, x, { nout: 2 }); // with nout, a tuple of arrays
 * ```
 */
export function mapBlocks<K extends Kernel, const A extends MapBlocksArrays>(
  fn: K, arrays: A, options?: TypedMapBlocksOptions<K, ArgCount<A>> & { nout?: undefined },
): ChunkedArray;
export function mapBlocks<K extends Kernel, const A extends MapBlocksArrays, const N extends number>(
  fn: K, arrays: A, options: TypedMapBlocksOptions<K, ArgCount<A>> & { nout: N },
): TupleOf<ChunkedArray, N>;
export function mapBlocks<K extends Kernel, const A extends MapBlocksArrays>(
  fn: K, arrays: A, options?: TypedMapBlocksOptions<K, ArgCount<A>>,
): ChunkedArray | ChunkedArray[];
export function mapBlocks(fn: Kernel, arrays: MapBlocksArrays, options: MapBlocksOptions = {}): ChunkedArray | ChunkedArray[] {
  const op = options.name ?? "mapBlocks";
  if (typeof fn !== "function") throw new ValueError(op, `fn must be a function; got ${show(fn)}. Pass (…blocks, params, ctx) => block`);
  const list = Array.isArray(arrays) ? arrays : [arrays];
  const ops = list.map((a) => toLazy(a as ChunkedArray | Block));
  const lazy = ops.filter(isChunkedArray);
  if (lazy.length === 0) throw new ValueError(op, `arrays must include at least one array; got ${show(list)}. Pass blocks or ChunkedArrays`);
  const nout = options.nout ?? 1;
  if (!Number.isInteger(nout) || nout < 1) throw new ValueError(op, `nout must be a positive integer; got ${show(nout)}. Pass the number of outputs the kernel returns`);
  const dtypes = outputDtypes(op, options.dtype, nout, lazy);
  const ndim = Math.max(...lazy.map((a) => a.ndim));
  const inLabels = rightLabels(ndim, ndim);
  const drop = axesList(op, "dropAxis", options.dropAxis, ndim);
  let outLabels = inLabels.filter((_, ax) => !drop.includes(ax));
  const newAxes = axesList(op, "newAxis", options.newAxis, outLabels.length + toList(options.newAxis).length);
  const chunksByLabel: Record<string, readonly number[]> = {};
  for (const ax of [...newAxes].sort((a, b) => a - b)) {
    const label = `new${ax}`;
    outLabels = [...outLabels.slice(0, ax), label, ...outLabels.slice(ax)];
    chunksByLabel[label] = [1];
  }
  const inputs: BlockwiseInput[] = ops.map((o) => (isChunkedArray(o) ? { array: o, labels: rightLabels(o.ndim, ndim) } : { value: o }));
  if (options.chunks !== undefined) applyChunks(op, options.chunks, outLabels, lazy, inLabels, chunksByLabel);
  const metas = blockwise({
    op,
    kernel: fn,
    inputs,
    outputs: dtypes.map((dtype) => ({ labels: outLabels, dtype })),
    params: options.params ?? {},
    chunks: chunksByLabel,
  });
  const out = metas.map((m) => new ChunkedArray(m));
  return options.nout === undefined ? out[0]! : out;
}

function outputDtypes(op: string, dtype: MapBlocksOptions["dtype"], nout: number, lazy: readonly ChunkedArray[]): DataType[] {
  if (dtype === undefined) return new Array<DataType>(nout).fill(resultTypeOf(lazy.map((a) => a.dtype)));
  const list = typeof dtype === "string" ? new Array<DataType>(nout).fill(dtype) : [...dtype];
  if (list.length !== nout) throw new ValueError(op, `dtype must list one dtype per output (${nout}); got ${show(dtype)}. Pass ${nout} dtypes`);
  return list.map((d) => checkDtype(op, d));
}

function toList(v: number | readonly number[] | undefined): number[] {
  return v === undefined ? [] : typeof v === "number" ? [v] : [...v];
}

function axesList(op: string, what: string, v: number | readonly number[] | undefined, ndim: number): number[] {
  const list = toList(v);
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim) {
      throw new ValueError(op, `${what} must hold axes in [${-ndim}, ${ndim}); got ${show(v)}. Pass existing axis numbers`);
    }
    return a < 0 ? a + ndim : a;
  });
  if (new Set(out).size !== out.length) throw new ValueError(op, `${what} must not repeat an axis; got ${show(v)}. List each axis once`);
  return out;
}

/** Output chunks from `chunks=`: a block shape (repeated over the grid) or explicit sizes per axis. */
function applyChunks(
  op: string,
  chunks: readonly number[] | readonly (readonly number[])[],
  outLabels: readonly string[],
  lazy: readonly ChunkedArray[],
  inLabels: readonly string[],
  into: Record<string, readonly number[]>,
): void {
  if (chunks.length !== outLabels.length) {
    throw new ValueError(op, `chunks must have one entry per output axis (${outLabels.length}); got ${show(chunks)}. Give the output block shape or per-axis sizes`);
  }
  outLabels.forEach((label, ax) => {
    const c = chunks[ax]!;
    if (Array.isArray(c)) {
      if (c.some((n) => !Number.isInteger(n) || n < 0)) throw new ValueError(op, `chunks on axis ${ax} must be non-negative integers; got ${show(c)}. Fix the sizes`);
      into[label] = [...c];
      return;
    }
    if (typeof c !== "number" || !Number.isInteger(c) || c < 0) throw new ValueError(op, `chunks on axis ${ax} must be a non-negative integer or a list; got ${show(c)}. Fix the size`);
    const inAxis = inLabels.indexOf(label);
    const blocks = inAxis < 0 ? 1 : Math.max(1, ...lazy.map((a) => {
      const j = inAxis - (inLabels.length - a.ndim);
      return j >= 0 ? a.chunks[j]!.length : 1;
    }));
    into[label] = new Array<number>(blocks).fill(c);
  });
}
