/**
 * Properties of lazy indexing and lazy reductions over random shapes and chunkings:
 * lazy equals eager (every block with its grid shape), no indexing task reads more than one
 * block, and no reduction task reads more than `splitEvery` blocks however many there are.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import type { DataType } from "../../src/core/dtype.js";
import * as coreReduce from "../../src/core/reduce.js";
import { index as eagerIndex, type IndexItem } from "../../src/core/views.js";
import type { Block } from "../../src/core/ndarray.js";
import { seededBlock } from "../../src/testing/gufunc-cases.js";
import { shapeAndChunksArb } from "../../src/testing/chunk-arbitraries.js";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { fromArray } from "../../src/array/creation.js";
import { index } from "../../src/array/indexing.js";
import * as lazyReduce from "../../src/array/reduce.js";
import { assertLazyEqual } from "../../src/testing/assert-lazy-equal.js";

/** One index entry for an axis of length n: a slice (any bounds, step -3..3) or an in-range integer. */
function itemArb(n: number): fc.Arbitrary<IndexItem> {
  const bound = fc.option(fc.integer({ min: -n - 2, max: n + 2 }), { nil: null });
  const slice = fc.tuple(bound, bound, fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0), fc.boolean())
    .map(([start, stop, step, asString]): IndexItem => (asString ? `${start ?? ""}:${stop ?? ""}:${step}` : { start, stop, step }));
  return n > 0 ? fc.oneof(slice, fc.integer({ min: -n, max: n - 1 })) : slice;
}

const indexCaseArb = shapeAndChunksArb({ maxDims: 3, maxSize: 9 }).chain(({ shape, chunks }) =>
  fc.record({
    shape: fc.constant(shape),
    chunks: fc.constant(chunks),
    items: fc.tuple(...shape.map(itemArb)),
    newAxes: fc.array(fc.integer({ min: 0, max: shape.length }), { maxLength: 2 }),
    dropTail: fc.integer({ min: 0, max: shape.length }),
  }),
);

describe("lazy index equals eager index", () => {
  test.prop([indexCaseArb], { numRuns: 120 })("random shape, chunks and basic index", async ({ shape, chunks, items, newAxes, dropTail }) => {
    // Leave off the last `dropTail` entries, sometimes in favour of "..." (same meaning).
    const kept: IndexItem[] = items.slice(0, items.length - dropTail);
    for (const p of [...newAxes].sort((a, b) => b - a)) kept.splice(Math.min(p, kept.length), 0, null);
    const query = dropTail > 0 && dropTail % 2 === 0 ? [...kept, "..."] : kept;
    const b = seededBlock(shape, shape.length + 1, "int32");
    const y = index(fromArray(b, { chunks }), query);
    await assertLazyEqual(y, eagerIndex(b, query));
    const layer = y.graph.layers.get(y.name);
    if (layer !== undefined) for (const t of layer.tasks.values()) expect(t.args.length).toBeLessThanOrEqual(1);
  });
});

type Kind = "sum" | "prod" | "mean" | "min" | "max";

const reduceCaseArb = shapeAndChunksArb({ maxDims: 3, maxSize: 7 }).chain(({ shape, chunks }) =>
  fc.record({
    shape: fc.constant(shape),
    chunks: fc.constant(chunks),
    kind: fc.constantFrom<Kind>("sum", "prod", "mean", "min", "max"),
    dtype: fc.constantFrom<DataType>("float64", "int32", "uint8"),
    axis: fc.option(fc.subarray([...shape.keys()]).chain((axes) => fc.shuffledSubarray(axes, { minLength: axes.length })), { nil: undefined }),
    keepdims: fc.boolean(),
    splitEvery: fc.integer({ min: 2, max: 5 }),
  }),
);

describe("lazy reductions equal eager reductions", () => {
  test.prop([reduceCaseArb], { numRuns: 100 })("random shape, chunks, axes, keepdims and splitEvery", async ({ shape, chunks, kind, dtype, axis, keepdims, splitEvery }) => {
    const reduced = axis ?? [...shape.keys()];
    fc.pre(!((kind === "min" || kind === "max") && reduced.some((a) => shape[a] === 0)));
    const b = seededBlock(shape, 3, dtype);
    const options = { ...(axis === undefined ? {} : { axis }), keepdims };
    const lazy = (lazyReduce[kind] as (x: ChunkedArray, o: object) => ChunkedArray)(fromArray(b, { chunks }), { ...options, splitEvery });
    const eager = (coreReduce[kind] as (x: Block, o: object) => Block)(b, options);
    await assertLazyEqual(lazy, eager);
  });
});

const treeCaseArb = fc.record({
  blocks: fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 3 }).filter((bs) => bs.reduce((a, b) => a * b, 1) <= 150),
  splitEvery: fc.integer({ min: 2, max: 6 }),
  kind: fc.constantFrom<Kind>("sum", "mean", "max"),
  reduceFirst: fc.boolean(),
});

describe("tree reductions read at most splitEvery blocks per task", () => {
  test.prop([treeCaseArb], { numRuns: 40 })("many blocks, random splitEvery", async ({ blocks, splitEvery, kind, reduceFirst }) => {
    const b = seededBlock(blocks, 5, "float64");
    const axis = reduceFirst ? [0] : undefined;
    const y = (lazyReduce[kind] as (x: ChunkedArray, o: object) => ChunkedArray)(fromArray(b, { chunks: 1 }), { axis, splitEvery });
    for (const [name, layer] of y.graph.layers) {
      if (!name.startsWith(`${kind}-`)) continue;
      for (const t of layer.tasks.values()) expect(t.args.length).toBeLessThanOrEqual(splitEvery);
    }
    await assertLazyEqual(y, (coreReduce[kind] as (x: Block, o: object) => Block)(b, { axis }));
  });
});
