import { describe, expect, it } from "vitest";
import { array, arange, full, zeros } from "../../src/core/creation.js";
import type { DataType } from "../../src/core/dtype.js";
import { DtypeError, ValueError } from "../../src/core/errors.js";
import { toFlatArray, type Block } from "../../src/core/ndarray.js";
import { max, mean, min, prod, sum, type ReduceOptions } from "../../src/core/reduce.js";
import { broadcastTo, index, reshape, transpose } from "../../src/core/views.js";
import { REDUCTIONS } from "./fixtures/numpy-tables.js";
import { expectBlock } from "./helpers.js";

const OPS = { sum, prod, mean, min, max } as Record<string, (b: Block, o?: ReduceOptions) => Block>;

describe("reductions match NumPy (int64 sums taken modulo 2^32)", () => {
  it.each(
    REDUCTIONS.map((r) => [`${r.op} ${r.a.dtype} shape=[2,3] axis=${String(r.axis)} keepdims=${r.keepdims}`, r] as const),
  )("%s", (_, r) => {
    const a = array(r.a.values.flat().map(Number), { dtype: r.a.dtype, shape: r.shape });
    const out = OPS[r.op]!(a, { axis: r.axis, keepdims: r.keepdims });
    // NumPy sums float32 pairwise in float32; chunkwise accumulates in float64 then rounds once.
    const ulps = r.dtype === "float32" && r.op !== "min" && r.op !== "max" ? 2 : 0;
    expectBlock(out, { dtype: r.dtype, shape: r.outShape, values: r.values }, { ulps });
  });
});

describe("axes, views and dtype", () => {
  const a = reshape(arange(24), [2, 3, 4]);
  it("axis=[0,2] and negative axes agree", () => {
    expect(toFlatArray(sum(a, { axis: [0, 2] }))).toEqual([60, 92, 124]); // np.arange(24).reshape(2,3,4).sum(axis=(0,2))
    expect(toFlatArray(sum(a, { axis: [-1, -3] }))).toEqual([60, 92, 124]);
  });
  it("axis=[] reduces nothing (casts to the result dtype)", () => {
    const r = sum(array([1, 2], { dtype: "uint8" }), { axis: [] });
    expect(r.dtype).toBe("uint32");
    expect(toFlatArray(r)).toEqual([1, 2]);
  });
  it("a full reduction is a 0-d block; keepdims keeps every axis as 1", () => {
    expect(sum(a).shape).toEqual([]);
    expect(sum(a, { keepdims: true }).shape).toEqual([1, 1, 1]);
    expect(toFlatArray(sum(a))).toEqual([276]);
  });
  it("transposed, reversed and broadcast (stride 0) views", () => {
    const t = index(transpose(a, [2, 0, 1]), ["::-1"]);
    expect(toFlatArray(max(t, { axis: 1 }))).toEqual([15, 19, 23, 14, 18, 22, 13, 17, 21, 12, 16, 20]); // np.arange(24).reshape(2,3,4).transpose(2,0,1)[::-1].max(axis=1)
    const b = broadcastTo(array([1, 2, 3], { dtype: "int8" }), [1000, 3]);
    expect(toFlatArray(sum(b, { axis: 0 }))).toEqual([1000, 2000, 3000]);
  });
  it("dtype option: accumulate in uint8 wraps; in float64 does not", () => {
    const x = full([3], 200, { dtype: "uint8" });
    expect(toFlatArray(sum(x, { dtype: "uint8" }))).toEqual([88]); // np.full(3, 200, 'u1').sum(dtype='u1')
    expect(toFlatArray(sum(x, { dtype: "float64" }))).toEqual([600]);
  });
  it("dtype option casts first: sum of [1.7, 1.7, -5.5] as int32 is 1 + 1 - 5", () => {
    expect(toFlatArray(sum(array([1.7, 1.7, -5.5]), { dtype: "int32" }))).toEqual([-3]); // np.array([1.7, 1.7, -5.5]).sum(dtype='i4')
  });
  it("int32 sums wrap modulo 2^32", () => {
    expect(toFlatArray(sum(full([4], 2147483647, { dtype: "int32" })))).toEqual([-4]);
  });
  it("float32 sums accumulate in float64: 1e6 x 0.1 is accurate", () => {
    const r = sum(full([1_000_000], 0.1, { dtype: "float32" }));
    expect(r.dtype).toBe("float32");
    expect(r.data[0]).toBe(Math.fround(1_000_000 * Math.fround(0.1)));
  });
  it("mean dtypes: int -> float64, float32 -> float32, dtype float32 honoured", () => {
    expect(mean(array([1, 2], { dtype: "int16" })).dtype).toBe("float64");
    expect(mean(array([1, 2], { dtype: "float32" })).dtype).toBe("float32");
    expect(mean(array([1, 2], { dtype: "int16" }), { dtype: "float32" }).dtype).toBe("float32");
  });
  it("empty reductions: sum 0, prod 1, mean NaN; min over an empty output is fine", () => {
    const e = zeros([0, 3]);
    expect(toFlatArray(sum(e, { axis: 0 }))).toEqual([0, 0, 0]);
    expect(toFlatArray(prod(e, { axis: 0 }))).toEqual([1, 1, 1]);
    expect(toFlatArray(mean(e, { axis: 0 }))).toEqual([NaN, NaN, NaN]);
    expect(min(zeros([3, 0]), { axis: 0 }).shape).toEqual([0]);
  });
  it("NaN propagates in min and max wherever it is", () => {
    expect(toFlatArray(min(array([NaN, 1, 2])))).toEqual([NaN]);
    expect(toFlatArray(max(array([1, NaN, 2])))).toEqual([NaN]);
    expect(toFlatArray(max(array([1, 2, NaN])))).toEqual([NaN]);
  });
  it("float32 products round every step (overflow to Infinity, as NumPy)", () => {
    expect(toFlatArray(prod(array([1e30, 1e30, 1e-30], { dtype: "float32" })))).toEqual([Infinity]);
  });
});

describe("bad arguments", () => {
  const a = zeros([2, 3]);
  const cases: [string, () => unknown, typeof ValueError | typeof DtypeError, string][] = [
    ["sum axis=2", () => sum(a, { axis: 2 }), ValueError, "sum: axis must be an integer in [-2, 2) for an array with 2 dimensions; got 2"],
    ["sum axis=-3", () => sum(a, { axis: -3 }), ValueError, "got -3"],
    ["sum axis=0.5", () => sum(a, { axis: 0.5 }), ValueError, "got 0.5"],
    ["sum axis='0'", () => sum(a, { axis: "0" as unknown as number }), ValueError, "sum: axis must be an integer or a list of integers"],
    ["sum axis=[0,-2]", () => sum(a, { axis: [0, -2] }), ValueError, "sum: axis must not repeat an axis; got (0, -2)"],
    ["mean axis=[1,1]", () => mean(a, { axis: [1, 1] }), ValueError, "mean: axis must not repeat"],
    ["sum keepdims=1", () => sum(a, { keepdims: 1 as unknown as boolean }), ValueError, "sum: keepdims must be a boolean; got 1"],
    ["sum dtype=int64", () => sum(a, { dtype: "int64" as DataType }), DtypeError, 'sum: dtype must be one of'],
    ["mean dtype=bool", () => mean(a, { dtype: "bool" }), DtypeError, "mean: dtype must be a number dtype"],
    ["min of shape (0, 3) axis=0", () => min(zeros([0, 3]), { axis: 0 }), ValueError, "zero-size array to reduction operation minimum which has no identity"],
    ["max of shape (0,)", () => max(zeros([0])), ValueError, "zero-size array to reduction operation maximum which has no identity"],
    ["max of shape (0, 0) axis=0", () => max(zeros([0, 0]), { axis: 0 }), ValueError, "max: array must be non-empty along the reduced axes; got shape (0, 0)"],
    ["sum block='x'", () => sum("x" as unknown as Block), ValueError, "sum: array must be a block"],
    ["sum options=3", () => sum(a, 3 as unknown as ReduceOptions), ValueError, "sum: options must be an object; got 3"],
  ];
  it.each(cases)("%s", (_, f, cls, message) => {
    expect(f).toThrow(cls);
    expect(f).toThrow(message);
  });
});
