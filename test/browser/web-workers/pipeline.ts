/** The conformance suite's graph (test/executors/conformance.ts), over the browser kernels, for the page and the Node reference. */
import { fromTypedArray, type Block } from "../../../src/core/ndarray.js";
import { gufunc } from "../../../src/array/apply-gufunc.js";
import type { ChunkedArray } from "../../../src/array/chunked-array.js";
import { fromArray } from "../../../src/array/creation.js";
import { add, multiply } from "../../../src/array/elementwise.js";
import { mapBlocks } from "../../../src/array/map-blocks.js";
import { combine, heavy, inner } from "./kernels.js";

/** A float64 ramp with a fractional pattern, as a block. */
export function ramp(shape: readonly number[]): Block<"float64"> {
  const n = shape.reduce((a, b) => a * b, 1);
  return fromTypedArray("float64", Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 1009) / 113), shape);
}

/** mapBlocks + elementwise + astype + rechunk + gufunc, shape [36, 20], chunks [9, 7]. */
export function pipeline(): ChunkedArray[] {
  const x = fromArray(ramp([36, 20]), { chunks: [9, 7] });
  const h = mapBlocks(heavy, [x], { params: { rounds: 20 } }) as ChunkedArray;
  const y = add(multiply(h, 3), x) as ChunkedArray;
  const c = mapBlocks(combine, [y, h], { dtype: "float64" }) as ChunkedArray;
  const w = fromArray(ramp([20]), { chunks: 20 });
  const g = gufunc("(i),(i)->()", inner, { outputDtypes: "float64" })(c.rechunk([12, 20]), w) as ChunkedArray;
  return [c.astype("float32"), g];
}

/** A block as `[dtype, shape, hex of its bytes in C order]`, comparable across runtimes. */
export function digest(b: Block): [string, number[], string] {
  const bytes = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  let hex = "";
  for (const x of bytes) hex += x.toString(16).padStart(2, "0");
  return [b.dtype, [...b.shape], hex];
}
