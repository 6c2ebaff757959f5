import { expectTypeOf, test } from "vitest";
import { defineKernel, gufunc, applyGufunc, zeros, ones, type Block, type ChunkedArray, type GufuncOperand } from "../../src/index.js";
import { richardsonLucy } from "../../src/filters/index.js";

const block = ones([3]);
const lazy = zeros([4, 3], { chunks: [2, 3] });

test("written out, the arguments match the signature's inputs one for one", () => {
  const inner = gufunc("(i),(i)->()", (a: Block, b: Block) => a.shape[0]! + b.shape[0]!);
  expectTypeOf(inner(block, block)).toEqualTypeOf<Block>();
  expectTypeOf(inner(lazy, block)).toEqualTypeOf<ChunkedArray>();
  // @ts-expect-error one array is missing
  inner(block);
  // @ts-expect-error one array too many
  inner(block, block, block);
});

test("a spread list of unknown length compiles (gufunc.md's property test: myGufunc(...inputs))", () => {
  const inner = gufunc("(i),(i)->()", (a: Block, b: Block) => a.shape[0]! + b.shape[0]!);
  const blocks: Block[] = [block, block];
  expectTypeOf(inner(...blocks)).toEqualTypeOf<Block>();
  const arrays: ChunkedArray[] = [lazy, lazy];
  expectTypeOf(inner(...arrays)).toEqualTypeOf<ChunkedArray>();
  const mixed: (GufuncOperand | ChunkedArray)[] = [lazy, block];
  expectTypeOf(inner(...mixed)).toEqualTypeOf<Block | ChunkedArray>();
  const split = gufunc("(m,n)->(m),(n)", (a: Block) => [a, a]);
  expectTypeOf(split(...blocks)).toEqualTypeOf<[Block, Block]>();
});

test("params are checked against the kernel: richardsonLucy's options", () => {
  gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, { params: { iterations: 10, clip: false } });
  // @ts-expect-error misspelt: iteration for iterations
  gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, { params: { iteration: 10 } });
  // @ts-expect-error iterations must be a number
  applyGufunc(richardsonLucy, "(i,j,k),(a,b,c)->(i,j,k)", [lazy, lazy], { params: { iterations: "10" } });
});

test("params are checked against a defineKernel kernel; a kernel without params takes any JSON", () => {
  const scale = defineKernel("file:///scale.js", "scale", (a: Block, params: { factor: number }) => (params.factor ? a : a));
  gufunc("(i)->(i)", scale, { params: { factor: 2 } });
  // @ts-expect-error factor must be a number
  gufunc("(i)->(i)", scale, { params: { factor: "2" } });
  gufunc("(i)->(i)", (a: Block) => a, { params: { anything: [1, 2] } });
  // a signature only known at run time: params are not checked
  const sig: string = "(i)->(i)";
  gufunc(sig, scale, { params: { factor: "2" } });
});
