/**
 * Byte-level decoders and format walkers that the checked Zarr codecs rely on, each enforcing
 * what its reference implementation enforces:
 * - {@link lz4Block}: an LZ4 block (the format of numcodecs' LZ4 after its 4-byte size prefix,
 *   and of blosc's lz4/lz4hc streams), as `LZ4_decompress_safe`: every literal run and match
 *   inside the input and the output, no match before the output start, the block ends with
 *   literals.
 * - {@link blosclz}: blosc's own LZ77 stream, a line-by-line port of c-blosc 1.21's
 *   `blosclz_decompress` (same bounds checks, same early stop).
 * - {@link zstdFrames}: walks zstd frames and block headers without decoding, so a truncated or
 *   padded frame is refused before any decoder sees it, and bounds what the frames can decode
 *   to (what `zstd-decode.ts` sizes its output by).
 * - {@link crc32c}: CRC-32C (Castagnoli), the checksum of the Zarr v3 `crc32c` codec.
 * A failure throws {@link CorruptData}; callers add which chunk it was.
 * @module
 */

/** The bytes contradict their own format: never returned as data. */
export class CorruptData extends Error {
  override readonly name = "CorruptData";
}

const LZ4_FAULTS: Record<number, string> = {
  [-1]: "lz4 block is empty",
  [-2]: "lz4 literal length runs past the end of the block",
  [-3]: "lz4 literals run past the end of the block",
  [-4]: "lz4 literals run past the decoded size",
  [-5]: "lz4 match offset runs past the end of the block",
  [-7]: "lz4 match length runs past the end of the block",
  [-8]: "lz4 match runs past the decoded size",
  [-9]: "lz4 block ends with a match; it must end with literals",
};

/**
 * The error for an LZ4 block's first violation, by the codes of the WebAssembly decoder
 * (src/io/zarr/wasm/lz4.ts), which {@link lz4Block} shares so both word it alike.
 */
export function lz4Fault(code: number, offset: number): CorruptData {
  return new CorruptData(code === -6 ? `lz4 match offset ${offset} points before the start of the output` : LZ4_FAULTS[code] ?? `lz4 decoder failed with code ${code}`);
}

/**
 * Decodes one LZ4 block into `out` and returns how many bytes it wrote (the bare numcodecs
 * LZ4 codec's block is the whole chunk, so it is decoded here rather than in the wasm heap).
 * @throws {CorruptData} when the block reads or writes out of bounds or ends inside a sequence
 */
export function lz4Block(src: Uint8Array, out: Uint8Array): number {
  const end = src.length;
  let ip = 0;
  let op = 0;
  if (end === 0) throw lz4Fault(-1, 0);
  for (;;) {
    const token = src[ip++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (ip >= end) throw lz4Fault(-2, 0);
        b = src[ip++]!;
        lit += b;
      } while (b === 255);
    }
    if (ip + lit > end) throw lz4Fault(-3, 0);
    if (op + lit > out.length) throw lz4Fault(-4, 0);
    // Short runs by hand: a subarray per sequence costs more than the copy.
    if (lit < 32) for (let k = 0; k < lit; k++) out[op + k] = src[ip + k]!;
    else out.set(src.subarray(ip, ip + lit), op);
    ip += lit;
    op += lit;
    if (ip === end) return op; // the last sequence is literals only
    if (ip + 2 > end) throw lz4Fault(-5, 0);
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw lz4Fault(-6, offset);
    let len = token & 15;
    if (len === 15) {
      let b: number;
      do {
        if (ip >= end) throw lz4Fault(-7, 0);
        b = src[ip++]!;
        len += b;
      } while (b === 255);
    }
    len += 4;
    if (op + len > out.length) throw lz4Fault(-8, 0);
    if (ip >= end) throw lz4Fault(-9, 0);
    let ref = op - offset;
    if (offset >= len && len >= 32) {
      out.copyWithin(op, ref, ref + len);
      op += len;
    } else {
      for (const stop = op + len; op < stop;) out[op++] = out[ref++]!;
    }
  }
}

const MAX_DISTANCE = 8191;

/**
 * Decodes one blosclz stream into `out` (at most `out.length` bytes) and returns how many
 * bytes it wrote; 0 on any bounds violation, exactly as c-blosc's `blosclz_decompress`.
 */
export function blosclz(src: Uint8Array, out: Uint8Array): number {
  const end = src.length;
  if (end === 0) return 0;
  let ip = 0;
  let op = 0;
  let ctrl = src[ip++]! & 31;
  for (;;) {
    if (ctrl >= 32) {
      let len = (ctrl >>> 5) - 1;
      let ofs = (ctrl & 31) << 8;
      let ref = op - ofs;
      let code: number;
      if (len === 6) {
        do {
          if (ip + 1 >= end) return 0;
          code = src[ip++]!;
          len += code;
        } while (code === 255);
      } else if (ip + 1 >= end) return 0;
      code = src[ip++]!;
      len += 3;
      ref -= code;
      if (code === 255 && ofs === 31 << 8) {
        if (ip + 1 >= end) return 0;
        ofs = src[ip++]! << 8;
        ofs += src[ip++]!;
        ref = op - ofs - MAX_DISTANCE;
      }
      if (op + len > out.length) return 0;
      if (ref - 1 < 0) return 0;
      if (ip >= end) break;
      ctrl = src[ip++]!;
      ref--;
      for (const stop = op + len; op < stop;) out[op++] = out[ref++]!;
    } else {
      ctrl++;
      if (op + ctrl > out.length) return 0;
      if (ip + ctrl > end) return 0;
      out.set(src.subarray(ip, ip + ctrl), op);
      op += ctrl;
      ip += ctrl;
      if (ip >= end) break;
      ctrl = src[ip++]!;
    }
  }
  return op;
}

/** zstd's Block_Maximum_Size: no block decodes to more (RFC 8878, 3.1.1.2.3). */
const ZSTD_BLOCK_MAX = 131072;

/**
 * Walks the zstd frames that make up `src` (skippable frames allowed) and checks that every
 * block header lies inside the input and the frames end exactly at its end.
 * @returns `stated`: the summed frame content sizes, or undefined when a frame does not state
 *   its size; `atLeast`: the bytes the raw and RLE blocks alone decode to (so a frame without a
 *   stated size can still be refused before decoding when it would exceed the chunk);
 *   `atMost`: `atLeast` plus 128 KiB (zstd's largest block) per compressed block, a bound on
 *   what the frames can decode to
 * @throws {CorruptData} for a bad magic number, a reserved bit, or a frame cut short or padded
 */
export function zstdFrames(src: Uint8Array): { stated: number | undefined; atLeast: number; atMost: number } {
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const end = src.length;
  const need = (p: number, n: number, what: string): void => {
    if (p + n > end) throw new CorruptData(`zstd ${what} runs past the end of the data (${end} bytes)`);
  };
  let p = 0;
  let total: number | undefined = 0;
  let atLeast = 0;
  let compressed = 0;
  if (end === 0) throw new CorruptData("zstd data is empty");
  while (p < end) {
    need(p, 4, "frame magic number");
    const magic = dv.getUint32(p, true);
    if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) {
      need(p, 8, "skippable frame header");
      const size = dv.getUint32(p + 4, true);
      need(p + 8, size, "skippable frame");
      p += 8 + size;
      continue;
    }
    if (magic !== 0xfd2fb528) throw new CorruptData(`zstd frame at byte ${p} must start with the zstd magic number; got 0x${magic.toString(16)}`);
    need(p, 5, "frame header");
    const fhd = src[p + 4]!;
    if (fhd & 0x08) throw new CorruptData("zstd frame header has its reserved bit set");
    const single = (fhd >>> 5) & 1;
    const fcsBytes = [single ? 1 : 0, 2, 4, 8][fhd >>> 6]!;
    let q = p + 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3]!;
    need(q, fcsBytes, "frame header");
    let fcs: number | undefined;
    if (fcsBytes === 1) fcs = src[q]!;
    else if (fcsBytes === 2) fcs = dv.getUint16(q, true) + 256;
    else if (fcsBytes === 4) fcs = dv.getUint32(q, true);
    else if (fcsBytes === 8) fcs = dv.getUint32(q, true) + dv.getUint32(q + 4, true) * 2 ** 32;
    total = fcs === undefined || total === undefined ? undefined : total + fcs;
    q += fcsBytes;
    for (;;) {
      need(q, 3, "block header");
      const h = src[q]! | (src[q + 1]! << 8) | (src[q + 2]! << 16);
      const type = (h >>> 1) & 3;
      if (type === 3) throw new CorruptData(`zstd block at byte ${q} has the reserved block type`);
      const size = type === 1 ? 1 : h >>> 3;
      need(q + 3, size, "block");
      if (type !== 2) atLeast += h >>> 3;
      else compressed++;
      q += 3 + size;
      if (h & 1) break;
    }
    if (fhd & 0x04) {
      need(q, 4, "frame checksum");
      q += 4;
    }
    p = q;
  }
  return { stated: total, atLeast, atMost: atLeast + compressed * ZSTD_BLOCK_MAX };
}

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C of `bytes` (the checksum the Zarr v3 `crc32c` codec appends, little-endian). */
export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC32C_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
