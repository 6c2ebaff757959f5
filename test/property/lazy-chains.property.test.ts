/**
 * Lazy equals eager for random chains of operations on randomly chunked arrays: each step is
 * applied to the lazy array and to the eager block through the same dispatching free
 * function, and the final lazy result must match block by block (assertLazyEqual).
 */
import { test, fc } from "@fast-check/vitest";
import { describe } from "vitest";
import { assertLazyEqual } from "../../src/testing/assert-lazy-equal.js";
import { chunksArb, shapeAndChunksArb } from "../../src/testing/chunk-arbitraries.js";
import { seededBlock } from "../../src/testing/gufunc-cases.js";
import { fromArray } from "../../src/array/creation.js";
import { add, astype, multiply, maximum } from "../../src/array/elementwise.js";
import { index, transpose } from "../../src/array/indexing.js";
import { rechunk } from "../../src/array/rechunk.js";
import { sum } from "../../src/array/reduce.js";
import { ChunkedArray } from "../../src/array/chunked-array.js";
import type { Block } from "../../src/core/ndarray.js";
import type { Chunks } from "../../src/chunks/grid.js";

type Pair = { lazy: ChunkedArray; eager: Block };

/** One step of a chain: picks its own random parameters from `r` (0..1 values). */
type Step = (p: Pair, r: readonly number[]) => Pair;

const steps: Record<string, Step> = {
  astype32: (p) => ({ lazy: astype(p.lazy, "float32"), eager: astype(p.eager, "float32") }),
  addScalar: (p, r) => {
    const k = Math.round(r[0]! * 10) - 5;
    return { lazy: add(p.lazy, k), eager: add(p.eager, k) };
  },
  squareSelf: (p) => ({ lazy: multiply(p.lazy, p.lazy), eager: multiply(p.eager, p.eager) }),
  maxWithReversed: (p) => {
    // An elementwise op between two different chunkings of related data (unification).
    if (p.eager.shape.length === 0) return p;
    const rev = ["::-1", ...Array(p.eager.shape.length - 1).fill(":")];
    return { lazy: maximum(p.lazy, index(p.lazy, rev)), eager: maximum(p.eager, index(p.eager, rev)) };
  },
  transpose: (p) => ({ lazy: transpose(p.lazy), eager: transpose(p.eager) }),
  stepSlice: (p, r) => {
    if (p.eager.shape.length === 0) return p;
    const step = 1 + Math.floor(r[1]! * 3);
    const start = Math.floor(r[2]! * 2);
    const item = `${start}::${step}`;
    return { lazy: index(p.lazy, [item, "..."]), eager: index(p.eager, [item, "..."]) };
  },
  rechunkHalf: (p) => {
    const chunks = p.lazy.shape.map((n) => Math.max(1, Math.ceil(n / 2)));
    return { lazy: rechunk(p.lazy, chunks), eager: p.eager };
  },
  sumLastAxis: (p) => {
    if (p.eager.shape.length < 2) return p;
    const axis = p.eager.shape.length - 1;
    return { lazy: sum(p.lazy, { axis, dtype: "float64" }), eager: sum(p.eager, { axis, dtype: "float64" }) };
  },
};

const chainArb = fc.array(fc.tuple(fc.constantFrom(...Object.keys(steps)), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 })), { minLength: 1, maxLength: 5 });

describe("random operation chains: lazy equals eager", () => {
  test.prop([shapeAndChunksArb({ minDims: 1, maxDims: 3, minSize: 1, maxSize: 7 }), chainArb, fc.nat(1000)], { numRuns: 80 })(
    "chain on a chunked float64 array",
    async ({ shape, chunks }, chain, seed) => {
      const block = seededBlock(shape, seed);
      let p: Pair = { lazy: fromArray(block, { chunks: chunks as Chunks }), eager: block };
      for (const [name, r] of chain) p = steps[name]!(p, r);
      await assertLazyEqual(p.lazy, p.eager, { rtol: 1e-5, atol: 1e-6 });
    },
  );

  test.prop([shapeAndChunksArb({ minDims: 2, maxDims: 3, minSize: 1, maxSize: 6 }).chain((s) => chunksArb(s.shape).map((other) => ({ ...s, other }))), fc.nat(1000)], { numRuns: 40 })(
    "two chunkings of the same data combine (common refinement)",
    async ({ shape, chunks, other }, seed) => {
      const a = seededBlock(shape, seed);
      const b = seededBlock(shape, seed + 1);
      const lazy = add(multiply(fromArray(a, { chunks: chunks as Chunks }), 2), fromArray(b, { chunks: other as Chunks }));
      await assertLazyEqual(lazy, add(multiply(a, 2), b));
    },
  );
});
