/**
 * fast-check arbitraries for shapes and chunk grids, so users can property-test code that
 * must work for any chunking (a lazy result must equal the eager one however the array is
 * split). Every generated grid is normalised: one non-empty list per axis, positive sizes
 * summing to the axis length, `[0]` for a zero-length axis.
 * @module
 */
import type { Arbitrary } from "fast-check";
import { fc } from "./fast-check.js";
import type { Chunks } from "../chunks/grid.js";

/** Options of {@link shapeArb}. */
export interface ShapeArbOptions {
  /** Fewest axes (default 0). */
  readonly minDims?: number;
  /** Most axes (default 4). */
  readonly maxDims?: number;
  /** Smallest axis length (default 0). */
  readonly minSize?: number;
  /** Largest axis length (default 10). */
  readonly maxSize?: number;
}

/**
 * Generates array shapes.
 * @param options - `minDims` (0), `maxDims` (4), `minSize` (0), `maxSize` (10)
 * @throws {RangeError} when a minimum exceeds its maximum or a bound is negative
 * @example
 * ```ts
 * fc.assert(fc.property(shapeArb({ minDims: 1, maxSize: 6 }), (shape) => shape.length >= 1));
 * ```
 */
export function shapeArb(options: ShapeArbOptions = {}): Arbitrary<number[]> {
  const { minDims = 0, maxDims = 4, minSize = 0, maxSize = 10 } = options;
  if (minDims < 0 || minDims > maxDims || minSize < 0 || minSize > maxSize) {
    throw new RangeError(`shapeArb: bounds must satisfy 0 <= minDims <= maxDims and 0 <= minSize <= maxSize; got ${JSON.stringify(options)}. Fix the bounds.`);
  }
  return fc.array(fc.integer({ min: minSize, max: maxSize }), { minLength: minDims, maxLength: maxDims });
}

/**
 * Generates chunks of one axis of length `n`: either a regular size with a ragged last
 * chunk (as a number argument gives) or random cut points.
 * @example
 * ```ts
 * fc.assert(fc.property(axisChunksArb(10), (c) => c.reduce((a, b) => a + b, 0) === 10));
 * ```
 */
export function axisChunksArb(n: number): Arbitrary<number[]> {
  if (n === 0) return fc.constant([0]);
  if (n === 1) return fc.constant([1]);
  const regular = fc.integer({ min: 1, max: n }).map((size) => {
    const out = new Array<number>(Math.floor(n / size)).fill(size);
    if (n % size !== 0) out.push(n % size);
    return out;
  });
  const cuts = fc
    .uniqueArray(fc.integer({ min: 1, max: n - 1 }), { maxLength: Math.min(n - 1, 12) })
    .map((points) => {
      const sorted = [0, ...points.sort((a, b) => a - b), n];
      return sorted.slice(1).map((p, i) => p - (sorted[i] as number));
    });
  return fc.oneof(regular, cuts);
}

/**
 * Generates random valid chunkings of `shape`.
 * @example
 * ```ts
 * fc.assert(fc.property(chunksArb([10, 3]), (chunks) => chunks.length === 2));
 * ```
 */
export function chunksArb(shape: readonly number[]): Arbitrary<Chunks> {
  return fc.tuple(...shape.map((n) => axisChunksArb(n))).map((axes) => axes as Chunks);
}

/**
 * Generates a shape together with a random valid chunking of it.
 * @param options - as {@link shapeArb}
 * @example
 * ```ts
 * fc.assert(fc.property(shapeAndChunksArb(), ({ shape, chunks }) => chunks.length === shape.length));
 * ```
 */
export function shapeAndChunksArb(options: ShapeArbOptions = {}): Arbitrary<{ shape: number[]; chunks: Chunks }> {
  return shapeArb(options).chain((shape) => chunksArb(shape).map((chunks) => ({ shape, chunks })));
}
