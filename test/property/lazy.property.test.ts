/**
 * Lazy equals eager, for random shapes and chunkings: fromArray round trip, elementwise ops
 * of two differently chunked arrays, astype, rechunk, mapBlocks identity, and lazy gufuncs
 * over random signatures with random loop-dim chunkings (core dims single-chunk).
 */
import { test, fc } from "@fast-check/vitest";
import { describe } from "vitest";
import { assertLazyEqual } from "../../src/testing/assert-lazy-equal.js";
import { shapeAndChunksArb, chunksArb, axisChunksArb } from "../../src/testing/chunk-arbitraries.js";
import { signatureArb } from "../../src/testing/arbitraries.js";
import { gufuncCaseArb, seededBlock, type GufuncCase } from "../../src/testing/gufunc-cases.js";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { fromArray } from "../../src/array/creation.js";
import * as lazy from "../../src/array/elementwise.js";
import { rechunk } from "../../src/array/rechunk.js";
import { mapBlocks } from "../../src/array/map-blocks.js";
import { gufunc } from "../../src/array/apply-gufunc.js";
import * as ew from "../../src/core/elementwise.js";
import { astype as astypeBlock } from "../../src/core/astype.js";
import type { Block } from "../../src/core/ndarray.js";
import type { DataType } from "../../src/core/dtype.js";
import { makeKernel, outputSizesFor } from "./gufunc-kernels.js";

const small = { maxDims: 3, maxSize: 6 } as const;
const dtypeArb = fc.constantFrom<DataType>("float64", "float32", "int32", "int16", "uint8", "bool");
const seedArb = fc.nat(10_000);

/** A shape with two independent chunkings of it. */
const twoChunkingsArb = shapeAndChunksArb(small).chain(({ shape, chunks }) => chunksArb(shape).map((other) => ({ shape, chunks, other })));

describe("lazy equals eager", () => {
  test.prop([shapeAndChunksArb(small), dtypeArb, seedArb], { numRuns: 60 })("fromArray + compute round trip", async ({ shape, chunks }, dtype, seed) => {
    const x = seededBlock(shape, seed, dtype);
    const a = fromArray(x, { chunks });
    await assertLazyEqual(a, x);
  });

  test.prop([twoChunkingsArb, fc.constantFrom("add", "multiply") , seedArb], { numRuns: 60 })(
    "elementwise of two differently chunked arrays",
    async ({ shape, chunks, other }, op, seed) => {
      const x = seededBlock(shape, seed);
      const y = seededBlock(shape, seed + 1, "int16");
      const out = lazy[op](fromArray(x, { chunks }), fromArray(y, { chunks: other }));
      await assertLazyEqual(out, ew[op](x, y));
    },
  );

  test.prop([shapeAndChunksArb(small), dtypeArb, dtypeArb, seedArb], { numRuns: 40 })("astype", async ({ shape, chunks }, from, to, seed) => {
    const x = seededBlock(shape, seed, from);
    await assertLazyEqual(lazy.astype(fromArray(x, { chunks }), to), astypeBlock(x, to));
  });

  test.prop([twoChunkingsArb, seedArb], { numRuns: 60 })("rechunk to another chunking preserves values and takes its chunks", async ({ shape, chunks, other }, seed) => {
    const x = seededBlock(shape, seed, "int32");
    const r = rechunk(fromArray(x, { chunks }), other);
    if (JSON.stringify(r.chunks) !== JSON.stringify(other)) throw new Error(`rechunk gave ${JSON.stringify(r.chunks)}, want ${JSON.stringify(other)}`);
    await assertLazyEqual(r, x);
  });

  test.prop([shapeAndChunksArb(small), seedArb], { numRuns: 40 })("mapBlocks identity", async ({ shape, chunks }, seed) => {
    const x = seededBlock(shape, seed);
    await assertLazyEqual(mapBlocks((b: Block) => b, fromArray(x, { chunks })) as ChunkedArray, x);
  });
});



/** A case plus, per input, random chunks on its loop axes and one chunk on each core axis. */
const lazyCaseArb = signatureArb({ maxInputs: 3, maxOutputs: 2, maxCoreDims: 2, maxDims: 3 })
  .chain(({ signature }) => gufuncCaseArb(signature, { maxLoopDims: 3, maxSize: 4 }))
  .chain((c) =>
    fc
      .tuple(
        ...c.inputShapes.map((shape, i) => {
          const core = c.signature.inputs[i]!.filter((d) => d.name in c.sizes).length;
          const nloop = shape.length - core;
          return fc.tuple(...shape.map((n, ax) => (ax < nloop ? axisChunksArb(n) : fc.constant([n]))));
        }),
      )
      .map((chunkings) => ({ c, chunkings })),
  );

async function lazyEqualsEager({ c, chunkings }: { c: GufuncCase; chunkings: readonly (readonly number[])[][] }, seed: number): Promise<void> {
  const inputs = c.inputShapes.map((s, i) => seededBlock(s, seed + i));
  const g = gufunc(c.signature.text, makeKernel(c), { outputSizes: outputSizesFor(c.signature, c.sizes) });
  const eager = g.apply(inputs);
  const lazyOut = g.apply(inputs.map((b, i) => fromArray(b, { chunks: chunkings[i]! })));
  const e = Array.isArray(eager) ? eager : [eager];
  const l = (Array.isArray(lazyOut) ? lazyOut : [lazyOut]) as ChunkedArray[];
  for (const [k, out] of l.entries()) await assertLazyEqual(out, e[k] as Block);
}

describe("lazy gufunc equals eager gufunc", () => {
  test.prop([lazyCaseArb, seedArb], { numRuns: 120 })("random signature, shapes and loop-dim chunkings", lazyEqualsEager);

  // The seeds that failed about one run in 500 while gufuncCaseArb stated shapes NumPy binds
  // differently (a one-pass drop fix-up, frozen dims other than 1 dropped).
  for (const seed of [380, 867, 1390, 1444, 2369]) {
    test.prop([lazyCaseArb, seedArb], { numRuns: 120, seed })("random signature, shapes and loop-dim chunkings, a seed that once failed", lazyEqualsEager);
  }
});
