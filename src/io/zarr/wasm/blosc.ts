// AssemblyScript source of chunkwise's WebAssembly blosc/lz4 codec (not TypeScript: built by
// `npm run build:wasm`, scripts/build-fft-wasm.ts, into src/io/zarr/blosc-wasm-binary.ts; this
// folder is excluded from tsc like src/fft/wasm). The module works on one blosc block at a
// time in a small imported memory (the match table at 0, the caller's buffers above it):
// src/io/zarr/blosc-wasm.ts copies each block in and its result out, so no whole chunk ever
// lives in the wasm heap. Frames, headers and every check of a foreign frame stay in
// TypeScript (blosc-frame.ts, blosc-encode.ts); this file holds the byte work: shuffle.ts's
// byte (un)shuffle and lz4.ts's LZ4 block codec.

import { lz4Compress } from "./lz4";
import { shuffle } from "./shuffle";

export { lz4Bound, lz4Compress, lz4Decompress, badOffset } from "./lz4";
export { shuffle, unshuffle } from "./shuffle";

/**
 * c-blosc 1.21's `blosc_c` for lz4: shuffles the block of `bsize` bytes at src (into tmp) when
 * `doshuffle`, then compresses each of its `nsplits` equal streams into dst as a 4-byte length
 * and the LZ4 stream, each with an output budget of its own size capped by what the frame has
 * left (`maxbytes - ntbytes`, ntbytes counting this block's output so far); a stream that LZ4
 * cannot fit in its budget, or that compresses to its own size, is stored raw when the frame
 * has room for it. Returns the block's output length, or 0 when the frame has no room left (the
 * caller then stores the whole chunk uncompressed).
 */
export function compressBlock(src: usize, bsize: i32, ts: i32, doshuffle: bool, nsplits: i32, tmp: usize, dst: usize, ntbytes: i32, maxbytes: i32, accel: i32): i32 {
  let from = src;
  if (doshuffle) {
    shuffle(ts, bsize, src, tmp);
    from = tmp;
  }
  const neblock = bsize / nsplits;
  let op = dst;
  for (let j = 0; j < nsplits; j++) {
    op += 4;
    ntbytes += 4;
    let maxout = neblock;
    if (ntbytes + maxout > maxbytes) {
      maxout = maxbytes - ntbytes;
      if (maxout <= 0) return 0;
    }
    const stream = from + <usize>j * neblock;
    let cbytes = lz4Compress(stream, neblock, op, maxout, accel);
    if (cbytes == 0 || cbytes == neblock) {
      if (ntbytes + neblock > maxbytes) return 0;
      memory.copy(op, stream, neblock);
      cbytes = neblock;
    }
    store<i32>(op - 4, cbytes);
    op += cbytes;
    ntbytes += cbytes;
  }
  return <i32>(op - dst);
}
