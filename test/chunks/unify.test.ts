import { describe, expect, it } from "vitest";
import type { Chunks, Region } from "../../src/chunks/grid.js";
import { rechunkPieces, rechunkPlan } from "../../src/chunks/rechunk-plan.js";
import { commonRefinement, unifyChunks } from "../../src/chunks/unify.js";
import { BroadcastError, ChunkError } from "../../src/core/errors.js";

// [dask call, a, b, expected]
const refinements: [string, number[], number[], number[]][] = [
  ["common_blockdim([(5,), (5,)])", [5], [5], [5]],
  ["common_blockdim([(5,), (2, 3)])", [5], [2, 3], [2, 3]],
  ["common_blockdim([(3,), (2, 1)])", [3], [2, 1], [2, 1]],
  ["common_blockdim([(5, 5), (2, 3, 5)])", [5, 5], [2, 3, 5], [2, 3, 5]],
  ["common_blockdim([(5, 2, 3), (2, 3, 5)])", [5, 2, 3], [2, 3, 5], [2, 3, 2, 3]],
  ["common_blockdim([(1, 2), (2, 1)])", [1, 2], [2, 1], [1, 1, 1]],
  ["x + y with chunks (4, 6) and (6, 4)", [4, 6], [6, 4], [4, 2, 4]],
  ["x + y with chunks (5, 5) and (5, 2, 3)", [5, 5], [5, 2, 3], [5, 2, 3]],
  ["broadcast: (1,) against (4, 4)", [1], [4, 4], [4, 4]],
  ["broadcast: (2, 2) against (1,)", [2, 2], [1], [2, 2]],
  ["zero-length axis (0,) with (0,)", [0], [0], [0]],
  ["keeps zero-size chunks of the finer one: (2, 0, 3) with (5,)", [2, 0, 3], [5], [2, 0, 3]],
];

describe("commonRefinement", () => {
  it.each(refinements)("%s", (_dask, a, b, expected) => {
    expect(commonRefinement(a, b)).toEqual(expected);
  });
  it("three-way as dask's common_blockdim([(1, 2, 2), (2, 1, 2), (2, 2, 1)])", () => {
    expect(commonRefinement(commonRefinement([1, 2, 2], [2, 1, 2]), [2, 2, 1])).toEqual([1, 1, 1, 1, 1]);
  });
  it("rejects different lengths: [5] and [2, 2]", () => {
    const run = () => commonRefinement([5], [2, 2]);
    expect(run).toThrow(ChunkError);
    expect(run).toThrow("commonRefinement: both chunkings must cover the same length; got [5] (sum 5) and [2, 2] (sum 4)");
  });
});

/** What block `block` of an input's unified chunks reads of its old blocks (the rechunk pieces). */
function reads(old: Chunks, target: Chunks, block: number[]): { block: number[]; slice: Region }[] {
  return rechunkPieces(rechunkPlan(old, target), block).map((p) => ({ block: p.oldBlock, slice: p.oldSlice }));
}

describe("unifyChunks", () => {
  it("dask docstring: x 'i' (5, 2, 3), y 'i' (2, 3, 5) -> {'i': (2, 3, 2, 3)}", () => {
    const u = unifyChunks([{ labels: "i", chunks: [[5, 2, 3]] }, { labels: "i", chunks: [[2, 3, 5]] }]);
    expect(u.byLabel).toEqual({ i: [2, 3, 2, 3] });
    expect(u.arrays).toEqual([[[2, 3, 2, 3]], [[2, 3, 2, 3]]]);
    expect(u.changed).toEqual([true, true]);
  });

  it("dask docstring: x 'ij' (100,10) by (20,5), y 'jk' (10,100) by (4,50)", () => {
    const x = [[20, 20, 20, 20, 20], [5, 5]];
    const y = [[4, 4, 2], [50, 50]];
    const u = unifyChunks([{ labels: ["i", "j"], chunks: x }, { labels: ["j", "k"], chunks: y }]);
    expect(u.labels).toEqual(["i", "j", "k"]);
    expect(u.byLabel).toEqual({ i: [20, 20, 20, 20, 20], j: [4, 1, 3, 2], k: [50, 50] });
    expect(u.chunks).toEqual([[20, 20, 20, 20, 20], [4, 1, 3, 2], [50, 50]]);
    expect(u.changed).toEqual([true, true]);
  });

  it("size-1 axis broadcasts: psf (3,1,5) against image (3,199,5) chunked (1,1,5)", () => {
    const image = [[1, 1, 1], new Array<number>(199).fill(1), [5]];
    const psf = [[3], [1], [5]];
    const u = unifyChunks([{ labels: "cti", chunks: image }, { labels: "cti", chunks: psf }]);
    expect(u.byLabel.t).toHaveLength(199);
    expect(u.arrays[1]).toEqual([[1, 1, 1], [1], [5]]);
    expect(u.changed).toEqual([false, true]);
    // Unified block (2, 150, 0): the image's own block, and block (2, 0, 0) of the psf's new
    // chunks (its t axis broadcasts), which is a slice of its one old block.
    expect(reads(image, u.arrays[0]!, [2, 150, 0])).toEqual([{ block: [2, 150, 0], slice: { start: [0, 0, 0], stop: [1, 1, 5] } }]);
    expect(reads(psf, u.arrays[1]!, [2, 0, 0])).toEqual([{ block: [0, 0, 0], slice: { start: [2, 0, 0], stop: [3, 1, 5] } }]);
  });

  it("zero-size chunk stays: (2, 0, 3) with (5,) -> (2, 0, 3), whose block 1 reads nothing", () => {
    const u = unifyChunks([{ labels: "i", chunks: [[2, 0, 3]] }, { labels: "i", chunks: [[5]] }]);
    expect(u.arrays).toEqual([[[2, 0, 3]], [[2, 0, 3]]]);
    expect(reads([[5]], u.arrays[1]!, [1])).toEqual([]);
  });

  it("same chunks everywhere: nothing changes", () => {
    const u = unifyChunks([{ labels: "ij", chunks: [[2, 2], [3]] }, { labels: "ij", chunks: [[2, 2], [3]] }]);
    expect(u.changed).toEqual([false, false]);
  });

  it("unified blocks map back to one source block each: chunks (4, 6) and (6, 4)", () => {
    const u = unifyChunks([{ labels: "i", chunks: [[4, 6]] }, { labels: "i", chunks: [[6, 4]] }]);
    expect(u.byLabel.i).toEqual([4, 2, 4]);
    expect(reads([[4, 6]], u.arrays[0]!, [1])).toEqual([{ block: [1], slice: { start: [0], stop: [2] } }]);
    expect(reads([[6, 4]], u.arrays[1]!, [1])).toEqual([{ block: [0], slice: { start: [4], stop: [6] } }]);
    expect(reads([[4, 6]], u.arrays[0]!, [2])).toEqual([{ block: [1], slice: { start: [2], stop: [6] } }]);
    expect(reads([[6, 4]], u.arrays[1]!, [2])).toEqual([{ block: [1], slice: { start: [0], stop: [4] } }]);
  });

  it("all in one chunk: each keeps its block and the label takes the longest, as dask's max(blockdims, key=first): (5,) with (4,)", () => {
    const u = unifyChunks([{ labels: "i", chunks: [[4]] }, { labels: "i", chunks: [[5]] }]);
    expect(u.byLabel.i).toEqual([5]);
    expect(u.arrays).toEqual([[[4]], [[5]]]);
    expect(u.changed).toEqual([false, false]);
  });

  it("all in one chunk: length 1 yields even to length 0 (NumPy broadcasting): (1,) with (0,)", () => {
    expect(unifyChunks([{ labels: "i", chunks: [[1]] }, { labels: "i", chunks: [[0]] }]).byLabel.i).toEqual([0]);
    expect(unifyChunks([{ labels: "i", chunks: [[0]] }, { labels: "i", chunks: [[1]] }]).byLabel.i).toEqual([0]);
  });

  it("a one-chunk axis of the split length is split alike: (10,) with (4, 6)", () => {
    const u = unifyChunks([{ labels: "i", chunks: [[10]] }, { labels: "i", chunks: [[4, 6]] }]);
    expect(u.arrays).toEqual([[[4, 6]], [[4, 6]]]);
    expect(u.changed).toEqual([true, false]);
  });

  it("broadcastOneChunk: a one-chunk axis of another length keeps its block: (3,) with (4, 6)", () => {
    const u = unifyChunks([{ labels: "i", chunks: [[4, 6]] }, { labels: "i", chunks: [[3]] }], { broadcastOneChunk: true });
    expect(u.byLabel.i).toEqual([4, 6]);
    expect(u.arrays).toEqual([[[4, 6]], [[3]]]);
  });

  it("merge holds a label in one chunk (a contracted blockwise label): (2, 3) with (5,)", () => {
    const u = unifyChunks([{ labels: "ij", chunks: [[2, 3], [2, 2]] }, { labels: "j", chunks: [[1, 3]] }], { merge: ["i"] });
    expect(u.byLabel).toEqual({ i: [5], j: [1, 1, 2] });
    expect(u.arrays).toEqual([[[5], [1, 1, 2]], [[1, 1, 2]]]);
  });

  it("minChunk merges unified chunks smaller than a halo, as dask's ensure_minimum_chunksize: (5, 1, 4) depth 3", () => {
    const u = unifyChunks([{ labels: "i", chunks: [[5, 1, 4]], minChunk: [3] }, { labels: "i", chunks: [[10]] }, { labels: "i", chunks: [[3]] }], { broadcastOneChunk: true });
    expect(u.byLabel.i).toEqual([6, 4]);
    expect(u.arrays).toEqual([[[6, 4]], [[6, 4]], [[3]]]);
    expect(unifyChunks([{ labels: "i", chunks: [[2, 2, 2, 2]], minChunk: [3] }, { labels: "i", chunks: [[4, 4]] }]).byLabel.i).toEqual([4, 4]);
  });

  const bad: [string, () => unknown, typeof ChunkError | typeof BroadcastError, string][] = [
    ["split lengths 5 and 4 on 'i'", () => unifyChunks([{ labels: "i", chunks: [[2, 3]] }, { labels: "i", chunks: [[2, 2]] }]), BroadcastError, "unifyChunks: axis 0 of array 1 must have the same length as axis 0 of array 0 when both are split into blocks; got 4 and 5. Rechunk one of them to a single chunk, or make the lengths agree"],
    ["one chunk of 7 against split 10", () => unifyChunks([{ labels: "ij", chunks: [[2], [4, 6]] }, { labels: "j", chunks: [[7]] }], { op: "mapBlocks" }), BroadcastError, "mapBlocks: axis 0 of array 1 must have the same length as axis 1 of array 0, which is split into blocks, or length 1 to broadcast; got 7 and 10. Rechunk array 0 to a single chunk on that axis, or make the lengths agree"],
    ["one chunk of 0 against split 10", () => unifyChunks([{ labels: "i", chunks: [[4, 6]] }, { labels: "i", chunks: [[0]] }]), BroadcastError, "got 0 and 10"],
    ["labels 'ij' for a 1-D array", () => unifyChunks([{ labels: "ij", chunks: [[5]] }]), ChunkError, 'unifyChunks: array 0 must have one label per axis (1); got ["i", "j"]. Give 1 labels.'],
  ];
  it.each(bad)("rejects %s", (_t, run, type, message) => {
    expect(run).toThrow(type);
    expect(run).toThrow(message);
  });
});
