/**
 * What `deconvolve`'s codecs hold per worker thread, for the CLI's memory estimate. The
 * WebAssembly codecs keep one heap per thread that grows to fit the largest chunk and never
 * shrinks; the estimate counts, per worker:
 *
 * - decoding the input: zstd (zstddec's heap) and blosc with bit shuffle (numcodecs.js's blosc
 *   heap) hold the compressed and the decoded chunk, `chunk + bound(chunk)`; blosc with byte
 *   or no shuffle, lz4, gzip and zlib decode in JavaScript or Node (no heap beyond the decoded
 *   chunk, already counted as the block read);
 * - encoding the result: numcodecs.js's zstd, blosc and lz4 heaps hold the chunk and its
 *   compression bound, `chunk + bound(chunk)`, and the encoded copy handed back is held while
 *   it is written, `bound(chunk)`; gzip and zlib (Node) only the encoded copy; none nothing.
 *   Blosc's heap holds one chunk more (its binding copies the chunk twice): measured on a
 *   632 MB float32 result with blosc lz4 and byte shuffle, the process grew by 2.12 GiB (3.6
 *   chunks, the encoded copy of 0.8 chunk included), on a 79 MB one by 3.9 chunks, where
 *   `chunk + 2 bound(chunk)` counted 3.
 *
 * `bound(n) = n + ceil(n / 255) + 64 KiB`, above zstd's, lz4's and blosc's own compression bounds.
 * @module
 */
import type { CompressorSpec, ResolvedCompressor } from "../io/zarr/index.js";
import { resolveCompressor } from "../io/zarr/codecs.js";
import { arrayInfo, readNode, type ArrayInfo } from "../io/zarr/metadata.js";
import { storeRefOf } from "../io/zarr/store.js";

const NAME = "deconvolve";

/** At least what zstd, lz4 and blosc may write for `n` bytes (their compress bounds). */
export function compressBound(n: number): number {
  return n + Math.ceil(n / 255) + 65536;
}

/**
 * The heap one worker thread keeps for decoding chunks of `chunkBytes` with these codecs (the
 * input array's filters, compressor or v3 codecs, as its metadata states them).
 * @example decodeHeapBytes([{ name: "zstd", role: "codec", config: {} }], 1000) // 1000 + compressBound(1000)
 */
export function decodeHeapBytes(codecs: NonNullable<ArrayInfo["codecSpecs"]>, chunkBytes: number): number {
  let bytes = 0;
  for (const { name, config } of codecs) {
    const id = name.replace(/^numcodecs\./, "");
    const bitshuffle = id === "blosc" && (config.shuffle === 2 || config.shuffle === "bitshuffle");
    if (id === "zstd" || bitshuffle) bytes += chunkBytes + compressBound(chunkBytes);
  }
  return bytes;
}

/** What one worker thread holds for encoding result chunks of `chunkBytes` with `compressor`: its heap and the encoded copy. */
export function encodeBytes(compressor: ResolvedCompressor, chunkBytes: number): number {
  if (compressor === null) return 0;
  const copy = compressBound(chunkBytes);
  if (compressor.id === "gzip" || compressor.id === "zlib") return copy;
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
