import ndarray from "ndarray";
import { describe, expect, it } from "vitest";
import { arange, array, checkDtype, checkShape, fromNdarray, full, ones, toNdarray, zeros } from "../../src/core/creation.js";
import { DtypeError, ValueError } from "../../src/core/errors.js";
import {
  asBlock, copyInto, cStrides, emptyBlock, flatIndex, forEachIndex, forEachRow, fromTypedArray, get, isBlock, isBlockLike,
  isCContiguous, set, sizeOf, toFlatArray, type Block,
} from "../../src/core/ndarray.js";
import { index, transpose } from "../../src/core/views.js";

describe("block basics", () => {
  it.each([
    [[], [], 1], [[5], [1], 5], [[2, 3, 4], [12, 4, 1], 24], [[3, 0, 2], [0, 2, 1], 0],
  ] as [number[], number[], number][])("shape=%j has C strides %j and size %i", (shape, stride, size) => {
    expect(cStrides(shape)).toEqual(stride);
    expect(sizeOf(shape)).toBe(size);
  });
  it("flatIndex, get and set follow offset + sum(i * stride)", () => {
    const b = fromTypedArray("int16", new Int16Array([0, 1, 2, 3, 4, 5]), [2, 3]);
    expect(flatIndex(b, [1, 2])).toBe(5);
    expect(get(b, [-1, -1])).toBe(5);
    set(b, [0, -1], 42);
    expect(b.data[2]).toBe(42);
    expect(() => get(b, [2, 0])).toThrow("get: index on axis 0 must be an integer in [-2, 2); got 2");
    expect(() => get(b, [0])).toThrow("get: index must have one entry per axis (2); got (0,)");
    expect(() => set(b, [0, 0.5], 1)).toThrow(ValueError);
  });
  it("isCContiguous ignores strides of size-1 axes", () => {
    expect(isCContiguous(zeros([2, 3]))).toBe(true);
    expect(isCContiguous(transpose(zeros([2, 3])))).toBe(false);
    expect(isCContiguous({ ...zeros([1, 3]), stride: [99, 1] })).toBe(true);
  });
  it("emptyBlock is zero-filled and C-contiguous", () => {
    const e = emptyBlock("uint16", [2, 2]);
    expect(e.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(e.data)).toEqual([0, 0, 0, 0]);
  });
});

describe("asBlock accepts blocks, scijs ndarrays and zarrita chunks", () => {
  it("returns a Block unchanged", () => {
    const b = zeros([2]);
    expect(asBlock(b)).toBe(b);
  });
  it("scijs ndarray: shares data, keeps dtype, survives views (the prototype dtype getter is copied)", () => {
    const nd = ndarray(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const b = fromNdarray(nd);
    expect(b.dtype).toBe("float32");
    expect(b.data).toBe(nd.data);
    expect(index(nd as unknown as Block, [1]).dtype).toBe("float32");
    expect(transpose(nd as unknown as Block).dtype).toBe("float32");
    expect(toFlatArray(index(nd as unknown as Block, [":", "::-1"]))).toEqual([3, 2, 1, 6, 5, 4]);
  });
  it("scijs ndarray round trip: toNdarray(view) reads the same elements and shares data", () => {
    const b = index(arange(12, undefined, 1, { dtype: "int32" }), ["::-2"]);
    const nd = toNdarray(b);
    expect(nd.data).toBe(b.data);
    expect(nd.dtype).toBe("int32");
    expect([0, 1, 2, 3, 4, 5].map((i) => nd.get(i))).toEqual(toFlatArray(b));
    const back = fromNdarray(nd);
    expect(back.shape).toEqual([6]);
    expect(toFlatArray(back)).toEqual([11, 9, 7, 5, 3, 1]);
    const picked = fromNdarray(ndarray(new Float64Array([0, 1, 2, 3, 4, 5]), [2, 3]).pick(null, 1));
    expect(toFlatArray(picked)).toEqual([1, 4]);
  });
  it("zarrita-style chunk { data, shape, stride }: dtype from the TypedArray, offset 0", () => {
    const chunk = { data: new Uint16Array([1, 2, 3, 4, 5, 6]), shape: [3, 2], stride: [1, 3] };
    const b = asBlock(chunk);
    expect(b).toMatchObject({ dtype: "uint16", offset: 0, shape: [3, 2], stride: [1, 3] });
    expect(toFlatArray(b)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(asBlock({ data: new Int8Array(4), shape: [2, 2] }).stride).toEqual([2, 1]);
  });
  it("bool blocks live in Uint8Array; Uint8ClampedArray reads as uint8", () => {
    expect(asBlock({ data: new Uint8Array(2), shape: [2], dtype: "bool" }).dtype).toBe("bool");
    expect(asBlock({ data: new Uint8ClampedArray(2), shape: [2] }).dtype).toBe("uint8");
  });
  it("isBlock / isBlockLike", () => {
    expect(isBlock(zeros([1]))).toBe(true);
    expect(isBlock({ data: new Float64Array(1), shape: [1] })).toBe(false);
    expect(isBlockLike({ data: new Float64Array(1), shape: [1] })).toBe(true);
    expect(isBlockLike({ data: [1], shape: [1] })).toBe(false);
  });
  it.each([
    ["null", null, ValueError, "asBlock: array must be a block ({ dtype, data, shape, stride, offset }), a scijs ndarray or a zarrita chunk; got null"],
    ["plain array", [1, 2], ValueError, "got a plain JavaScript array"],
    ["number", 3, ValueError, "got number 3"],
    ["object without data", { shape: [1] }, ValueError, 'got an object with keys ["shape"]'],
    ["Float64Array with dtype int8", { data: new Float64Array(1), shape: [1], dtype: "int8" }, DtypeError, 'got dtype "int8" with Float64Array'],
    ["BigInt64Array", { data: new BigInt64Array(1), shape: [1] }, DtypeError, "with BigInt64Array"],
    ["negative shape", { data: new Float64Array(1), shape: [-1] }, ValueError, "must have non-negative integer shape"],
    ["stride length mismatch", { data: new Float64Array(4), shape: [2, 2], stride: [1] }, ValueError, "got shape (2, 2) and stride (1,)"],
  ] as [string, unknown, typeof ValueError, string][])("rejects %s", (_, value, cls, message) => {
    expect(() => asBlock(value)).toThrow(cls);
    expect(() => asBlock(value)).toThrow(message);
  });
});

describe("row loops", () => {
  it("forEachRow visits one callback per row with each operand's offsets", () => {
    const a = zeros([2, 3]);
    const t = transpose(zeros([3, 2]));
    const rows: [number[], number][] = [];
    forEachRow([2, 3], [a, t], (o, n) => rows.push([[...o], n]));
    expect(rows).toEqual([[[0, 0], 3], [[3, 1], 3]]);
  });
  it("forEachRow: 0-d runs once, size-0 never", () => {
    let calls = 0;
    forEachRow([], [{ stride: [], offset: 7 }], (o, n) => { calls++; expect([o[0], n]).toEqual([7, 1]); });
    forEachRow([2, 0], [{ stride: [0, 1], offset: 0 }], () => calls++);
    expect(calls).toBe(1);
  });
  it("forEachIndex walks C order", () => {
    const seen: number[][] = [];
    forEachIndex([2, 2], (i) => seen.push([...i]));
    expect(seen).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
  });
  it("copyInto converts values as TypedArrays do and follows strides", () => {
    const dst = zeros([3, 2], { dtype: "int8" });
    copyInto(dst, transpose(array([[1.9, 2, 300], [4, -1.5, 6]])));
    expect(toFlatArray(dst)).toEqual([1, 4, 2, -1, 44, 6]);
  });
});

describe("creation", () => {
  it("array from nested lists: shape, float64 default, bool when all leaves are booleans", () => {
    const a = array([[1, 2, 3], [4, 5, 6]]);
    expect(a).toMatchObject({ dtype: "float64", shape: [2, 3], stride: [3, 1], offset: 0 });
    expect(array([[true, false]]).dtype).toBe("bool");
    expect(array([true, 2]).dtype).toBe("float64");
    expect(array(5).shape).toEqual([]);
    expect(array([]).shape).toEqual([0]);
    expect(array([[], []]).shape).toEqual([2, 0]);
  });
  it("array from a TypedArray shares it when the dtype matches, converts otherwise", () => {
    const data = new Float32Array([1, 2, 3, 4]);
    expect(array(data, { shape: [2, 2] }).data).toBe(data);
    const c = array(data, { dtype: "int8" });
    expect(c.data).toBeInstanceOf(Int8Array);
    const u8 = new Uint8Array([0, 1, 1]);
    expect(array(u8, { dtype: "bool" }).data).toBe(u8);
    expect(Array.from(array(new Uint8Array([0, 2]), { dtype: "bool" }).data)).toEqual([0, 1]);
  });
  it("full, zeros, ones, arange", () => {
    expect(toFlatArray(full([2], 7, { dtype: "uint8" }))).toEqual([7, 7]);
    expect(full(2, true).dtype).toBe("bool");
    expect(zeros([2, 2]).dtype).toBe("float64");
    expect(toFlatArray(ones([3], { dtype: "int16" }))).toEqual([1, 1, 1]);
    expect(toFlatArray(arange(0, 1, 0.25))).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(5).dtype).toBe("int32");
    expect(toFlatArray(arange(5, 0, -2))).toEqual([5, 3, 1]);
    expect(arange(3, 1).shape).toEqual([0]);
  });
  it.each([
    ["array ragged", () => array([[1, 2], [3]]), ValueError, "array: values must be regular nested arrays; got a row of length 1 where 2 was expected at depth 1"],
    ["array string leaf", () => array(["a"] as unknown as number[]), ValueError, 'array: values must be nested arrays of numbers with a regular shape; got "a"'],
    ["array shape mismatch", () => array(new Float64Array(4), { shape: [3] }), ValueError, "array: shape (3,) must hold exactly 4 elements; got 3"],
    ["array dtype float16", () => array([1], { dtype: "float16" as "float32" }), DtypeError, 'got "float16"'],
    ["zeros shape -1", () => zeros(-1), ValueError, "zeros: shape must be a list of non-negative integers; got -1"],
    ["ones shape [2.5]", () => ones([2.5]), ValueError, "ones: shape must be a list of non-negative integers; got (2.5,)"],
    ["full value string", () => full([1], "1" as unknown as number), ValueError, 'full: value must be a number or boolean; got "1"'],
    ["arange step 0", () => arange(0, 1, 0), ValueError, "arange: start, stop and step must be finite and step nonzero; got 0, 1, 0"],
    ["arange Infinity", () => arange(Infinity), ValueError, "must be finite"],
    ["checkShape 'x'", () => checkShape("f", "x"), ValueError, 'f: shape must be a list of non-negative integers; got "x"'],
    ["checkDtype 5", () => checkDtype("f", 5), DtypeError, "f: dtype must be one of bool, int8, int16, int32, uint8, uint16, uint32, float32, float64; got 5"],
  ] as [string, () => unknown, typeof ValueError, string][])("%s throws", (_, f, cls, message) => {
    expect(f).toThrow(cls);
    expect(f).toThrow(message);
  });
});
