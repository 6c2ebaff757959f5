/**
 * The CLI's memory estimate counts the codecs' buffers per worker thread (src/cli/job-codec-memory.ts):
 * the formula per codec, and the plan of a run on the tiny demo dataset (zstd input, one
 * 16x48x48 uint16 volume per chunk), whose task estimate grows by exactly the codec bytes the
 * chosen output compressor needs.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDemoData, type DemoData } from "../../src/cli/demo.js";
import { compressBound, decodeHeapBytes, encodeBytes } from "../../src/cli/job-codec-memory.js";
import { cli, jsonLines, tempDir } from "./job-helpers.js";

let dir: string;
let demo: DemoData;

beforeAll(async () => {
  dir = await tempDir("codec-memory");
  demo = await writeDemoData(dir, "tiny", 1);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const MB = 1e6;

describe("codec buffers in the CLI's memory estimate", () => {
  it("the formula: a WebAssembly heap holds the chunk and its bound; the encoded copy is one bound", () => {
    expect(compressBound(255 * MB)).toBe(256 * MB + 65536);
    const chunk = 632 * MB;
    expect(decodeHeapBytes([{ name: "zstd", role: "codec", config: { level: 3 } }], chunk)).toBe(chunk + compressBound(chunk));
    expect(decodeHeapBytes([{ name: "numcodecs.zstd", role: "compressor", config: {} }], chunk)).toBe(chunk + compressBound(chunk));
    expect(decodeHeapBytes([{ name: "blosc", role: "codec", config: { shuffle: "bitshuffle" } }], chunk)).toBe(chunk + compressBound(chunk));
    expect(decodeHeapBytes([{ name: "numcodecs.blosc", role: "compressor", config: { shuffle: 2 } }], chunk)).toBe(chunk + compressBound(chunk));
    for (const js of [{ name: "numcodecs.blosc", config: { shuffle: 1 } }, { name: "numcodecs.lz4", config: {} }, { name: "gzip", config: {} }, { name: "bytes", config: {} }]) {
      expect(decodeHeapBytes([{ ...js, role: "codec" }], chunk)).toBe(0);
    }
    expect(encodeBytes(null, chunk)).toBe(0);
    expect(encodeBytes({ id: "gzip", level: 1 }, chunk)).toBe(compressBound(chunk));
    for (const wasm of [{ id: "zstd", level: 3 }, { id: "lz4", acceleration: 1 }] as const) {
      expect(encodeBytes(wasm, chunk)).toBe(chunk + 2 * compressBound(chunk));
    }
    // Blosc's binding holds the chunk twice on its heap (measured: 3.6 to 3.9 chunks in all).
    expect(encodeBytes({ id: "blosc", cname: "lz4", clevel: 5, shuffle: 1 }, chunk)).toBe(2 * chunk + 2 * compressBound(chunk));
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
    expect(blosc.codecBytes).toBe(none.codecBytes + 2 * outChunk + 2 * compressBound(outChunk));
    expect(blosc.taskBytes - none.taskBytes).toBe(blosc.codecBytes - none.codecBytes);
  });
});
