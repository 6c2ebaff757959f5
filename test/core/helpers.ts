/** Shared helpers of the core tests: building blocks from table rows and comparing values. */
import { expect } from "vitest";
import { array } from "../../src/core/creation.js";
import type { DataType } from "../../src/core/dtype.js";
import { toFlatArray, type Block } from "../../src/core/ndarray.js";
import type { Opnd } from "./fixtures/numpy-tables.js";

/** A block from a table operand, or the scalar itself. */
export function operand(x: Opnd, shape?: number[]): Block | number | boolean {
  if (typeof x !== "object") return x;
  return array(x.values.map(Number), { dtype: x.dtype, shape: shape ?? [x.values.length] });
}

/** Expects `actual` to have `dtype`, `shape` and exactly `values` (NaN equals NaN; -0 distinct from 0 unless `signedZero` is false). */
export function expectBlock(
  actual: Block,
  expected: { dtype: DataType; shape?: readonly number[]; values: readonly (number | boolean)[] },
  options: { signedZero?: boolean; ulps?: number } = {},
): void {
  expect(actual.dtype).toBe(expected.dtype);
  if (expected.shape !== undefined) expect(actual.shape).toEqual(expected.shape);
  const got = toFlatArray(actual);
  const want = expected.values.map(Number);
  expect(got.length).toBe(want.length);
  const ulps = options.ulps ?? 0;
  const mismatches = got.flatMap((g, i) => {
    const w = want[i]!;
    if (Object.is(g, w)) return [];
    if (options.signedZero === false && g === w) return [];
    if (ulps > 0 && Number.isFinite(w) && Math.abs(g - w) <= ulps * ulp(w, actual.dtype)) return [];
    return [`[${i}] got ${Object.is(g, -0) ? "-0" : g}, want ${Object.is(w, -0) ? "-0" : w}`];
  });
  expect(mismatches).toEqual([]);
}

function ulp(x: number, dtype: DataType): number {
  const e = Math.max(Math.floor(Math.log2(Math.abs(x) || Number.MIN_VALUE)), dtype === "float32" ? -126 : -1022);
  return 2 ** (e - (dtype === "float32" ? 23 : 52));
}
