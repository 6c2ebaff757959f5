import { describe, expect, it } from "vitest";
import { astype } from "../../src/core/astype.js";
import { array, zeros } from "../../src/core/creation.js";
import { DTYPES, type DataType } from "../../src/core/dtype.js";
import { DtypeError, ValueError } from "../../src/core/errors.js";
import { toFlatArray, type Block } from "../../src/core/ndarray.js";
import { index, reshape, transpose } from "../../src/core/views.js";
import { CASTS } from "./fixtures/numpy-tables.js";
import { expectBlock } from "./helpers.js";

describe("astype matches NumPy's casts", () => {
  it.each(CASTS.map((r) => [`${r.from} -> ${r.to} values=${r.values.length}`, r] as const))("%s", (_, r) => {
    const src = array(r.values.map(Number), { dtype: r.from });
    expectBlock(astype(src, r.to), { dtype: r.to, shape: [r.values.length], values: r.expected });
  });
});

describe("NaN and Infinity to integers (NumPy: undefined in C)", () => {
  // np.array([np.nan, np.inf, -np.inf, 1e20, 3e9, -3e9]).astype(X) on x86-64 (NumPy 1.24) gives
  //   int32:  [-2147483648] * 6               int16, int8, uint8, uint16: [0] * 6
  //   uint32: [2147483648, 0, 2147483648, 0, 3000000000, 1294967296]
  // chunkwise follows JavaScript's ToInt32/ToUint32: NaN and +-Infinity give 0, and every finite
  // value truncates then wraps modulo 2^bits (NumPy converts through int32 first for 8/16/32-bit targets).
  const src = array([NaN, Infinity, -Infinity, 1e20, 3e9, -3e9]);
  it.each([
    ["int32", [0, 0, 0, 1661992960, -1294967296, 1294967296]],
    ["int16", [0, 0, 0, 0, 24064, -24064]],
    ["int8", [0, 0, 0, 0, 0, 0]],
    ["uint8", [0, 0, 0, 0, 0, 0]],
    ["uint16", [0, 0, 0, 0, 24064, 41472]],
    ["uint32", [0, 0, 0, 1661992960, 3000000000, 1294967296]],
  ] as [DataType, number[]][])("float64 -> %s gives %j", (dtype, want) => {
    expect(toFlatArray(astype(src, dtype))).toEqual(want);
  });
  it("NaN -> bool is true, as NumPy", () => {
    expect(toFlatArray(astype(array([NaN, 0, -0]), "bool"))).toEqual([1, 0, 0]);
  });
});

describe("layout and copy semantics", () => {
  const a = reshape(array([1.5, -2.5, 3.5, 4.5, 5.5, 6.5], { dtype: "float32" }), [2, 3]);
  it("copies by default, even for the same dtype", () => {
    const b = astype(a, "float32");
    expect(b).not.toBe(a);
    expect(b.data).not.toBe(a.data);
    expect(toFlatArray(b)).toEqual(toFlatArray(a));
  });
  it("copy: false returns the input when the dtype already matches", () => {
    expect(astype(a, "float32", { copy: false })).toBe(a);
    expect(astype(a, "int8", { copy: false }).dtype).toBe("int8");
  });
  it("a transposed, reversed view gives a C-contiguous block in view order", () => {
    const v = index(transpose(a), ["::-1"]);
    const b = astype(v, "int16");
    expect(b.shape).toEqual([3, 2]);
    expect(b.stride).toEqual([2, 1]);
    expect(toFlatArray(b)).toEqual([3, 6, -2, 5, 1, 4]);
  });
  it("a contiguous row of more than 16 elements uses TypedArray.set with the same result", () => {
    const big = array(Array.from({ length: 40 }, (_, i) => i * 17.25 - 300));
    expect(toFlatArray(astype(big, "uint8"))).toEqual(Array.from(Uint8Array.from(toFlatArray(big))));
  });
  it("0-d and size-0 blocks", () => {
    expect(toFlatArray(astype(array(2.7), "int32"))).toEqual([2]);
    expect(astype(zeros([0, 3]), "bool").shape).toEqual([0, 3]);
  });
  it.each(DTYPES.map((d) => [d]))("every dtype round-trips through float64: %s", (d) => {
    const src = astype(array([0, 1, 2]), d);
    expect(toFlatArray(astype(src, "float64"))).toEqual(d === "bool" ? [0, 1, 1] : [0, 1, 2]);
  });
});

describe("bad arguments", () => {
  const a = array([1, 2]);
  it.each([
    ["dtype='float16'", () => astype(a, "float16" as DataType), DtypeError, 'astype: dtype must be one of bool, int8'],
    ["dtype=undefined", () => astype(a, undefined as unknown as DataType), DtypeError, "got undefined"],
    ["dtype='int64'", () => astype(a, "int64" as DataType), DtypeError, 'got "int64"'],
    ["block=[1,2]", () => astype([1, 2] as unknown as Block, "int8"), ValueError, "astype: array must be a block"],
    ["block=null", () => astype(null as unknown as Block, "int8"), ValueError, "got null"],
    ["block with Float64Array and dtype int8", () => astype({ data: new Float64Array(2), shape: [2], dtype: "int8" }, "int8"), DtypeError, "astype: array must hold"],
  ] as const)("%s", (_, f, cls, message) => {
    expect(f).toThrow(cls);
    expect(f).toThrow(message);
  });
});
