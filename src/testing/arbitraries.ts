/**
 * fast-check arbitraries for gufunc signatures, so users can property-test their own gufuncs
 * and parsers. Every generated signature follows NumPy's compiled grammar (see
 * `parseSignature`); its structure is built directly, not by parsing the text, so comparing
 * `parseSignature(text)` with `signature` is a real test.
 * @module
 */
import type { Arbitrary } from "fast-check";
import { fc } from "./fast-check.js";
import { formatSignature, type CoreDim, type Signature } from "../gufunc/signature.js";

const FIRST = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"];
const REST = [...FIRST, ..."0123456789"];
const GAPS = ["", "", "", " ", "  ", "\t", " \t "];

/** Options of {@link dimNameArb}. */
export interface DimNameArbOptions {
  /** Longest name generated (default 6, at least 1). */
  readonly maxLength?: number;
}

/**
 * Generates valid dim names, `[A-Za-z_][A-Za-z0-9_]*`, favouring short ones like `"n"`.
 * @param options - `maxLength` (default 6).
 * @returns An arbitrary of names.
 * @throws {RangeError} When `maxLength` is below 1.
 * @example
 * ```ts
 * fc.assert(fc.property(dimNameArb(), (name) => /^[A-Za-z_]\w*$/.test(name)));
 * ```
 */
export function dimNameArb(options: DimNameArbOptions = {}): Arbitrary<string> {
  const maxLength = options.maxLength ?? 6;
  if (!(maxLength >= 1)) throw new RangeError(`dimNameArb: maxLength must be >= 1; got ${maxLength}.`);
  const long = fc
    .tuple(fc.constantFrom(...FIRST), fc.string({ unit: fc.constantFrom(...REST), maxLength: maxLength - 1 }))
    .map(([head, tail]) => head + tail);
  const short = fc.constantFrom("i", "j", "k", "m", "n", "p");
  return fc.oneof({ weight: 1, arbitrary: short }, { weight: 2, arbitrary: long });
}

/**
 * Generates frozen core-dim sizes, as in the signature `"(3)->()"`.
 * @param options - `max`: the largest size (default 16).
 * @returns An arbitrary of integers from 1 to `max`.
 * @throws {RangeError} When `max` is below 1.
 * @example
 * ```ts
 * fc.sample(frozenSizeArb({ max: 4 }), 3); // e.g. [1, 4, 2]
 * ```
 */
export function frozenSizeArb(options: { readonly max?: number } = {}): Arbitrary<number> {
  const max = options.max ?? 16;
  if (!(max >= 1)) throw new RangeError(`frozenSizeArb: max must be >= 1; got ${max}.`);
  return fc.integer({ min: 1, max });
}

/** Options of {@link signatureArb}. */
export interface SignatureArbOptions {
  /** Fewest inputs (default 1; 0 gives signatures like `"->(i)"`). */
  readonly minInputs?: number;
  /** Most inputs (default 3). */
  readonly maxInputs?: number;
  /** Fewest outputs (default 1, the least the grammar allows). */
  readonly minOutputs?: number;
  /** Most outputs (default 2). */
  readonly maxOutputs?: number;
  /** Most core dims per operand (default 3). */
  readonly maxCoreDims?: number;
  /** Most distinct dims per signature (default 4). */
  readonly maxDims?: number;
  /** Whether frozen dims such as `3` may appear (default true). */
  readonly frozen?: boolean;
  /** Whether `?` dims may appear (default true); a dim is optional everywhere or nowhere. */
  readonly optional?: boolean;
  /** When false (the default) `text` is canonical; when true it has random spaces and tabs
   * between tokens and leading zeros on frozen sizes. */
  readonly noisy?: boolean;
}

/** A generated signature: its text and the structure `parseSignature(text)` must return. */
export interface GeneratedSignature {
  readonly text: string;
  readonly signature: Signature;
}

function buildSignature(inputs: CoreDim[][], outputs: CoreDim[][]): Signature {
  const dimNames = [...new Set([...inputs, ...outputs].flat().map((d) => d.name))];
  const text = formatSignature({ inputs, outputs });
  return { text, inputs, outputs, dimNames };
}

/** Writes a signature with gaps and leading zeros drawn cyclically from the given lists. */
function render(sig: Signature, gaps: readonly string[], zeros: readonly number[]): string {
  let g = 0;
  let z = 0;
  const gap = (): string => gaps[g++ % gaps.length] ?? "";
  const dim = (d: CoreDim): string => {
    const base = d.frozen === undefined ? d.name : "0".repeat(zeros[z++ % zeros.length] ?? 0) + d.frozen;
    return base + (d.optional ? "?" : "");
  };
  const arg = (dims: readonly CoreDim[]): string =>
    `(${gap()}${dims.map((d) => dim(d) + gap()).join(`,${gap()}`)})`;
  const args = (list: readonly (readonly CoreDim[])[]): string =>
    list.map((a) => arg(a) + gap()).join(`,${gap()}`);
  return `${gap()}${args(sig.inputs)}->${gap()}${args(sig.outputs)}`;
}

/**
 * Generates valid gufunc signatures with their expected parsed structure.
 * @param options - Counts of inputs, outputs, core dims and distinct dims; whether frozen
 *   and optional dims appear; whether the text is canonical or noisy.
 * @returns An arbitrary of `{ text, signature }`.
 * @throws {RangeError} When a maximum is below its minimum.
 * @example
 * ```ts
 * fc.assert(fc.property(signatureArb({ noisy: true }), ({ text, signature }) => {
 *   expect(parseSignature(text)).toEqual(signature);
 * }));
 * ```
 */
export function signatureArb(options: SignatureArbOptions = {}): Arbitrary<GeneratedSignature> {
  const { minInputs = 1, maxInputs = 3, minOutputs = 1, maxOutputs = 2 } = options;
  const { maxCoreDims = 3, maxDims = 4, frozen = true, optional = true, noisy = false } = options;
  if (maxInputs < minInputs || minInputs < 0 || maxOutputs < minOutputs || minOutputs < 1 || maxDims < 1) {
    throw new RangeError(
      "signatureArb: counts must satisfy 0 <= minInputs <= maxInputs, 1 <= minOutputs <= " +
        `maxOutputs and maxDims >= 1; got ${JSON.stringify(options)}. Adjust the options.`,
    );
  }
  const named = dimNameArb().map((name) => ({ name, frozen: undefined as number | undefined }));
  const fixed = frozenSizeArb().map((size) => ({ name: String(size), frozen: size as number | undefined }));
  const kind = frozen ? fc.oneof({ weight: 3, arbitrary: named }, { weight: 1, arbitrary: fixed }) : named;
  const dim = fc
    .tuple(kind, optional ? fc.boolean() : fc.constant(false))
    .map(([d, opt]): CoreDim => ({ name: d.name, frozen: d.frozen, optional: opt }));
  const pool = fc.uniqueArray(dim, { minLength: 1, maxLength: maxDims, selector: (d) => d.name });
  const operand = fc.array(fc.nat(), { maxLength: maxCoreDims });
  const structure = pool.chain((dims) => {
    const pick = (ixs: number[]): CoreDim[] => ixs.map((ix) => dims[ix % dims.length] as CoreDim);
    return fc
      .tuple(
        fc.array(operand, { minLength: minInputs, maxLength: maxInputs }),
        fc.array(operand, { minLength: minOutputs, maxLength: maxOutputs }),
      )
      .map(([ins, outs]) => buildSignature(ins.map(pick), outs.map(pick)));
  });
  if (!noisy) return structure.map((signature) => ({ text: signature.text, signature }));
  const gaps = fc.array(fc.constantFrom(...GAPS), { minLength: 1, maxLength: 24 });
  const zeros = fc.array(fc.nat(2), { minLength: 1, maxLength: 4 });
  return fc
    .tuple(structure, gaps, zeros)
    .map(([signature, g, z]) => ({ text: render(signature, g, z), signature }));
}
