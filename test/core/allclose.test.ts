import { describe, expect, it } from "vitest";
import { allclose, arrayEqual, isclose, type IsCloseOptions } from "../../src/core/allclose.js";
import { array, zeros } from "../../src/core/creation.js";
import { BroadcastError, ValueError } from "../../src/core/errors.js";
import { toFlatArray, type Block } from "../../src/core/ndarray.js";
import { index, reshape, transpose } from "../../src/core/views.js";
import { ISCLOSE } from "./fixtures/numpy-tables.js";
import { expectBlock } from "./helpers.js";

describe("isclose and allclose match NumPy", () => {
  it.each(ISCLOSE.map((r) => [`options=${JSON.stringify(r.options)} a[0]=${r.a[0]}`, r] as const))("%s", (_, r) => {
    expectBlock(isclose(array(r.a), array(r.b), r.options), { dtype: "bool", shape: [r.a.length], values: r.expected });
    expect(allclose(array(r.a), array(r.b), r.options)).toBe(r.all);
  });

  it("is asymmetric: the tolerance scales with |b|", () => {
    // np.isclose(1, 1.1, rtol=0.095, atol=0), np.isclose(1.1, 1, rtol=0.095, atol=0) -> True, False
    expect(toFlatArray(isclose(1, array([1.1]), { rtol: 0.095, atol: 0 }))).toEqual([1]);
    expect(toFlatArray(isclose(array([1.1]), 1, { rtol: 0.095, atol: 0 }))).toEqual([0]);
  });

  it("broadcasts shape=[2,1] against shape=[3]", () => {
    const r = isclose(array([[1], [2]]), array([1, 2, 1 + 1e-9]));
    expect(r.shape).toEqual([2, 3]);
    expect(toFlatArray(r)).toEqual([1, 0, 1, 0, 1, 0]);
  });

  it("compares integer and float dtypes by value", () => {
    expect(allclose(array([1, 2], { dtype: "int32" }), array([1, 2], { dtype: "float32" }))).toBe(true);
  });

  it("is true for empty arrays", () => {
    expect(allclose(zeros([0, 3]), zeros([3]))).toBe(true);
  });
});

describe("arrayEqual", () => {
  const a = reshape(array([1, 2, 3, 4, 5, 6]), [2, 3]);
  it.each([
    ["same values, other dtype", a, reshape(array([1, 2, 3, 4, 5, 6], { dtype: "int8" }), [2, 3]), true],
    ["different shape (broadcastable)", a, array([1, 2, 3]), false],
    ["same size, other shape", a, reshape(a, [3, 2]), false],
    ["one value differs", a, reshape(array([1, 2, 3, 4, 5, 7]), [2, 3]), false],
    ["a view equal to a copy", transpose(transpose(a)), a, true],
    ["reversed view", index(a, [":", "::-1"]), reshape(array([3, 2, 1, 6, 5, 4]), [2, 3]), true],
    ["empty arrays", zeros([0, 2]), zeros([0, 2]), true],
    ["0-d block and a number", array(3), 3, true],
  ] as [string, Block, Block | number, boolean][])("%s", (_, x, y, want) => {
    expect(arrayEqual(x, y)).toBe(want);
  });
  it("NaN equals NaN only with equalNan", () => {
    expect(arrayEqual(array([NaN]), array([NaN]))).toBe(false);
    expect(arrayEqual(array([NaN]), array([NaN]), { equalNan: true })).toBe(true);
  });
});

describe("bad arguments", () => {
  const a = array([1, 2, 3]);
  const cases: [string, () => unknown, typeof ValueError | typeof BroadcastError, string][] = [
    ["rtol=-1", () => isclose(a, a, { rtol: -1 }), ValueError, "isclose: rtol must be a finite non-negative number; got -1"],
    ["rtol=NaN", () => allclose(a, a, { rtol: NaN }), ValueError, "rtol must be a finite non-negative number"],
    ["atol=Infinity", () => isclose(a, a, { atol: Infinity }), ValueError, "atol must be a finite non-negative number"],
    ["atol='0'", () => isclose(a, a, { atol: "0" as unknown as number }), ValueError, 'got "0"'],
    ["equalNan=1", () => isclose(a, a, { equalNan: 1 as unknown as boolean }), ValueError, "isclose: equalNan must be a boolean; got 1"],
    ["options=true", () => isclose(a, a, true as unknown as IsCloseOptions), ValueError, "isclose: options must be an object"],
    ["a=[1,2,3] (plain array)", () => isclose([1, 2, 3] as unknown as Block, a), ValueError, "isclose: a must be a block"],
    ["b=undefined", () => allclose(a, undefined as unknown as number), ValueError, "b must be a block"],
    ["shapes (3,) (2,)", () => allclose(a, array([1, 2])), BroadcastError, "isclose: shapes (3,) (operand 0) and (2,) (operand 1)"],
    ["arrayEqual equalNan='yes'", () => arrayEqual(a, a, { equalNan: "yes" as unknown as boolean }), ValueError, "arrayEqual: equalNan must be a boolean"],
    ["arrayEqual a={}", () => arrayEqual({} as unknown as Block, a), ValueError, "arrayEqual: a must be a block"],
  ];
  it.each(cases)("%s", (_, f, cls, message) => {
    expect(f).toThrow(cls);
    expect(f).toThrow(message);
  });
});
