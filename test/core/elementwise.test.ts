import { describe, expect, it } from "vitest";
import { array, arange, full, zeros } from "../../src/core/creation.js";
import * as E from "../../src/core/elementwise.js";
import { BroadcastError, DtypeError, ValueError } from "../../src/core/errors.js";
import { emptyBlock, toFlatArray, type Block } from "../../src/core/ndarray.js";
import { index, reshape, transpose } from "../../src/core/views.js";
import { BINARY, UNARY, type Opnd } from "./fixtures/numpy-tables.js";
import { expectBlock, operand } from "./helpers.js";

type Binary = (a: E.Operand, b: E.Operand, o?: E.ElementwiseOptions) => Block;
type Unary = (a: E.Operand, o?: E.ElementwiseOptions) => Block;
const BINARIES = E as unknown as Record<string, Binary>;
const UNARIES = E as unknown as Record<string, Unary>;

const label = (x: Opnd): string => (typeof x === "object" ? x.dtype : `${typeof x} ${String(x)}`);
// V8's Math.pow/exp/log are not correctly rounded, nor is NumPy's libm: allow 2 ulps there.
const ULPS: Record<string, number> = { power: 2, exp: 2, log: 2 };
// Which zero maximum(-0, 0) gives is unspecified in NumPy (it depends on the SIMD path).
const SIGNED_ZERO_FREE = new Set(["maximum", "minimum"]);

describe("binary ops match NumPy (NEP 50 promotion)", () => {
  it.each(BINARY.map((r) => [`${r.op} a=${label(r.a)} b=${label(r.b)} -> ${r.dtype}`, r] as const))("%s", (_, r) => {
    const out = BINARIES[r.op]!(operand(r.a), operand(r.b));
    expectBlock(out, r, { signedZero: !SIGNED_ZERO_FREE.has(r.op), ulps: ULPS[r.op] ?? 0 });
  });
});

describe("unary ops match NumPy", () => {
  it.each(UNARY.map((r) => [`${r.op} a=${r.a.dtype} -> ${r.dtype}`, r] as const))("%s", (_, r) => {
    expectBlock(UNARIES[r.op]!(operand(r.a)), r, { ulps: ULPS[r.op] ?? 0 });
  });
});

describe("NEP 50 weak scalars", () => {
  const u8 = array([1, 2], { dtype: "uint8" });
  it.each([
    ["uint8 block + 1 -> uint8", () => E.add(u8, 1), "uint8"],
    ["int8 block + 2.5 -> float64", () => E.add(array([1], { dtype: "int8" }), 2.5), "float64"],
    ["float32 block * 2 -> float32", () => E.multiply(array([1], { dtype: "float32" }), 2), "float32"],
    ["bool block + true -> bool", () => E.add(array([true]), true), "bool"],
    ["bool block + 1 -> int32 (NumPy int64)", () => E.add(array([true]), 1), "int32"],
    ["1 + 2 -> int32 (NumPy int64)", () => E.add(1, 2), "int32"],
    ["1 + 0.5 -> float64", () => E.add(1, 0.5), "float64"],
    ["true + true -> bool", () => E.add(true, true), "bool"],
    ["int32 block + NaN -> float64", () => E.add(array([1], { dtype: "int32" }), NaN), "float64"],
    ["uint16 block + 1e20 (not a safe integer: a float) -> float64", () => E.add(array([1], { dtype: "uint16" }), 1e20), "float64"],
    ["int8 block / 2 -> float64", () => E.divide(array([1], { dtype: "int8" }), 2), "float64"],
    ["float32 block / 3 -> float32", () => E.divide(array([1], { dtype: "float32" }), 3), "float32"],
    ["sqrt(uint16) -> float32", () => E.sqrt(array([4], { dtype: "uint16" })), "float32"],
    ["sqrt(int32) -> float64", () => E.sqrt(array([4], { dtype: "int32" })), "float64"],
  ] as const)("%s", (_, f, dtype) => {
    expect(f().dtype).toBe(dtype);
  });

  it("a float32 block rounds the scalar to float32 first: equal(float32 [0.1], 0.1) is true", () => {
    expect(toFlatArray(E.equal(array([0.1], { dtype: "float32" }), 0.1))).toEqual([1]);
    expect(toFlatArray(E.equal(array([0.1], { dtype: "float64" }), 0.1))).toEqual([1]);
    expect(toFlatArray(E.equal(array([Math.fround(0.1)], { dtype: "float64" }), 0.1))).toEqual([0]);
  });

  it("comparisons with out-of-range integers are exact, as NumPy 2 (uint8 < -1 is false, < 300 true)", () => {
    expect(toFlatArray(E.less(u8, -1))).toEqual([0, 0]);
    expect(toFlatArray(E.less(u8, 300))).toEqual([1, 1]);
    expect(toFlatArray(E.equal(array([-1], { dtype: "int8" }), 255))).toEqual([0]);
  });

  it("integer arithmetic wraps and keeps exact low bits", () => {
    expect(toFlatArray(E.multiply(array([2147483647, 65536, 123456789], { dtype: "int32" }), array([2147483647, 65536, 987654321], { dtype: "int32" })))).toEqual([1, 0, -67153019]); // np.multiply(np.array([2**31-1, 65536, 123456789], 'i4'), np.array([2**31-1, 65536, 987654321], 'i4'))
    expect(toFlatArray(E.multiply(array([4294967295, 3000000000], { dtype: "uint32" }), array([4294967295, 3], { dtype: "uint32" })))).toEqual([1, 410065408]); // np.multiply(np.array([2**32-1, 3e9], 'u4'), np.array([2**32-1, 3], 'u4'))
    expect(toFlatArray(E.power(array([3, 7], { dtype: "int32" }), 40))).toEqual([689956897, -142118463]); // np.power(np.array([3, 7], 'i4'), 40)
  });

  it("integer division and remainder by zero give 0", () => {
    const a = array([-7, 0, 7], { dtype: "int16" });
    expect(toFlatArray(E.floorDivide(a, 0))).toEqual([0, 0, 0]);
    expect(toFlatArray(E.remainder(a, 0))).toEqual([0, 0, 0]);
    expect(toFlatArray(E.divide(a, 0))).toEqual([-Infinity, NaN, Infinity]);
  });
});

describe("broadcasting and layout", () => {
  it("shape=[2,1,3] + shape=[4,1] gives [2,4,3]", () => {
    const a = reshape(arange(6), [2, 1, 3]);
    const b = reshape(arange(4, undefined, 1, { dtype: "int8" }), [4, 1]);
    const r = E.add(a, b);
    expect(r.shape).toEqual([2, 4, 3]);
    expect(r.dtype).toBe("int32");
    expect(toFlatArray(r).slice(0, 6)).toEqual([0, 1, 2, 1, 2, 3]);
  });

  it("non-contiguous views (transpose, negative step) give C-contiguous results", () => {
    const a = reshape(arange(6), [2, 3]); // [[0, 1, 2], [3, 4, 5]]
    const r = E.subtract(transpose(a), transpose(index(a, ["::-1", "::-1"]))); // a.T - a[::-1, ::-1].T
    expect(r.shape).toEqual([3, 2]);
    expect(r.stride).toEqual([2, 1]);
    expect(toFlatArray(r)).toEqual([-5, 1, -3, 3, -1, 5]);
  });

  it("size-0 axes give empty results", () => {
    const r = E.add(zeros([0, 3]), zeros([1, 3]));
    expect(r.shape).toEqual([0, 3]);
    expect(r.data.length).toBe(0);
  });

  it("0-d operands give 0-d results", () => {
    const r = E.add(array(2), 3);
    expect(r.shape).toEqual([]);
    expect(toFlatArray(r)).toEqual([5]);
  });

  it("accepts scijs-style and zarrita-style chunks", () => {
    const chunk = { data: new Int16Array([1, 2, 3, 4]), shape: [2, 2], stride: [1, 2] };
    expect(toFlatArray(E.multiply(chunk, 2))).toEqual([2, 6, 4, 8]);
  });
});

describe("where", () => {
  it("selects with broadcasting; dtype from x and y only", () => {
    const c = array([true, false, true]);
    const r = E.where(c, array([1, 2, 3], { dtype: "uint8" }), array([[10], [20]], { dtype: "int8" }));
    expect(r.dtype).toBe("int16");
    expect(r.shape).toEqual([2, 3]);
    expect(toFlatArray(r)).toEqual([1, 10, 3, 1, 20, 3]);
  });
  it("reads NaN and nonzero as true", () => {
    expect(toFlatArray(E.where(array([NaN, 0, -2]), 1, 0))).toEqual([1, 0, 1]);
  });
  it("float32 x with a float scalar y stays float32", () => {
    expect(E.where(array([1]), array([1], { dtype: "float32" }), 0.5).dtype).toBe("float32");
  });
});

describe("out option", () => {
  it("writes in place and returns out", () => {
    const out = zeros([2, 2], { dtype: "float32" });
    const r = E.add(array([[1, 2], [3, 4]], { dtype: "float32" }), 1, { out });
    expect(r).toBe(out);
    expect(toFlatArray(out)).toEqual([2, 3, 4, 5]);
  });
  it("in-place on the operand itself (out = x1)", () => {
    const a = array([1, 2, 3], { dtype: "int32" });
    E.multiply(a, 3, { out: a });
    expect(toFlatArray(a)).toEqual([3, 6, 9]);
  });
  it("overlapping reversed view is computed through a temporary", () => {
    const a = array([1, 2, 3, 4]);
    E.add(a, index(a, ["::-1"]), { out: a });
    expect(toFlatArray(a)).toEqual([5, 5, 5, 5]);
  });
  it("into a strided view of a bigger block", () => {
    const big = zeros([2, 4]);
    E.add(array([1, 2]), 10, { out: index(big, [":", 1]) });
    expect(toFlatArray(big)).toEqual([0, 11, 0, 0, 0, 12, 0, 0]);
  });
  it("int8 result into int32 out wraps in int8 first, as NumPy", () => {
    const out = zeros([1], { dtype: "int32" });
    E.add(array([127], { dtype: "int8" }), 1, { out });
    expect(toFlatArray(out)).toEqual([-128]);
  });
});

describe("bad arguments", () => {
  const f64 = array([1, 2, 3]);
  const cases: [string, () => unknown, typeof ValueError | typeof BroadcastError | typeof DtypeError, string][] = [
    ["add x1=plain array", () => E.add([1, 2] as unknown as Block, 1), ValueError, "add: x1 must be a block"],
    ["add x2=string", () => E.add(f64, "1" as unknown as number), ValueError, "add: x2 must be a block"],
    ["add x2=null", () => E.add(f64, null as unknown as number), ValueError, "got null"],
    ["add shapes (3,) (2,)", () => E.add(f64, array([1, 2])), BroadcastError, "shapes (3,) (operand 0) and (2,) (operand 1)"],
    ["add uint8 + 300", () => E.add(array([1], { dtype: "uint8" }), 300), ValueError, "add: integer scalar x2 must fit in uint8 [0, 255]"],
    ["subtract int8 - (-129)", () => E.subtract(array([1], { dtype: "int8" }), -129), ValueError, "got -129"],
    ["where uint8 x with y=-1", () => E.where(true, array([1], { dtype: "uint8" }), -1), ValueError, "where: integer scalar y must fit in uint8"],
    ["subtract bool - bool", () => E.subtract(array([true]), array([false])), DtypeError, "subtract: operands must not both be bool"],
    ["negative bool", () => E.negative(array([true])), DtypeError, "negative: x1 must not be bool"],
    ["power int negative exponent", () => E.power(array([2], { dtype: "int32" }), array([-1], { dtype: "int32" })), ValueError, "power: integer exponents must be non-negative; got -1"],
    ["out wrong shape", () => E.add(f64, 1, { out: zeros([2]) }), ValueError, "add: options.out must have the broadcast shape (3,); got (2,)"],
    ["out float result into int32", () => E.add(f64, 1, { out: zeros([3], { dtype: "int32" }) }), DtypeError, 'casting "same_kind"'],
    ["out not a block", () => E.add(f64, 1, { out: [0, 0, 0] as unknown as Block }), ValueError, "add: options.out must be a block"],
    ["options not an object", () => E.add(f64, 1, 5 as unknown as E.ElementwiseOptions), ValueError, "add: options must be an object; got 5"],
    ["where cond=undefined", () => E.where(undefined as unknown as boolean, 1, 2), ValueError, "where: cond must be a block"],
  ];
  it.each(cases)("%s", (_, f, cls, message) => {
    expect(f).toThrow(cls);
    expect(f).toThrow(message);
  });
});

describe("a large transposed view", () => {
  it("adds 1e6 float32 elements of a transposed view", () => {
    const a = full([1000, 1000], 1, { dtype: "float32" });
    const r = E.add(transpose(a), a);
    expect(r.data[999_999]).toBe(2);
    expect(emptyBlock("float32", [1]).dtype).toBe("float32");
  });
});
