/**
 * Absurd chunk grids in forged or corrupt metadata (an outside tester's report): refused at
 * open with one metadata error, never a V8 heap abort, a raw RangeError, or "the chunk is
 * corrupt"; chunks larger than the shape (valid Zarr) still read. Real files in temporary folders.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromZarr, ZarrError } from "../../../src/io/zarr/index.js";
import { MAX_CHUNK_ELEMENTS, MAX_CHUNKS, MAX_CHUNKS_PER_AXIS } from "../../../src/io/zarr/metadata.js";
import { tempDir } from "./helpers.js";

function storeWith(shape: number[], chunks: number[]): string {
  const dir = join(tempDir(), "a.zarr");
  mkdirSync(dir);
  writeFileSync(join(dir, ".zarray"), JSON.stringify({ zarr_format: 2, shape, chunks, dtype: "<u2", compressor: null, fill_value: 0, filters: null, order: "C" }));
  return dir;
}

async function errorOf(p: Promise<unknown>): Promise<ZarrError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ZarrError);
  return e as ZarrError;
}

describe("chunk grids chunkwise cannot hold are refused at open", () => {
  it.each([
    ["1.5e11 chunks of one voxel", [2, 2, 16, 48000000, 48], [1, 1, 1, 1, 1], /must have at most 16777216 chunks per axis; got 48000000 along axis 3/, "the chunks are far too small: fix the metadata or re-write the array with larger chunks"],
    ["a 1e12-long first axis", [1e12, 2, 16, 48, 48], [1, 1, 16, 48, 48], /must have at most 16777216 chunks per axis; got 1000000000000 along axis 0/, "the chunks are far too small: fix the metadata or re-write the array with larger chunks"],
    ["2^32 chunks in all", [65536, 65536], [1, 1], /must have at most 2147483648 chunks in all; got 4294967296/, "the chunks are far too small: fix the metadata or re-write the array with larger chunks"],
    ["a chunk of 1e10 elements (larger than the shape)", [4, 4], [100000, 100000], /must have chunks of at most 4294967296 elements .*; got 10000000000/, "the chunks are far too large: fix the metadata or re-write the array with smaller chunks"],
  ])("%s", async (_what, shape, chunks, message, advice) => {
    const e = await errorOf(fromZarr(storeWith(shape, chunks)));
    expect(e.kind).toBe("metadata");
    expect(e.message).toMatch(/^fromZarr: the chunk grid of .*\.zarray \(shape .*, chunks .*\) must have/);
    expect(e.message).toMatch(message);
    expect(e.message.endsWith(`The metadata is corrupt, or ${advice}`)).toBe(true);
  });

  it("the bounds are as documented", () => {
    expect([MAX_CHUNKS_PER_AXIS, MAX_CHUNKS, MAX_CHUNK_ELEMENTS]).toEqual([2 ** 24, 2 ** 31, 2 ** 32]);
  });

  it("chunks larger than the shape are valid Zarr and read (a chunk padded as zarr-python writes it)", async () => {
    const a = storeWith([3, 5], [8, 8]);
    const padded = new Uint16Array(64).map((_, i) => (Math.floor(i / 8) < 3 && i % 8 < 5 ? Math.floor(i / 8) * 5 + (i % 8) : 0));
    writeFileSync(join(a, "0.0"), Buffer.from(padded.buffer));
    const r = await (await fromZarr(a)).compute();
    expect(Array.from(r.data as Uint16Array)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it("a chunk too large to allocate at compute (metadata changed after open) is a memory error, not a corrupt chunk", async () => {
    const a = storeWith([4, 4], [4, 4]);
    const x = await fromZarr(a);
    writeFileSync(join(a, ".zarray"), JSON.stringify({ zarr_format: 2, shape: [4, 4], chunks: [100000, 100000], dtype: "<u2", compressor: null, fill_value: 0, filters: null, order: "C" }));
    const e = await x.compute().then(() => undefined, (err: unknown) => err);
    const chain: unknown[] = [];
    for (let c = e; c instanceof Error; c = c.cause) chain.push(c);
    const z = chain.find((c): c is ZarrError => c instanceof ZarrError);
    expect(z?.message).toMatch(/must fit in memory as one array of chunk shape \[4,4\]; got .*Re-write the array with smaller chunks/);
    expect(z?.message).not.toMatch(/corrupt/);
  });
});
