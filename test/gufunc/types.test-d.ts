import { expectTypeOf, test } from "vitest";
import type { GufuncInputs, GufuncResult, InputCount, OutputCount, TupleOf } from "../../src/gufunc/types.js";

interface Block {
  readonly shape: readonly number[];
}

test("sig=\"(i,j,k),(a,b,c)->(i,j,k)\": 2 inputs, 1 output", () => {
  type S = "(i,j,k),(a,b,c)->(i,j,k)";
  expectTypeOf<InputCount<S>>().toEqualTypeOf<2>();
  expectTypeOf<OutputCount<S>>().toEqualTypeOf<1>();
  expectTypeOf<GufuncInputs<S, Block>>().toEqualTypeOf<[Block, Block]>();
  expectTypeOf<GufuncResult<S, Block>>().toEqualTypeOf<Block>();
});

test("sig=\"(m,n)->(m),(n)\": 2 outputs give a tuple", () => {
  type S = "(m,n)->(m),(n)";
  expectTypeOf<InputCount<S>>().toEqualTypeOf<1>();
  expectTypeOf<OutputCount<S>>().toEqualTypeOf<2>();
  expectTypeOf<GufuncInputs<S, Block>>().toEqualTypeOf<[Block]>();
  expectTypeOf<GufuncResult<S, Block>>().toEqualTypeOf<[Block, Block]>();
});

test("sig=\"()->()\" and sig=\"(),()->(),(),()\"", () => {
  expectTypeOf<InputCount<"()->()">>().toEqualTypeOf<1>();
  expectTypeOf<OutputCount<"()->()">>().toEqualTypeOf<1>();
  expectTypeOf<GufuncResult<"()->()", Block>>().toEqualTypeOf<Block>();
  expectTypeOf<InputCount<"(),()->(),(),()">>().toEqualTypeOf<2>();
  expectTypeOf<GufuncResult<"(),()->(),(),()", Block>>().toEqualTypeOf<[Block, Block, Block]>();
});

test("sig=\"->(i)\": zero inputs", () => {
  expectTypeOf<InputCount<"->(i)">>().toEqualTypeOf<0>();
  expectTypeOf<GufuncInputs<"->(i)", Block>>().toEqualTypeOf<[]>();
  expectTypeOf<GufuncResult<" -> (i)", Block>>().toEqualTypeOf<Block>();
});

test("spaces and tabs between tokens", () => {
  type S = " ( m? , n ) ,\t(n,p?)  ->  (m?, p?) ";
  expectTypeOf<InputCount<S>>().toEqualTypeOf<2>();
  expectTypeOf<OutputCount<S>>().toEqualTypeOf<1>();
  type T = "( 3? ) , (3? ,  3?) ,(n )-> ( 9) ,\t( )";
  expectTypeOf<InputCount<T>>().toEqualTypeOf<3>();
  expectTypeOf<GufuncResult<T, Block>>().toEqualTypeOf<[Block, Block]>();
});

test("wide string gives wide types", () => {
  expectTypeOf<InputCount<string>>().toEqualTypeOf<number>();
  expectTypeOf<OutputCount<string>>().toEqualTypeOf<number>();
  expectTypeOf<GufuncInputs<string, Block>>().toEqualTypeOf<Block[]>();
  expectTypeOf<GufuncResult<string, Block>>().toEqualTypeOf<Block | Block[]>();
});

test("unreadable literals fall back to wide types", () => {
  expectTypeOf<InputCount<"(i)">>().toEqualTypeOf<number>();
  expectTypeOf<OutputCount<"(i)->">>().toEqualTypeOf<number>();
  expectTypeOf<InputCount<"((i))->()">>().toEqualTypeOf<number>();
  expectTypeOf<OutputCount<"(i)->(j)->(k)">>().toEqualTypeOf<number>();
  expectTypeOf<OutputCount<"(i)->(j),">>().toEqualTypeOf<number>();
  expectTypeOf<InputCount<"(i),->(j)">>().toEqualTypeOf<number>();
  expectTypeOf<GufuncResult<"(i)(j)->()", Block>>().toEqualTypeOf<Block | Block[]>();
});

test("union of literals distributes", () => {
  expectTypeOf<InputCount<"(i)->()" | "(i),(j)->()">>().toEqualTypeOf<1 | 2>();
});

test("TupleOf", () => {
  expectTypeOf<TupleOf<string, 0>>().toEqualTypeOf<[]>();
  expectTypeOf<TupleOf<string, 3>>().toEqualTypeOf<[string, string, string]>();
  expectTypeOf<TupleOf<string, number>>().toEqualTypeOf<string[]>();
});

test("a typed wrapper built from these types", () => {
  function wrap<S extends string>(_sig: S): (...args: GufuncInputs<S, Block>) => GufuncResult<S, Block> {
    return (() => undefined) as never;
  }
  const matmul = wrap("(m,n),(n,p)->(m,p)");
  expectTypeOf(matmul).parameters.toEqualTypeOf<[Block, Block]>();
  expectTypeOf(matmul).returns.toEqualTypeOf<Block>();
  const svd = wrap("(m,n)->(m,k),(k),(k,n)");
  expectTypeOf(svd).returns.toEqualTypeOf<[Block, Block, Block]>();
});
