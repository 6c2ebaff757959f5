/**
 * Lazy indexing and axis operations against the eager core views. Expected chunks are worked
 * out by hand from dask's slicing rules (each output chunk = the elements a slice selects in
 * one input block; empty chunks dropped; an empty axis is (0,); integers drop the axis;
 * None adds (1,)).
 */
import { describe, expect, it } from "vitest";
import { arange } from "../../src/core/creation.js";
import { IndexError, ValueError } from "../../src/core/errors.js";
import { toFlatArray, type Block } from "../../src/core/ndarray.js";
import * as core from "../../src/core/views.js";
import type { IndexItem } from "../../src/core/views.js";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { fromArray, zeros } from "../../src/array/creation.js";
import { expandDims, index, moveaxis, selectBlocks, squeeze, transpose } from "../../src/array/indexing.js";
import { assertLazyEqual } from "../../src/testing/assert-lazy-equal.js";

function seq(shape: number[]): Block {
  return core.reshape(arange(0, shape.reduce((a, b) => a * b, 1), 1, { dtype: "int32" }), shape);
}

const show = (v: unknown) => JSON.stringify(v);

// [shape, chunks, index, dask's output chunks]
const CASES: [number[], number | number[] | number[][], IndexItem[], number[][]][] = [
  [[7, 5], [3, 2], ["1:6:2", null, -1], [[1, 2], [1]]],
  [[7, 5], [3, 2], ["::-1", "::-2"], [[1, 3, 3], [1, 1, 1]]],
  [[7, 5], [3, 2], [-1, "..."], [[2, 2, 1]]],
  [[7, 5], [3, 2], ["5:1:-2", 3], [[2]]],
  [[7, 5], [3, 2], ["3:3"], [[0], [2, 2, 1]]],
  [[7, 5], [3, 2], ["10:"], [[0], [2, 2, 1]]],
  [[7, 5], [3, 2], [null, "...", null], [[1], [3, 3, 1], [2, 2, 1], [1]]],
  [[7, 5], [3, 2], [2, 4], []],
  [[7, 5], [3, 2], ["-100:100:3"], [[1, 1, 1], [2, 2, 1]]],
  [[7, 5], [3, 2], [{ start: 6, stop: null, step: -4 }, { start: -2 }], [[1, 1], [1, 1]]],
  [[10], [[4, 4, 2]], ["1:9:3"], [[1, 2]]],
  [[10], 4, ["8:0:-3"], [[1, 1, 1]]],
  [[10], 4, ["::-1"], [[2, 4, 4]]],
  [[10], 4, ["2:9"], [[2, 4, 1]]],
  [[4, 6, 5], [2, 3, 5], [":", 4, "::2"], [[2, 2], [3]]],
  [[4, 6, 5], [2, 3, 5], ["...", 1, null], [[2, 2], [3, 3], [1]]],
  [[3, 5, 4, 4], [1, 5, 4, 4], [":", null, "..."], [[1, 1, 1], [1], [5], [4], [4]]],
  [[0, 3], [0, 2], [":", "1:"], [[0], [1, 1]]],
  [[], [], [null], [[1]]],
];

describe("index (lazy) equals eager basic indexing, with dask's chunks", () => {
  for (const [shape, chunks, items, want] of CASES) {
    it(`shape=${show(shape)} chunks=${show(chunks)} index=${show(items)} -> chunks ${show(want)}`, async () => {
      const b = seq(shape);
      const x = fromArray(b, { chunks });
      const y = index(x, items);
      expect(y.chunks).toEqual(want);
      await assertLazyEqual(y, core.index(b, items));
      // No task of the indexing layer reads more than one block.
      for (const t of y.graph.layers.get(y.name)!.tasks.values()) expect(t.args.length).toBeLessThanOrEqual(1);
    });
  }

  it("the blog's PSF step: (3,101,64,64) chunks ((1,1,1),(101,),(64,),(64,)) -> (3,1,101,64,64)", () => {
    const psf = zeros([3, 101, 64, 64], { chunks: [1, 101, 64, 64], dtype: "float32" });
    const y = psf.index([":", null, "..."]);
    expect(y.shape).toEqual([3, 1, 101, 64, 64]);
    expect(y.chunks).toEqual([[1, 1, 1], [1], [101], [64], [64]]);
    expect(y.numBlocks).toEqual([3, 1, 1, 1, 1]);
  });

  it("a full index returns the array itself; keys are deterministic", () => {
    const x = fromArray(seq([6, 4]), { chunks: 2 });
    expect(index(x, [":", "..."])).toBe(x);
    expect(index(x, ["1:", 0]).name).toBe(index(x, ["1:", 0]).name);
    expect(index(x, ["1:", 0]).name).not.toBe(index(x, ["1:", 1]).name);
  });

  it("a block in gives the eager view", () => {
    const b = seq([4, 3]);
    const v = index(b, ["::-1", 1]);
    expect(v.data).toBe(b.data);
    expect(toFlatArray(v)).toEqual([10, 7, 4, 1]);
  });
});

describe("transpose, moveaxis, squeeze, expandDims", () => {
  const b = seq([4, 1, 6]);
  const x = fromArray(b, { chunks: [3, 1, 4] });
  const cases: [string, () => ChunkedArray, Block, number[][]][] = [
    ["transpose axes=default", () => transpose(x), core.transpose(b), [[4, 2], [1], [3, 1]]],
    ["transpose axes=[2,0,1]", () => transpose(x, [2, 0, 1]), core.transpose(b, [2, 0, 1]), [[4, 2], [3, 1], [1]]],
    ["transpose axes=[-1,1,0]", () => transpose(x, [-1, 1, 0]), core.transpose(b, [2, 1, 0]), [[4, 2], [1], [3, 1]]],
    ["moveaxis source=0 destination=-1", () => moveaxis(x, 0, -1), core.transpose(b, [1, 2, 0]), [[1], [4, 2], [3, 1]]],
    ["moveaxis source=[0,2] destination=[2,0]", () => moveaxis(x, [0, 2], [2, 0]), core.transpose(b, [2, 1, 0]), [[4, 2], [1], [3, 1]]],
    ["squeeze axis=default", () => squeeze(x), core.squeeze(b), [[3, 1], [4, 2]]],
    ["squeeze axis=1", () => squeeze(x, 1), core.squeeze(b, 1), [[3, 1], [4, 2]]],
    ["expandDims axis=0", () => expandDims(x, 0), core.expandDims(b, 0), [[1], [3, 1], [1], [4, 2]]],
    ["expandDims axis=[1,-1]", () => expandDims(x, [1, -1]), core.expandDims(b, [1, -1]), [[3, 1], [1], [1], [4, 2], [1]]],
  ];
  for (const [title, make, eager, chunks] of cases) {
    it(`shape=[4,1,6] chunks=[3,1,4] ${title} -> chunks ${show(chunks)}`, async () => {
      const y = make();
      expect(y.chunks).toEqual(chunks);
      await assertLazyEqual(y, eager);
    });
  }

  it("identity transpose returns the array; method .transpose() is the same operation", () => {
    expect(transpose(x, [0, 1, 2])).toBe(x);
    expect(x.transpose([2, 1, 0]).name).toBe(transpose(x, [2, 1, 0]).name);
  });

  it("blocks in give eager views", () => {
    expect(transpose(b).shape).toEqual([6, 1, 4]);
    expect(moveaxis(b, 2, 0).shape).toEqual([6, 4, 1]);
    expect(squeeze(b).shape).toEqual([4, 6]);
    expect(expandDims(b, 0).shape).toEqual([1, 4, 1, 6]);
  });
});

describe("selectBlocks (dask's x.blocks[...])", () => {
  const b = seq([7, 5]);
  const x = fromArray(b, { chunks: [3, 2] }); // chunks [[3,3,1],[2,2,1]]
  const cases: [IndexItem[], number[][], IndexItem[]][] = [
    [[1, "1:"], [[3], [2, 1]], ["3:6", "2:"]],
    [["...", -1], [[3, 3, 1], [1]], ["...", "4:5"]],
    [[":2", 0], [[3, 3], [2]], [":6", ":2"]],
    [["-1:"], [[1], [2, 2, 1]], ["6:"]],
  ];
  for (const [items, chunks, same] of cases) {
    it(`shape=[7,5] chunks=[3,2] blocks=${show(items)} -> chunks ${show(chunks)}`, async () => {
      const y = selectBlocks(x, items);
      expect(y.chunks).toEqual(chunks);
      await assertLazyEqual(y, core.index(b, same));
    });
  }

  it("shape=[10] chunks=4 blocks=[\"::-1\"] reorders whole blocks", async () => {
    const one = fromArray(seq([10]), { chunks: 4 });
    const y = one.blocks(["::-1"]);
    expect(y.chunks).toEqual([[2, 4, 4]]);
    await assertLazyEqual(y, seqReordered());
    expect(toFlatArray(await y.compute())).toEqual([8, 9, 4, 5, 6, 7, 0, 1, 2, 3]);
  });

  it("shape=[10] chunks=4 blocks=[\"2:1\"] is empty with chunks [0]", async () => {
    const y = fromArray(seq([10]), { chunks: 4 }).blocks(["2:1"]);
    expect(y.chunks).toEqual([[0]]);
    await assertLazyEqual(y, core.index(seq([10]), ["0:0"]));
  });
});

function seqReordered(): Block {
  const out = seq([10]);
  [8, 9, 4, 5, 6, 7, 0, 1, 2, 3].forEach((v, i) => (out.data[i] = v));
  return out;
}

describe("bad values throw at graph-build time", () => {
  const x = fromArray(seq([7, 5]), { chunks: [3, 2] });
  const BAD: [string, () => unknown, typeof IndexError | typeof ValueError, RegExp][] = [
    ["index=[7]", () => index(x, [7]), IndexError, /^index: integer index on axis 0 must be in \[-7, 7\); got 7\. /],
    ["index=[0,-6]", () => index(x, [0, -6]), IndexError, /integer index on axis 1 must be in \[-5, 5\); got -6/],
    ["index=[\"::0\"]", () => index(x, ["::0"]), IndexError, /slice step on axis 0 must be a nonzero integer/],
    ["index=[0,0,0]", () => index(x, [0, 0, 0]), IndexError, /at most 2 axes .* got 3\. Remove 1 entries/],
    ["index=[\"...\",\"...\"]", () => index(x, ["...", "..."]), IndexError, /at most one "\.\.\."/],
    ["index=[\"a:b\"]", () => index(x, ["a:b"]), IndexError, /slice parts must be integers/],
    ["index=[1.5]", () => index(x, [1.5]), IndexError, /whole numbers; got 1\.5/],
    ["blocks=[null]", () => selectBlocks(x, [null]), IndexError, /^blocks: block index entries must be integers or slices; got null on axis 0/],
    ["blocks=[3]", () => selectBlocks(x, [3]), IndexError, /^blocks: block number on axis 0 must be in \[-3, 3\); got 3\. The axis has 3 blocks/],
    ["transpose axes=[0]", () => transpose(x, [0]), ValueError, /^transpose: axes must be a permutation of 0\.\.1; got \(0,\)/],
    ["transpose axes=[0,0]", () => transpose(x, [0, 0]), ValueError, /permutation/],
    ["transpose axes=[0,2]", () => transpose(x, [0, 2]), ValueError, /axis must be an integer in \[-2, 2\)/],
    ["squeeze axis=0", () => squeeze(x, 0), ValueError, /^squeeze: axis 0 must have size 1 to be squeezed; got size 7 in shape \(7, 5\)\. Squeeze only size-1 axes/],
    ["squeeze axis=2", () => squeeze(x, 2), ValueError, /^squeeze: axis must be an integer in \[-2, 2\)/],
    ["expandDims axis=[0,0]", () => expandDims(x, [0, 0]), ValueError, /^expandDims: axis must not repeat/],
    ["expandDims axis=3", () => expandDims(x, 3), ValueError, /axis must be an integer in \[-3, 3\)/],
    ["moveaxis source=[0,1] destination=[0]", () => moveaxis(x, [0, 1], [0]), ValueError, /^moveaxis: source and destination must list as many axes/],
  ];
  for (const [title, call, cls, message] of BAD) {
    it(`shape=[7,5] ${title} throws ${cls.name}`, () => {
      expect(call).toThrow(cls);
      expect(call).toThrow(message);
    });
  }
});
