import { describe, expect, test } from "vitest";
import { complexDtypeOf, complexFromInterleaved, complexZeros, isComplexBlock } from "../../src/fft/index.js";

describe("complex blocks", () => {
  test("complexZeros shape=[2,3] complex64", () => {
    const z = complexZeros([2, 3], "complex64");
    expect(z).toMatchObject({ dtype: "complex64", shape: [2, 3], stride: [3, 1], offset: 0 });
    expect(z.data).toBeInstanceOf(Float32Array);
    expect(z.data.length).toBe(12);
  });
  test("complexFromInterleaved picks the dtype from the storage", () => {
    expect(complexFromInterleaved(new Float64Array(4), [2]).dtype).toBe("complex128");
    expect(complexFromInterleaved(new Float32Array(4), [2]).dtype).toBe("complex64");
    expect(() => complexFromInterleaved(new Float64Array(3), [2])).toThrow(/data length must be 2 \* product\(shape\)/);
  });
  test("isComplexBlock checks dtype against storage", () => {
    expect(isComplexBlock(complexZeros([1]))).toBe(true);
    expect(isComplexBlock({ dtype: "complex64", data: new Float64Array(2), shape: [1], stride: [1], offset: 0 })).toBe(false);
    expect(isComplexBlock({ dtype: "float64", data: new Float64Array(2), shape: [2], stride: [1], offset: 0 })).toBe(false);
    expect(isComplexBlock(null)).toBe(false);
  });
  test("complexDtypeOf", () => {
    expect(complexDtypeOf(new Float32Array(0))).toBe("complex64");
    expect(complexDtypeOf(new Float64Array(0))).toBe("complex128");
  });
});
