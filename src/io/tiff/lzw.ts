/**
 * TIFF LZW decoding (TIFF 6.0 section 13), as libtiff's `LZWDecode` reads it: codes packed
 * most significant bit first, 9 to 12 bits wide, ClearCode 256, EndOfInformation 257, and
 * "early change" (the width grows one code before the table needs it). The old-style
 * LSB-first "compat" variant that libtiff still reads (streams starting with bytes 00 01) is
 * decoded too.
 *
 * A full table is valid input: once entry 4095 is taken no entries are added and codes stay
 * 12 bits wide until a Clear (what tifffile/imagecodecs write for noisy data; libtiff reads
 * the same streams). A stream that ends without EndOfInformation ends where its bytes end, as
 * in libtiff. Decoding stops after `want` bytes, so a stream can never make more output than
 * the strip or tile needs.
 *
 * The table holds no strings: entry k is a (position, length) pair pointing into the output
 * already written, because every entry is an earlier output string plus the byte that
 * followed it there. A code is a copy from earlier output, so decoding allocates only the
 * output and two 4096-entry tables.
 * @module
 */

/** Why a stream does not decode; decode.ts wraps it in a TiffError naming the file. */
export class LzwError extends Error {}

const CLEAR = 256;
const EOI = 257;
const FIRST = 258;
const MAX_WIDTH = 12;
const TABLE = 1 << MAX_WIDTH;

/**
 * Decodes one LZW-compressed strip or tile.
 * @param src - the compressed bytes
 * @param want - the bytes the strip or tile holds; decoding stops there
 * @returns the decoded bytes: `want` of them, or fewer if the stream ends early
 * @throws {LzwError} for a code that is not yet in the table
 * @example
 * ```ts
 * // One strip of a uint16 page 64 pixels wide: 16 rows of 128 bytes.
 * const pixels = lzwDecode(file.subarray(offset, offset + byteCount), 16 * 128);
 * ```
 */
export function lzwDecode(src: Uint8Array, want: number): Uint8Array {
  const out = new Uint8Array(want);
  const compat = src.length >= 2 && src[0] === 0 && (src[1]! & 1) === 1;
  const n = compat ? decodeCompat(src, out) : decodeMsb(src, out);
  return n === want ? out : out.subarray(0, n);
}

/** The MSB-first stream of every current writer; returns the bytes written. */
function decodeMsb(src: Uint8Array, out: Uint8Array): number {
  const offs = new Int32Array(TABLE);
  const lens = new Int32Array(TABLE);
  const want = out.length;
  const end = src.length;
  let i = 0;
  let acc = 0;
  let bits = 0;
  let width = 9;
  let next = FIRST;
  let pos = 0;
  let prevPos = -1;
  let prevLen = 0;
  while (pos < want) {
    while (bits < width) {
      if (i >= end) return pos;
      acc = (acc << 8) | src[i++]!;
      bits += 8;
    }
    bits -= width;
    const code = (acc >>> bits) & ((1 << width) - 1);
    if (code === EOI) return pos;
    if (code === CLEAR) {
      width = 9;
      next = FIRST;
      prevPos = -1;
      continue;
    }
    let start: number;
    let len: number;
    if (code < 256) {
      start = -1;
      len = 1;
    } else if (code < next) {
      start = offs[code]!;
      len = lens[code]!;
    } else if (code === next && prevPos >= 0 && next < TABLE) {
      // KwKwK: the code being defined by this very step; it is the previous string plus
      // that string's first byte, which is what the entry below points at.
      start = prevPos;
      len = prevLen + 1;
    } else {
      throw badCode(code, next, prevPos < 0);
    }
    if (prevPos >= 0 && next < TABLE) {
      offs[next] = prevPos;
      lens[next] = prevLen + 1;
      next++;
      if (next >= (1 << width) - 1 && width < MAX_WIDTH) width++;
    }
    prevPos = pos;
    prevLen = len;
    pos = emit(out, pos, code, start, len);
  }
  return pos;
}

/** Writes one code's string at `pos` (clipped to the output) and returns the new position. */
function emit(out: Uint8Array, pos: number, code: number, start: number, len: number): number {
  if (start < 0) {
    out[pos] = code;
    return pos + 1;
  }
  const stop = Math.min(out.length, pos + len);
  if (stop - pos > 32) {
    // The KwKwK string ends with its own first byte, one past what is written so far.
    const full = start + len <= pos;
    out.copyWithin(pos, start, full ? start + (stop - pos) : pos);
    if (!full && stop - pos === len) out[stop - 1] = out[start]!;
    return stop;
  }
  for (let k = 0; pos < stop; k++) out[pos++] = out[start + k]!;
  return stop;
}

/**
 * The old-style stream (libtiff's LZWDecodeCompat): codes packed least significant bit
 * first and the width grows only when the table needs it (no early change).
 */
function decodeCompat(src: Uint8Array, out: Uint8Array): number {
  const offs = new Int32Array(TABLE);
  const lens = new Int32Array(TABLE);
  const want = out.length;
  let i = 0;
  let acc = 0;
  let bits = 0;
  let width = 9;
  let next = FIRST;
  let pos = 0;
  let prevPos = -1;
  let prevLen = 0;
  while (pos < want) {
    while (bits < width) {
      if (i >= src.length) return pos;
      acc |= src[i++]! << bits;
      bits += 8;
    }
    const code = acc & ((1 << width) - 1);
    acc >>>= width;
    bits -= width;
    if (code === EOI) return pos;
    if (code === CLEAR) {
      width = 9;
      next = FIRST;
      prevPos = -1;
      continue;
    }
    let start = -1;
    let len = 1;
    if (code >= 256) {
      if (code < next) {
        start = offs[code]!;
        len = lens[code]!;
      } else if (code === next && prevPos >= 0 && next < TABLE) {
        start = prevPos;
        len = prevLen + 1;
      } else {
        throw badCode(code, next, prevPos < 0);
      }
    }
    if (prevPos >= 0 && next < TABLE) {
      offs[next] = prevPos;
      lens[next] = prevLen + 1;
      next++;
      if (next > (1 << width) - 1 && width < MAX_WIDTH) width++;
    }
    prevPos = pos;
    prevLen = len;
    pos = emit(out, pos, code, start, len);
  }
  return pos;
}

function badCode(code: number, next: number, afterClear: boolean): LzwError {
  return new LzwError(afterClear
    ? `code ${code} right after a Clear, where only single-byte codes (0-255) can come`
    : `code ${code} when the table holds codes up to ${next - 1}`);
}
