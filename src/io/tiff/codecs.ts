/**
 * Turning one strip's or tile's stored bytes into its raw pixel bytes: FillOrder 2 bit
 * reversal, then no compression, Deflate (`node:zlib`), LZW ({@link lzwDecode}) or PackBits.
 * Matches libtiff's TIFFReadEncodedStrip/Tile and tifffile's decode: bits are reversed in
 * the stored bytes before decompressing, whatever the compression.
 * @module
 */
import { inflateSync } from "node:zlib";
import { LzwError, lzwDecode } from "./lzw.js";

/** Why a segment does not decode (wrapped in a TiffError by the caller). */
export class SegmentError extends Error {}

/** The most bytes any scheme makes from one stored byte, which bounds a segment's stored size below. */
export const MAX_RATIO: Readonly<Record<number, number>> = {
  // Raw; LZW (a 12-bit code stands for at most 4095 bytes); Deflate (zlib's 1032:1); PackBits (2 bytes make 128).
  1: 1, 5: 2731, 8: 1032, 32946: 1032, 32773: 64,
};

/**
 * The decoded bytes of one segment: at most `want` bytes, fewer if the data ends early.
 * `stored` may be returned itself (uncompressed, FillOrder 1): callers copy before editing.
 * @throws {SegmentError} for data that does not decode
 */
export function decompress(stored: Uint8Array, compression: number, fillOrder: number, want: number): Uint8Array {
  const bytes = fillOrder === 2 ? reverseBits(stored) : stored;
  switch (compression) {
    case 1:
      return bytes.length > want ? bytes.subarray(0, want) : bytes;
    case 5:
      try {
        return lzwDecode(bytes, want);
      } catch (cause) {
        if (cause instanceof LzwError) throw new SegmentError(`an LZW stream with ${cause.message}`);
        throw cause;
      }
    case 32773:
      return packBitsDecode(bytes, want);
    default:
      return inflate(bytes, want);
  }
}

function inflate(bytes: Uint8Array, want: number): Uint8Array {
  let out: Uint8Array;
  try {
    // Bounded, so a forged stream cannot inflate past what the tile needs by more than 1 MiB.
    out = inflateSync(bytes, { maxOutputLength: want + (1 << 20) });
  } catch (cause) {
    if ((cause as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new SegmentError(`a Deflate stream that inflates to over ${want + (1 << 20)} bytes, where ${want} are needed`);
    }
    throw new SegmentError(`a Deflate stream that does not inflate (${(cause as Error).message})`);
  }
  return out.length > want ? out.subarray(0, want) : out;
}

/** PackBits (Apple's run-length scheme, TIFF 6.0 section 9), stopping after `want` bytes. */
export function packBitsDecode(src: Uint8Array, want: number): Uint8Array {
  const out = new Uint8Array(want);
  let i = 0;
  let pos = 0;
  while (pos < want && i < src.length) {
    const n = src[i++]!;
    if (n < 128) {
      const end = Math.min(i + n + 1, src.length);
      const take = Math.min(end - i, want - pos);
      out.set(src.subarray(i, i + take), pos);
      pos += take;
      i = end;
    } else if (n > 128) {
      if (i >= src.length) break;
      const take = Math.min(257 - n, want - pos);
      out.fill(src[i++]!, pos, pos + take);
      pos += take;
    }
    // 128 is a no-op.
  }
  return pos === want ? out : out.subarray(0, pos);
}

const REVERSED = new Uint8Array(256).map((_, b) => {
  let r = 0;
  for (let k = 0; k < 8; k++) r |= ((b >> k) & 1) << (7 - k);
  return r;
});

/** A copy of `bytes` with each byte's bit order reversed (FillOrder 2). */
export function reverseBits(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = REVERSED[bytes[i]!]!;
  return out;
}
