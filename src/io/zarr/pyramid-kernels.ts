/**
 * The kernel that casts a pyramid level's block means back to the image's dtype (its own
 * module: workers import only kernel modules).
 * @module
 */
import { astype } from "../../core/astype.js";
import { dtypeKind, type DataType } from "../../core/dtype.js";
import { emptyBlock, forEachIndex, get, set, type Block } from "../../core/ndarray.js";
import { defineKernel } from "../../graph/kernel.js";

/** Rounds half to even (`numpy.rint`). */
function rint(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Casts block means back to the level's dtype: floats as they are (rounded once), integers
 * and bools rounded half to even first (`numpy.rint(mean).astype(dtype)`), so an integer
 * pyramid keeps its dtype and the nearest value.
 * @example roundToDtype(means, { dtype: "uint16" })
 */
export const roundToDtype = defineKernel(import.meta.url, "roundToDtype", (block: Block, params: { dtype: DataType }): Block => {
  if (dtypeKind(params.dtype) === "f") return astype(block, params.dtype);
  const rounded = emptyBlock("float64", block.shape);
  forEachIndex(block.shape, (i) => set(rounded, i, rint(get(block, i))));
  return astype(rounded, params.dtype);
});
