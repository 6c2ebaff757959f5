import { describe, expect, it } from "vitest";
import {
  blockIndexOf,
  blockOffsets,
  blockRegion,
  chunkShape,
  chunksEqual,
  DEFAULT_CHUNK_BYTES,
  forEachBlockIndex,
  maxChunkShape,
  normalizeChunks,
  numBlocks,
  type ChunksInput,
  type NormalizeChunksOptions,
} from "../../src/chunks/grid.js";
import { ChunkError, IndexError } from "../../src/core/errors.js";

const MiB = 1024 * 1024;

// [dask call, chunks, shape, options, expected]
const daskCases: [string, ChunksInput, number[], NormalizeChunksOptions, number[][]][] = [
  ["normalize_chunks(((2, 2, 1), (2, 2, 2)), shape=(5, 6))", [[2, 2, 1], [2, 2, 2]], [5, 6], {}, [[2, 2, 1], [2, 2, 2]]],
  ["normalize_chunks((2, 2), shape=(5, 6))", [2, 2], [5, 6], {}, [[2, 2, 1], [2, 2, 2]]],
  ["normalize_chunks((3, 2), (5,))", [3, 2], [5], {}, [[3, 2]]],
  ["normalize_chunks(10, shape=(30, 5))", 10, [30, 5], {}, [[10, 10, 10], [5]]],
  ["normalize_chunks({0: 2, 1: 3}, shape=(6, 6))", { 0: 2, 1: 3 }, [6, 6], {}, [[2, 2, 2], [3, 3]]],
  ["normalize_chunks((5, -1), shape=(10, 10))", [5, -1], [10, 10], {}, [[5, 5], [10]]],
  ["normalize_chunks((5, None), shape=(10, 10))", [5, null], [10, 10], {}, [[5, 5], [10]]],
  ["normalize_chunks(3, (4, 6))", 3, [4, 6], {}, [[3, 1], [3, 3]]],
  ["normalize_chunks(((3, 3), (8,)), (6, 8))", [[3, 3], [8]], [6, 8], {}, [[3, 3], [8]]],
  ["normalize_chunks((4, 5), (9,))", [4, 5], [9], {}, [[4, 5]]],
  ["normalize_chunks((4, 5), (9, 9))", [4, 5], [9, 9], {}, [[4, 4, 1], [5, 4]]],
  ["normalize_chunks(-1, (5, 5))", -1, [5, 5], {}, [[5], [5]]],
  ["normalize_chunks((3, -1), (5, 5))", [3, -1], [5, 5], {}, [[3, 2], [5]]],
  ["normalize_chunks({0: 3}, (5, 5))", { 0: 3 }, [5, 5], {}, [[3, 2], [5]]],
  ["normalize_chunks((), (0, 0))", [], [0, 0], {}, [[0], [0]]],
  ["normalize_chunks(-1, (0, 3))", -1, [0, 3], {}, [[0], [3]]],
  ["normalize_chunks((1,), ())", 1, [], {}, []],
  ["blockdims_from_blockshape((10, 10), (4, 3))", [4, 3], [10, 10], {}, [[4, 4, 2], [3, 3, 3, 1]]],
  ["blockdims_from_blockshape((10, 0), (4, 0))", [4, 0], [10, 0], {}, [[4, 4, 2], [0]]],
  ["normalize_chunks(('auto',), shape=(20,), limit=5, dtype='uint8')", ["auto"], [20], { dtype: "uint8", limitBytes: 5 }, [[5, 5, 5, 5]]],
  ["normalize_chunks('auto', (2, 3), dtype=np.int32)", "auto", [2, 3], { dtype: "int32" }, [[2], [3]]],
  ["normalize_chunks(('auto', None), (5, 5), dtype=int)", ["auto", null], [5, 5], { dtype: "float64" }, [[5], [5]]],
  ["normalize_chunks('auto', (100,), limit=10, dtype=uint8)", "auto", [100], { dtype: "uint8", limitBytes: 10 }, [new Array<number>(10).fill(10)]],
  ["normalize_chunks('auto', (24,), limit=5, dtype=uint8)", "auto", [24], { dtype: "uint8", limitBytes: 5 }, [[5, 5, 5, 5, 4]]],
  ["normalize_chunks('auto', (23,), limit=5, dtype=uint8)", "auto", [23], { dtype: "uint8", limitBytes: 5 }, [[5, 5, 5, 5, 3]]],
  ["normalize_chunks('auto', (1000,), limit=167, dtype=uint8)", "auto", [1000], { dtype: "uint8", limitBytes: 167 }, [[167, 167, 167, 167, 167, 165]]],
  ["normalize_chunks(('auto', 2), (20, 20), limit=20, dtype='uint8')", ["auto", 2], [20, 20], { dtype: "uint8", limitBytes: 20 }, [[10, 10], new Array<number>(10).fill(2)]],
  ["normalize_chunks(('auto', (2,2,2,2,2,5,5)), (20, 20), limit=20, dtype='uint8')", ["auto", [2, 2, 2, 2, 2, 5, 5]], [20, 20], { dtype: "uint8", limitBytes: 20 }, [[4, 4, 4, 4, 4], [2, 2, 2, 2, 2, 5, 5]]],
  ["normalize_chunks('auto', (1, 20), limit=10, dtype='uint8')", "auto", [1, 20], { dtype: "uint8", limitBytes: 10 }, [[1], [10, 10]]],
  ["normalize_chunks(('auto', 'auto', 2), (20, 20, 20), limit=200, dtype='uint8')", ["auto", "auto", 2], [20, 20, 20], { dtype: "uint8", limitBytes: 200 }, [[10, 10], [10, 10], new Array<number>(10).fill(2)]],
  ["normalize_chunks('auto', (20, 20, 20), limit=8, dtype='uint8')", "auto", [20, 20, 20], { dtype: "uint8", limitBytes: 8 }, [0, 1, 2].map(() => new Array<number>(10).fill(2))],
  ["normalize_chunks(((2, 3, 5), 'auto'), (10, 10), limit=10, dtype=np.uint8)", [[2, 3, 5], "auto"], [10, 10], { dtype: "uint8", limitBytes: 10 }, [[2, 3, 5], [2, 2, 2, 2, 2]]],
  ["from_array(empty((100,100,100)), chunks={0: 10, 1: -1, 2: 'auto'}) with chunk-size 128kiB", { 0: 10, 1: -1, 2: "auto" }, [100, 100, 100], { dtype: "float64", limitBytes: 128 * 1024 }, [new Array<number>(10).fill(10), [100], [16, 16, 16, 16, 16, 16, 4]]],
  ["normalize_chunks((100, 'auto'), (500, 500_000), dtype=np.int64, previous_chunks=((1,), (500,)))", [100, "auto"], [500, 500_000], { dtype: "float64", previousChunks: [[1], [500]] }, [[100, 100, 100, 100, 100], [167_500, 167_500, 165_000]]],
  ["normalize_chunks('auto', shape=(2000,), previous_chunks=(512,), limit='600 B', dtype=np.uint8)", "auto", [2000], { dtype: "uint8", limitBytes: 600, previousChunks: [512] }, [[512, 512, 512, 464]]],
  ["normalize_chunks('auto', shape=(2000,), previous_chunks=(128,), limit='600 B', dtype=np.uint8)", "auto", [2000], { dtype: "uint8", limitBytes: 600, previousChunks: [128] }, [[512, 512, 512, 464]]],
  ["normalize_chunks('auto', shape=(2000,), previous_chunks=(512,), limit='1200 B', dtype=np.uint8)", "auto", [2000], { dtype: "uint8", limitBytes: 1200, previousChunks: [512] }, [[1024, 976]]],
  ["normalize_chunks('auto', shape=(48, 720, 1440), previous_chunks=((36, 12), (720,), (1440,)), limit=134217728, dtype=np.float32)", "auto", [48, 720, 1440], { dtype: "float32", limitBytes: 134217728, previousChunks: [[36, 12], [720], [1440]] }, [[36, 12], [720], [1440]]],
  ["normalize_chunks(('auto', 'auto'), shape=(8629, 1755), dtype='int32', previous_chunks=((1264,)*6 + (1045,), (1264, 491)))", ["auto", "auto"], [8629, 1755], { dtype: "int32", previousChunks: [[1264, 1264, 1264, 1264, 1264, 1264, 1045], [1264, 491]] }, [[8629], [1755]]],
  ["normalize_chunks({0: 'auto', 1: 'auto'}, (3, 80), limit=160, dtype=np.int8, previous_chunks=((1, 1, 1), (10,)*8))", { 0: "auto", 1: "auto" }, [3, 80], { dtype: "int8", limitBytes: 160, previousChunks: [[1, 1, 1], new Array<number>(8).fill(10)] }, [[3], [50, 30]]],
  ["normalize_chunks({0: 'auto', 1: 'auto'}, (4, 20), limit=5, dtype=np.int8, previous_chunks=((2, 2), (20,)))", { 0: "auto", 1: "auto" }, [4, 20], { dtype: "int8", limitBytes: 5, previousChunks: [[2, 2], [20]] }, [[1, 1, 1, 1], [5, 5, 5, 5]]],
  ["x.rechunk('auto') of ones((100, 1000, 1000), chunks=(10, 1000, 1000), uint8) with chunk-size 1MiB", "auto", [100, 1000, 1000], { dtype: "uint8", limitBytes: MiB, previousChunks: [10, 1000, 1000] }, [new Array<number>(25).fill(4), [511, 489], [511, 489]]],
  ["x.rechunk({1: 'auto'}) of the same (the other axes keep their chunks)", [10, "auto", 1000], [100, 1000, 1000], { dtype: "uint8", limitBytes: MiB, previousChunks: [10, 1000, 1000] }, [new Array<number>(10).fill(10), [...new Array<number>(9).fill(104), 64], [1000]]],
  ["x.rechunk('auto') of ones((100, 2000, 2000), chunks=(1, 1000, 1000), float64) with chunk-size 1MiB", "auto", [100, 2000, 2000], { dtype: "float64", limitBytes: MiB, previousChunks: [1, 1000, 1000] }, [new Array<number>(100).fill(1), [362, 362, 362, 362, 362, 190], [362, 362, 362, 362, 362, 190]]],
  ["x.rechunk('auto') of ones((100, 1000, 1000), chunks=(1, 1000, 1000), uint8) with chunk-size 7MiB", "auto", [100, 1000, 1000], { dtype: "uint8", limitBytes: 7 * MiB, previousChunks: [1, 1000, 1000] }, [[...new Array<number>(14).fill(7), 2], [1000], [1000]]],
];

describe("normalizeChunks matches dask", () => {
  it.each(daskCases)("%s", (_dask, chunks, shape, options, expected) => {
    expect(normalizeChunks(chunks, shape, options)).toEqual(expected);
  });

  it("auto with 128 MiB default: shape=[10000, 10000] float64 chunks=[-1, 'auto'] -> 1677 columns", () => {
    expect(DEFAULT_CHUNK_BYTES).toBe(128 * MiB);
    expect(normalizeChunks([-1, "auto"], [10000, 10000], { dtype: "float64" })[1]?.[0]).toBe(1677);
  });

  it("auto image stack: shape=[1000, 1000, 1000] uint8 previous=(1, 1000, 1000) 10MiB keeps whole planes", () => {
    const c = normalizeChunks("auto", [1000, 1000, 1000], { dtype: "uint8", limitBytes: 10 * MiB, previousChunks: [1, 1000, 1000] });
    expect(c).toEqual([new Array<number>(100).fill(10), [1000], [1000]]);
  });

  it("auto keeps previous multiples: shape=[3, 10211, 10376] float32 previous=(1, 512, 512) 1MiB", () => {
    const c = normalizeChunks("auto", [3, 10211, 10376], { dtype: "float32", limitBytes: MiB, previousChunks: [1, 512, 512] });
    expect(c[0]).toEqual([1, 1, 1]);
    expect(c[1]?.slice(0, -1).every((x) => x % 512 === 0)).toBe(true);
    expect(c[2]?.slice(0, -1).every((x) => x % 512 === 0)).toBe(true);
  });

  it("zero-length axis under auto: shape=[0, 5] -> [[0], [5]]", () => {
    expect(normalizeChunks("auto", [0, 5], { dtype: "uint8" })).toEqual([[0], [5]]);
  });

  it("returns fresh arrays: explicit input is copied", () => {
    const input = [[2, 2]];
    const out = normalizeChunks(input, [4]);
    expect(out[0]).not.toBe(input[0]);
  });
});

// [title, chunks, shape, options, message fragment]
const bad: [string, unknown, number[], NormalizeChunksOptions, string][] = [
  ["sum too small", [[30, 30], [100]], [100, 100], {}, "chunks on axis 0 must sum to the axis length 100; got [30, 30] (sum 60). Give sizes that add up to 100, or a single number"],
  ["dask: ((10,),) for (11,)", [[10]], [11], {}, "must sum to the axis length 11"],
  ["dask: ((5,), (5,)) for (5,)", [[5], [5]], [5], {}, "one entry per axis (1); got 2 entries"],
  ["too few entries", [2], [4, 4], {}, "one entry per axis (2)"],
  ["zero size", 0, [4], {}, "chunk size on axis 0 must be a positive integer"],
  ["negative size", -3, [4], {}, "must be a positive integer, -1 or null; got -3"],
  ["fraction", 2.5, [4], {}, "got 2.5"],
  ["NaN", Number.NaN, [4], {}, "got NaN"],
  ["Infinity", Number.POSITIVE_INFINITY, [4], {}, "got Infinity"],
  ["empty list on an axis", [[], 2], [0, 4], {}, "must not be an empty list"],
  ["negative explicit size", [[5, -1]], [4], {}, "non-negative integers; got [5, -1]"],
  ["fractional explicit size", [[1.5, 2.5]], [4], {}, "non-negative integers"],
  ["string entry", ["big"], [4], {}, 'got "big"'],
  ["bad record key", { 3: 2 }, [4, 4], {}, "record keys must be axes 0..1"],
  ["auto without dtype", "auto", [4], {}, '"auto" chunks must come with a dtype'],
  ["auto with limit 0", "auto", [4], { dtype: "uint8", limitBytes: 0 }, "limitBytes must be a positive number"],
  ["bad shape", 2, [-1], {}, "shape on axis 0 must be a non-negative integer; got -1"],
  ["boolean chunks", true, [4], {}, "chunks must be a number"],
];

describe("normalizeChunks rejects bad values", () => {
  it.each(bad)("%s", (_title, chunks, shape, options, message) => {
    const run = () => normalizeChunks(chunks as ChunksInput, shape, options);
    expect(run).toThrow(ChunkError);
    expect(run).toThrow(message);
    expect(run).toThrow(/^normalizeChunks: /);
  });

  it("names the axis in the error's field: chunks=[2, [3, 3]] shape=[4, 5]", () => {
    try {
      normalizeChunks([2, [3, 3]], [4, 5]);
      expect.unreachable();
    } catch (e) {
      expect((e as ChunkError).axis).toBe(1);
    }
  });
});

describe("block geometry", () => {
  const chunks = [[4, 4, 2], [3]];
  it("numBlocks chunks=[[4,4,2],[3]]", () => expect(numBlocks(chunks)).toEqual([3, 1]));
  it("chunkShape block=[2,0]", () => expect(chunkShape(chunks, [2, 0])).toEqual([2, 3]));
  it("blockOffsets", () => expect(blockOffsets(chunks)).toEqual([[0, 4, 8, 10], [0, 3]]));
  it("blockRegion block=[1,0]", () => expect(blockRegion(chunks, [1, 0])).toEqual({ start: [4, 0], stop: [8, 3] }));
  it.each([
    [[0, 0], [0, 0]],
    [[3, 2], [0, 0]],
    [[4, 0], [1, 0]],
    [[9, 1], [2, 0]],
  ])("blockIndexOf element=%j -> %j", (element, block) => expect(blockIndexOf(chunks, element)).toEqual(block));
  it("blockIndexOf skips zero-size blocks: chunks=[[2,0,3]] element=[2] -> [2]", () => {
    expect(blockIndexOf([[2, 0, 3]], [2])).toEqual([2]);
  });
  it("maxChunkShape", () => expect(maxChunkShape(chunks)).toEqual([4, 3]));
  it("chunksEqual", () => {
    expect(chunksEqual(chunks, [[4, 4, 2], [3]])).toBe(true);
    expect(chunksEqual(chunks, [[4, 4, 2], [2, 1]])).toBe(false);
    expect(chunksEqual(chunks, [[4, 4, 2]])).toBe(false);
  });
  it("forEachBlockIndex numBlocks=[2,3] visits C order", () => {
    const seen: string[] = [];
    forEachBlockIndex([2, 3], (i, flat) => seen.push(`${flat}:${i.join(",")}`));
    expect(seen).toEqual(["0:0,0", "1:0,1", "2:0,2", "3:1,0", "4:1,1", "5:1,2"]);
  });
  it("forEachBlockIndex numBlocks=[] visits one block []", () => {
    const seen: number[][] = [];
    forEachBlockIndex([], (i) => seen.push([...i]));
    expect(seen).toEqual([[]]);
  });
  it("forEachBlockIndex numBlocks=[2,0] visits nothing", () => {
    let n = 0;
    forEachBlockIndex([2, 0], () => n++);
    expect(n).toBe(0);
  });

  const badIndex: [string, () => unknown, string][] = [
    ["chunkShape block=[3,0]", () => chunkShape(chunks, [3, 0]), "block index on axis 0 must be an integer in [0, 3); got 3"],
    ["chunkShape block=[0]", () => chunkShape(chunks, [0]), "block index must have 2 entries"],
    ["blockRegion block=[0,-1]", () => blockRegion(chunks, [0, -1]), "on axis 1"],
    ["blockRegion block=[0.5,0]", () => blockRegion(chunks, [0.5, 0]), "got 0.5"],
    ["blockIndexOf element=[10,0]", () => blockIndexOf(chunks, [10, 0]), "element index on axis 0 must be an integer in [0, 10); got 10"],
    ["blockIndexOf element=[-1,0]", () => blockIndexOf(chunks, [-1, 0]), "got -1"],
    ["blockIndexOf element=[1]", () => blockIndexOf(chunks, [1]), "element index must have 2 entries"],
  ];
  it.each(badIndex)("rejects %s", (_t, run, message) => {
    expect(run).toThrow(IndexError);
    expect(run).toThrow(message);
  });
});
