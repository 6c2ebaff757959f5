import { expectTypeOf, test } from "vitest";
import { compute, defineKernel, mapBlocks, mapOverlap, zeros, type Block, type ChunkedArray } from "../../src/index.js";
import { richardsonLucy } from "../../src/filters/index.js";

const x = zeros([4, 4], { chunks: 2 });
const k = defineKernel("file:///k.js", "k", (a: Block, b: Block, params: { sigma: number }) => (params.sigma ? a : b));

test("without nout: one ChunkedArray, which compute takes (docs/executors.md's first snippet)", () => {
  const out = mapBlocks(k, [x, x], { dtype: "float32", params: { sigma: 1 } });
  expectTypeOf(out).toEqualTypeOf<ChunkedArray>();
  expectTypeOf(compute(out)).resolves.toEqualTypeOf<Block>();
  expectTypeOf(compute(mapBlocks((b: Block) => b, x))).resolves.toEqualTypeOf<Block>();
});

test("nout=2: a pair of ChunkedArrays; nout=1: a list of one", () => {
  expectTypeOf(mapBlocks((b: Block) => [b, b], x, { nout: 2 })).toEqualTypeOf<[ChunkedArray, ChunkedArray]>();
  expectTypeOf(mapBlocks((b: Block) => [b], x, { nout: 1 })).toEqualTypeOf<[ChunkedArray]>();
  const n: number = 3;
  expectTypeOf(mapBlocks((b: Block) => [b], x, { nout: n })).toEqualTypeOf<ChunkedArray[]>();
});

test("params are checked against the kernel's params after its blocks", () => {
  // @ts-expect-error sigma must be a number
  mapBlocks(k, [x, x], { params: { sigma: "2" } });
  // @ts-expect-error misspelt key
  mapBlocks(k, [x, x], { params: { sigmaa: 2 } });
  // a kernel that takes no params accepts any JSON
  mapBlocks((b: Block) => b, x, { params: { anything: [1, 2] } });
});

test("mapOverlap checks params against the kernel too (richardsonLucy after an image and a PSF)", () => {
  const image = zeros([8, 8, 8], { chunks: 4 });
  const psf = zeros([3, 3, 3]);
  expectTypeOf(mapOverlap(richardsonLucy, [image, psf], { depth: [1, 0], params: { iterations: 2, clip: false } })).toEqualTypeOf<ChunkedArray>();
  // @ts-expect-error misspelt: iteration for iterations
  mapOverlap(richardsonLucy, [image, psf], { depth: [1, 0], params: { iteration: 2 } });
});
