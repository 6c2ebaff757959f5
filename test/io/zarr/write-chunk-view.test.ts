/**
 * The chunk writer hands the encoder a view of the block's own data when the block is a whole
 * chunk in C order, at any offset in its buffer (no copy of a 632 MB float32 result before
 * its encode), and a padded copy otherwise; with no compressor the stored bytes are that view.
 */
import { describe, expect, it } from "vitest";
import { cStrides, type Block } from "../../../src/core/ndarray.js";
import { storeRefOf } from "../../../src/io/zarr/store.js";
import { writeZarrChunk, type WriteChunkParams } from "../../../src/io/zarr/write-kernels.js";

function setup(blockShape: number[], chunkShape: number[]) {
  const map = new Map<string, Uint8Array>();
  const params: WriteChunkParams = { store: storeRefOf("test", map), key: "/a/0.0", dtype: "float32", blockShape, chunkShape, fill: 7, compressor: null };
  return { map, params };
}

describe("writeZarrChunk's bytes", () => {
  it("a whole chunk in C order at an offset in a larger buffer is stored as a view of it, not a copy", async () => {
    const data = Float32Array.from({ length: 20 }, (_, i) => i);
    const block: Block = { dtype: "float32", data, shape: [2, 4], stride: cStrides([2, 4]), offset: 6 };
    const { map, params } = setup([2, 4], [2, 4]);
    await writeZarrChunk(block, params);
    const stored = map.get("/a/0.0")!;
    expect(stored.buffer).toBe(data.buffer);
    expect([...new Float32Array(stored.buffer, stored.byteOffset, 8)]).toEqual([6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it("a transposed block and a ragged edge block are copied in C order (the edge padded with the fill value)", async () => {
    const data = Float32Array.from({ length: 8 }, (_, i) => i);
    const transposed: Block = { dtype: "float32", data, shape: [4, 2], stride: [1, 4], offset: 0 };
    const a = setup([4, 2], [4, 2]);
    await writeZarrChunk(transposed, a.params);
    const t = a.map.get("/a/0.0")!;
    expect(t.buffer).not.toBe(data.buffer);
    expect([...new Float32Array(t.buffer, t.byteOffset, 8)]).toEqual([0, 4, 1, 5, 2, 6, 3, 7]);
    const edge: Block = { dtype: "float32", data, shape: [2, 4], stride: cStrides([2, 4]), offset: 0 };
    const b = setup([2, 4], [3, 4]);
    await writeZarrChunk(edge, b.params);
    const e = b.map.get("/a/0.0")!;
    expect([...new Float32Array(e.buffer, e.byteOffset, 12)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7]);
  });
});
