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
 * dims sometimes dropped by giving an operand fewer axes.
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
      // Dropping an optional dim is only possible when every input using it can lose it.
      // NumPy drops an operand's optional dims left to right and only as many as it lacks, so a
      // dropped dim must come after no kept optional dim, and its operands get no loop dims.
      const dropped = new Set(drop.filter((n) => signature.inputs.every((dims) => dims.every((d) => d.name !== n || d.optional))));
      for (const dims of signature.inputs) {
        let keptOptional = false;
        for (const d of dims) {
          if (!d.optional) continue;
          if (dropped.has(d.name) && keptOptional) dropped.delete(d.name);
          if (!dropped.has(d.name)) keptOptional = true;
        }
      }
      const inputShapes = signature.inputs.map((dims, i) => {
        const [keep, ones] = perOperand[i]!;
        const nloop = dims.some((d) => dropped.has(d.name)) ? 0 : Math.min(keep, loopShape.length);
        const loop = loopShape.slice(loopShape.length - nloop).map((d, j) => (ones[j] ? 1 : d));
        return [...loop, ...dims.filter((d) => !dropped.has(d.name)).map((d) => sizes[d.name]!)];
      });
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
