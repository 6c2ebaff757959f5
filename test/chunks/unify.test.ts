import { describe, expect, it } from "vitest";
import { commonRefinement, unifiedBlockSources, unifyChunks } from "../../src/chunks/unify.js";
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
    const [img, p] = unifiedBlockSources(u, [2, 150, 0]);
    expect(img).toEqual({ block: [2, 150, 0], slice: { start: [0, 0, 0], stop: [1, 1, 5] }, whole: true });
    expect(p).toEqual({ block: [0, 0, 0], slice: { start: [2, 0, 0], stop: [3, 1, 5] }, whole: false });
  });

  it("zero-size chunk maps to itself: (2, 0, 3) with (5,), block 1", () => {
    const u = unifyChunks([{ labels: "i", chunks: [[2, 0, 3]] }, { labels: "i", chunks: [[5]] }]);
    expect(unifiedBlockSources(u, [1])).toEqual([
      { block: [1], slice: { start: [0], stop: [0] }, whole: true },
      { block: [0], slice: { start: [2], stop: [2] }, whole: false },
    ]);
  });

  it("same chunks everywhere: nothing changes", () => {
    const u = unifyChunks([{ labels: "ij", chunks: [[2, 2], [3]] }, { labels: "ij", chunks: [[2, 2], [3]] }]);
    expect(u.changed).toEqual([false, false]);
  });

  it("unifiedBlockSources maps back to source blocks: chunks (4, 6) and (6, 4)", () => {
    const u = unifyChunks([{ labels: "i", chunks: [[4, 6]] }, { labels: "i", chunks: [[6, 4]] }]);
    expect(u.byLabel.i).toEqual([4, 2, 4]);
    expect(unifiedBlockSources(u, [1])).toEqual([
      { block: [1], slice: { start: [0], stop: [2] }, whole: false },
      { block: [0], slice: { start: [4], stop: [6] }, whole: false },
    ]);
    expect(unifiedBlockSources(u, [2])).toEqual([
      { block: [1], slice: { start: [2], stop: [6] }, whole: false },
      { block: [1], slice: { start: [0], stop: [4] }, whole: true },
    ]);
  });

  const bad: [string, () => unknown, typeof ChunkError | typeof BroadcastError, string][] = [
    ["lengths 5 and 4 on 'i'", () => unifyChunks([{ labels: "i", chunks: [[5]] }, { labels: "i", chunks: [[4]] }]), BroadcastError, "unifyChunks: axis 'i' of array 1 must have length 5 like array 0, or 1 to broadcast; got 4"],
    ["labels 'ij' for a 1-D array", () => unifyChunks([{ labels: "ij", chunks: [[5]] }]), ChunkError, "array 0 must have one label per axis (1)"],
    ["block index of wrong length", () => unifiedBlockSources(unifyChunks([{ labels: "i", chunks: [[5]] }]), [0, 0]), ChunkError, "one entry per label"],
    ["block index out of range", () => unifiedBlockSources(unifyChunks([{ labels: "i", chunks: [[5]] }]), [1]), ChunkError, "block number of 'i' must be an integer in [0, 1); got 1"],
  ];
  it.each(bad)("rejects %s", (_t, run, type, message) => {
    expect(run).toThrow(type);
    expect(run).toThrow(message);
  });
});
