/**
 * coarsen against NumPy's reshape-and-reduce (what dask.array.coarsen does per block), from
 * test/fixtures/coarsen/cases.json (written by make_cases.py beside it): values, shapes and
 * dtypes, for the whole array as one block, for blocks aligned with the windows and for blocks
 * that are not (rechunked first); plus lazy-equals-eager for random shapes and chunkings, and
 * the bad-argument table.
 */
import { readFileSync } from "node:fs";
import { test, fc } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { coarsen, alignChunks } from "../../src/array/coarsen.js";
import { windowView } from "../../src/array/coarsen-kernels.js";
import * as core from "../../src/core/reduce.js";
import { transpose as transposeView } from "../../src/core/views.js";
import { fromArray } from "../../src/array/creation.js";
import { allocate, type DataType } from "../../src/core/dtype.js";
import { ValueError } from "../../src/core/errors.js";
import { fromTypedArray, toFlatArray, type Block } from "../../src/core/ndarray.js";
import { assertLazyEqual } from "../../src/testing/assert-lazy-equal.js";
import { shapeAndChunksArb } from "../../src/testing/chunk-arbitraries.js";
import { seededBlock } from "../../src/testing/gufunc-cases.js";

interface Case {
  shape: number[];
  dtype: DataType;
  axes: Record<string, number>;
  reduction: "mean" | "sum" | "min" | "max";
  trimExcess: boolean;
  result?: { shape: number[]; dtype: string; values: number[] };
  error?: string;
}
const { cases } = JSON.parse(readFileSync(new URL("../fixtures/coarsen/cases.json", import.meta.url), "utf8")) as { cases: Case[] };

/** The fixture's input: flat position t holds (7t + 3) mod 23, plus 0.25 (t mod 4) for floats. */
function fill(shape: readonly number[], dtype: DataType): Block {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocate(dtype, n);
  const float = dtype.startsWith("float");
  for (let t = 0; t < n; t++) (data as Float64Array)[t] = ((7 * t + 3) % 23) + (float ? 0.25 * (t % 4) : 0);
  return fromTypedArray(dtype, data, shape);
}

/** NumPy's dtype, except sums of integers, which chunkwise keeps in 32 bits (core/reduce.ts). */
const NUMPY_ONLY: Record<string, string> = { int64: "int32", uint64: "uint32" };

const label = (c: Case) => `shape=${JSON.stringify(c.shape)} ${c.dtype} axes=${JSON.stringify(c.axes)} ${c.reduction}${c.trimExcess ? " trimExcess" : ""}`;
const axesOf = (c: Case) => Object.fromEntries(Object.entries(c.axes).map(([k, v]) => [Number(k), v]));

describe("coarsen equals NumPy's reshape-and-reduce", () => {
  for (const c of cases) {
    const chunkings: [string, number | number[]][] = [["one block", c.shape.map((n) => Math.max(1, n))], ["chunks=2", 2], ["chunks=3", 3]];
    for (const [name, chunks] of chunkings) {
      it(`${label(c)} ${name}`, async () => {
        const x = fill(c.shape, c.dtype);
        const run = () => coarsen(fromArray(x, { chunks }), axesOf(c), { reduction: c.reduction, trimExcess: c.trimExcess });
        if (c.error !== undefined) {
          expect(run).toThrow(ValueError);
          expect(() => coarsen(x, axesOf(c), { reduction: c.reduction })).toThrow(/must be a multiple of its factor/);
          return;
        }
        const want = c.result!;
        const eager = coarsen(x, axesOf(c), { reduction: c.reduction, trimExcess: c.trimExcess });
        expect(eager.shape).toEqual(want.shape);
        expect(eager.dtype).toBe(NUMPY_ONLY[want.dtype] ?? want.dtype);
        const got = toFlatArray(eager);
        // float32 means: NumPy accumulates in float32 pairwise, chunkwise in float64 then rounds once.
        got.forEach((v, i) => expect(v).toBeCloseTo(want.values[i]!, c.dtype === "float32" ? 4 : 10));
        await assertLazyEqual(run(), eager);
      });
    }
  }
});

describe("coarsen: lazy equals eager for random shapes, chunkings and factors", () => {
  const caseArb = shapeAndChunksArb({ maxDims: 3, maxSize: 9 }).chain(({ shape, chunks }) =>
    fc.record({
      shape: fc.constant(shape),
      chunks: fc.constant(chunks),
      factors: fc.tuple(...shape.map(() => fc.integer({ min: 1, max: 4 }))),
      reduction: fc.constantFrom("mean" as const, "sum" as const, "min" as const, "max" as const),
      dtype: fc.constantFrom<DataType>("float64", "float32", "int16", "uint8"),
      seed: fc.nat(10_000),
    }));
  test.prop([caseArb], { numRuns: 60 })("trimExcess=true", async ({ shape, chunks, factors, reduction, dtype, seed }) => {
    const x = seededBlock(shape, seed, dtype);
    const axes = Object.fromEntries(factors.map((f, a) => [a, f]));
    await assertLazyEqual(coarsen(fromArray(x, { chunks }), axes, { reduction, trimExcess: true }), coarsen(x, axes, { reduction, trimExcess: true }));
  });
});

describe("coarsen: the window loop equals the core reductions over the (n, f) view", () => {
  const caseArb = fc.integer({ min: 0, max: 3 }).chain((nd) => fc.record({
    windows: fc.tuple(...Array.from({ length: nd }, () => fc.integer({ min: 0, max: 4 }))),
    factors: fc.tuple(...Array.from({ length: nd }, () => fc.integer({ min: 1, max: 3 }))),
    reduction: fc.constantFrom("mean" as const, "min" as const, "max" as const),
    dtype: fc.constantFrom<DataType>("float64", "float32", "int16", "uint8", "bool"),
    nan: fc.boolean(),
    transposed: fc.boolean(),
    seed: fc.nat(10_000),
  }));
  test.prop([caseArb], { numRuns: 150 })("values, dtype, NaN, strided input", ({ windows, factors, reduction, dtype, nan, transposed, seed }) => {
    const shape = windows.map((n, a) => n * factors[a]!);
    let x = seededBlock(shape, seed, dtype);
    if (nan && dtype.startsWith("float") && x.data.length > 0) (x.data as Float64Array)[seed % x.data.length] = Number.NaN;
    let f = factors;
    if (transposed && shape.length > 1) {
      x = transposeView(x);
      f = [...factors].reverse();
    }
    const got = coarsen(x, Object.fromEntries(f.map((v, a) => [a, v])), { reduction });
    const want = (core[reduction] as (b: Block, o: object) => Block)(windowView(x, f), { axis: f.map((_, a) => 2 * a + 1) });
    expect([got.dtype, got.shape]).toEqual([want.dtype, want.shape]);
    const [g, w] = [toFlatArray(got), toFlatArray(want)];
    g.forEach((v, i) => (Number.isNaN(w[i]!) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(w[i]!, dtype === "float32" ? 5 : 12)));
  });
});

describe("coarsen: chunks", () => {
  it("aligned chunks [4,4] factor 2 are kept; output chunks [2,2]", () => {
    const y = coarsen(fromArray(fill([8], "float64"), { chunks: 4 }), { 0: 2 });
    expect(y.chunks).toEqual([[2, 2]]);
  });
  it("alignChunks moves boundaries down to multiples: [3,3,3,3] f=2 -> [2,4,2,4]", () => {
    expect(alignChunks([[3, 3, 3, 3]], [2])).toEqual([[2, 4, 2, 4]]);
    expect(alignChunks([[1, 1, 2]], [4])).toEqual([[4]]);
    expect(alignChunks([[4, 4]], [2])).toBeUndefined();
  });
  it("a 256^2 image in 64^2 blocks, 2x2 means: 64 tasks, chunks 32", () => {
    const y = coarsen(fromArray(fill([256, 256], "float32"), { chunks: 64 }), { 0: 2, 1: 2 });
    expect(y.chunks).toEqual([[32, 32, 32, 32], [32, 32, 32, 32]]);
    expect(y.dtype).toBe("float32");
  });
});

describe("coarsen: bad arguments", () => {
  const x = fromArray(fill([4, 6], "float64"), { chunks: 2 });
  const BAD: [string, () => unknown, RegExp][] = [
    ["axis 2 of a 2-d array", () => coarsen(x, { 2: 2 }), /axis/],
    ["axis -3", () => coarsen(x, { [-3]: 2 }), /axis/],
    ["factor 0", () => coarsen(x, { 0: 0 }), /window length of axis 0 must be a positive integer; got 0/],
    ["factor 1.5", () => coarsen(x, { 0: 1.5 }), /positive integer; got 1.5/],
    ["factor '2'", () => coarsen(x, { 0: "2" as unknown as number }), /positive integer/],
    ["axes an array", () => coarsen(x, [2, 2] as unknown as Record<number, number>), /axes must be a record/],
    ["axes null", () => coarsen(x, null as unknown as Record<number, number>), /axes must be a record/],
    ["reduction 'median'", () => coarsen(x, { 0: 2 }, { reduction: "median" as "mean" }), /reduction must be one of "mean", "sum", "min", "max"; got "median"/],
    ["length 6 factor 4", () => coarsen(x, { 1: 4 }), /axis 1 of length 6 must be a multiple of its factor 4; got a remainder of 2. Pass trimExcess: true/],
    ["trimExcess 'yes'", () => coarsen(x, { 0: 2 }, { trimExcess: "yes" as unknown as boolean }), /trimExcess must be a boolean/],
  ];
  for (const [name, run, message] of BAD) {
    it(name, () => {
      expect(run).toThrow(ValueError);
      expect(run).toThrow(message);
    });
  }
});
