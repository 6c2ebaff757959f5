/**
 * NumPy broadcasting: shapes align from the right; a size-1 axis stretches to match.
 * @module
 */
import { BroadcastError, show } from "./errors.js";
import type { Block } from "./ndarray.js";

/**
 * The broadcast shape of `shapes`, as `numpy.broadcast_shapes`.
 * @param fn - the public function name, for the error message
 * @throws {BroadcastError} naming both shapes and the axis (counted in the result) that disagrees
 * @example broadcastShapes([[3, 1, 5], [4, 1]]) // [3, 4, 5]
 */
export function broadcastShapes(shapes: readonly (readonly number[])[], fn = "broadcastShapes"): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  const owner = new Array<number>(nd).fill(-1);
  shapes.forEach((shape, k) => {
    for (let i = 0; i < shape.length; i++) {
      const ax = nd - shape.length + i;
      const d = shape[i]!;
      if (d === 1) continue;
      if (out[ax] === 1) {
        out[ax] = d;
        owner[ax] = k;
      } else if (out[ax] !== d) {
        const j = owner[ax]!;
        throw new BroadcastError(
          fn,
          `shapes ${show(shapes[j]!)} (operand ${j}) and ${show(shape)} (operand ${k}) must agree or be 1 on every axis counted from the right; got ${out[ax]} and ${d} on axis ${ax} of the result (axis ${ax - (nd - shapes[j]!.length)} of operand ${j}, axis ${i} of operand ${k}). Reshape one operand or insert a size-1 axis with null in index()`,
          shapes,
          ax,
        );
      }
    }
  });
  return out;
}

/**
 * Strides that view `block` as `shape` (already known to be a valid broadcast target):
 * new leading axes and stretched size-1 axes get stride 0, so nothing is copied.
 */
export function broadcastStrides(block: Block, shape: readonly number[]): number[] {
  const lead = shape.length - block.shape.length;
  return shape.map((d, ax) => {
    if (ax < lead) return 0;
    const own = block.shape[ax - lead]!;
    return own === 1 && d !== 1 ? 0 : block.stride[ax - lead]!;
  });
}
