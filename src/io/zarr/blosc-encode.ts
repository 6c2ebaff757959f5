/**
 * Encodes blosc 1.x frames with the lz4 compressor, byte shuffle or none, as c-blosc 1.21
 * (with LZ4 1.9.4) writes them for numcodecs' `Blosc(cname="lz4")`: same header, block size,
 * split streams and fallbacks, so the frames are byte-identical to numcodecs' (checked against
 * frames Debian's numcodecs made, test/fixtures/zarr/blosc-lz4/).
 *
 * The rules, from c-blosc's `compute_blocksize`, `write_compression_header` and `blosc_c`:
 * - blocks of 32 KiB scaled by clevel (x1/2 for 1, x1 for 2, x2 for 3, x4 for 4-5, x8 for
 *   6-9), then, when the block splits, at most 256 KiB per element byte times the type size,
 *   kept within [64 KiB, 1 MiB], never more than the buffer, a multiple of the type size;
 *   buffers under 32 KiB are one block; under one element, a block of 1 byte;
 * - a block splits into one stream per element byte when the type size is at most 16 and a
 *   block holds at least 128 elements (flag bit 4 clear), except the last, shorter block;
 * - LZ4 acceleration `10 - clevel`; each stream's output budget is its own size, capped by what
 *   is left of `nbytes + 16`; a stream LZ4 cannot fit, or that comes out at its own size, is
 *   stored raw; when even that does not fit, the whole buffer is stored uncompressed after the
 *   header (flag bit 1), as it is for clevel 0 and for buffers under 128 bytes.
 * @module
 */
import { bloscWasm } from "./blosc-wasm.js";

const MIN_BUFFERSIZE = 128;
const MAX_SPLITS = 16;
const L1 = 32 * 1024;
const MAX_TYPESIZE = 255;
const OVERHEAD = 16;
/** c-blosc's BLOSC_MAX_BUFFERSIZE: INT_MAX less the header. */
const MAX_BUFFERSIZE = 2 ** 31 - 1 - OVERHEAD;
const DOSHUFFLE = 0x1;
const MEMCPYED = 0x2;
const DONT_SPLIT = 0x10;
const LZ4_FORMAT = 1 << 5;

const splits = (typesize: number, blocksize: number): boolean => typesize <= MAX_SPLITS && Math.floor(blocksize / typesize) >= MIN_BUFFERSIZE;

/** c-blosc 1.21's `compute_blocksize` for lz4 (not a high-compression codec), no forced size. */
export function bloscBlocksize(clevel: number, typesize: number, nbytes: number): number {
  if (nbytes < typesize) return 1;
  let blocksize = nbytes;
  if (nbytes >= L1) {
    blocksize = L1 * [0.25, 0.5, 1, 2, 4, 4, 8, 8, 8, 8][clevel]!;
  }
  if (clevel > 0 && splits(typesize, blocksize)) {
    blocksize = Math.min(blocksize, 1 << 18) * typesize;
    blocksize = Math.min(Math.max(blocksize, 1 << 16), 1 << 20);
  }
  if (blocksize > nbytes) blocksize = nbytes;
  if (blocksize > typesize) blocksize = Math.floor(blocksize / typesize) * typesize;
  return blocksize;
}

/**
 * A blosc frame of `src` (elements of `typesize` bytes) compressed with lz4.
 * @param shuffle - 1 for byte shuffle, 0 for none
 * @throws {RangeError} for a buffer past blosc's 2 GiB limit
 */
export function encodeBloscLz4(src: Uint8Array, typesize: number, clevel: number, shuffle: 0 | 1): Uint8Array {
  const nbytes = src.length;
  if (nbytes > MAX_BUFFERSIZE) throw new RangeError(`blosc buffers must be at most ${MAX_BUFFERSIZE} bytes; got ${nbytes}`);
  const ts = typesize > MAX_TYPESIZE ? 1 : typesize;
  const blocksize = bloscBlocksize(clevel, ts, nbytes);
  let flags = LZ4_FORMAT | (shuffle === 1 ? DOSHUFFLE : 0) | (splits(ts, blocksize) ? 0 : DONT_SPLIT);
  const header = (cbytes: number, out: Uint8Array): void => {
    const dv = new DataView(out.buffer, out.byteOffset, 16);
    out.set([2, 1, flags, ts]);
    dv.setInt32(4, nbytes, true);
    dv.setInt32(8, blocksize, true);
    dv.setInt32(12, cbytes, true);
  };
  // One buffer of the largest frame blosc writes (the chunk stored after the header): the blocks
  // are compressed straight into it, and a frame that would not shrink becomes that stored
  // frame in place. Pages past the compressed frame are never touched, so they cost no memory.
  const out = new Uint8Array(OVERHEAD + nbytes);
  const total = clevel === 0 || nbytes < MIN_BUFFERSIZE ? 0 : compressBlocks(src, ts, blocksize, flags, clevel, out);
  if (total === 0) {
    flags |= MEMCPYED;
    header(out.length, out);
    out.set(src, OVERHEAD);
    return out;
  }
  header(total, out);
  return out.subarray(0, total);
}

/**
 * Compresses each block (shuffled and split) into `out` after the header and the block-start
 * table, filling the table; returns the frame's length, or 0 when it would not shrink below
 * nbytes + 16.
 */
function compressBlocks(src: Uint8Array, ts: number, blocksize: number, flags: number, clevel: number, out: Uint8Array): number {
  const nbytes = src.length;
  const nblocks = Math.ceil(nbytes / blocksize);
  const leftover = nbytes % blocksize;
  const w = bloscWasm();
  w.reserve(blocksize, blocksize, blocksize + 4 * ts);
  const mem = w.bytes();
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const doshuffle = (flags & DOSHUFFLE) !== 0 && ts > 1 ? 1 : 0;
  const maxbytes = nbytes + OVERHEAD;
  let ntbytes = OVERHEAD + 4 * nblocks;
  if (ntbytes > maxbytes) return 0;
  for (let j = 0; j < nblocks; j++) {
    const last = j === nblocks - 1 && leftover > 0;
    const bsize = last ? leftover : blocksize;
    const nsplits = !(flags & DONT_SPLIT) && !last ? ts : 1;
    mem.set(src.subarray(j * blocksize, j * blocksize + bsize), w.a);
    const n = w.exports.compressBlock(w.a, bsize, ts, doshuffle, nsplits, w.b, w.c, ntbytes, maxbytes, 10 - clevel);
    if (n === 0) return 0;
    dv.setInt32(OVERHEAD + 4 * j, ntbytes, true);
    out.set(mem.subarray(w.c, w.c + n), ntbytes);
    ntbytes += n;
  }
  return ntbytes;
}
