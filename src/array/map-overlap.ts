/**
 * `overlap`, `trimInternal` and `mapOverlap`, as `dask.array.overlap`: add a halo of `depth`
 * neighbouring elements to every block (boundary values at the array's edges), map a kernel
 * over the extended blocks, and trim the halo off again. Boundaries match dask's: `"reflect"`
 * (NumPy's `"symmetric"`, edge included), `"nearest"` (`"edge"`), `"periodic"` (`"wrap"`), a
 * number (`"constant"`), `"none"` (edge blocks are extended on their inner side only).
 * Invariant: `trimInternal(overlap(x, o), o)` equals `x`, chunks included.
 *
 * Beyond dask: a halo deeper than a chunk is read from as many neighbours as it spans, so
 * `overlap` never rechunks (`mapOverlap` still merges small chunks first, as dask does, unless
 * `allowRechunk: false`); asymmetric depths work with every boundary; and in `mapOverlap` an
 * array held in one chunk on an axis of another length (a PSF with depth 0) hands its one
 * block to every task instead of failing to align.
 * @module
 */
import { resultTypeOf, type DataType } from "../core/dtype.js";
import { checkDtype } from "../core/creation.js";
import type { Kernel } from "../gufunc/eager.js";
import type { KernelParams } from "../gufunc/types.js";
import { BroadcastError, ChunkError, ValueError, show } from "../core/errors.js";
import { isBlockLike, type Block } from "../core/ndarray.js";
import { forEachBlockIndex, numBlocks, type Chunks } from "../chunks/grid.js";
import {
  ensureMinimumChunksize,
  haloGeometry,
  normalizeBoundary,
  normalizeDepth,
  type Boundary,
  type BoundaryInput,
  type DepthInput,
} from "../chunks/overlap.js";
import { axisRangePieces } from "../chunks/rechunk-plan.js";
import { commonRefinement } from "../chunks/unify.js";
import { identity } from "../graph/block-kernels.js";
import { blockwise, rechunkMeta, type ArrayMeta, type BlockwiseInput } from "../graph/blockwise.js";
import { graphWith } from "../graph/graph.js";
import { tokenize } from "../graph/hash.js";
import { kernelRefOf } from "../graph/kernel.js";
import { blockKey, type Task } from "../graph/task.js";
import { ChunkedArray, isChunkedArray } from "./chunked-array.js";
import { fromArray } from "./creation.js";
import { rightLabels } from "./elementwise.js";
import { haloKernel, overlapMapKernel, trimKernel, type HaloRun, type OverlapMapParams } from "./overlap-kernels.js";

export type { OverlapContext } from "./overlap-kernels.js";

/** Options of {@link overlap}. */
export interface OverlapOptions {
  /** Elements added on each side: one number, a list per axis, or `{ axis: depth }`; `[before, after]` for asymmetric halos. Default 0. */
  depth?: DepthInput;
  /** What lies beyond the array's edges, for all axes, per axis, or `{ axis: boundary }`. Default `"none"`. */
  boundary?: BoundaryInput;
}

/** Options of {@link trimInternal}. */
export interface TrimInternalOptions extends OverlapOptions {
  /**
   * The chunks before `overlap`. Needed only with boundary `"none"` when a depth exceeded a
   * chunk; arrays made by `overlap` remember theirs. Default: dask's rule (the whole depth
   * comes off every side except the outer side of the first and last blocks with `"none"`).
   */
  chunks?: Chunks;
}

/** Options of {@link mapOverlap}. */
export interface MapOverlapOptions {
  /** Depth for all arrays, or (with several arrays) a list with one depth per array. Default 0. */
  depth?: DepthInput | readonly DepthInput[];
  /** Boundary for all arrays, or (with several arrays) a list with one per array. Default `"none"`. */
  boundary?: BoundaryInput | readonly BoundaryInput[];
  /** Cut the halo off the kernel's results (default true); false returns the extended results. */
  trim?: boolean;
  /** Output dtype; default the result type of the inputs. Never inferred by calling the kernel. */
  dtype?: DataType;
  /** Shape of the blocks the kernel returns (before trimming), when it differs: a block shape or per-axis sizes. */
  chunks?: readonly number[] | readonly (readonly number[])[];
  /** JSON parameters passed to the kernel after the blocks. */
  params?: unknown;
  /** Merge chunks smaller than the depth first, as dask (default true); false keeps the chunks and reads halos from several neighbours. */
  allowRechunk?: boolean;
}

type Pair = [number, number];
interface Halo {
  readonly depth: Pair[];
  readonly boundary: Boundary[];
}

/** Arrays made by `overlap`, with what made them, so `trimInternal` can undo them exactly. */
const made = new WeakMap<ChunkedArray, { readonly chunks: Chunks; readonly token: string }>();

const sum = (c: readonly number[]): number => c.reduce((a, b) => a + b, 0);

/** `[0, c0, c0 + c1, ..., sum]`: the block boundaries of one axis. */
function boundaries(c: readonly number[]): number[] {
  const out = [0];
  for (const v of c) out.push(out[out.length - 1]! + v);
  return out;
}

/**
 * Adds a halo to every block, as `dask.array.overlap.overlap`: each block of the result is the
 * block plus `depth` elements of its neighbours on each side (from as many neighbours as the
 * depth spans), or boundary values beyond the array's edges. One task per block, reading only
 * the blocks it needs. Chunks grow by the halo; with `"none"` edge blocks grow on the inner side only.
 * @param x - the array
 * @param options - `depth` (default 0) and `boundary` (default `"none"`)
 * @throws {ChunkError} for a negative or fractional depth, a depth or boundary list of the
 *   wrong length, an unknown boundary, or a `"reflect"`/`"periodic"` depth beyond the axis length
 * @example
 * ```ts
 * const x = fromArray(arange(8), { chunks: 4 });
 * const g = overlap(x, { depth: 1, boundary: "reflect" }); // chunks [[6, 6]]
 * await g.compute(); // [0, 0,1,2,3, 4, 3, 4,5,6,7, 7]
 * ```
 */
export function overlap<D extends DataType>(x: ChunkedArray<D>, options: OverlapOptions = {}): ChunkedArray<D> {
  checkArray("overlap", x);
  const halo = normalizeHalo("overlap", options.depth ?? 0, options.boundary ?? "none", x.shape);
  const meta = overlapMeta(x, halo);
  if (meta === x) return x;
  const out = new ChunkedArray<D>(meta);
  made.set(out, { chunks: x.chunks, token: tokenize(halo) });
  return out;
}

/**
 * Cuts the halo off every block of an overlapped array, as dask's `trim_internal`: the
 * inverse of {@link overlap} with the same options.
 * @param x - an overlapped array (or the result of a kernel on one)
 * @param options - `depth`, `boundary` as given to `overlap`, and optionally the `chunks` before it
 * @throws {ChunkError} for bad depth or boundary, or a block smaller than the halo it would lose
 * @example
 * ```ts
 * const o = { depth: 2, boundary: "periodic" } as const;
 * trimInternal(overlap(x, o), o); // same chunks and values as x
 * ```
 */
export function trimInternal<D extends DataType>(x: ChunkedArray<D>, options: TrimInternalOptions = {}): ChunkedArray<D> {
  const op = "trimInternal";
  checkArray(op, x);
  let source = options.chunks;
  const probe = normalizeHalo(op, options.depth ?? 0, options.boundary ?? "none", x.shape.map(() => Infinity));
  const rec = made.get(x);
  if (source === undefined && rec !== undefined && rec.token === tokenize(probe)) source = rec.chunks;
  let halos: Pair[][];
  if (source !== undefined) {
    checkSourceChunks(op, source, x);
    const halo = normalizeHalo(op, options.depth ?? 0, options.boundary ?? "none", source.map(sum));
    halos = source.map((c, ax) => axisHalos(c, halo, ax));
  } else {
    halos = x.chunks.map((c, ax) => c.map((_, j) => {
      const [d0, d1] = probe.depth[ax]!;
      const none = probe.boundary[ax] === "none";
      return [none && j === 0 ? 0 : d0, none && j === c.length - 1 ? 0 : d1] as Pair;
    }));
  }
  const chunks = x.chunks.map((c, ax) => c.map((n, j) => {
    const [b, a] = halos[ax]![j]!;
    if (n - b - a < 0) {
      throw new ChunkError(op, `block ${j} on axis ${ax} must be at least as long as the halo it loses (${b + a}); got ${n}. Pass the depth and boundary given to overlap, or its original chunks as chunks`, ax);
    }
    return n - b - a;
  }));
  return new ChunkedArray<D>(trimMeta(op, x, halos, chunks) as ArrayMeta & { dtype: D });
}

/** How many arguments `arrays` puts before the kernel's `params`. */
type ArgCount<A> = A extends readonly unknown[] ? A["length"] : 1;

/**
 * Maps `fn(...extendedBlocks, params, ctx)` over overlapping blocks, as dask's `map_overlap`:
 * each array gets its own halo (`overlap`), blocks are aligned as `mapBlocks` aligns
 * them, the kernel runs on the extended blocks, and (with `trim`, the default) the halo of the
 * highest-rank array is cut off its results. An array held in one chunk on an axis of another
 * length (a PSF with depth 0) hands its one block to every task. Depths larger than a chunk
 * merge small chunks first (`ensureMinimumChunksize`), as dask does.
 *
 * `ctx` is the block context in the coordinates of the final output (`blockIndex`,
 * `location`, `shape`) plus `ctx.halo[k][axis] = [before, after]`, the halo of input `k`'s
 * extended block (smaller than the depth where `"none"` meets the edge), and `ctx.depth`.
 *
 * With several arrays, a list `depth` or `boundary` gives one entry per array (each a number,
 * per-axis list or record); for one array, a list is per axis. `params` must fit the kernel's
 * own params type.
 * @throws {ChunkError} for bad depths or boundaries (naming the array and axis);
 *   {@link BroadcastError} for arrays whose split axes differ in length; {@link ValueError}
 *   for other bad options
 * @example
 * ```ts
 * const mean3 = (b: Block) => ...; // 3-point moving average of the extended block
 * const y = mapOverlap(mean3, x, { depth: 1, boundary: "nearest", dtype: "float64" });
 * const z = mapOverlap(convolve, [image, psf], { depth: [{ 0: 8, 1: 8 }, 0], boundary: "reflect" });
 * ```
 */
export function mapOverlap<K extends Kernel, const A extends ChunkedArray | Block | readonly (ChunkedArray | Block)[]>(
  fn: K,
  arrays: A,
  options: MapOverlapOptions & { params?: KernelParams<K, ArgCount<A>> } = {},
): ChunkedArray {
  const op = "mapOverlap";
  if (typeof fn !== "function") throw new ValueError(op, `fn must be a function; got ${show(fn)}. Pass (...blocks, params, ctx) => block`);
  const several = Array.isArray(arrays);
  const list = (several ? arrays : [arrays]) as readonly unknown[];
  if (list.length === 0) throw new ValueError(op, `arrays must hold at least one array; got []. Pass a ChunkedArray or a block`);
  for (const key of ["trim", "allowRechunk"] as const) {
    const v = options[key];
    if (v !== undefined && typeof v !== "boolean") throw new ValueError(op, `${key} must be true or false; got ${show(v)}. Pass a boolean`);
  }
  const xs = list.map((a, k) => toArray(op, a, k));
  const many = xs.length > 1;
  const depths = perArray(op, "depth", options.depth ?? 0, xs.length, many);
  const bounds = perArray(op, "boundary", options.boundary ?? "none", xs.length, many);
  const halos = xs.map((x, k) => normalizeHalo(op, depths[k] as DepthInput, bounds[k] as BoundaryInput, x.shape, many ? k : undefined));
  const dtype = options.dtype === undefined ? resultTypeOf(xs.map((x) => x.dtype)) : checkDtype(op, options.dtype);
  const ndim = Math.max(...xs.map((x) => x.ndim));
  const labels = rightLabels(ndim, ndim);
  const own = xs.map((x) => rightLabels(x.ndim, ndim));
  const aligned = alignArrays(op, xs, own, halos, options.allowRechunk ?? true);
  const ext = aligned.map((a, k) => overlapMeta(a, halos[k]!));
  const tables = aligned.map((a, k) => a.chunks.map((c, ax) => axisHalos(c, halos[k]!, ax)));
  const main = xs.findIndex((x) => x.ndim === ndim);
  const grid = labels.map((l) => Math.max(...ext.map((e, k) => (own[k]!.includes(l) ? e.chunks[own[k]!.indexOf(l)]!.length : 1))));
  // The output follows the highest-rank array on each axis, or the first array split along it.
  const owner = labels.map((l, i) => {
    const splitAlong = (k: number): boolean => own[k]!.includes(l) && ext[k]!.chunks[own[k]!.indexOf(l)]!.length === grid[i];
    return splitAlong(main) ? main : xs.findIndex((_, k) => splitAlong(k));
  });
  const axisOf = (k: number, i: number): number => own[k]!.indexOf(labels[i]!);
  const extChunks = options.chunks === undefined
    ? labels.map((_, i) => [...ext[owner[i]!]!.chunks[axisOf(owner[i]!, i)]!])
    : outputChunks(op, options.chunks, grid);
  const cut = labels.map((_, i) => tables[owner[i]!]![axisOf(owner[i]!, i)]!);
  const trim = options.trim ?? true;
  const finalChunks = trim ? extChunks.map((c, i) => c.map((n, j) => trimmedSize(op, n, cut[i]!, j, i))) : extChunks;
  const inputs: BlockwiseInput[] = ext.map((e, k) => {
    // Split axes pair block by block (chunk lengths may differ by the halo); a one-chunk axis
    // against many blocks gets its own label, so its single block goes to every task.
    const mine = own[k]!.map((l, ax) => (e.chunks[ax]!.length === grid[labels.indexOf(l)] ? l : `${l}~${k}`));
    const chunks = mine.map((l, ax) => (labels.includes(l) ? extChunks[labels.indexOf(l)]! : e.chunks[ax]!));
    return { array: { ...e, chunks, shape: chunks.map(sum) }, labels: mine };
  });
  const params: OverlapMapParams = {
    params: options.params ?? {},
    offsets: finalChunks.map(boundaries),
    halo: tables,
    depth: halos.map((h) => h.depth),
  };
  const [mapped] = blockwise({
    op,
    kernel: overlapMapKernel,
    inputs: [...inputs, { fn }],
    outputs: [{ labels, dtype }],
    params,
    chunks: Object.fromEntries(labels.map((l, i) => [l, extChunks[i]!])),
  });
  if (!trim) return new ChunkedArray(mapped!);
  return new ChunkedArray(trimMeta(op, mapped!, cut, finalChunks));
}

function checkArray(op: string, x: unknown): void {
  if (!isChunkedArray(x)) throw new ValueError(op, `x must be a ChunkedArray; got ${show(x)}. Wrap a block with fromArray(block, { chunks })`);
}

function toArray(op: string, a: unknown, k: number): ChunkedArray {
  if (isChunkedArray(a)) return a;
  if (isBlockLike(a)) return fromArray(a, { chunks: -1 });
  throw new ValueError(op, `array ${k} must be a ChunkedArray or a block; got ${show(a)}. Pass arrays, and scalars through params`);
}

/** A per-array list when several arrays are given and the option is a list, else one value for all. */
function perArray(op: string, what: string, value: unknown, n: number, many: boolean): unknown[] {
  if (!many || !Array.isArray(value)) return new Array<unknown>(n).fill(value);
  if (value.length !== n) {
    throw new ChunkError(op, `${what} must have one entry per array (${n}) when given as a list with several arrays; got ${show(value)}. Give one ${what} per array (e.g. [[2, 2], 0]), or a single value or { axis: ${what} } record for all`);
  }
  return value;
}

/** Normalises depth and boundary under the public name, and checks them against the axis lengths. */
function normalizeHalo(op: string, depth: DepthInput, boundary: BoundaryInput, shape: readonly number[], array?: number): Halo {
  const rename = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ChunkError)) throw e;
      const text = e.message.slice(e.fn.length + 2);
      throw new ChunkError(op, array === undefined ? text : text.replace(/^(depth|boundary)/, `$1 of array ${array}`), e.axis);
    }
  };
  const d = rename(() => normalizeDepth(depth, shape.length));
  const b = rename(() => normalizeBoundary(boundary, shape.length));
  shape.forEach((n, ax) => {
    const deepest = Math.max(...d[ax]!);
    const bd = b[ax]!;
    const of = array === undefined ? "" : ` of array ${array}`;
    if ((bd === "reflect" || bd === "periodic") && deepest > n) {
      throw new ChunkError(op, `depth${of} on axis ${ax} must be at most the axis length ${n} for boundary ${show(bd)}; got ${deepest}. Use a smaller depth, or "nearest", a constant or "none"`, ax);
    }
    if (bd === "nearest" && deepest > 0 && n === 0) {
      throw new ChunkError(op, `axis ${ax}${of} must not be empty for boundary "nearest" with depth ${deepest}; got length 0. Use a constant boundary or depth 0`, ax);
    }
  });
  return { depth: d, boundary: b };
}

/** `[before, after]` halo of every block along one axis (from the halo geometry itself). */
function axisHalos(c: readonly number[], halo: Halo, ax: number): Pair[] {
  return c.map((_, j) => {
    const h = haloGeometry([c], [j], [halo.depth[ax]!], [halo.boundary[ax]!]).axes[0]!;
    return [h.before, h.after];
  });
}

/** The runs of every extended block along one axis, in block-local terms. */
function axisRuns(c: readonly number[], halo: Halo, ax: number): { size: number; runs: HaloRun[]; blocks: number[] }[] {
  return c.map((_, j) => {
    const g = haloGeometry([c], [j], [halo.depth[ax]!], [halo.boundary[ax]!]);
    const runs: HaloRun[] = [];
    let pos = 0;
    for (const s of g.axes[0]!.segments) {
      if (s.kind === "fill") {
        runs.push({ kind: "fill", value: s.value, to: pos, count: s.count });
        pos += s.count;
      } else if (s.kind === "repeat") {
        const p = axisRangePieces(c, s.index, s.index + 1)[0]!;
        runs.push({ kind: "repeat", block: p.oldBlock, index: p.start, to: pos, count: s.count });
        pos += s.count;
      } else {
        const len = s.stop - s.start;
        for (const p of axisRangePieces(c, s.start, s.stop)) {
          const to = pos + (s.reverse ? len - p.newStop : p.newStart);
          runs.push({ kind: "read", block: p.oldBlock, start: p.start, stop: p.stop, to, reverse: s.reverse });
        }
        pos += len;
      }
    }
    const blocks = [...new Set(runs.flatMap((r) => (r.kind === "fill" ? [] : [r.block])))].sort((a, b) => a - b);
    return { size: g.shape[0]!, runs, blocks };
  });
}

/** The overlap layer: one task per extended block, reading only the blocks it needs. */
function overlapMeta(x: ArrayMeta, halo: Halo): ArrayMeta {
  if (halo.depth.every(([a, b]) => a === 0 && b === 0)) return x;
  const name = `overlap-${tokenize("overlap", x.name, halo)}`;
  const plans = x.chunks.map((c, ax) => axisRuns(c, halo, ax));
  const chunks = plans.map((p) => p.map((b) => b.size));
  const tasks = new Map<string, Task>();
  forEachBlockIndex(numBlocks(chunks), (bi) => {
    const key = blockKey(name, bi);
    const axes = bi.map((b, ax) => plans[ax]![b]!);
    const itself = axes.every((a, ax) => a.runs.length === 1 && a.runs[0]!.kind === "read" && a.runs[0]!.block === bi[ax] && a.size === x.chunks[ax]![bi[ax]!]);
    if (itself) {
      tasks.set(key, { key, kernel: kernelRefOf(identity)!, args: [{ ref: blockKey(x.name, bi) }] });
      return;
    }
    const sources = cartesian(axes.map((a) => a.blocks));
    tasks.set(key, {
      key,
      kernel: kernelRefOf(haloKernel)!,
      args: sources.map((s) => ({ ref: blockKey(x.name, s) })),
      params: { shape: axes.map((a) => a.size), dtype: x.dtype, inputs: sources, axes: axes.map((a) => a.runs) },
      expect: { op: "overlap", shapes: [axes.map((a) => a.size)], dtypes: [x.dtype], several: false },
    });
  });
  return { name, shape: chunks.map(sum), dtype: x.dtype, chunks, graph: graphWith({ name, tasks }, x.graph) };
}

/** Every combination of one entry per list, in C order (plain loops: this runs once per block). */
function cartesian(lists: readonly (readonly number[])[]): number[][] {
  let out: number[][] = [[]];
  for (const list of lists) {
    const next: number[][] = [];
    for (const s of out) {
      for (const v of list) {
        const t = s.slice();
        t.push(v);
        next.push(t);
      }
    }
    out = next;
  }
  return out;
}

/** The trim layer (blockwise, so it checks shapes and fuses like any other). */
function trimMeta(op: string, x: ArrayMeta, halos: readonly (readonly Pair[])[], chunks: readonly (readonly number[])[]): ArrayMeta {
  if (halos.every((t) => t.every(([b, a]) => b === 0 && a === 0))) return x;
  const labels = rightLabels(x.shape.length, x.shape.length);
  const [meta] = blockwise({
    op,
    kernel: trimKernel,
    inputs: [{ array: x, labels }],
    outputs: [{ labels, dtype: x.dtype }],
    params: { halo: halos },
    chunks: Object.fromEntries(labels.map((l, ax) => [l, chunks[ax]!])),
    token: "trim",
  });
  return meta!;
}

/**
 * Aligns the arrays before any halo, as mapBlocks does: split axes must agree in length and
 * get their common refinement (merged up to the depth with `allowRechunk`); a one-chunk axis of
 * the same length is split the same way; one of another length keeps its one block.
 */
function alignArrays(op: string, xs: readonly ChunkedArray[], own: readonly string[][], halos: readonly Halo[], allowRechunk: boolean): ArrayMeta[] {
  const targets = xs.map((x) => x.chunks.map((c) => [...c]));
  for (const label of new Set(own.flat())) {
    const members = xs.flatMap((x, k) => (own[k]!.includes(label) ? [{ k, ax: own[k]!.indexOf(label), c: x.chunks[own[k]!.indexOf(label)]! }] : []));
    const multi = members.filter((m) => m.c.length > 1);
    if (multi.length === 0) continue;
    const n = sum(multi[0]!.c);
    for (const m of multi) {
      if (sum(m.c) !== n) {
        throw new BroadcastError(op, `axis ${m.ax} of array ${m.k} must have the same length as axis ${multi[0]!.ax} of array ${multi[0]!.k} when both are split into blocks; got ${sum(m.c)} and ${n}. Rechunk one of them to a single chunk, or make the lengths agree`, xs.map((x) => x.shape), m.ax);
      }
    }
    const joined = members.filter((m) => m.c.length > 1 || sum(m.c) === n);
    let chunks = multi.slice(1).reduce((acc, m) => commonRefinement(acc, m.c), [...multi[0]!.c]);
    if (allowRechunk) {
      const deepest = Math.min(n, Math.max(0, ...joined.map((m) => Math.max(...halos[m.k]!.depth[m.ax]!))));
      if (deepest > 0) chunks = ensureMinimumChunksize(deepest, [chunks])[0]!;
    }
    for (const m of joined) targets[m.k]![m.ax] = chunks;
  }
  return xs.map((x, k) => rechunkMeta(x, targets[k]!, `${op}-align`));
}

function outputChunks(op: string, chunks: readonly number[] | readonly (readonly number[])[], grid: readonly number[]): number[][] {
  if (chunks.length !== grid.length) {
    throw new ValueError(op, `chunks must have one entry per output axis (${grid.length}); got ${show(chunks)}. Give the kernel's block shape or per-axis sizes`);
  }
  return chunks.map((c, ax) => {
    const sizes = typeof c === "number" ? new Array<number>(grid[ax]!).fill(c) : [...(c as readonly number[])];
    if (sizes.length !== grid[ax] || sizes.some((n) => !Number.isInteger(n) || n < 0)) {
      throw new ValueError(op, `chunks on axis ${ax} must be a non-negative integer or ${grid[ax]} of them (one per block); got ${show(c)}. Fix the sizes`);
    }
    return sizes;
  });
}

function trimmedSize(op: string, n: number, cut: readonly Pair[], j: number, ax: number): number {
  const [b, a] = cut[cut.length === 1 ? 0 : j]!;
  if (n - b - a < 0) {
    throw new ValueError(op, `chunks on axis ${ax} must be at least the halo (${b + a}) of block ${j}; got ${n}. Declare the extended block shape the kernel returns, or pass trim: false`);
  }
  return n - b - a;
}

function checkSourceChunks(op: string, source: Chunks, x: ChunkedArray): void {
  const ok = Array.isArray(source) && source.length === x.ndim && source.every((c, ax) => Array.isArray(c) && c.length === x.chunks[ax]!.length && c.every((v) => Number.isInteger(v) && v >= 0));
  if (!ok) {
    throw new ChunkError(op, `chunks must list the chunk sizes before overlap, one list per axis with as many blocks as x has (${show(x.numBlocks)}); got ${show(source)}. Pass the original array's chunks`);
  }
}
