import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  blockIndexOf,
  blockRegion,
  chunkShape,
  forEachBlockIndex,
  normalizeChunks,
  numBlocks,
  type Chunks,
} from "../../src/chunks/grid.js";
import { haloGeometry, type Boundary } from "../../src/chunks/overlap.js";
import { rechunkPieces, rechunkPlan } from "../../src/chunks/rechunk-plan.js";
import { commonRefinement, unifyChunks } from "../../src/chunks/unify.js";
import { axisChunksArb, chunksArb, shapeAndChunksArb, shapeArb } from "../../src/testing/chunk-arbitraries.js";
import { cut, flat, indices, materialize } from "../chunks/materialize.js";

const sum = (c: readonly number[]) => c.reduce((a, b) => a + b, 0);
const boundaries = (c: readonly number[]) => {
  let s = 0;
  return [0, ...c.map((v) => (s += v))];
};

/** Every element of the shape is covered by exactly one block region. */
function tiles(shape: readonly number[], chunks: Chunks): boolean {
  const count = new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0);
  forEachBlockIndex(numBlocks(chunks), (b) => {
    const { start, stop } = blockRegion(chunks, b);
    for (const i of indices(stop.map((s, k) => s - (start[k] as number)))) {
      const idx = flat(shape, i.map((v, k) => v + (start[k] as number)));
      count[idx] = (count[idx] as number) + 1;
    }
  });
  return count.every((c) => c === 1);
}

const chunkSpecArb = (n: number) =>
  fc.oneof(
    fc.integer({ min: 1, max: Math.max(1, n + 2) }),
    fc.constant(-1),
    fc.constant(null),
    fc.constant("auto" as const),
    axisChunksArb(n),
  );

describe("chunk grid properties", () => {
  test.prop([
    shapeArb({ maxDims: 3, maxSize: 12 }).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.tuple(...shape.map(chunkSpecArb)), fc.integer({ min: 1, max: 400 })),
    ),
  ])("normalized chunks tile the shape exactly", ([shape, spec, limitBytes]) => {
    const chunks = normalizeChunks(spec, shape, { dtype: "float32", limitBytes });
    expect(chunks.map(sum)).toEqual(shape);
    expect(chunks.every((c) => c.length > 0 && c.every((v) => Number.isInteger(v) && v >= 0))).toBe(true);
    expect(tiles(shape, chunks)).toBe(true);
  });

  test.prop([
    shapeAndChunksArb({ minDims: 1, maxDims: 3, maxSize: 40 }).chain(({ shape, chunks }) =>
      fc.tuple(fc.constant(shape), fc.constant(chunks), fc.integer({ min: 1, max: 5000 })),
    ),
  ])("auto with previous chunks tiles the shape", ([shape, previous, limitBytes]) => {
    const chunks = normalizeChunks("auto", shape, { dtype: "uint16", limitBytes, previousChunks: previous });
    expect(chunks.map(sum)).toEqual(shape);
  });

  test.prop([shapeAndChunksArb({ maxDims: 4, maxSize: 30 })])("chunksArb gives normalised grids", ({ shape, chunks }) => {
    expect(normalizeChunks(chunks, shape)).toEqual(chunks);
  });

  test.prop([shapeAndChunksArb({ maxDims: 4, maxSize: 8 })])("blockRegion and blockIndexOf are inverse", ({ shape, chunks }) => {
    forEachBlockIndex(numBlocks(chunks), (b) => {
      const { start, stop } = blockRegion(chunks, b);
      expect(stop.map((s, k) => s - (start[k] as number))).toEqual(chunkShape(chunks, b));
      if (stop.every((s, k) => s > (start[k] as number))) {
        expect(blockIndexOf(chunks, start)).toEqual([...b]);
        expect(blockIndexOf(chunks, stop.map((s) => s - 1))).toEqual([...b]);
      }
    });
    for (const i of indices(shape)) {
      const { start, stop } = blockRegion(chunks, blockIndexOf(chunks, i));
      expect(i.every((v, k) => (start[k] as number) <= v && v < (stop[k] as number))).toBe(true);
    }
  });

  test.prop([fc.integer({ min: 0, max: 30 }).chain((n) => fc.tuple(axisChunksArb(n), axisChunksArb(n)))])(
    "commonRefinement refines both inputs",
    ([a, b]) => {
      const r = commonRefinement(a, b);
      expect(sum(r)).toBe(sum(a));
      const cuts = new Set(boundaries(r));
      for (const x of [...boundaries(a), ...boundaries(b)]) expect(cuts.has(x)).toBe(true);
    },
  );

  // Three arrays on labels "abc": two chunked at random, the second with length 1 on the axes
  // picked by `squash` (it broadcasts there), and one held whole in one chunk.
  const unifyCase = shapeArb({ minDims: 1, maxDims: 3, maxSize: 9 }).chain((shape) =>
    fc.tuple(fc.constant(shape), chunksArb(shape), chunksArb(shape), fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length })),
  );
  const unifyInputs = ([shape, ca, cb, squash]: [number[], Chunks, Chunks, boolean[]]): Chunks[] => [ca, cb.map((c, k) => (squash[k] ? [1] : c)), shape.map((n) => [n])];

  test.prop([unifyCase])("unified chunks are a common refinement of every input's chunks on each label", (c) => {
    const [shape] = c;
    const inputs = unifyInputs(c);
    const u = unifyChunks(inputs.map((chunks) => ({ labels: "abc".slice(0, shape.length), chunks })));
    shape.forEach((n, ax) => {
      const mine = u.chunks[ax]!;
      const cuts = new Set(boundaries(mine));
      // A broadcast axis (one chunk of length 1 against a longer label) takes no part.
      for (const chunks of inputs) if (sum(chunks[ax]!) === sum(mine)) for (const x of boundaries(chunks[ax]!)) expect(cuts.has(x)).toBe(true);
      expect(sum(mine)).toBe(n);
      inputs.forEach((chunks, k) => {
        const own = chunks[ax]!;
        const target = u.arrays[k]![ax]!;
        if (own.length > 1) expect(target).toEqual(mine);
        // Length 1 broadcasts, as does any one-chunk axis when the whole label is one chunk.
        else if (own[0] === 1 || mine.length === 1) expect(target).toEqual(own);
        else expect(target).toEqual(mine); // one chunk of the split length is split alike
      });
    });
  });

  test.prop([unifyCase])("every unified block lies inside exactly one block of each input, at the right place", (c) => {
    const [shape, , , squash] = c;
    const inputs = unifyInputs(c);
    const u = unifyChunks(inputs.map((chunks) => ({ labels: "abc".slice(0, shape.length), chunks })));
    forEachBlockIndex(numBlocks(u.chunks), (b) => {
      const region = blockRegion(u.chunks, b);
      inputs.forEach((old, k) => {
        const target = u.arrays[k]!;
        // As blockwise reads it: an axis in one block serves every unified block.
        const own = b.map((j, ax) => (target[ax]!.length === 1 ? 0 : j));
        const pieces = rechunkPieces(rechunkPlan(old, target), own);
        const size = own.map((j, ax) => target[ax]![j]!);
        if (size.includes(0)) return expect(pieces).toEqual([]);
        expect(pieces).toHaveLength(1);
        const p = pieces[0]!;
        const origin = blockRegion(old, p.oldBlock).start;
        p.oldSlice.start.forEach((st, ax) => {
          const len = p.oldSlice.stop[ax]! - st;
          const global = origin[ax]! + st;
          if (k === 1 && squash[ax]) expect([global, len]).toEqual([0, 1]);
          else if (target[ax]!.length === 1) expect([global, len]).toEqual([0, shape[ax]]);
          else expect([global, len]).toEqual([region.start[ax], region.stop[ax]! - region.start[ax]!]);
        });
      });
    });
  });

  test.prop([fc.integer({ min: 1, max: 30 }).chain((n) => fc.tuple(axisChunksArb(n), axisChunksArb(n), fc.integer({ min: 0, max: n + 3 })))])(
    "minChunk merges the common refinement's small chunks until every chunk holds the depth (dask's ensure_minimum_chunksize)",
    ([a, b, depth]) => {
      const u = unifyChunks([{ labels: "i", chunks: [a], minChunk: [depth] }, { labels: "i", chunks: [b] }]);
      const mine = u.byLabel.i!;
      expect(sum(mine)).toBe(sum(a));
      // Boundaries may move (a short last chunk takes from the one before), as in dask.
      if (depth <= Math.min(...commonRefinement(a, b))) expect(mine).toEqual(commonRefinement(a, b));
      if (a.length > 1 || b.length > 1) for (const c of mine) expect(c).toBeGreaterThanOrEqual(Math.min(depth, sum(a)));
      expect(u.arrays).toEqual([[mine], [mine]]);
    },
  );

  test.prop([shapeArb({ maxDims: 3, maxSize: 9 }).chain((shape) => fc.tuple(fc.constant(shape), chunksArb(shape), chunksArb(shape)))])(
    "rechunk plan pieces tile each new block exactly once, from the right old elements",
    ([shape, oldChunks, newChunks]) => {
      const plan = rechunkPlan(oldChunks, newChunks);
      forEachBlockIndex(numBlocks(newChunks), (nb) => {
        const target = blockRegion(newChunks, nb);
        const size = target.stop.map((s, k) => s - (target.start[k] as number));
        const count = new Array<number>(size.reduce((a, b) => a * b, 1)).fill(0);
        for (const p of rechunkPieces(plan, nb)) {
          const origin = blockRegion(oldChunks, p.oldBlock).start;
          const ext = p.newSlice.stop.map((s, k) => s - (p.newSlice.start[k] as number));
          expect(p.oldSlice.stop.map((s, k) => s - (p.oldSlice.start[k] as number))).toEqual(ext);
          for (const i of indices(ext)) {
            const inNew = i.map((v, k) => v + (p.newSlice.start[k] as number));
            const globalFromOld = i.map((v, k) => v + (p.oldSlice.start[k] as number) + (origin[k] as number));
            expect(globalFromOld).toEqual(inNew.map((v, k) => v + (target.start[k] as number)));
            const f = flat(size, inNew);
            count[f] = (count[f] as number) + 1;
          }
        }
        expect(count.every((c) => c === 1)).toBe(true);
      });
      expect(shape.length).toBe(oldChunks.length);
    },
  );

  const boundaryArb: fc.Arbitrary<Boundary> = fc.oneof(
    fc.constantFrom<Boundary>("reflect", "nearest", "periodic", "none"),
    fc.integer({ min: -9, max: -1 }),
  );
  test.prop([
    shapeAndChunksArb({ minDims: 1, maxDims: 3, minSize: 1, maxSize: 7 }).chain(({ shape, chunks }) =>
      fc.tuple(
        fc.constant(shape),
        fc.constant(chunks),
        fc.tuple(...shape.map((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.integer({ min: 0, max: n })))),
        fc.tuple(...shape.map(() => boundaryArb)),
      ),
    ),
  ])("overlap-then-trim is the identity", ([shape, chunks, depth, boundary]) => {
    const data = indices(shape).map((_, i) => i);
    forEachBlockIndex(numBlocks(chunks), (b) => {
      const g = haloGeometry(chunks, b, depth, boundary);
      const extended = materialize(data, shape, g);
      expect(extended).toHaveLength(g.shape.reduce((x, y) => x * y, 1));
      const block = cut(data, shape, g.region.start, g.region.stop);
      expect(cut(extended, g.shape, g.trim.start, g.trim.stop)).toEqual(block);
    });
  });
});
