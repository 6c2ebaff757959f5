/**
 * Properties of the core elementwise functions and reductions against naive index-by-index
 * references: random shapes (size-0 and size-1 axes included), random dtypes, and operands laid
 * out as non-contiguous views (permuted axes, negative steps, offsets).
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { zeros } from "../../src/core/creation.js";
import { DTYPES, dtypeKind, resultType, type DataType } from "../../src/core/dtype.js";
import * as E from "../../src/core/elementwise.js";
import { emptyBlock, forEachIndex, get, sizeOf, toFlatArray, type Block } from "../../src/core/ndarray.js";
import * as R from "../../src/core/reduce.js";
import { blockArb, broadcastPairArb, dtypeArb, shapeArb } from "./core-arbitraries.js";

/** Integer dtypes' ranges: a weak integer scalar outside the result dtype's range raises. */
const INT_RANGES: Partial<Record<string, readonly [number, number]>> = {
  int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
  uint8: [0, 255], uint16: [0, 65535], uint32: [0, 4294967295],
};

const BITS: Partial<Record<DataType, number>> = { int8: 8, int16: 16, int32: 32, uint8: 8, uint16: 16, uint32: 32 };

/** `v` stored in `dtype`: integers wrap exactly (BigInt), float32 rounds, bool is v != 0. */
function cast(dtype: DataType, v: number | bigint): number {
  const bits = BITS[dtype];
  if (bits !== undefined) {
    const big = typeof v === "bigint" ? v : BigInt(Math.trunc(v));
    return Number(dtypeKind(dtype) === "u" ? BigInt.asUintN(bits, big) : BigInt.asIntN(bits, big));
  }
  const x = Number(v);
  if (dtype === "bool") return x !== 0 ? 1 : 0;
  return dtype === "float32" ? Math.fround(x) : x;
}

type Ref = (x: number, y: number, dtype: DataType) => number;
const isInt = (d: DataType) => BITS[d] !== undefined;
const REFS: Record<string, { fn: (a: Block, b: Block) => Block; ref: Ref; out?: DataType }> = {
  add: { fn: E.add, ref: (x, y, d) => (d === "bool" ? +(x !== 0 || y !== 0) : cast(d, isInt(d) ? BigInt(x) + BigInt(y) : x + y)) },
  subtract: { fn: E.subtract, ref: (x, y, d) => cast(d, isInt(d) ? BigInt(x) - BigInt(y) : x - y) },
  multiply: { fn: E.multiply, ref: (x, y, d) => (d === "bool" ? +(x !== 0 && y !== 0) : cast(d, isInt(d) ? BigInt(x) * BigInt(y) : x * y)) },
  maximum: { fn: E.maximum, ref: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)) },
  less: { fn: E.less, ref: (x, y) => +(x < y), out: "bool" },
  equal: { fn: E.equal, ref: (x, y) => +(x === y), out: "bool" },
};

function naiveBroadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const nd = Math.max(a.length, b.length);
  return Array.from({ length: nd }, (_, i) => {
    const x = a[a.length - nd + i] ?? 1;
    const y = b[b.length - nd + i] ?? 1;
    return x === 1 ? y : x;
  });
}

/** Operand element for result index `idx`: drop leading axes, index 0 on size-1 axes. */
function at(block: Block, idx: readonly number[]): number {
  const lead = idx.length - block.shape.length;
  return get(block, block.shape.map((d, i) => (d === 1 ? 0 : idx[i + lead]!)));
}

const sameNumber = (x: number, y: number) => Object.is(x, y) || (x === 0 && y === 0);

describe("broadcasting equals a naive index-by-index reference", () => {
  const caseArb = fc
    .record({ shapes: broadcastPairArb(), da: dtypeArb, db: dtypeArb, op: fc.constantFrom(...Object.keys(REFS)) })
    .chain(({ shapes, da, db, op }) =>
      fc.record({ op: fc.constant(op), a: blockArb(da, shapes.a), b: blockArb(db, shapes.b) }),
    );
  test.prop([caseArb], { numRuns: 300 })("op(view a, view b)", ({ op, a, b }) => {
    const { fn, ref, out } = REFS[op]!;
    const common = resultType(a.block.dtype, b.block.dtype);
    if (op === "subtract" && common === "bool") {
      expect(() => fn(a.block, b.block)).toThrow("operands must not both be bool");
      return;
    }
    const r = fn(a.block, b.block);
    const shape = naiveBroadcastShape(a.block.shape, b.block.shape);
    expect(r.shape).toEqual(shape);
    expect(r.dtype).toBe(out ?? common);
    expect(r.stride).toEqual(zeros(shape).stride);
    const got = toFlatArray(r);
    const want: number[] = [];
    forEachIndex(shape, (idx) => want.push(cast(r.dtype, ref(at(a.block, idx), at(b.block, idx), common))));
    const bad = got.flatMap((g, i) => (sameNumber(g, want[i]!) ? [] : [`[${i}] ${g} != ${want[i]}`]));
    expect(bad).toEqual([]);
  });
});

describe("result dtype equals the resultType table", () => {
  // [d1, d2, np.result_type(d1, d2)] with NumPy 1.24; NumPy's int64 (a signed integer with
  // uint32) is float64 in chunkwise, which has no 64-bit integers.
  const NUMPY: [DataType, DataType, string][] = [
    ["bool", "bool", "bool"], ["bool", "int8", "int8"], ["bool", "int16", "int16"], ["bool", "int32", "int32"], ["bool", "uint8", "uint8"], ["bool", "uint16", "uint16"], ["bool", "uint32", "uint32"], ["bool", "float32", "float32"], ["bool", "float64", "float64"],
    ["int8", "bool", "int8"], ["int8", "int8", "int8"], ["int8", "int16", "int16"], ["int8", "int32", "int32"], ["int8", "uint8", "int16"], ["int8", "uint16", "int32"], ["int8", "uint32", "int64"], ["int8", "float32", "float32"], ["int8", "float64", "float64"],
    ["int16", "bool", "int16"], ["int16", "int8", "int16"], ["int16", "int16", "int16"], ["int16", "int32", "int32"], ["int16", "uint8", "int16"], ["int16", "uint16", "int32"], ["int16", "uint32", "int64"], ["int16", "float32", "float32"], ["int16", "float64", "float64"],
    ["int32", "bool", "int32"], ["int32", "int8", "int32"], ["int32", "int16", "int32"], ["int32", "int32", "int32"], ["int32", "uint8", "int32"], ["int32", "uint16", "int32"], ["int32", "uint32", "int64"], ["int32", "float32", "float64"], ["int32", "float64", "float64"],
    ["uint8", "bool", "uint8"], ["uint8", "int8", "int16"], ["uint8", "int16", "int16"], ["uint8", "int32", "int32"], ["uint8", "uint8", "uint8"], ["uint8", "uint16", "uint16"], ["uint8", "uint32", "uint32"], ["uint8", "float32", "float32"], ["uint8", "float64", "float64"],
    ["uint16", "bool", "uint16"], ["uint16", "int8", "int32"], ["uint16", "int16", "int32"], ["uint16", "int32", "int32"], ["uint16", "uint8", "uint16"], ["uint16", "uint16", "uint16"], ["uint16", "uint32", "uint32"], ["uint16", "float32", "float32"], ["uint16", "float64", "float64"],
    ["uint32", "bool", "uint32"], ["uint32", "int8", "int64"], ["uint32", "int16", "int64"], ["uint32", "int32", "int64"], ["uint32", "uint8", "uint32"], ["uint32", "uint16", "uint32"], ["uint32", "uint32", "uint32"], ["uint32", "float32", "float64"], ["uint32", "float64", "float64"],
    ["float32", "bool", "float32"], ["float32", "int8", "float32"], ["float32", "int16", "float32"], ["float32", "int32", "float64"], ["float32", "uint8", "float32"], ["float32", "uint16", "float32"], ["float32", "uint32", "float64"], ["float32", "float32", "float32"], ["float32", "float64", "float64"],
    ["float64", "bool", "float64"], ["float64", "int8", "float64"], ["float64", "int16", "float64"], ["float64", "int32", "float64"], ["float64", "uint8", "float64"], ["float64", "uint16", "float64"], ["float64", "uint32", "float64"], ["float64", "float32", "float64"], ["float64", "float64", "float64"],
  ];
  it.each(NUMPY)("resultType(%s, %s) is NumPy's %s", (a, b, np) => {
    expect(resultType(a, b)).toBe(np === "int64" ? "float64" : np);
  });
  test.prop([dtypeArb, dtypeArb, shapeArb(0, 2), shapeArb(0, 2)])("add, maximum, where and divide follow the table for any shapes", (da, db, sa, sb) => {
    const a = emptyBlock(da, sa);
    const b = emptyBlock(db, sb.length === sa.length ? sa : []);
    const common = resultType(da, db);
    expect(E.add(a, b).dtype).toBe(common);
    expect(E.maximum(a, b).dtype).toBe(common);
    expect(E.where(true, a, b).dtype).toBe(common);
    expect(E.divide(a, b).dtype).toBe(dtypeKind(common) === "f" ? common : "float64");
    expect(E.less(a, b).dtype).toBe("bool");
  });
  test.prop([dtypeArb, fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ noNaN: false }), fc.boolean())])(
    "NEP 50: a scalar keeps the block's dtype unless its kind is higher",
    (d, s) => {
      const kind = typeof s === "boolean" ? 0 : Number.isSafeInteger(s) ? 1 : 2;
      const k = dtypeKind(d);
      const rank = k === "b" ? 0 : k === "f" ? 2 : 1;
      const want = kind <= rank ? d : kind === 1 ? "int32" : "float64";
      // An integer scalar (fc.double yields whole numbers too) must fit the result's integer
      // dtype, as NumPy 2 raises OverflowError for uint8 + 300 or uint8 + -5.
      const range = INT_RANGES[want];
      if (kind === 1 && range !== undefined && ((s as number) < range[0] || (s as number) > range[1])) {
        expect(() => E.add(emptyBlock(d, [1]), s)).toThrow("must fit in");
        return;
      }
      expect(E.add(emptyBlock(d, [1]), s).dtype).toBe(want);
    },
  );
});

describe("reductions over random axes equal a naive reference", () => {
  const OPS = ["sum", "prod", "min", "max", "mean"] as const;
  const caseArb = fc
    .record({ shape: shapeArb(0, 4), dtype: dtypeArb, op: fc.constantFrom(...OPS), keepdims: fc.boolean(), seed: fc.integer() })
    .chain(({ shape, dtype, op, keepdims }) =>
      fc.record({
        x: blockArb(dtype, shape),
        op: fc.constant(op),
        keepdims: fc.constant(keepdims),
        axis: fc.oneof(
          fc.constant(undefined),
          fc.subarray([...shape.keys()]).chain((axes) => fc.shuffledSubarray(axes, { minLength: axes.length, maxLength: axes.length })).map((axes) => axes.map((a) => (a % 2 === 0 ? a - shape.length : a))),
        ),
      }),
    );
  test.prop([caseArb], { numRuns: 300 })("op(view, { axis, keepdims })", ({ x, op, keepdims, axis }) => {
    const { block } = x;
    const nd = block.shape.length;
    const axes = axis === undefined ? [...Array(nd).keys()] : axis.map((a) => (a < 0 ? a + nd : a));
    const count = sizeOf(axes.map((a) => block.shape[a]!));
    if ((op === "min" || op === "max") && count === 0) {
      expect(() => R[op](block, { axis, keepdims })).toThrow("zero-size array to reduction operation");
      return;
    }
    const r = R[op](block, { axis, keepdims });
    const kept = block.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const outShape = keepdims ? block.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept.map((i) => block.shape[i]!);
    expect(r.shape).toEqual(outShape);
    const k = dtypeKind(block.dtype);
    const dtype = op === "min" || op === "max" ? block.dtype : op === "mean" ? (k === "f" ? block.dtype : "float64") : k === "f" ? block.dtype : k === "u" ? "uint32" : "int32";
    expect(r.dtype).toBe(dtype);
    // naive: group every element by its kept index
    const groups = new Map<string, number[]>();
    forEachIndex(kept.map((i) => block.shape[i]!), (idx) => groups.set(idx.join(","), []));
    forEachIndex(block.shape, (idx) => groups.get(kept.map((i) => idx[i]).join(","))!.push(get(block, idx)));
    const want = [...groups.values()].map((vs) => {
      if (op === "min") return vs.some(Number.isNaN) ? NaN : Math.min(...vs);
      if (op === "max") return vs.some(Number.isNaN) ? NaN : Math.max(...vs);
      if (op === "mean") return cast(dtype, vs.reduce((s, v) => s + v, 0) / vs.length);
      if (dtypeKind(dtype) !== "f") {
        return cast(dtype, vs.reduce((s, v) => (op === "sum" ? s + BigInt(v) : s * BigInt(v)), op === "sum" ? 0n : 1n));
      }
      if (op === "sum") return cast(dtype, vs.reduce((s, v) => s + v, 0));
      return vs.reduce((s, v) => cast(dtype, s * v), 1);
    });
    // Float sums depend on the order when huge and small values mix (chunkwise walks memory
    // order): allow an error relative to the sum of magnitudes.
    const scale = [...groups.values()].map((vs) => vs.reduce((s, v) => s + Math.abs(v), 0));
    // A float product's rounding depends on the order too: each step errs by at most half an
    // ulp, relatively, so n factors in another order differ by at most about n ulps; and with a
    // zero among factors whose other magnitudes overflow the dtype, one order reaches 0 first
    // (0) and another reaches infinity first (inf * 0 = NaN).
    const counts = [...groups.values()].map((vs) => vs.length);
    const eps = dtype === "float32" ? 2 ** -23 : 2 ** -52;
    const max = dtype === "float32" ? 3.4028234663852886e38 : Number.MAX_VALUE;
    const zeroOrNaN = [...groups.values()].map((vs) => vs.some((v) => v === 0) && vs.filter((v) => v !== 0).reduce((p, v) => p * Math.abs(v), 1) > max);
    const got = toFlatArray(r);
    const bad = got.flatMap((g, i) => {
      const w = want[i]!;
      const loose = (op === "sum" || op === "mean") && dtypeKind(dtype) === "f";
      const looseProduct = op === "prod" && dtypeKind(dtype) === "f";
      const eitherZeroOrNaN = zeroOrNaN[i]! && [g, w].every((v) => v === 0 || Number.isNaN(v));
      const ok = sameNumber(g, w) || (loose && Math.abs(g - w) <= 1e-6 * scale[i]!) || (looseProduct && (Math.abs(g - w) <= counts[i]! * eps * Math.abs(w) || eitherZeroOrNaN));
      return ok ? [] : [`[${i}] ${g} != ${w}`];
    });
    expect(bad).toEqual([]);
  });
});

it("every dtype is covered by the arbitraries", () => {
  expect(DTYPES.length).toBe(9);
});
