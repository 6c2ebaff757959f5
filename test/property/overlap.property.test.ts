import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { fromArray } from "../../src/array/creation.js";
import { mapOverlap } from "../../src/array/map-overlap.js";
import { overlap, trimInternal } from "../../src/array/overlap.js";
import { chunkShape, type Chunks } from "../../src/chunks/grid.js";
import { ensureMinimumChunksize, overlapChunks, type Boundary } from "../../src/chunks/overlap.js";
import { array } from "../../src/core/creation.js";
import { fromTypedArray, get, toFlatArray, type Block } from "../../src/core/ndarray.js";
import { computeBlocks } from "../../src/schedule/compute.js";
import { shapeAndChunksArb } from "../../src/testing/chunk-arbitraries.js";
import { assertLazyEqual } from "../../src/testing/assert-lazy-equal.js";

type Pair = [number, number];
const RUNS = { numRuns: 60 };

function indices(shape: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of shape) out = out.flatMap((p) => Array.from({ length: n }, (_, i) => [...p, i]));
  return out;
}

function flat(shape: readonly number[], index: readonly number[]): number {
  return index.reduce((acc, i, ax) => acc * shape[ax]! + i, 0);
}

function seq(shape: readonly number[]): Block {
  return array(indices(shape).map((_, i) => (i * 7919) % 101), { shape: [...shape], dtype: "float64" });
}

/** np.pad by `pad` on every side: reflect = 'symmetric', nearest = 'edge', periodic = 'wrap', number = 'constant'. */
function npPad(x: Block, pad: number, mode: Exclude<Boundary, "none">): Block {
  const shape = x.shape.map((n) => n + 2 * pad);
  const data = indices(shape).map((p) => {
    let fill: number | undefined;
    const src = p.map((i, ax) => {
      const n = x.shape[ax]!;
      const k = i - pad;
      if (k >= 0 && k < n) return k;
      if (typeof mode === "number") {
        fill = mode;
        return 0;
      }
      if (mode === "nearest") return k < 0 ? 0 : n - 1;
      if (mode === "periodic") return ((k % n) + n) % n;
      const m = ((k % (2 * n)) + 2 * n) % (2 * n);
      return m < n ? m : 2 * n - 1 - m;
    });
    return fill ?? get(x, src);
  });
  return array(data, { shape, dtype: "float64" });
}

/** 3-point moving average along every axis (3^n box); elements lacking a neighbour are copied. */
function box(b: Block): Block {
  const src = toFlatArray(b);
  const offsets = indices(b.shape.map(() => 3)).map((o) => o.map((v) => v - 1));
  const out = new Float64Array(src.length);
  indices(b.shape).forEach((p, k) => {
    const inside = p.every((i, ax) => i >= 1 && i < b.shape[ax]! - 1);
    out[k] = inside ? offsets.reduce((s, o) => s + src[flat(b.shape, p.map((i, ax) => i + o[ax]!))]!, 0) / offsets.length : src[k]!;
  });
  return fromTypedArray("float64", out, b.shape);
}

/** The filter applied to the whole array, padded as the boundary says ("none": not padded). */
function boxReference(x: Block, mode: Boundary): Block {
  if (mode === "none") return box(x);
  const p = npPad(x, 1, mode);
  const f = toFlatArray(box(p));
  return array(indices(x.shape).map((i) => f[flat(p.shape, i.map((v) => v + 1))]!), { shape: [...x.shape], dtype: "float64" });
}

const boundaryArb: fc.Arbitrary<Boundary> = fc.constantFrom<Boundary>("reflect", "nearest", "periodic", "none", -3);

/** A case with per-axis [before, after] depths and boundaries that are valid for the shape. */
const caseArb = shapeAndChunksArb({ minDims: 1, maxDims: 3, maxSize: 7 }).chain(({ shape, chunks }) =>
  fc.record({
    shape: fc.constant(shape),
    chunks: fc.constant(chunks),
    depth: fc.tuple(...shape.map(() => fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })))),
    boundary: fc.tuple(...shape.map(() => boundaryArb)),
  }).map((c) => ({
    ...c,
    // reflect/periodic cannot reach past the far edge; nearest needs an element to repeat.
    depth: c.depth.map((d, ax) => {
      const n = shape[ax]!;
      const b = c.boundary[ax]!;
      const cap = b === "reflect" || b === "periodic" || (b === "nearest" && n === 0) ? n : Infinity;
      return d.map((v) => Math.min(v, cap)) as Pair;
    }),
  })),
);

/** Every computed block of `a` has the grid's shape. */
async function blockShapes(a: Parameters<typeof computeBlocks>[0][number]): Promise<void> {
  await computeBlocks([a], {}, (_k, index, block) => expect(block.shape).toEqual(chunkShape(a.chunks, index)));
}

describe("overlap properties", () => {
  test.prop([caseArb], RUNS)("overlap-then-trim is the identity (chunks and values)", async ({ shape, chunks, depth, boundary }) => {
    const x = seq(shape);
    const lazy = fromArray(x, { chunks: chunks.map((c) => [...c]) });
    const o = overlap(lazy, { depth, boundary });
    expect(o.chunks).toEqual(overlapChunks(lazy.chunks, depth, boundary));
    await blockShapes(o);
    const t = trimInternal(o, { depth, boundary });
    expect(t.chunks).toEqual(lazy.chunks);
    await assertLazyEqual(t, x, { rtol: 0, atol: 0 });
  });

  test.prop([caseArb], RUNS)("mapOverlap with an identity kernel and trim is the identity", async ({ shape, chunks, depth, boundary }) => {
    const x = seq(shape);
    await assertLazyEqual(mapOverlap((b: Block) => b, fromArray(x, { chunks: chunks.map((c) => [...c]) }), { depth, boundary }), x, { rtol: 0, atol: 0 });
  });

  test.prop([
    shapeAndChunksArb({ minDims: 1, maxDims: 3, minSize: 1, maxSize: 8 }),
    boundaryArb,
  ], RUNS)("a 3-point moving average equals the whole-array filter with the matching np.pad mode (everywhere)", async ({ shape, chunks }, boundary) => {
    const x = seq(shape);
    const y = mapOverlap(box, fromArray(x, { chunks: chunks.map((c) => [...c]) }), { depth: 1, boundary });
    // "none" agrees everywhere too: at the array's edges both the tiled and the whole run lack the neighbour.
    await assertLazyEqual(y, boxReference(x, boundary), { rtol: 0, atol: 0 });
  });

  test.prop([caseArb, fc.boolean()], RUNS)("trim: false gives the extended chunks (after merging chunks smaller than the depth)", async ({ shape, chunks, depth, boundary }, allowRechunk) => {
    const lazy = fromArray(seq(shape), { chunks: chunks.map((c) => [...c]) });
    const y = mapOverlap((b: Block) => b, lazy, { depth, boundary, trim: false, allowRechunk });
    const base: Chunks = allowRechunk ? lazy.chunks.map((c, ax) => ensureMinimumChunksize(Math.min(Math.max(...depth[ax]!), shape[ax]!), [c])[0]!) : lazy.chunks;
    expect(y.chunks).toEqual(overlapChunks(base, depth, boundary));
    await blockShapes(y);
  });
});
