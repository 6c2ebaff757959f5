/**
 * concatenate and stack: lazy against eager, with dask's chunks worked out by hand (along the
 * joined axis the inputs' chunks one after another, empty arrays dropped; other axes the
 * common refinement of the inputs' chunks; stack adds a (1, 1, ...) axis).
 */
import { describe, expect, it } from "vitest";
import { arange } from "../../src/core/creation.js";
import type { DataType } from "../../src/core/dtype.js";
import { ValueError } from "../../src/core/errors.js";
import { toFlatArray, type Block } from "../../src/core/ndarray.js";
import { reshape } from "../../src/core/views.js";
import { concatenate, stack } from "../../src/array/concatenate.js";
import { fromArray } from "../../src/array/creation.js";
import { isChunkedArray, type ChunkedArray } from "../../src/array/chunked-array.js";
import { assertLazyEqual } from "../../src/testing/assert-lazy-equal.js";

const show = (v: unknown) => JSON.stringify(v);

function seq(shape: number[], dtype: DataType = "int32", start = 0): Block {
  const n = shape.reduce((a, b) => a * b, 1);
  return reshape(arange(start, start + n, 1, { dtype }), shape);
}

interface Operand { shape: number[]; chunks: number | number[] | number[][]; dtype?: DataType }

// [operands, axis, dask's output chunks, output dtype]
const CONCAT: [Operand[], number, number[][], DataType][] = [
  [[{ shape: [4, 3], chunks: 2 }, { shape: [4, 5], chunks: [3, 5] }], 1, [[2, 1, 1], [2, 1, 5]], "int32"],
  [[{ shape: [4, 3], chunks: 2 }, { shape: [4, 5], chunks: [3, 5] }], -1, [[2, 1, 1], [2, 1, 5]], "int32"],
  [[{ shape: [2, 3], chunks: 1 }, { shape: [3, 3], chunks: 2 }], 0, [[1, 1, 2, 1], [1, 1, 1]], "int32"],
  [[{ shape: [5], chunks: 2 }, { shape: [3], chunks: 3 }, { shape: [1], chunks: 1 }], 0, [[2, 2, 1, 3, 1]], "int32"],
  [[{ shape: [2, 3], chunks: 2, dtype: "uint8" }, { shape: [2, 3], chunks: 3, dtype: "int8" }], 0, [[2, 2], [2, 1]], "int16"],
  [[{ shape: [2, 3], chunks: 2, dtype: "int32" }, { shape: [1, 3], chunks: 3, dtype: "float32" }], 0, [[2, 1], [2, 1]], "float64"],
  [[{ shape: [2, 2], chunks: 1, dtype: "bool" }, { shape: [2, 1], chunks: 1, dtype: "uint16" }], 1, [[1, 1], [1, 1, 1]], "uint16"],
  [[{ shape: [0, 3], chunks: 1 }, { shape: [2, 3], chunks: 1 }], 0, [[1, 1], [1, 1, 1]], "int32"],
  [[{ shape: [0, 3], chunks: 1 }, { shape: [0, 3], chunks: 3 }], 0, [[0], [1, 1, 1]], "int32"],
  [[{ shape: [3, 2, 4], chunks: [3, 1, 2] }, { shape: [3, 3, 4], chunks: [1, 3, 4] }], 1, [[1, 1, 1], [1, 1, 3], [2, 2]], "int32"],
];

function lazyOf(ops: Operand[]): { lazy: ChunkedArray[]; blocks: Block[] } {
  const blocks = ops.map((o, k) => seq(o.shape, o.dtype ?? "int32", 100 * k));
  return { blocks, lazy: blocks.map((b, k) => fromArray(b, { chunks: ops[k]!.chunks })) };
}

describe("concatenate (lazy) equals eager concatenate, with dask's chunks", () => {
  for (const [ops, axis, chunks, dtype] of CONCAT) {
    const title = ops.map((o) => `shape=${show(o.shape)} chunks=${show(o.chunks)}${o.dtype ? ` ${o.dtype}` : ""}`).join(" + ");
    it(`${title} axis=${axis} -> chunks ${show(chunks)} ${dtype}`, async () => {
      const { lazy, blocks } = lazyOf(ops);
      const y = concatenate(lazy, axis);
      expect(y.chunks).toEqual(chunks);
      expect(y.dtype).toBe(dtype);
      const eager = concatenate(blocks, axis);
      expect(isChunkedArray(eager)).toBe(false);
      await assertLazyEqual(y, eager);
      // No data at graph build: the concatenate layer only aliases existing blocks.
      for (const t of y.graph.layers.get(y.name)!.tasks.values()) expect(t.args.every((a) => "ref" in a)).toBe(true);
    });
  }

  it("eager: shape=[2,2]+[2,1] axis=1 gives NumPy's values", () => {
    const out = concatenate([seq([2, 2]), seq([2, 1], "int32", 10)], 1);
    expect(out.shape).toEqual([2, 3]);
    expect(toFlatArray(out)).toEqual([0, 1, 10, 2, 3, 11]);
  });

  it("a block mixed with lazy arrays becomes one chunk: shape=[2,3] chunks=1 + block [1,3]", async () => {
    const a = seq([2, 3]);
    const b = seq([1, 3], "int32", 50);
    const y = concatenate([fromArray(a, { chunks: 1 }), b], 0);
    expect(y.chunks).toEqual([[1, 1, 1], [1, 1, 1]]);
    await assertLazyEqual(y, concatenate([a, b], 0));
  });

  it("is deterministic", () => {
    const { lazy } = lazyOf([{ shape: [4], chunks: 2 }, { shape: [3], chunks: 1 }]);
    expect(concatenate(lazy).name).toBe(concatenate(lazy).name);
  });
});

// [operands, axis, dask's output chunks]
const STACK: [Operand[], number, number[][]][] = [
  [[{ shape: [4, 5], chunks: 2 }, { shape: [4, 5], chunks: 2 }, { shape: [4, 5], chunks: 2 }], 0, [[1, 1, 1], [2, 2], [2, 2, 1]]],
  [[{ shape: [4, 5], chunks: 2 }, { shape: [4, 5], chunks: [3, 5] }], 1, [[2, 1, 1], [1, 1], [2, 2, 1]]],
  [[{ shape: [4, 5], chunks: 2 }, { shape: [4, 5], chunks: [4, 3] }], -1, [[2, 2], [2, 1, 1, 1], [1, 1]]],
  [[{ shape: [3], chunks: 1, dtype: "uint8" }, { shape: [3], chunks: 3, dtype: "float32" }], 0, [[1, 1], [1, 1, 1]]],
  [[{ shape: [], chunks: [] }, { shape: [], chunks: [] }], 0, [[1, 1]]],
];

describe("stack (lazy) equals eager stack, with dask's chunks", () => {
  for (const [ops, axis, chunks] of STACK) {
    const title = ops.map((o) => `shape=${show(o.shape)} chunks=${show(o.chunks)}${o.dtype ? ` ${o.dtype}` : ""}`).join(" + ");
    it(`${title} axis=${axis} -> chunks ${show(chunks)}`, async () => {
      const { lazy, blocks } = lazyOf(ops);
      const y = stack(lazy, axis);
      expect(y.chunks).toEqual(chunks);
      await assertLazyEqual(y, stack(blocks, axis));
    });
  }

  it("eager: two shape=[2] blocks axis=1 give NumPy's values", () => {
    const out = stack([seq([2]), seq([2], "int32", 5)], 1);
    expect(out.shape).toEqual([2, 2]);
    expect(toFlatArray(out)).toEqual([0, 5, 1, 6]);
  });
});

describe("bad values throw at graph-build time", () => {
  const a = fromArray(seq([4, 3]), { chunks: 2 });
  const b = fromArray(seq([5, 2]), { chunks: 2 });
  const BAD: [string, () => unknown, RegExp][] = [
    ["concatenate arrays=[]", () => concatenate([]), /^concatenate: arrays must be a non-empty list of arrays; got an empty list\. Pass at least one array/],
    ["concatenate arrays=not a list", () => concatenate(a as never), /^concatenate: arrays must be a non-empty list/],
    ["concatenate shapes (4,3)+(5,2) axis=0", () => concatenate([a, b], 0), /^concatenate: all arrays must have the same shape except on axis 0; got \(4, 3\) for array 0 and \(5, 2\) for array 1\. /],
    ["concatenate ndim 2+1", () => concatenate([a, fromArray(seq([3]), { chunks: 1 })], 0), /same shape except on axis 0/],
    ["concatenate axis=2", () => concatenate([a, a], 2), /^concatenate: axis must be an integer in \[-2, 2\) for an array with 2 dimensions; got 2/],
    ["concatenate 0-d", () => concatenate([fromArray(seq([]), { chunks: [] })]), /^concatenate: arrays must have at least one dimension/],
    ["stack shapes (4,3)+(5,2)", () => stack([a, b]), /^stack: all arrays must have the same shape; got \(4, 3\) for array 0 and \(5, 2\) for array 1/],
    ["stack axis=3", () => stack([a, a], 3), /^stack: axis must be an integer in \[-3, 3\)/],
    ["stack arrays=[]", () => stack([]), /^stack: arrays must be a non-empty list/],
  ];
  for (const [title, call, message] of BAD) {
    it(`${title} throws ValueError`, () => {
      expect(call).toThrow(ValueError);
      expect(call).toThrow(message);
    });
  }
});
