/**
 * Property-testing your own gufunc with chunkwise/testing and fast-check: a matrix-vector
 * product "(i,j),(j)->(i)" checked on random shapes (broadcast loop dims, size-0 and size-1
 * axes) against chunkwise's independent reference loop, and the lazy version on random
 * chunkings against the eager result with assertLazyEqual (every block's shape, the dtype,
 * unique task keys, the values). Runs in a few seconds.
 *
 * Run: npx tsx examples/06-testing-your-gufunc.ts
 */
import fc from "fast-check";
import { allclose, fromArray, gufunc, parseSignature, type Block } from "chunkwise";
import { assertLazyEqual, chunksArb, gufuncCaseArb, referenceGufunc, seededBlock } from "chunkwise/testing";

/** Your kernel: gets core-shaped views (any strides, any offset) of one loop index's operands. */
function matvec(a: Block, x: Block): Block<"float64"> {
  const [n, m] = a.shape as [number, number];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += Number(a.data[a.offset + i * a.stride[0]! + j * a.stride[1]!]) * Number(x.data[x.offset + j * x.stride[0]!]);
    out[i] = s;
  }
  return { dtype: "float64", data: out, shape: [n], stride: [1], offset: 0 };
}

const SIGNATURE = "(i,j),(j)->(i)";
const sig = parseSignature(SIGNATURE);
const g = gufunc(SIGNATURE, matvec, { outputDtypes: "float64" });

// 1. Eager: any shapes that bind to the signature give the reference loop's result.
let eagerRuns = 0;
fc.assert(
  fc.property(gufuncCaseArb(sig, { maxLoopDims: 3, maxSize: 5 }), fc.nat(1000), (c, seed) => {
    const inputs = c.inputShapes.map((s, k) => seededBlock(s, seed + k));
    const got = g(inputs[0]!, inputs[1]!) as Block;
    const [want] = referenceGufunc(sig, matvec, inputs, c.outputShapes);
    eagerRuns++;
    return JSON.stringify(got.shape) === JSON.stringify(want!.shape) && allclose(got, want!);
  }),
  { numRuns: 200, seed: 42 },
);
console.log(`eager: ${eagerRuns} random cases of ${SIGNATURE} equal the reference loop`);

// 2. Lazy: the same gufunc over chunked arrays, chunked at random along the loop axes
// (core axes whole, as a gufunc needs), equals the eager result block by block.
let lazyRuns = 0;
await fc.assert(
  fc.asyncProperty(
    gufuncCaseArb(sig, { maxLoopDims: 2, maxSize: 6 })
      .filter((c) => c.loopShape.length > 0)
      .chain((c) => fc.tuple(fc.constant(c), chunksArb(c.inputShapes[0]!.slice(0, -2)))),
    fc.nat(1000),
    async ([c, loopChunks], seed) => {
      const [aShape, xShape] = c.inputShapes as [number[], number[]];
      const a = seededBlock(aShape, seed);
      const x = seededBlock(xShape, seed + 1);
      const lazyA = fromArray(a, { chunks: [...loopChunks, [aShape.at(-2)!], [aShape.at(-1)!]] });
      await assertLazyEqual(g(lazyA, x), g(a, x) as Block);
      lazyRuns++;
    },
  ),
  { numRuns: 50, seed: 7 },
);
console.log(`lazy: ${lazyRuns} random chunkings give the eager result (shapes, dtype, keys and values checked)`);
