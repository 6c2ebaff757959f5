/**
 * zstd decoding for the checked codecs, on a WebAssembly heap of its own: zstddec's build of
 * the reference decoder (`ZSTD_decompress`), not numcodecs.js's zstd module. numcodecs.js keeps
 * one WebAssembly heap per thread for both directions, capped at 2 GiB and never shrunk; a
 * thread that decoded a large chunk there could no longer encode a chunk twice its size
 * (a 316 MB uint16 decode then a 632 MB float32 encode fails with "memory access out of
 * bounds"), which is exactly what a deconvolve worker does. With decoding here, numcodecs.js's
 * heap only ever encodes.
 *
 * zstddec frees what each call allocates, so its heap is the largest single call's (compressed
 * plus decoded bytes), one per thread. It does not check its `malloc` results: calls that
 * would not fit its 2 GiB heap are refused here before they reach it.
 * `ZSTD_decompress` checks each frame's stated content size against what its blocks decode to;
 * on any error zstddec hands back zero bytes, so callers compare the length they get with the
 * length they need.
 * @module
 */
import { ZSTDDecoder } from "zstddec";

/** The most compressed plus decoded bytes one call may hold in zstddec's 2 GiB heap. */
const ZSTD_DECODE_LIMIT = 1.75 * 2 ** 30;

let decoder: Promise<ZSTDDecoder> | undefined;

function instance(): Promise<ZSTDDecoder> {
  if (decoder === undefined) {
    const d = new ZSTDDecoder();
    decoder = d.init().then(() => d);
  }
  return decoder;
}

/**
 * Decodes zstd frames into at most `capacity` bytes (a bound from the frames' headers or the
 * chunk's size) and returns what they decode to; zero bytes when the frames do not decode.
 * @throws {Error} when `capacity` plus the input would not fit the decoder's heap
 */
export async function zstdDecode(bytes: Uint8Array, capacity: number): Promise<Uint8Array> {
  if (bytes.length + capacity > ZSTD_DECODE_LIMIT) {
    throw new Error(`zstdDecode: a zstd chunk's compressed plus decoded size must be at most ${ZSTD_DECODE_LIMIT} bytes (the decoder's 2 GiB WebAssembly heap); got ${bytes.length} + ${capacity}. Write the array with smaller chunks`);
  }
  if (capacity === 0) return new Uint8Array(0);
  return (await instance()).decode(bytes, capacity);
}
