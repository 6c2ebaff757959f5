/** Kernels and option helpers shared by the eager and lazy gufunc properties. */
import { toFlatArray, type Block } from "../../src/core/ndarray.js";
import type { Signature } from "../../src/gufunc/signature.js";
import type { GufuncCase } from "../../src/testing/gufunc-cases.js";

/** A kernel that makes every output element depend on every input element and on its position. */
export function makeKernel(c: GufuncCase) {
  const sig = c.signature;
  const coreShapes = sig.outputs.map((dims) => dims.filter((d) => d.name in c.sizes).map((d) => c.sizes[d.name]!));
  return (...args: unknown[]) => {
    const inputs = args.slice(0, sig.inputs.length) as Block[];
    let total = 0;
    inputs.forEach((b, i) => toFlatArray(b).forEach((v, j) => (total += v * (i + 1) + j)));
    const outs = coreShapes.map((shape, k) => {
      if (shape.length === 0) return total + k;
      const size = shape.reduce((a, b) => a * b, 1);
      const data = Float64Array.from({ length: size }, (_, p) => total * (k + 1) + p);
      return { dtype: "float64", data, shape, stride: shape.map((_, j) => shape.slice(j + 1).reduce((a, b) => a * b, 1)), offset: 0 };
    });
    return sig.outputs.length === 1 ? outs[0] : outs;
  };
}

/** `outputSizes` for the output-only dims of a case (what a lazy call must be told). */
export function outputSizesFor(sig: Signature, sizes: Readonly<Record<string, number>>): Record<string, number> {
  const inInputs = new Set(sig.inputs.flat().map((d) => d.name));
  return Object.fromEntries(sig.outputs.flat().filter((d) => !inInputs.has(d.name) && d.frozen === undefined && d.name in sizes).map((d) => [d.name, sizes[d.name]!]));
}
