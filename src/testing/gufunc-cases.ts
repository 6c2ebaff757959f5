/**
 * Property-testing gufuncs: arbitraries of operand shapes that bind to a signature, and a
 * naive reference loop written independently of chunkwise's binding code, so users can check
 * `myGufunc(...inputs)` against `referenceGufunc(signature, kernel, inputs)` for random shapes.
 * @module
 */
import type { Arbitrary } from "fast-check";
import { fc } from "./fast-check.js";
import { emptyBlock, forEachIndex, type Block } from "../core/ndarray.js";
import type { DataType } from "../core/dtype.js";
import type { Signature } from "../gufunc/signature.js";

/** A signature with input shapes that bind to it, and the expected output shapes. */
export interface GufuncCase {
  readonly signature: Signature;
  readonly inputShapes: readonly (readonly number[])[];
  readonly loopShape: readonly number[];
  readonly sizes: Readonly<Record<string, number>>;
  readonly outputShapes: readonly (readonly number[])[];
}

/** Options of {@link gufuncCaseArb}. */
export interface GufuncCaseOptions {
  /** Most loop dims (default 3). */
  readonly maxLoopDims?: number;
  /** Largest loop or core size (default 4); sizes start at 0 when `allowEmpty`. */
  readonly maxSize?: number;
  /** Allow size-0 loop dims (default true). */
  readonly allowEmpty?: boolean;
}

/**
 * Shapes that bind to `signature` by NumPy's rules: one size per core dim name (frozen dims
 * keep theirs), loop dims that broadcast (some operands shorter, some axes 1), and optional
 * dims sometimes dropped by giving an operand fewer axes. Every case binds in NumPy to exactly
 * the stated sizes and shapes: a dim is dropped only where NumPy's left-to-right rule drops
 * that very dim, and frozen optional dims only when frozen at 1 (NumPy counts a missing dim as
 * size 1, so `(3?)` on too few axes is a core-dim mismatch there).
 * @example
 * ```ts
 * fc.assert(fc.property(gufuncCaseArb(parseSignature("(i),(i)->()")), (c) => { ... }));
 * ```
 */
export function gufuncCaseArb(signature: Signature, options: GufuncCaseOptions = {}): Arbitrary<GufuncCase> {
  const maxLoop = options.maxLoopDims ?? 3;
  const maxSize = options.maxSize ?? 4;
  const minSize = options.allowEmpty === false ? 1 : 0;
  const names = signature.dimNames;
  const optionalNames = names.filter((n) => signature.inputs.flat().some((d) => d.name === n && d.optional));
  return fc
    .record({
      sizes: fc.tuple(...names.map(() => fc.integer({ min: 1, max: maxSize }))),
      drop: fc.subarray(optionalNames),
      loopShape: fc.array(fc.integer({ min: minSize, max: maxSize }), { maxLength: maxLoop }),
      perOperand: fc.array(fc.tuple(fc.nat(maxLoop), fc.array(fc.boolean(), { minLength: maxLoop, maxLength: maxLoop })), {
        minLength: signature.inputs.length,
        maxLength: signature.inputs.length,
      }),
    })
    .map(({ sizes: raw, drop, loopShape, perOperand }) => {
      const sizes: Record<string, number> = {};
      names.forEach((n, i) => {
        const frozen = signature.inputs.concat(signature.outputs).flat().find((d) => d.name === n)?.frozen;
        sizes[n] = frozen ?? raw[i]!;
      });
      // Operands that lose a dim get no loop dims, so that the loss is what NumPy sees.
      const shapesFor = (dropped: ReadonlySet<string>): number[][] =>
        signature.inputs.map((dims, i) => {
          const [keep, ones] = perOperand[i]!;
          const nloop = dims.some((d) => dropped.has(d.name)) ? 0 : Math.min(keep, loopShape.length);
          const loop = loopShape.slice(loopShape.length - nloop).map((d, j) => (ones[j] ? 1 : d));
          return [...loop, ...dims.filter((d) => !dropped.has(d.name)).map((d) => sizes[d.name]!)];
        });
      // Drop only what NumPy would: optional dims that are not frozen, or frozen at 1 (a missing
      // dim counts as size 1). Then shrink the drop set until NumPy's own rule, run on the
      // shapes it gives, drops exactly that set. Each round keeps only dims NumPy dropped too,
      // or, when NumPy dropped more (it keeps dropping once an operand overshoots), none: the
      // set shrinks every round and the empty set always holds, so this ends.
      let dropped = new Set(drop.filter((n) => droppable(signature, n)));
      let inputShapes = shapesFor(dropped);
      for (;;) {
        const actual = numpyMissingDims(signature, inputShapes.map((s) => s.length));
        if (actual.size === dropped.size && [...actual].every((n) => dropped.has(n))) break;
        const agreed = [...dropped].filter((n) => actual.has(n));
        dropped = new Set(agreed.length < dropped.size ? agreed : []);
        inputShapes = shapesFor(dropped);
      }
      // The loop shape actually seen is the broadcast of what the operands kept.
      const ndim = Math.max(0, ...inputShapes.map((s, i) => s.length - signature.inputs[i]!.filter((d) => !dropped.has(d.name)).length));
      const seen = Array.from({ length: ndim }, (_, ax) => {
        let n = 1;
        inputShapes.forEach((s, i) => {
          const nloop = s.length - signature.inputs[i]!.filter((d) => !dropped.has(d.name)).length;
          const j = ax - (ndim - nloop);
          if (j >= 0 && s[j] !== 1) n = s[j]!;
        });
        return n;
      });
      for (const d of signature.outputs.flat()) if (!(d.name in sizes)) sizes[d.name] = 1;
      for (const n of dropped) delete sizes[n];
      const outputShapes = signature.outputs.map((dims) => [...seen, ...dims.filter((d) => !dropped.has(d.name)).map((d) => sizes[d.name]!)]);
      return { signature, inputShapes, loopShape: seen, sizes, outputShapes };
    });
}

/** Whether NumPy lets optional dim `name` go missing and still bind: frozen dims only at 1. */
function droppable(signature: Signature, name: string): boolean {
  const dim = signature.inputs.flat().find((d) => d.name === name);
  return dim !== undefined && dim.optional && (dim.frozen === undefined || dim.frozen === 1);
}

/**
 * NumPy's rule for which optional dims go missing (`_validate_num_dims`), from the inputs'
 * numbers of axes: an input with fewer axes than core dims drops its optional dims left to
 * right, each for every operand naming it, until it has enough. Kept apart from chunkwise's
 * own binding code so that the two check each other.
 */
function numpyMissingDims(signature: Signature, ndims: readonly number[]): Set<string> {
  const missing = new Set<string>();
  const need = signature.inputs.map((dims) => dims.length);
  signature.inputs.forEach((dims, i) => {
    if (ndims[i]! >= need[i]!) return;
    for (const d of dims) {
      if (!d.optional || missing.has(d.name)) continue;
      missing.add(d.name);
      signature.inputs.forEach((other, j) => {
        for (const o of other) if (o.name === d.name) need[j]!--;
      });
      if (ndims[i] === need[i]) break;
    }
  });
  return missing;
}

/** Deterministic block of `shape` and `dtype` whose values depend on `seed` (for reproducible properties). */
export function seededBlock(shape: readonly number[], seed: number, dtype: DataType = "float64"): Block {
  const b = emptyBlock(dtype, shape);
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i < b.data.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b.data[i] = dtype === "bool" ? x & 1 : (x >>> 16) % 97 - 48;
  }
  return b;
}

/**
 * The naive reference: for every loop index, slices each input's core (last axes, loop dims
 * broadcast from the right with plain index arithmetic), calls `kernel`, and stores the results.
 * Knows nothing of `axes`, `keepdims` or optional-dim dropping beyond the shapes given.
 * @param outputShapes - the expected output shapes (from {@link GufuncCase})
 */
export function referenceGufunc(
  signature: Signature,
  kernel: (...args: any[]) => unknown,
  inputs: readonly Block[],
  outputShapes: readonly (readonly number[])[],
  outputDtype: DataType = "float64",
): Block[] {
  const coreCounts = inputs.map((b, i) => Math.min(b.shape.length, signature.inputs[i]!.length));
  const loopNdim = Math.max(0, ...inputs.map((b, i) => b.shape.length - coreCounts[i]!));
  const loopShape = outputShapes[0]!.slice(0, loopNdim);
  const outs = outputShapes.map((s) => emptyBlock(outputDtype, s));
  forEachIndex(loopShape, (index) => {
    const args = inputs.map((b, i) => {
      const nloop = b.shape.length - coreCounts[i]!;
      let offset = b.offset;
      for (let j = 0; j < nloop; j++) {
        const ix = b.shape[j] === 1 ? 0 : index[loopNdim - nloop + j]!;
        offset += ix * b.stride[j]!;
      }
      return { ...b, shape: b.shape.slice(nloop), stride: b.stride.slice(nloop), offset };
    });
    const raw = kernel(...args, {}, { index: [...index], out: undefined, signal: undefined });
    const results = signature.outputs.length === 1 ? [raw] : (raw as unknown[]);
    results.forEach((r, k) => {
      const out = outs[k]!;
      const core = out.shape.slice(loopNdim);
      let base = 0;
      for (let j = 0; j < loopNdim; j++) base += index[j]! * out.stride[j]!;
      if (typeof r === "number") {
        out.data[base] = r;
        return;
      }
      const rb = r as Block;
      forEachIndex(core, (ci) => {
        let p = base;
        let q = rb.offset;
        for (let j = 0; j < ci.length; j++) {
          p += ci[j]! * out.stride[loopNdim + j]!;
          q += ci[j]! * rb.stride[j]!;
        }
        out.data[p] = rb.data[q]!;
      });
    });
  });
  return outs;
}
