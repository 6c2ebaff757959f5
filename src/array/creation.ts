/**
 * Creating lazy arrays: `fromArray(block, { chunks })`, and `zeros`, `ones`, `full`, `arange`
 * that return a ChunkedArray exactly when given `chunks` (as `dask.array.zeros(shape,
 * chunks=...)`), else an in-memory block.
 * @module
 */
import * as core from "../core/creation.js";
import type { CreationOptions } from "../core/creation.js";
import type { DataType } from "../core/dtype.js";
import { asBlock, sizeOf, type Block, type BlockLike } from "../core/ndarray.js";
import { blockRegion, forEachBlockIndex, normalizeChunks, numBlocks, type ChunksInput } from "../chunks/grid.js";
import { fullKernel, identity, sliceBlock } from "../graph/block-kernels.js";
import { graphWith } from "../graph/graph.js";
import { tokenize } from "../graph/hash.js";
import { kernelRefOf } from "../graph/kernel.js";
import { blockKey, type Task } from "../graph/task.js";
import { ChunkedArray } from "./chunked-array.js";

/** Options of lazy creation: `chunks` as a number, a shape, per-axis sizes, or `"auto"`. */
export interface ChunkOptions {
  chunks: ChunksInput;
}

/**
 * A lazy array over an in-memory block, as `dask.array.from_array`: the block is embedded
 * once in the graph and each chunk is a slice of it.
 * @throws {ChunkError} for chunks that do not tile the shape
 * @example fromArray(zeros([100, 100]), { chunks: 25 }) // 16 chunks of (25, 25)
 */
export function fromArray<D extends DataType = DataType>(block: Block<D> | BlockLike, options: Partial<ChunkOptions> = {}): ChunkedArray<D> {
  const b = asBlock(block, "fromArray", "block") as Block<D>;
  const chunks = normalizeChunks(options.chunks ?? "auto", b.shape, { dtype: b.dtype });
  const token = tokenize("array", b.dtype, b.shape, b.stride, b.offset, b.data, chunks);
  const name = `array-${token}`;
  const source = `array-source-${token}`;
  const tasks = new Map<string, Task>();
  tasks.set(source, { key: source, kernel: kernelRefOf(identity)!, args: [{ value: b }] });
  forEachBlockIndex(numBlocks(chunks), (bi) => {
    const key = blockKey(name, bi);
    const r = blockRegion(chunks, bi);
    const whole = r.start.every((s) => s === 0) && r.stop.every((s, ax) => s === b.shape[ax]);
    tasks.set(key, whole && sizeOf(b.shape) > 0
      ? { key, kernel: kernelRefOf(identity)!, args: [{ ref: source }] }
      : { key, kernel: kernelRefOf(sliceBlock)!, args: [{ ref: source }], params: { index: r.start.map((s, ax) => ({ start: s, stop: r.stop[ax]! })) } });
  });
  const layers = graphWith({ name: source, tasks: new Map([[source, tasks.get(source)!]]) });
  tasks.delete(source);
  return new ChunkedArray<D>({ name, shape: b.shape, dtype: b.dtype, chunks, graph: graphWith({ name, tasks }, layers) });
}

/** A lazy constant array. */
function lazyFull<D extends DataType>(fn: string, shape: readonly number[], value: number, dtype: D, chunksInput: ChunksInput): ChunkedArray<D> {
  const s = core.checkShape(fn, shape);
  const d = core.checkDtype(fn, dtype) as D;
  const chunks = normalizeChunks(chunksInput, s, { dtype: d });
  const name = `${fn}-${tokenize(fn, s, value, d, chunks)}`;
  const tasks = new Map<string, Task>();
  forEachBlockIndex(numBlocks(chunks), (bi) => {
    const key = blockKey(name, bi);
    const shape = bi.map((b, ax) => chunks[ax]![b]!);
    tasks.set(key, { key, kernel: kernelRefOf(fullKernel)!, args: [], params: { shape, value, dtype: d }, expect: { op: fn, shapes: [shape], dtypes: [d], several: false } });
  });
  return new ChunkedArray<D>({ name, shape: s, dtype: d, chunks, graph: graphWith({ name, tasks }) });
}

/** `full(shape, value, { dtype, chunks })`: lazy when `chunks` is given, else a block. */
export function full<D extends DataType = "float64">(shape: number | readonly number[], value: number | boolean, options: CreationOptions<D> & ChunkOptions): ChunkedArray<D>;
export function full<D extends DataType = "float64">(shape: number | readonly number[], value: number | boolean, options?: CreationOptions<D>): Block<D>;
export function full<D extends DataType = "float64">(shape: number | readonly number[], value: number | boolean, options: CreationOptions<D> & Partial<ChunkOptions> = {}): Block<D> | ChunkedArray<D> {
  if (options.chunks === undefined) return core.full(shape, value, options);
  const dtype = (options.dtype ?? (typeof value === "boolean" ? "bool" : "float64")) as D;
  return lazyFull("full", core.checkShape("full", shape), Number(value), dtype, options.chunks);
}

/** `zeros(shape, { dtype, chunks })`: lazy when `chunks` is given, else a block. */
export function zeros<D extends DataType = "float64">(shape: number | readonly number[], options: CreationOptions<D> & ChunkOptions): ChunkedArray<D>;
export function zeros<D extends DataType = "float64">(shape: number | readonly number[], options?: CreationOptions<D>): Block<D>;
export function zeros<D extends DataType = "float64">(shape: number | readonly number[], options: CreationOptions<D> & Partial<ChunkOptions> = {}): Block<D> | ChunkedArray<D> {
  if (options.chunks === undefined) return core.zeros(shape, options);
  return lazyFull("zeros", core.checkShape("zeros", shape), 0, (options.dtype ?? "float64") as D, options.chunks);
}

/** `ones(shape, { dtype, chunks })`: lazy when `chunks` is given, else a block. */
export function ones<D extends DataType = "float64">(shape: number | readonly number[], options: CreationOptions<D> & ChunkOptions): ChunkedArray<D>;
export function ones<D extends DataType = "float64">(shape: number | readonly number[], options?: CreationOptions<D>): Block<D>;
export function ones<D extends DataType = "float64">(shape: number | readonly number[], options: CreationOptions<D> & Partial<ChunkOptions> = {}): Block<D> | ChunkedArray<D> {
  if (options.chunks === undefined) return core.ones(shape, options);
  return lazyFull("ones", core.checkShape("ones", shape), 1, (options.dtype ?? "float64") as D, options.chunks);
}
