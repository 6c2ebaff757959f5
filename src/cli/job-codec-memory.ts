/**
 * What `deconvolve`'s codecs hold per worker thread, for the CLI's memory estimate. The
 * WebAssembly codecs keep one heap per thread that grows to fit the largest chunk and never
 * shrinks; the estimate counts, per worker:
 *
 * - decoding the input: zstd (zstddec's heap) and blosc with bit shuffle (numcodecs.js's blosc
 *   heap) hold the compressed and the decoded chunk, `chunk + bound(chunk)`; every blosc frame
 *   also passes through chunkwise's own wasm codec (src/io/zarr/blosc-wasm.ts), whose heap holds
 *   three blocks, `BLOSC_HEAP` (blocks of at most 1 MiB: c-blosc's own choice, unless the
 *   array's config forces a larger `blocksize`); lz4, gzip and zlib decode in JavaScript or
 *   Node (no heap beyond the decoded chunk, already counted as the block read);
 * - encoding the result: numcodecs.js's zstd and lz4 heaps, and its blosc heap for cnames other
 *   than lz4 or bit shuffle, hold the chunk and its compression bound, `chunk + bound(chunk)`,
 *   and the encoded copy handed back is held while it is written, `bound(chunk)`; that blosc
 *   heap holds one chunk more (its binding copies the chunk twice: measured 3.6 to 3.9 chunks
 *   in all). Blosc lz4 with byte or no shuffle uses chunkwise's codec: its block heap and the
 *   frame the blocks are compressed into, `BLOSC_HEAP + bound(chunk)`. gzip
 *   and zlib (Node) hold only the encoded copy; none nothing.
 *
 * `bound(n) = n + ceil(n / 255) + 64 KiB`, above zstd's, lz4's and blosc's own compression bounds.
 * @module
 */
import type { CompressorSpec, ResolvedCompressor } from "../io/zarr/index.js";
import { resolveCompressor } from "../io/zarr/codecs.js";
import { arrayInfo, readNode, type ArrayInfo } from "../io/zarr/metadata.js";
import { storeRefOf } from "../io/zarr/store.js";

const NAME = "deconvolve";

/** The heap of chunkwise's blosc codec for blocks of at most 1 MiB: the LZ4 table and three blocks with their slack. */
export const BLOSC_HEAP = 16384 + 3 * (1 << 20) + 1024;

/** The block heap for frames of `chunkBytes` with a forced `blocksize` (0: c-blosc's own choice, at most 1 MiB). */
function bloscHeap(config: Record<string, unknown>, chunkBytes: number): number {
  const forced = typeof config.blocksize === "number" ? Math.min(config.blocksize, chunkBytes) : 0;
  return forced > 1 << 20 ? 16384 + 3 * forced + 1024 : BLOSC_HEAP;
}

/** At least what zstd, lz4 and blosc may write for `n` bytes (their compress bounds). */
export function compressBound(n: number): number {
  return n + Math.ceil(n / 255) + 65536;
}

/**
 * The heap one worker thread keeps for decoding chunks of `chunkBytes` with these codecs (the
 * input array's filters, compressor or v3 codecs, as its metadata states them).
 * @example decodeHeapBytes([{ name: "zstd", role: "codec", config: {} }], 1000) // 1000 + compressBound(1000)
 * @example decodeHeapBytes([{ name: "blosc", role: "codec", config: { shuffle: "shuffle" } }], 1000) // BLOSC_HEAP
 */
export function decodeHeapBytes(codecs: NonNullable<ArrayInfo["codecSpecs"]>, chunkBytes: number): number {
  let bytes = 0;
  for (const { name, config } of codecs) {
    const id = name.replace(/^numcodecs\./, "");
    const bitshuffle = id === "blosc" && (config.shuffle === 2 || config.shuffle === "bitshuffle");
    if (id === "zstd" || bitshuffle) bytes += chunkBytes + compressBound(chunkBytes);
    if (id === "blosc") bytes += bloscHeap(config, chunkBytes);
  }
  return bytes;
}

/** What one worker thread holds for encoding result chunks of `chunkBytes` with `compressor`: its heap and the encoded copy. */
export function encodeBytes(compressor: ResolvedCompressor, chunkBytes: number): number {
  if (compressor === null) return 0;
  const copy = compressBound(chunkBytes);
  if (compressor.id === "gzip" || compressor.id === "zlib") return copy;
  if (compressor.id === "blosc" && compressor.cname === "lz4" && compressor.shuffle !== 2) return BLOSC_HEAP + copy;
  return (compressor.id === "blosc" ? 2 * chunkBytes : chunkBytes) + compressBound(chunkBytes) + copy;
}

/**
 * {@link decodeHeapBytes} of the input array at `path` in `store` (chunks of `inChunkBytes`)
 * plus {@link encodeBytes} of the result's `compressor` (chunks of `outChunkBytes`): what one
 * worker thread holds for its codecs at most.
 */
export async function codecBytesPerWorker(store: string, path: string, inChunkBytes: number, compressor: CompressorSpec | undefined, outChunkBytes: number): Promise<number> {
  const node = await readNode(NAME, storeRefOf(NAME, store), path);
  const codecs = node.kind === "array" ? arrayInfo(NAME, node, path).codecSpecs ?? [] : [];
  return decodeHeapBytes(codecs, inChunkBytes) + encodeBytes(resolveCompressor(compressor), outChunkBytes);
}
