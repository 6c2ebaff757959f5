/**
 * The task kernel behind `toZarr`: encodes one block as one Zarr chunk (padded with the fill
 * value at ragged edges, as Zarr stores every chunk at full size) and writes it atomically:
 * to `<key>.tmp-<random>`, then renamed. A reader (or a resumed write) never sees a
 * half-written chunk. Params are JSON, so the chain compute -> store runs on any worker.
 * @module
 */
import type { AbsolutePath } from "zarrita";
import { itemSize, type DataType } from "../../core/dtype.js";
import { asBlock, copyInto, emptyBlock, isCContiguous, type Block } from "../../core/ndarray.js";
import { index as view } from "../../core/views.js";
import { defineKernel } from "../../graph/kernel.js";
import { encoderFor, type ResolvedCompressor } from "./codecs.js";
import { ZarrError } from "./errors.js";
import { writeKeyAtomic, type StoreRef } from "./store.js";

/** The JSON params of one store task. */
export interface WriteChunkParams {
  readonly store: StoreRef;
  /** The chunk's absolute store key, e.g. `/group/array/0.1`. */
  readonly key: string;
  readonly dtype: DataType;
  /** The block this task must receive. */
  readonly blockShape: readonly number[];
  /** The Zarr chunk shape (the block padded to it). */
  readonly chunkShape: readonly number[];
  readonly fill: number;
  readonly compressor: ResolvedCompressor;
}

/** What a store task returns: the chunk key and its encoded size. */
export interface WrittenChunk {
  readonly key: string;
  readonly bytes: number;
}

/** Encodes `block` as the chunk `params.key` and writes it atomically. */
export const writeZarrChunk = defineKernel(import.meta.url, "writeZarrChunk", async (value: unknown, params: WriteChunkParams): Promise<WrittenChunk> => {
  const block = asBlock(value, "toZarr", `the block for chunk ${params.key}`);
  if (block.dtype !== params.dtype || block.shape.length !== params.blockShape.length || block.shape.some((d, i) => d !== params.blockShape[i])) {
    throw new ZarrError("toZarr", `the block for chunk ${JSON.stringify(params.key)} must have shape ${JSON.stringify(params.blockShape)} and dtype ${params.dtype}; got ${JSON.stringify(block.shape)} ${block.dtype}. The array's declared chunks or dtype are wrong`, { kind: "mismatch", chunkKey: params.key });
  }
  const encoded = await (await encoderFor(params.compressor, itemSize(params.dtype)))(chunkBytes(block, params));
  await writeKeyAtomic("toZarr", params.store, params.key as AbsolutePath, encoded);
  return { key: params.key, bytes: encoded.length };
});

/**
 * The chunk's bytes, C order, full chunk shape: a view of the block's own data when the block
 * is a whole chunk laid out in C order (at any offset in its buffer), else a padded copy.
 */
function chunkBytes(block: Block, p: WriteChunkParams): Uint8Array {
  const full = block.shape.every((d, i) => d === p.chunkShape[i]);
  const size = p.chunkShape.reduce((a, b) => a * b, 1);
  if (full && isCContiguous(block)) {
    const data = block.data.subarray(block.offset, block.offset + size);
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  const chunk = emptyBlock(p.dtype, p.chunkShape);
  if (!full && p.fill !== 0) chunk.data.fill(p.fill);
  copyInto(view(chunk, block.shape.map((n) => ({ start: 0, stop: n }))), block);
  return new Uint8Array(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength);
}
