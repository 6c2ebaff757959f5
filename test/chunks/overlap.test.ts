import { describe, expect, it } from "vitest";
import {
  ensureMinimumChunksize,
  haloGeometry,
  normalizeBoundary,
  normalizeDepth,
  overlapChunks,
  type BoundaryInput,
  type DepthInput,
} from "../../src/chunks/overlap.js";
import { ChunkError } from "../../src/core/errors.js";
import { cut, materialize } from "./materialize.js";

describe("ensureMinimumChunksize matches dask (depth 10)", () => {
  it.each([
    [[10], [10]],
    [[10, 10], [10, 10]],
    [[10, 10, 1], [10, 11]],
    [[20, 20, 20, 1], [20, 20, 11, 10]],
    [[20, 20, 10, 1], [20, 20, 11]],
    [[2, 20, 2, 20], [14, 10, 20]],
    [[1, 1, 1, 1, 7], [11]],
    [[20, 20, 2, 20, 20, 2], [20, 12, 10, 20, 12, 10]],
    [[20, 20, 1], [20, 11, 10]],
  ])("ensure_minimum_chunksize(10, %j) == %j", (chunks, expected) => {
    expect(ensureMinimumChunksize(10, [chunks])).toEqual([expected]);
  });
  it("ensure_minimum_chunksize(3, (1, 1, 3)) == (5,)", () => {
    expect(ensureMinimumChunksize(3, [[1, 1, 3]])).toEqual([[5]]);
  });
  it("per-axis depth {1: 3} leaves axis 0 alone", () => {
    expect(ensureMinimumChunksize({ 1: 3 }, [[1, 1], [1, 1, 3]])).toEqual([[1, 1], [5]]);
  });
  it("one chunk on an axis is kept whatever the depth (dask raises): depth 10 chunks [[5]]", () => {
    expect(ensureMinimumChunksize(10, [[5]])).toEqual([[5]]);
  });
  it("dask raises for depth 10 over (5, 2, 1, 1)", () => {
    const run = () => ensureMinimumChunksize(10, [[5, 2, 1, 1]]);
    expect(run).toThrow(ChunkError);
    expect(run).toThrow("ensureMinimumChunksize: depth on axis 0 must not exceed the axis length 9; got 10");
  });
});

describe("normalizeDepth / normalizeBoundary", () => {
  it.each<[DepthInput, number, [number, number][]]>([
    [2, 2, [[2, 2], [2, 2]]],
    [[1, 2], 2, [[1, 1], [2, 2]]],
    [{ 1: 3 }, 2, [[0, 0], [3, 3]]],
    [[[1, 2], 0], 2, [[1, 2], [0, 0]]],
    [{ 0: [0, 4] }, 1, [[0, 4]]],
    [0, 0, []],
  ])("depth=%j ndim=%i", (depth, ndim, expected) => expect(normalizeDepth(depth, ndim)).toEqual(expected));

  it.each<[BoundaryInput, number, unknown[]]>([
    ["reflect", 2, ["reflect", "reflect"]],
    [["periodic", 0], 2, ["periodic", 0]],
    [{ 1: "nearest" }, 2, ["none", "nearest"]],
    [-1.5, 1, [-1.5]],
  ])("boundary=%j ndim=%i", (b, ndim, expected) => expect(normalizeBoundary(b, ndim)).toEqual(expected));

  const bad: [string, () => unknown, string][] = [
    ["depth -1", () => normalizeDepth(-1, 2), "normalizeDepth: depth on axis 0 must be a non-negative integer; got -1"],
    ["depth 1.5", () => normalizeDepth(1.5, 1), "got 1.5"],
    ["depth NaN", () => normalizeDepth(Number.NaN, 1), "non-negative integer"],
    ["depth list too long", () => normalizeDepth([1, 2, 3], 2), "depth must have one entry per axis (2); got [1, 2, 3]"],
    ["depth triple on an axis", () => normalizeDepth([[1, 2, 3], 0] as unknown as DepthInput, 2), "[before, after] pair"],
    ["depth negative in pair", () => normalizeDepth([[1, -2]], 1), "got [1,-2]"],
    ["depth string", () => normalizeDepth("2" as unknown as DepthInput, 1), "got \"2\""],
    ["depth record key 5", () => normalizeDepth({ 5: 1 }, 2), "depth record keys must be axes 0..1"],
    ["boundary 'wrap'", () => normalizeBoundary("wrap" as unknown as BoundaryInput, 1), 'boundary on axis 0 must be "reflect", "nearest", "periodic", "none" or a number; got "wrap"'],
    ["boundary NaN", () => normalizeBoundary(Number.NaN, 1), "got NaN"],
    ["boundary list too short", () => normalizeBoundary(["none"], 2), "boundary must have one entry per axis (2)"],
  ];
  it.each(bad)("rejects %s", (_t, run, message) => {
    expect(run).toThrow(ChunkError);
    expect(run).toThrow(message);
  });
});

describe("haloGeometry", () => {
  it("dask overlap docstring: 8x8 by 4x4, depth {0: 2, 1: 1}, boundary {0: 100, 1: 'reflect'}", () => {
    const chunks = [[4, 4], [4, 4]];
    expect(overlapChunks(chunks, { 0: 2, 1: 1 }, { 0: 100, 1: "reflect" })).toEqual([[8, 8], [6, 6]]);
    const data = Array.from({ length: 64 }, (_, i) => i);
    const g = haloGeometry(chunks, [1, 0], { 0: 2, 1: 1 }, { 0: 100, 1: "reflect" });
    // Rows 8..15 and columns 0..5 of dask's printed result.
    expect(materialize(data, [8, 8], g)).toEqual([
      [16, 16, 17, 18, 19, 20], [24, 24, 25, 26, 27, 28], [32, 32, 33, 34, 35, 36], [40, 40, 41, 42, 43, 44],
      [48, 48, 49, 50, 51, 52], [56, 56, 57, 58, 59, 60], [100, 100, 100, 100, 100, 100], [100, 100, 100, 100, 100, 100],
    ].flat());
    expect(g.trim).toEqual({ start: [2, 1], stop: [6, 5] });
  });

  it.each<[string, number[], number, unknown[]]>([
    ["reflect block 0", [0], 2, [{ kind: "read", start: 0, stop: 2, reverse: true }, { kind: "read", start: 0, stop: 6, reverse: false }]],
    ["reflect block 1", [1], 2, [{ kind: "read", start: 2, stop: 6, reverse: false }, { kind: "read", start: 4, stop: 6, reverse: true }]],
  ])("segments chunks=[4,2] %s depth=%i", (_t, block, depth, expected) => {
    expect(haloGeometry([[4, 2]], block, depth, "reflect").axes[0]?.segments).toEqual(expected);
  });

  it.each<[BoundaryInput, number[]]>([
    ["reflect", [1, 0, 0, 1, 2, 3, 4, 5, 5, 4]],
    ["nearest", [0, 0, 0, 1, 2, 3, 4, 5, 5, 5]],
    ["periodic", [4, 5, 0, 1, 2, 3, 4, 5, 0, 1]],
    [-7, [-7, -7, 0, 1, 2, 3, 4, 5, -7, -7]],
    ["none", [0, 1, 2, 3, 4, 5]],
  ])("single chunk of 6 with depth 2, boundary %j", (boundary, expected) => {
    const data = [0, 1, 2, 3, 4, 5];
    const g = haloGeometry([[6]], [0], 2, boundary);
    expect(materialize(data, [6], g)).toEqual(expected);
    expect(cut(materialize(data, [6], g), g.shape, g.trim.start, g.trim.stop)).toEqual(data);
  });

  it("'none' edges: chunks=[3,3] depth=2 -> overlapChunks [5, 5] (inner side only)", () => {
    expect(overlapChunks([[3, 3]], 2)).toEqual([[5, 5]]);
    const g = haloGeometry([[3, 3]], [1], 2);
    expect(g.axes[0]).toMatchObject({ before: 2, after: 0 });
    expect(g.trim).toEqual({ start: [2], stop: [5] });
  });

  it("depth larger than a chunk reads across several blocks: chunks=[1,1,4] block=[1] depth=3 'none'", () => {
    const g = haloGeometry([[1, 1, 4]], [1], 3);
    expect(g.axes[0]).toEqual({ before: 1, after: 3, segments: [{ kind: "read", start: 0, stop: 5, reverse: false }] });
  });

  it("asymmetric depth [1, 2] with periodic boundary", () => {
    const g = haloGeometry([[3, 3]], [1], [[1, 2]], "periodic");
    expect(materialize([0, 1, 2, 3, 4, 5], [6], g)).toEqual([2, 3, 4, 5, 0, 1]);
  });

  const bad: [string, () => unknown, string][] = [
    ["reflect deeper than the axis", () => haloGeometry([[3]], [0], 4, "reflect"), 'haloGeometry: depth on axis 0 must be at most the axis length 3 for boundary "reflect"; got 4'],
    ["periodic deeper than the axis", () => haloGeometry([[2, 1]], [0], 4, "periodic"), "for boundary \"periodic\""],
    ["nearest on an empty axis", () => haloGeometry([[0]], [0], 1, "nearest"), "axis 0 must not be empty"],
  ];
  it.each(bad)("rejects %s", (_t, run, message) => {
    expect(run).toThrow(ChunkError);
    expect(run).toThrow(message);
  });
});
