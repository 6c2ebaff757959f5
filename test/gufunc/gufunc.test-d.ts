import { expectTypeOf, test } from "vitest";
import { gufunc, type Gufunc } from "../../src/gufunc/gufunc.js";
import type { Block } from "../../src/core/ndarray.js";
import type { GufuncOperand } from "../../src/gufunc/gufunc.js";

const k = (() => 0) as (...args: any[]) => unknown;

test("a literal signature fixes the arity and the result kind", () => {
  const deconvolve = gufunc("(i,j,k),(a,b,c)->(i,j,k)", k);
  expectTypeOf(deconvolve).toEqualTypeOf<Gufunc<"(i,j,k),(a,b,c)->(i,j,k)">>();
  expectTypeOf(deconvolve).parameters.toEqualTypeOf<[GufuncOperand, GufuncOperand]>();
  expectTypeOf(deconvolve).returns.toEqualTypeOf<Block>();
});

test("two outputs return a tuple", () => {
  const split = gufunc("(m,n) -> (m), (n)", k);
  expectTypeOf(split).parameters.toEqualTypeOf<[GufuncOperand]>();
  expectTypeOf(split).returns.toEqualTypeOf<[Block, Block]>();
});

test("a () core and three inputs", () => {
  const f = gufunc("(),(),()->()", k);
  expectTypeOf(f).parameters.toEqualTypeOf<[GufuncOperand, GufuncOperand, GufuncOperand]>();
});

test("a wide string signature gives variadic inputs and Block | Block[]", () => {
  const sig: string = "(i)->()";
  const f = gufunc(sig, k);
  expectTypeOf(f).parameters.toEqualTypeOf<GufuncOperand[]>();
  expectTypeOf(f).returns.toEqualTypeOf<Block | Block[]>();
});

test("calling with the wrong number of arrays does not compile", () => {
  const inner = gufunc("(i),(i)->()", k);
  const a = {} as Block;
  // @ts-expect-error one array is missing
  inner(a);
  // @ts-expect-error one array too many
  inner(a, a, a);
  inner(a, a);
});
