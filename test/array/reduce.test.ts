/**
 * Lazy tree reductions against the eager core reductions: values (exact for integers and
 * bools; allclose for floats, whose summation order differs),
 * result dtypes, dask's output chunks (kept axes keep their chunks; reduced axes become (1,)
 * with keepdims, else vanish) and the shape of the tree (dask's split_every: no task reads
 * more than splitEvery blocks; 50 blocks reduce 50 -> 13 -> 4 -> 1).
 */
import { describe, expect, it } from "vitest";
import type { DataType } from "../../src/core/dtype.js";
import { DtypeError, ValueError } from "../../src/core/errors.js";
import type { Block } from "../../src/core/ndarray.js";
import * as core from "../../src/core/reduce.js";
import { seededBlock } from "../../src/testing/gufunc-cases.js";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { fromArray } from "../../src/array/creation.js";
import { max, mean, min, prod, sum } from "../../src/array/reduce.js";
import { assertLazyEqual } from "../../src/testing/assert-lazy-equal.js";

const show = (v: unknown) => JSON.stringify(v);
const LAZY = { sum, prod, mean, min, max } as const;
type Kind = keyof typeof LAZY;
const eagerOf = (kind: Kind, b: Block, o: object): Block => (core[kind] as (x: Block, o: object) => Block)(b, o);
const lazyOf = (kind: Kind, x: ChunkedArray, o: object): ChunkedArray => (LAZY[kind] as (x: ChunkedArray, o: object) => ChunkedArray)(x, o);

// x: shape [5,4,3] chunks 2 -> [[2,2,1],[2,2],[2,1]]; [options, dask's output chunks]
const OPTIONS: [object, number[][]][] = [
  [{}, []],
  [{ axis: 0 }, [[2, 2], [2, 1]]],
  [{ axis: [0, 2], keepdims: true }, [[1], [2, 2], [1]]],
  [{ axis: -1 }, [[2, 2, 1], [2, 2]]],
  [{ axis: [1], keepdims: true }, [[2, 2, 1], [1], [2, 1]]],
  [{ axis: [] }, [[2, 2, 1], [2, 2], [2, 1]]],
  [{ axis: [2, 0, 1], keepdims: true }, [[1], [1], [1]]],
];
const DTYPES: DataType[] = ["int16", "uint8", "float32", "float64", "bool"];
const KINDS: Kind[] = ["sum", "mean", "min", "max", "prod"];

describe("lazy reductions equal the eager ones: shape=[5,4,3] chunks=2", () => {
  for (const kind of KINDS) {
    for (const dtype of DTYPES) {
      for (const [options, chunks] of OPTIONS) {
        if (kind === "prod" && dtype === "float32" && !("axis" in options && (options as { axis: unknown[] }).axis.length === 1)) continue;
        it(`${kind} dtype=${dtype} options=${show(options)} -> chunks ${show(chunks)}`, async () => {
          const b = seededBlock([5, 4, 3], KINDS.indexOf(kind) + 1, dtype);
          const x = fromArray(b, { chunks: 2 });
          const y = lazyOf(kind, x, options);
          expect(y.chunks).toEqual(chunks);
          const eager = eagerOf(kind, b, options);
          await assertLazyEqual(y, eager);
        });
      }
    }
  }
});

describe("options: dtype and keepdims as NumPy's", () => {
  const CASES: [Kind, DataType, object][] = [
    ["sum", "int8", { dtype: "float32" }],
    ["sum", "float64", { axis: 1, dtype: "int32" }],
    ["sum", "int32", { axis: 0, dtype: "int8" }],
    ["sum", "bool", { dtype: "bool", axis: 0 }],
    ["mean", "float32", { axis: [0, 1] }],
    ["mean", "int16", { axis: 1, dtype: "int32" }],
    ["prod", "uint16", { axis: 0, dtype: "float64" }],
    ["mean", "uint8", { axis: 0, keepdims: true, dtype: "float32" }],
  ];
  for (const [kind, dtype, options] of CASES) {
    it(`${kind} shape=[9,4] chunks=[2,3] dtype=${dtype} options=${show(options)}`, async () => {
      const b = seededBlock([9, 4], 7, dtype);
      const y = lazyOf(kind, fromArray(b, { chunks: [2, 3] }), options);
      const eager = eagerOf(kind, b, options);
      await assertLazyEqual(y, eager);
    });
  }

  it("shape=[4,0] chunks=2 sum axis=1 gives zeros; mean gives NaN", async () => {
    const b = seededBlock([4, 0], 1, "float64");
    const x = fromArray(b, { chunks: 2 });
    await assertLazyEqual(sum(x, { axis: 1 }), core.sum(b, { axis: 1 }));
    await assertLazyEqual(mean(x, { axis: 1 }), core.mean(b, { axis: 1 }));
  });

  it("shape=[] (0-d) sum and max", async () => {
    const b = seededBlock([], 3, "int32");
    const x = fromArray(b, { chunks: [] });
    await assertLazyEqual(sum(x), core.sum(b));
    await assertLazyEqual(max(x), core.max(b));
  });

  it("NaN propagates through min and max trees: shape=[8] chunks=1", async () => {
    const b = seededBlock([8], 2, "float64");
    (b.data as Float64Array)[5] = NaN;
    const x = fromArray(b, { chunks: 1 });
    await assertLazyEqual(min(x), core.min(b));
    expect((await min(x).compute()).data[0]).toBeNaN();
    await assertLazyEqual(max(x, { keepdims: true }), core.max(b, { keepdims: true }));
  });

  it("a block in gives the eager result (splitEvery is ignored)", () => {
    const b = seededBlock([5, 3], 4, "int16");
    expect(sum(b, { axis: 0, splitEvery: 2 })).toEqual(core.sum(b, { axis: 0 }));
    expect(mean(b)).toEqual(core.mean(b));
  });
});

/** Number of tasks per reduction layer (partial, combine levels, final) and the most args of any. */
function treeOf(y: ChunkedArray, kind: string): { layers: number[]; maxArgs: number } {
  const layers: number[] = [];
  let maxArgs = 0;
  for (const [name, layer] of y.graph.layers) {
    if (!name.startsWith(`${kind}-`)) continue;
    layers.push(layer.tasks.size);
    for (const t of layer.tasks.values()) maxArgs = Math.max(maxArgs, t.args.length);
  }
  return { layers, maxArgs };
}

describe("tree shape (dask's split_every)", () => {
  const CASES: [number[], number[], object, number, number[]][] = [
    // [shape, chunks, options, splitEvery bound, tasks per layer: partial, combines..., aggregate]
    [[50], [1], {}, 4, [50, 13, 4, 1]],
    [[50], [1], { splitEvery: 2 }, 2, [50, 25, 13, 7, 4, 2, 1]],
    [[50], [1], { splitEvery: 50 }, 50, [50, 1]],
    [[10, 10], [1, 1], {}, 4, [100, 25, 9, 4, 1]],
    [[10, 10], [1, 1], { axis: 0 }, 4, [100, 30, 10]],
    [[6, 6, 6], [1, 1, 1], { splitEvery: 8 }, 8, [216, 27, 8, 1]],
    [[6, 6, 6], [1, 1, 1], {}, 4, [216, 54, 18, 8, 2, 1]],
  ];
  for (const [shape, chunks, options, bound, layers] of CASES) {
    it(`sum shape=${show(shape)} chunks=${show(chunks)} options=${show(options)}: every task reads <= ${bound} blocks; layers ${show(layers)}`, async () => {
      const b = seededBlock(shape, 9, "float64");
      const y = sum(fromArray(b, { chunks }), options);
      const tree = treeOf(y, "sum");
      expect(tree.maxArgs).toBeLessThanOrEqual(bound);
      expect(tree.layers).toEqual(layers);
      await assertLazyEqual(y, core.sum(b, options as core.ReduceOptions & { splitEvery?: number } & object));
    });
  }

  it("keys are deterministic and differ by options", () => {
    const x = fromArray(seededBlock([6, 4], 1), { chunks: 2 });
    expect(sum(x, { axis: 0 }).name).toBe(sum(x, { axis: 0 }).name);
    expect(sum(x, { axis: 0 }).name).not.toBe(sum(x, { axis: 1 }).name);
    expect(sum(x).name).not.toBe(mean(x).name);
  });
});

describe("bad values throw at graph-build time", () => {
  const x = fromArray(seededBlock([4, 3], 1), { chunks: 2 });
  const empty = fromArray(seededBlock([0, 3], 1), { chunks: 2 });
  const BAD: [string, () => unknown, typeof ValueError | typeof DtypeError, RegExp][] = [
    ["sum axis=2", () => sum(x, { axis: 2 }), ValueError, /^sum: axis must be an integer in \[-2, 2\) for an array with 2 dimensions; got 2\. /],
    ["mean axis=[0,0]", () => mean(x, { axis: [0, 0] }), ValueError, /^mean: axis must not repeat an axis; got \(0, 0\)/],
    ["max axis=\"0\"", () => max(x, { axis: "0" as never }), ValueError, /^max: axis must be an integer or a list of integers/],
    ["sum keepdims=\"yes\"", () => sum(x, { keepdims: "yes" as never }), ValueError, /^sum: keepdims must be a boolean; got "yes"/],
    ["sum splitEvery=1", () => sum(x, { splitEvery: 1 }), ValueError, /^sum: splitEvery must be an integer of at least 2; got 1\. Pass e\.g\. 4/],
    ["min splitEvery=2.5", () => min(x, { splitEvery: 2.5 }), ValueError, /^min: splitEvery must be an integer of at least 2; got 2\.5/],
    ["prod dtype=\"int64\"", () => prod(x, { dtype: "int64" as never }), DtypeError, /^prod: dtype must be one of bool, .*; got "int64"/],
    ["mean dtype=\"bool\"", () => mean(x, { dtype: "bool" }), DtypeError, /^mean: dtype must be a number dtype; got "bool"/],
    ["min shape=[0,3] axis=0", () => min(empty, { axis: 0 }), ValueError, /^min: array must be non-empty along the reduced axes; got shape \(0, 3\) reduced over axis \(0,\)/],
    ["max shape=[0,3] all axes", () => max(empty), ValueError, /zero-size array to reduction operation maximum/],
    ["sum options=3", () => sum(x, 3 as never), ValueError, /^sum: options must be an object; got 3/],
  ];
  for (const [title, call, cls, message] of BAD) {
    it(`shape=[4,3] ${title} throws ${cls.name}`, () => {
      expect(call).toThrow(cls);
      expect(call).toThrow(message);
    });
  }
});
