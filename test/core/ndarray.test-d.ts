import ndarray from "ndarray";
import { expectTypeOf, test } from "vitest";
import { fromNdarray, toNdarray, zeros, type Block, type NdarrayLike, type NdarrayView } from "../../src/index.js";

test("a scijs ndarray typed by @types/ndarray is an NdarrayLike (our structural type; no @types/ndarray in our .d.ts)", () => {
  const nd = ndarray(new Float32Array(6), [2, 3]);
  expectTypeOf(nd).toExtend<NdarrayLike>();
  expectTypeOf(fromNdarray(nd)).toEqualTypeOf<Block>();
  expectTypeOf(fromNdarray(nd.pick(null, 1))).toEqualTypeOf<Block>();
});

test("toNdarray keeps the dtype's TypedArray and scijs's methods", () => {
  const view = toNdarray(zeros([2, 3], { dtype: "float32" }));
  expectTypeOf(view).toEqualTypeOf<NdarrayView<Float32Array>>();
  expectTypeOf(view.data).toEqualTypeOf<Float32Array>();
  expectTypeOf(view.get(1, 2)).toEqualTypeOf<number>();
  expectTypeOf(view.pick(null, 1)).toEqualTypeOf<NdarrayView<Float32Array>>();
  // @ts-expect-error a plain object is not an ndarray
  fromNdarray({ shape: [2] });
});
