/**
 * The CLI's memory estimate counts the codecs' buffers per worker thread (src/cli/job-codec-memory.ts):
 * the formula per codec (chunkwise's blosc codec: a heap of three blocks), and the plan of a run on the tiny demo dataset (zstd input, one
 * 16x48x48 uint16 volume per chunk), whose task estimate grows by exactly the codec bytes the
 * chosen output compressor needs.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DemoData } from "../../src/cli/demo.js";
import { BLOSC_HEAP, compressBound, decodeHeapBytes, encodeBytes } from "../../src/cli/job-codec-memory.js";
import { cli, jsonLines, withTinyDemo } from "./job-helpers.js";

let dir: string;
let demo: DemoData;

withTinyDemo("codec-memory", (d, m) => {
  dir = d;
  demo = m;
});

const MB = 1e6;

describe("codec buffers in the CLI's memory estimate", () => {
  it("the formula: a WebAssembly heap holds the chunk and its bound; the encoded copy is one bound", () => {
    expect(compressBound(255 * MB)).toBe(256 * MB + 65536);
    const chunk = 632 * MB;
    expect(decodeHeapBytes([{ name: "zstd", role: "codec", config: { level: 3 } }], chunk)).toBe(chunk + compressBound(chunk));
    expect(decodeHeapBytes([{ name: "numcodecs.zstd", role: "compressor", config: {} }], chunk)).toBe(chunk + compressBound(chunk));
    // Every blosc frame passes through chunkwise's block heap; bit shuffle also through numcodecs.js's.
    expect(decodeHeapBytes([{ name: "blosc", role: "codec", config: { shuffle: "bitshuffle" } }], chunk)).toBe(chunk + compressBound(chunk) + BLOSC_HEAP);
    expect(decodeHeapBytes([{ name: "numcodecs.blosc", role: "compressor", config: { shuffle: 2 } }], chunk)).toBe(chunk + compressBound(chunk) + BLOSC_HEAP);
    expect(decodeHeapBytes([{ name: "numcodecs.blosc", role: "compressor", config: { shuffle: 1, blocksize: 0 } }], chunk)).toBe(BLOSC_HEAP);
    expect(BLOSC_HEAP).toBeLessThan(3.1 * 2 ** 20);
    expect(decodeHeapBytes([{ name: "numcodecs.blosc", role: "compressor", config: { shuffle: 1, blocksize: 8 * 2 ** 20 } }], chunk)).toBe(16384 + 3 * 8 * 2 ** 20 + 1024);
    for (const js of [{ name: "numcodecs.lz4", config: {} }, { name: "gzip", config: {} }, { name: "bytes", config: {} }]) {
      expect(decodeHeapBytes([{ ...js, role: "codec" }], chunk)).toBe(0);
    }
    expect(encodeBytes(null, chunk)).toBe(0);
    expect(encodeBytes({ id: "gzip", level: 1 }, chunk)).toBe(compressBound(chunk));
    for (const wasm of [{ id: "zstd", level: 3 }, { id: "lz4", acceleration: 1 }] as const) {
      expect(encodeBytes(wasm, chunk)).toBe(chunk + 2 * compressBound(chunk));
    }
    // numcodecs.js's blosc binding holds the chunk twice on its heap (measured: 3.6 to 3.9 chunks in all).
    expect(encodeBytes({ id: "blosc", cname: "zstd", clevel: 5, shuffle: 1 }, chunk)).toBe(2 * chunk + 2 * compressBound(chunk));
    expect(encodeBytes({ id: "blosc", cname: "lz4", clevel: 5, shuffle: 2 }, chunk)).toBe(2 * chunk + 2 * compressBound(chunk));
    // chunkwise's blosc lz4: three blocks of heap and the one frame the blocks are compressed into.
    expect(encodeBytes({ id: "blosc", cname: "lz4", clevel: 5, shuffle: 1 }, chunk)).toBe(BLOSC_HEAP + compressBound(chunk));
    expect(encodeBytes({ id: "blosc", cname: "lz4", clevel: 0, shuffle: 0 }, chunk)).toBe(BLOSC_HEAP + compressBound(chunk));
  });

  it("the plan of a run counts them per task: zstd input decoded, the output compressor's encode", async () => {
    const plan = async (...more: string[]) => {
      const r = await cli("deconvolve", demo.store, "--path", "data", "--psf", demo.psfPattern, "--out", join(dir, "o.zarr"), "--executor", "inline", "--json", "--iterations", "1", ...more);
      expect(r.code).toBe(0);
      return jsonLines(r.out)[0] as { taskBytes: number; codecBytes: number };
    };
    const inChunk = 16 * 48 * 48 * 2;
    const outChunk = 16 * 48 * 48 * 4;
    const none = await plan("--compressor", "none", "--overwrite");
    expect(none.codecBytes).toBe(inChunk + compressBound(inChunk));
    const blosc = await plan("--overwrite");
    expect(blosc.codecBytes).toBe(none.codecBytes + BLOSC_HEAP + compressBound(outChunk));
    expect(blosc.taskBytes - none.taskBytes).toBe(blosc.codecBytes - none.codecBytes);
  });
});
