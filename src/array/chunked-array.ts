/**
 * `ChunkedArray`: an immutable lazy N-D array, dask.array's `Array`. It knows its shape,
 * dtype and chunk grid (explicit sizes per axis) and holds a task graph that is plain data;
 * nothing runs until `compute`. Operations are free functions; the methods here are thin
 * wrappers for chaining.
 * @module
 */
import { itemSize, type DataType } from "../core/dtype.js";
import type { Block } from "../core/ndarray.js";
import type { IndexItem } from "../core/views.js";
import { numBlocks, type Chunks } from "../chunks/grid.js";
import type { ChunksInput } from "../chunks/grid.js";
import type { ArrayMeta } from "../graph/blockwise.js";
import type { Graph } from "../graph/graph.js";
import { blockKey } from "../graph/task.js";
import type { ComputeOptions } from "../schedule/compute.js";
import { compute } from "../schedule/compute.js";
import { describe } from "./summary.js";
import { toSVG, type ToSVGOptions } from "./svg.js";
import { astype } from "./elementwise.js";
import { index, selectBlocks, squeeze, transpose } from "./indexing.js";
import { max, mean, min, sum, type LazyMinMaxOptions, type LazyReduceOptions } from "./reduce.js";
import { rechunk } from "./rechunk.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** A lazy chunked N-D array. Create one with `fromArray`, `zeros(shape, { chunks })`, `fromZarr`, ... */
export class ChunkedArray<D extends DataType = DataType> implements ArrayMeta {
  /** Deterministic name: the same expression always gets the same name. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: D;
  /** Chunk sizes per axis, as dask's `.chunks`; the last chunk of an axis may be smaller. */
  readonly chunks: Chunks;
  /** The task graph (layers of plain-data tasks). */
  readonly graph: Graph;

  /** Wraps metadata produced by the graph layer; use the creation functions instead. */
  constructor(meta: ArrayMeta) {
    this.name = meta.name;
    this.shape = Object.freeze([...meta.shape]);
    this.dtype = meta.dtype as D;
    this.chunks = Object.freeze(meta.chunks.map((c) => Object.freeze([...c])));
    this.graph = meta.graph;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** Bytes of the whole array. */
  get nbytes(): number {
    return this.size * itemSize(this.dtype);
  }

  /** Blocks per axis. */
  get numBlocks(): number[] {
    return numBlocks(this.chunks);
  }

  /** Shape of the largest chunk, as dask's `chunksize`. */
  get chunksize(): number[] {
    return this.chunks.map((c) => Math.max(0, ...c));
  }

  /** The task key of block `index`. */
  key(index: readonly number[]): string {
    return blockKey(this.name, index);
  }

  /** Casts lazily, as `astype`. */
  astype<T extends DataType>(dtype: T): ChunkedArray<T> {
    return astype(this, dtype);
  }

  /** Basic indexing (integers, slices, `null`, `"..."`), as `index`. */
  index(items: readonly IndexItem[]): ChunkedArray<D> {
    return index(this, items);
  }

  /** Changes the chunking, as `rechunk`. */
  rechunk(chunks: ChunksInput): ChunkedArray<D> {
    return rechunk(this, chunks);
  }

  /** Permutes axes, as `transpose`. */
  transpose(axes?: readonly number[]): ChunkedArray<D> {
    return transpose(this, axes);
  }

  /** Removes size-1 axes, as `squeeze`. */
  squeeze(axis?: number | readonly number[]): ChunkedArray<D> {
    return squeeze(this, axis);
  }

  /** Sum over axes (a tree reduction), as `sum`. */
  sum(options?: LazyReduceOptions): ChunkedArray {
    return sum(this, options);
  }

  /** Mean over axes, as `mean`. */
  mean(options?: LazyReduceOptions): ChunkedArray {
    return mean(this, options);
  }

  /** Minimum over axes, as `min`. */
  min(options?: LazyMinMaxOptions): ChunkedArray {
    return min(this, options);
  }

  /** Maximum over axes, as `max`. */
  max(options?: LazyMinMaxOptions): ChunkedArray {
    return max(this, options);
  }

  /** Selects blocks (integers or slices per axis) as a new array, as dask's `.blocks[...]`. */
  blocks(items: readonly IndexItem[]): ChunkedArray<D> {
    return selectBlocks(this, items);
  }

  /** Computes the array into one in-memory block. */
  compute(options: ComputeOptions = {}): Promise<Block<D>> {
    return compute(this, options) as Promise<Block<D>>;
  }

  /** The chunk grid as an SVG drawing, as dask's notebooks show it. */
  toSVG(options?: ToSVGOptions): string {
    return toSVG(this, options);
  }

  /** dask's summary table as text. */
  toString(): string {
    return describe(this);
  }

  /** Node's `util.inspect` shows the summary table. */
  [INSPECT](): string {
    return describe(this);
  }
}

/** Whether `value` is a ChunkedArray. */
export function isChunkedArray(value: unknown): value is ChunkedArray {
  return value instanceof ChunkedArray;
}
