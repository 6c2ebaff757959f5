/**
 * Decodes a blosc 1.x frame (what numcodecs' Blosc and the Zarr v3 `blosc` codec store),
 * enforcing every check c-blosc 1.21 makes in `blosc_decompress` plus the ones numcodecs.js
 * skips: numcodecs.js's WebAssembly blosc ignores `blosc_decompress`'s return value and hands
 * back uninitialised memory for a damaged frame, so this module decodes the frame itself.
 *
 * Checked, in this order: a 16-byte header; `cbytes` equal to the chunk's byte length;
 * `nbytes` equal to the size the chunk's shape and dtype need; format version 2, no future
 * flags, typesize >= 1, 0 < blocksize <= nbytes; a memcpyed frame exactly 16 + nbytes long;
 * the block-start table inside the frame; each split stream's length inside the frame; each
 * stream decoding to exactly its share of the block (`nbytes != neblock` is c-blosc's -2).
 * Byte shuffle is undone and lz4 streams decoded by the WebAssembly codec (blosc-wasm.ts), block by block; bit shuffle is left to numcodecs.js's blosc once every stream
 * has been verified (then its decode cannot fail), and its output length is checked too.
 * @module
 */
import { bloscWasm, releaseIfLarge, type BloscWasm } from "./blosc-wasm.js";
import { CorruptData, blosclz, lz4Fault, zstdFrames } from "./byte-codecs.js";
import { zlibInflate } from "./host.js";

/** Decoders this module delegates to: zstd streams (into at most `capacity` bytes) and numcodecs.js's bit-unshuffle. */
export interface BloscHelpers {
  zstd(bytes: Uint8Array, capacity: number): Promise<Uint8Array>;
  blosc(bytes: Uint8Array): Promise<Uint8Array>;
}

const DOSHUFFLE = 0x1;
const MEMCPYED = 0x2;
const DOBITSHUFFLE = 0x4;
const DONT_SPLIT = 0x10;
const MAX_SPLITS = 16;
const MIN_BUFFERSIZE = 128;
const FORMATS = ["blosclz", "lz4", "snappy", "zlib", "zstd"];

/**
 * Decodes a blosc frame.
 * @param expected - the decoded byte length the chunk must have, when known
 * @throws {CorruptData} naming the first inconsistency
 */
export async function decodeBlosc(src: Uint8Array, expected: number | undefined, helpers: BloscHelpers): Promise<Uint8Array> {
  if (src.length < 16) throw new CorruptData(`blosc frame is ${src.length} bytes, shorter than blosc's 16-byte header`);
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const [version, , flags, typesize] = [src[0]!, src[1]!, src[2]!, src[3]!];
  const nbytes = dv.getInt32(4, true);
  const blocksize = dv.getInt32(8, true);
  const cbytes = dv.getInt32(12, true);
  if (cbytes !== src.length) throw new CorruptData(`blosc header says the frame is ${cbytes} bytes; the chunk has ${src.length}`);
  if (expected !== undefined && nbytes !== expected) throw new CorruptData(`blosc header says ${nbytes} decoded bytes; the chunk's shape and dtype need ${expected}`);
  if (nbytes < 0) throw new CorruptData(`blosc header says ${nbytes} decoded bytes`);
  if (nbytes === 0) return new Uint8Array(0);
  if (version !== 2) throw new CorruptData(`blosc format version is ${version}; blosc 1.x writes 2`);
  if (flags & 0x08) throw new CorruptData(`blosc header flags 0x${flags.toString(16)} set a bit blosc 1.x never writes`);
  if (typesize < 1) throw new CorruptData("blosc header says typesize 0");
  if (blocksize <= 0 || blocksize > nbytes) throw new CorruptData(`blosc header says blocksize ${blocksize} for ${nbytes} bytes`);
  if (flags & MEMCPYED) {
    if (cbytes !== nbytes + 16) throw new CorruptData(`blosc frame stored uncompressed must be 16 + ${nbytes} bytes; got ${cbytes}`);
    return src.slice(16);
  }
  const format = FORMATS[(flags & 0xe0) >>> 5];
  if (format === undefined || format === "snappy") {
    throw new CorruptData(`blosc frame uses compressor format ${(flags & 0xe0) >>> 5}${format ? ` (${format})` : ""}, which chunkwise cannot decode`);
  }
  const nblocks = Math.ceil(nbytes / blocksize);
  const leftover = nbytes % blocksize;
  if (nblocks > Math.floor((cbytes - 16) / 4)) throw new CorruptData(`blosc frame is too short for its ${nblocks} block offsets`);
  const out = new Uint8Array(nbytes);
  // Each block is gathered in the wasm codec's buffer b (lz4 streams decoded there from a copy
  // in buffer a, other streams decoded in JavaScript and copied in), byte-unshuffled into
  // buffer c, and copied out: the wasm heap holds a few blocks, never the chunk.
  const w = bloscWasm();
  let tmp: Uint8Array | undefined;
  let bitshuffled = false;
  try {
    for (let j = 0; j < nblocks; j++) {
      const last = j === nblocks - 1 && leftover > 0;
      const bsize = last ? leftover : blocksize;
      const doshuffle = (flags & DOSHUFFLE) !== 0 && typesize > 1;
      const dobit = (flags & DOBITSHUFFLE) !== 0 && bsize >= typesize;
      const nsplits = !(flags & DONT_SPLIT) && typesize <= MAX_SPLITS && Math.floor(bsize / typesize) >= MIN_BUFFERSIZE && !last ? typesize : 1;
      if (bsize % nsplits !== 0) throw new CorruptData(`blosc block ${j} of ${bsize} bytes cannot split into ${nsplits} streams`);
      const neblock = bsize / nsplits;
      // lz4 blocks are gathered in wasm buffer b with no await in between (so no other decode
      // on this thread can move the buffers); other formats in `tmp`, copied in at the end.
      const inWasm = format === "lz4";
      if (inWasm) w.reserve(0, blocksize, blocksize);
      else tmp ??= new Uint8Array(blocksize);
      let at = dv.getInt32(16 + 4 * j, true);
      for (let s = 0; s < nsplits; s++) {
        if (at < 0 || at > cbytes - 4) throw new CorruptData(`blosc block ${j} stream ${s} starts at byte ${at}, outside the ${cbytes}-byte frame`);
        const csize = dv.getInt32(at, true);
        at += 4;
        if (csize < 0 || csize > cbytes - at) throw new CorruptData(`blosc block ${j} stream ${s} says ${csize} bytes; only ${cbytes - at} remain in the frame`);
        const stream = src.subarray(at, at + csize);
        if (csize === neblock) {
          if (inWasm) w.bytes().set(stream, w.b + s * neblock);
          else tmp!.set(stream, s * neblock);
        } else {
          let n: number;
          if (inWasm) {
            w.fitA(csize);
            w.bytes().set(stream, w.a);
            n = w.exports.lz4Decompress(w.a, csize, w.b + s * neblock, neblock);
            if (n < 0) throw lz4Fault(n, w.exports.badOffset.value);
          } else {
            n = await decodeStream(format, stream, tmp!.subarray(s * neblock, (s + 1) * neblock), helpers);
          }
          if (n !== neblock) throw new CorruptData(`blosc block ${j} stream ${s} (${format}) decodes to ${n} bytes; it must be ${neblock}`);
        }
        at += csize;
      }
      if (dobit && !doshuffle) {
        bitshuffled = true;
        continue;
      }
      emitBlock(w, inWasm ? undefined : tmp!.subarray(0, bsize), doshuffle ? typesize : 1, blocksize, out.subarray(j * blocksize, j * blocksize + bsize));
    }
  } finally {
    // A frame whose blocks are far larger than c-blosc's own must not keep its memory alive.
    releaseIfLarge(w);
  }
  if (!bitshuffled) return out;
  const native = await helpers.blosc(src);
  if (native.length !== nbytes) throw new CorruptData(`blosc decoded ${native.length} bytes; the header says ${nbytes}`);
  return native;
}

/**
 * Writes the gathered block (in wasm buffer b, or `gathered` when decoded in JavaScript) into
 * `dest`, byte-unshuffled through buffer c when `typesize` > 1.
 */
function emitBlock(w: BloscWasm, gathered: Uint8Array | undefined, typesize: number, blocksize: number, dest: Uint8Array): void {
  if (gathered !== undefined) {
    w.reserve(0, blocksize, blocksize);
    w.bytes().set(gathered, w.b);
  }
  if (typesize > 1) w.exports.unshuffle(typesize, dest.length, w.b, w.c);
  const from = typesize > 1 ? w.c : w.b;
  dest.set(w.bytes().subarray(from, from + dest.length));
}

/** Decodes one split stream into `into`; returns the decoded length (or what it would be). */
async function decodeStream(format: string, stream: Uint8Array, into: Uint8Array, helpers: BloscHelpers): Promise<number> {
  switch (format) {
    case "blosclz": return blosclz(stream, into);
    case "zlib": {
      let bytes: Uint8Array;
      try {
        bytes = zlibInflate(stream, into.length);
      } catch (e) {
        throw new CorruptData(`blosc zlib stream does not inflate: ${(e as Error).message}`);
      }
      into.set(bytes.subarray(0, into.length));
      return bytes.length;
    }
    default: {
      const { stated, atLeast, atMost } = zstdFrames(stream);
      if (stated !== undefined && stated !== into.length) return stated;
      if (atLeast > into.length) return atLeast;
      const bytes = await helpers.zstd(stream, stated ?? Math.min(atMost, into.length + 1));
      into.set(bytes.subarray(0, into.length));
      return bytes.length;
    }
  }
}
