/**
 * fast-check arbitraries for the core property tests: shapes with size-0 and size-1 axes,
 * dtypes with representative values, and blocks laid out as non-contiguous views (permuted
 * axes, negative-step slices, offsets). Local to the tests until chunkwise/testing exports
 * shared ones.
 */
import fc from "fast-check";
import { DTYPES, type DataType } from "../../src/core/dtype.js";
import { emptyBlock, forEachIndex, set, sizeOf, type Block } from "../../src/core/ndarray.js";
import { index, transpose } from "../../src/core/views.js";

export const dtypeArb: fc.Arbitrary<DataType> = fc.constantFrom(...DTYPES);

/** A shape of `minDims..maxDims` axes, each 0..4 long (0 and 1 often). */
export function shapeArb(minDims = 0, maxDims = 4): fc.Arbitrary<number[]> {
  return fc.array(fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: 1, max: 4 })), { minLength: minDims, maxLength: maxDims });
}

/** Values valid for `dtype`: edge values, small integers, and (floats) halves, NaN, infinities. */
export function valueArb(dtype: DataType): fc.Arbitrary<number> {
  const ranges: Record<string, [number, number]> = {
    bool: [0, 1], int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
    uint8: [0, 255], uint16: [0, 65535], uint32: [0, 4294967295],
  };
  const r = ranges[dtype];
  if (r !== undefined) return fc.oneof(fc.constantFrom(r[0], r[1]), fc.integer({ min: r[0], max: r[1] }), fc.integer({ min: Math.max(r[0], -5), max: Math.min(r[1], 5) }));
  return fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: -40, max: 40 }).map((i) => i / 2) },
    { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e30) },
  );
}

/** How a block of a given shape is laid out in memory. */
export interface Layout {
  perm: number[];
  flips: boolean[];
  pad: number;
}

export function layoutArb(ndim: number): fc.Arbitrary<Layout> {
  const axes = [...Array(ndim).keys()];
  return fc.record({
    perm: ndim === 0 ? fc.constant([]) : fc.shuffledSubarray(axes, { minLength: ndim, maxLength: ndim }),
    flips: fc.array(fc.boolean(), { minLength: ndim, maxLength: ndim }),
    pad: fc.integer({ min: 0, max: 2 }),
  });
}

/**
 * A block of `shape` whose element at C-order position k is `values[k]`, stored as a view: the
 * data is allocated in the permuted axis order, with padding before it, and flipped axes are
 * negative-step slices.
 */
export function makeBlock(dtype: DataType, shape: readonly number[], values: readonly number[], layout: Layout): Block {
  const nd = shape.length;
  const baseShape = layout.perm.map((a) => shape[a]!);
  const padded = emptyBlock(dtype, [sizeOf(baseShape) + layout.pad]);
  const base: Block = { ...padded, shape: baseShape, stride: stridesOf(baseShape), offset: layout.pad };
  const inverse = new Array<number>(nd);
  layout.perm.forEach((a, i) => (inverse[a] = i));
  let view = transpose(base, inverse);
  view = index(view, layout.flips.map((f) => (f ? "::-1" : ":")));
  let k = 0;
  forEachIndex(shape, (i) => set(view, i, values[k++]!));
  return view;
}

function stridesOf(shape: readonly number[]): number[] {
  const s: number[] = [];
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** A random block of `dtype` and `shape` in a random layout, with its C-order values. */
export function blockArb(dtype: DataType, shape: readonly number[]): fc.Arbitrary<{ block: Block; values: number[] }> {
  const n = sizeOf(shape);
  return fc
    .tuple(fc.array(valueArb(dtype), { minLength: n, maxLength: n }), layoutArb(shape.length))
    .map(([values, layout]) => {
      const block = makeBlock(dtype, shape, values, layout);
      // the stored values (after the TypedArray's conversion, e.g. -0 in ints)
      const stored = values.map((v) => {
        const t = emptyBlock(dtype, [1]).data;
        t[0] = v;
        return t[0]!;
      });
      return { block, values: stored };
    });
}

/** Two shapes that broadcast to `target`: each drops some leading axes and sets some axes to 1. */
export function broadcastPairArb(): fc.Arbitrary<{ target: number[]; a: number[]; b: number[] }> {
  return shapeArb(0, 4).chain((target) => {
    const operand = fc
      .tuple(fc.integer({ min: 0, max: target.length }), fc.array(fc.boolean(), { minLength: target.length, maxLength: target.length }))
      .map(([drop, ones]) => target.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
    return fc.record({ target: fc.constant(target), a: operand, b: operand });
  });
}
