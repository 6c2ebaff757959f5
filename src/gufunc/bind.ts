/**
 * Binding operands to a gufunc signature, following NumPy's compiled gufunc machinery
 * (`PyUFunc_GeneralizedFunctionInternal`): core dims are each operand's last axes or those
 * named by `axes`/`axis`; one name binds one size across all operands and never broadcasts,
 * not even size 1; frozen dims must equal their number; optional dims `n?` drop out
 * (left to right, only as many as an operand lacks) for every operand that uses them, and a
 * dropped dim counts as size 1 (so a frozen one may drop only if it is 1); loop
 * dims broadcast from the right; `keepdims` re-adds the inputs' core dims to the outputs as
 * size 1. Pure shape arithmetic: works for blocks and lazy arrays alike.
 * @module
 */
import { broadcastShapes } from "../core/broadcast.js";
import { AxisError, BindingError, BroadcastError, ValueError, show } from "../core/errors.js";
import type { Signature } from "./signature.js";

/** Size of an output-only core dim: a number, or a function of the sizes bound so far. */
export type OutputSize = number | ((sizes: Readonly<Record<string, number>>) => number);

/** The options that change how operands bind (NumPy's `axes`, `axis`, `keepdims`). */
export interface BindOptions {
  /** Per operand (inputs, then optionally outputs): the axes holding its core dims, in signature order. */
  axes?: readonly (number | readonly number[])[];
  /** One axis for every operand with a core dim; only for signatures with a single distinct core dim. */
  axis?: number;
  /** Keep the reduced core dims in the outputs as size 1 (inputs with equal core counts, outputs without core dims). */
  keepdims?: boolean;
  /** Sizes of core dims that appear only in outputs. */
  outputSizes?: Readonly<Record<string, OutputSize>>;
}

/** How one operand's axes map onto the canonical order (loop dims, then core dims). */
export interface OperandLayout {
  /** `remap[k]` is the operand's actual axis for canonical axis k. */
  readonly remap: readonly number[];
  /** Number of loop axes the operand itself has (it broadcasts against the full loop shape). */
  readonly loopNdim: number;
  /** Core shape in canonical order, missing optional dims removed. */
  readonly coreShape: readonly (number | undefined)[];
}

/** The result of binding: everything the eager loop and the lazy engine need. */
export interface Binding {
  readonly signature: Signature;
  /** The broadcast loop shape. */
  readonly loopShape: readonly number[];
  /** Sizes bound to each core dim name (missing optional dims and undetermined output-only dims absent). */
  readonly sizes: Readonly<Record<string, number>>;
  /** Optional dims that were dropped. */
  readonly missing: ReadonlySet<string>;
  readonly inputs: readonly OperandLayout[];
  /** Outputs' core shapes: `undefined` entries are output-only dims the first kernel call must fix. */
  readonly outputs: readonly OperandLayout[];
  readonly keepdims: boolean;
}

/**
 * Binds operand shapes to `signature`.
 * @param fn - the name to put in error messages (the gufunc's name)
 * @param lazy - if true, every output-only dim must be sized by `outputSizes`
 * @throws {BindingError} for a wrong operand count, too few dims, or mismatched core sizes
 * @throws {BroadcastError} when loop dims do not broadcast
 * @throws {AxisError} for out-of-range or repeated axes
 * @throws {ValueError} for misuse of `axes`, `axis`, `keepdims` or `outputSizes`
 */
export function bindShapes(
  fn: string,
  signature: Signature,
  shapes: readonly (readonly number[])[],
  options: BindOptions = {},
  lazy = false,
): Binding {
  const sig = signature;
  const nin = sig.inputs.length;
  const nop = nin + sig.outputs.length;
  if (shapes.length !== nin) {
    throw new BindingError(fn, `the number of inputs must be ${nin} for signature "${sig.text}"; got ${shapes.length}. Pass exactly ${nin} array${nin === 1 ? "" : "s"}`);
  }
  checkPlainUfuncOptions(fn, sig, options);
  const keepdims = checkKeepdims(fn, sig, options.keepdims);
  if (options.axis !== undefined && options.axes !== undefined) {
    throw new ValueError(fn, `only one of axis and axes may be given; got both (axis ${show(options.axis)}, axes ${show(options.axes)}). Drop one of them`);
  }
  if (options.axis !== undefined && sig.dimNames.length !== 1) {
    throw new ValueError(fn, `axis may be used only with a single shared core dim; got signature "${sig.text}" with ${sig.dimNames.length} distinct core dims. Use axes=[...] instead`);
  }
  const all = [...sig.inputs, ...sig.outputs];
  const coreNum = all.map((dims) => dims.length);
  // keepdims gives each output input 0's core count as written: NumPy sets it before optional
  // dims drop, and dropping only shrinks the operands whose signature names the dim.
  if (keepdims) for (let i = nin; i < nop; i++) coreNum[i] = coreNum[0]!;
  const missing = dropOptionalDims(fn, sig, shapes, coreNum);
  const loopNdims = shapes.map((s, i) => s.length - coreNum[i]!);
  const broadcastNdim = Math.max(0, ...loopNdims);
  const remaps = buildRemaps(fn, sig, shapes, coreNum, broadcastNdim, options);
  const sizes = bindCoreSizes(fn, sig, shapes, coreNum, remaps, missing);
  const loopShape = broadcastLoopDims(fn, sig, shapes, loopNdims, remaps);
  resolveOutputSizes(fn, sig, sizes, missing, options.outputSizes, lazy);
  const layout = (i: number): OperandLayout => {
    const dims = all[i]!.filter((d) => !missing.has(d.name));
    const coreShape = i >= nin && keepdims ? new Array<number>(coreNum[i]!).fill(1) : dims.map((d) => sizes[d.name]);
    return { remap: remaps[i]!, loopNdim: i < nin ? loopNdims[i]! : broadcastNdim, coreShape };
  };
  return {
    signature: sig,
    loopShape,
    sizes,
    missing,
    inputs: sig.inputs.map((_, i) => layout(i)),
    outputs: sig.outputs.map((_, k) => layout(nin + k)),
    keepdims,
  };
}

/**
 * A signature without core dims (`()->()`, `(),()->()`) makes a plain ufunc in NumPy
 * (`_parse_signature` clears `core_enabled`), and a plain ufunc takes no `axes`, `axis` or
 * `keepdims`, not even `keepdims: false` (NumPy raises TypeError "unexpected keyword argument").
 * @throws {ValueError} when one of them is given for such a signature
 */
export function checkPlainUfuncOptions(fn: string, sig: Signature, options: Pick<BindOptions, "axes" | "axis" | "keepdims">): void {
  if ([...sig.inputs, ...sig.outputs].some((dims) => dims.length > 0)) return;
  for (const key of ["axes", "axis", "keepdims"] as const) {
    if (options[key] === undefined) continue;
    throw new ValueError(fn, `${key} must not be given for signature "${sig.text}", which has no core dims (NumPy treats it as a plain ufunc, which takes no axes, axis or keepdims); got ${show(options[key])}. Drop ${key}: loop dims already broadcast elementwise`);
  }
}

function checkKeepdims(fn: string, sig: Signature, keepdims: boolean | undefined): boolean {
  if (keepdims === undefined) return false;
  if (typeof keepdims !== "boolean") {
    throw new ValueError(fn, `keepdims must be true or false; got ${show(keepdims)}. Pass a boolean`);
  }
  const n0 = sig.inputs[0]?.length ?? 0;
  const bad = [...sig.inputs, ...sig.outputs].findIndex((d, i) => d.length !== (i < sig.inputs.length ? n0 : 0));
  if (bad >= 0) {
    const nin = sig.inputs.length;
    const role = bad < nin ? `input ${bad}` : `output ${bad - nin}`;
    throw new ValueError(fn, `keepdims may be used only when all inputs have the same number of core dims and outputs have none; got signature "${sig.text}", where ${role} has ${[...sig.inputs, ...sig.outputs][bad]!.length}. Drop keepdims, or reshape the result yourself`);
  }
  return keepdims;
}

/** NumPy's _validate_num_dims: drops optional dims an operand lacks, for every operand using them. */
function dropOptionalDims(fn: string, sig: Signature, shapes: readonly (readonly number[])[], coreNum: number[]): Set<string> {
  const missing = new Set<string>();
  const all = [...sig.inputs, ...sig.outputs];
  shapes.forEach((shape, i) => {
    if (shape.length >= coreNum[i]!) return;
    for (const dim of sig.inputs[i]!) {
      if (!dim.optional || missing.has(dim.name)) continue;
      missing.add(dim.name);
      all.forEach((dims, j) => {
        for (const d of dims) if (d.name === dim.name) coreNum[j]!--;
      });
      if (shape.length === coreNum[i]) break;
    }
    if (shape.length < coreNum[i]!) {
      throw new BindingError(
        fn,
        `input ${i} must have at least ${coreNum[i]} dimensions for its core dims (${sig.inputs[i]!.map((d) => d.name).join(", ")}) in signature "${sig.text}"; got ${shape.length} (shape ${show(shape)}). Add axes with expandDims or index([..., null])`,
        { operand: i },
      );
    }
  });
  return missing;
}

function buildRemaps(
  fn: string,
  sig: Signature,
  shapes: readonly (readonly number[])[],
  coreNum: readonly number[],
  broadcastNdim: number,
  options: BindOptions,
): number[][] {
  const nin = sig.inputs.length;
  const nop = coreNum.length;
  const ndimOf = (i: number): number => (i < nin ? shapes[i]!.length : broadcastNdim + coreNum[i]!);
  const identity = (i: number): number[] => [...Array(ndimOf(i)).keys()];
  if (options.axis !== undefined) return axisRemaps(fn, sig, coreNum, ndimOf, broadcastNdim, options.axis);
  if (options.axes === undefined) return coreNum.map((_, i) => identity(i));
  const axes = options.axes;
  if (!Array.isArray(axes)) {
    throw new ValueError(fn, `axes must be a list with one entry per operand; got ${show(axes)}. Pass e.g. [[-2, -1], [-2, -1], [-2, -1]]`);
  }
  const list = [...axes];
  if (list.length !== nop) {
    const outputsHaveCore = sig.outputs.some((d) => d.length > 0);
    if (list.length !== nin || outputsHaveCore) {
      throw new ValueError(fn, `axes must have an entry for each of the ${nop} inputs and outputs (entries for outputs may be omitted only if no output has core dims); got ${list.length} entries. Add entries for the outputs`);
    }
    // Omitted output entries mean "core dims last", with keepdims too: NumPy (_parse_axes_arg)
    // leaves those outputs unremapped, so inner1d((3,2),(3,), axes=[0,0], keepdims=True) is (2,1).
  }
  return coreNum.map((ncore, i) => {
    if (i >= list.length) return identity(i);
    const entry = list[i];
    const tuple = typeof entry === "number" ? [entry] : entry;
    if (!Array.isArray(tuple) || (typeof entry === "number" && ncore !== 1) || tuple.length !== ncore) {
      throw new ValueError(fn, `axes entry ${i} (${role(i, nin)}) must list ${ncore} ax${ncore === 1 ? "is (a number or a 1-element list)" : "es"}, one per core dim; got ${show(entry)}. Give one axis per core dim of that operand`);
    }
    const nd = ndimOf(i);
    const core = tuple.map((a: number) => checkAxis(fn, a, nd, `axes entry ${i} (${role(i, nin)})`));
    const seen = new Set<number>();
    for (const a of core) {
      if (seen.has(a)) throw new AxisError(fn, `axes entry ${i} (${role(i, nin)}) must not repeat an axis; got ${a} twice. List each axis once`, a);
      seen.add(a);
    }
    return [...identity(i).filter((a) => !seen.has(a)), ...core];
  });
}

/**
 * Remaps for `axis`, as NumPy's _parse_axis_arg: each operand with core dims gets its last
 * canonical axis from `axis`. An output is taken to have loop dims plus one core dim, whatever
 * its core count (NumPy sizes it so), so the range check uses that; an output with several core
 * dims (`(i)->(i,i)`, or keepdims over `(i,i)`) may only keep them last, since NumPy's remap of
 * the others is undefined.
 */
function axisRemaps(fn: string, sig: Signature, coreNum: readonly number[], ndimOf: (i: number) => number, broadcastNdim: number, axis: number): number[][] {
  const nin = sig.inputs.length;
  return coreNum.map((n, i) => {
    const identity = [...Array(ndimOf(i)).keys()];
    if (n === 0) return identity;
    const nd = i < nin ? ndimOf(i) : broadcastNdim + 1;
    const a = checkAxis(fn, axis, nd, `axis for ${role(i, nin)}`);
    if (a === nd - 1) return identity;
    if (i >= nin && n > 1) {
      throw new ValueError(fn, `axis must name the last axis (-1) when ${role(i, nin)} has ${n} core dims, as in signature "${sig.text}": one axis cannot place several core dims; got ${axis}. Use axes=[...] with one entry per core dim`);
    }
    return [...identity.filter((x) => x !== a), a];
  });
}

function role(i: number, nin: number): string {
  return i < nin ? `input ${i}` : `output ${i - nin}`;
}

function checkAxis(fn: string, axis: unknown, ndim: number, what: string): number {
  if (typeof axis !== "number" || !Number.isInteger(axis)) {
    throw new ValueError(fn, `${what} must be an integer; got ${show(axis)}. Pass an axis number`);
  }
  if (axis < -ndim || axis >= ndim) {
    throw new AxisError(fn, `${what} must be in [${-ndim}, ${ndim}) for an operand with ${ndim} dimensions; got ${axis}. Pass an existing axis`, axis);
  }
  return axis < 0 ? axis + ndim : axis;
}

function bindCoreSizes(
  fn: string,
  sig: Signature,
  shapes: readonly (readonly number[])[],
  coreNum: readonly number[],
  remaps: readonly number[][],
  missing: ReadonlySet<string>,
): Record<string, number> {
  const sizes: Record<string, number> = {};
  const boundBy: Record<string, string> = {};
  for (const dims of [...sig.inputs, ...sig.outputs]) {
    for (const d of dims) if (d.frozen !== undefined) {
      sizes[d.name] = d.frozen;
      boundBy[d.name] = "the signature";
    }
  }
  shapes.forEach((shape, i) => {
    const start = shape.length - coreNum[i]!;
    let k = start;
    for (const d of sig.inputs[i]!) {
      if (missing.has(d.name)) {
        // NumPy (_get_coredim_sizes) counts a missing dim as size 1, so only a frozen 1 may go missing.
        if (d.frozen !== undefined && d.frozen !== 1) {
          throw new BindingError(
            fn,
            `optional frozen core dim '${d.name}?' of input ${i} (shape ${show(shape)}) must be present, since a missing optional dim counts as size 1 and this one is fixed at ${d.frozen} in signature "${sig.text}"; got it missing (too few axes). Give input ${i} an axis of size ${d.frozen} there, or write '1?' for a dim that may be left out`,
            { operand: i, dim: d.name },
          );
        }
        continue;
      }
      const axis = remaps[i]![k++]!;
      const n = shape[axis]!;
      const have = sizes[d.name];
      if (have === undefined) {
        sizes[d.name] = n;
        boundBy[d.name] = `input ${i}`;
      } else if (have !== n) {
        throw new BindingError(
          fn,
          `core dim '${d.name}' of input ${i} (axis ${axis}, shape ${show(shape)}) must have size ${have} as bound by ${boundBy[d.name]} in signature "${sig.text}"; got ${n}. Core dims never broadcast, not even size 1: pass arrays whose core axes agree`,
          { operand: i, dim: d.name },
        );
      }
    }
  });
  return sizes;
}

function broadcastLoopDims(
  fn: string,
  sig: Signature,
  shapes: readonly (readonly number[])[],
  loopNdims: readonly number[],
  remaps: readonly number[][],
): number[] {
  const loops = shapes.map((shape, i) => remaps[i]!.slice(0, loopNdims[i]).map((a) => shape[a]!));
  try {
    return broadcastShapes(loops, fn);
  } catch (e) {
    if (!(e instanceof BroadcastError)) throw e;
    throw new BroadcastError(
      fn,
      `loop dims (the axes before the core dims) must broadcast from the right; got loop shapes ${loops.map((l) => show(l)).join(" and ")} for inputs with shapes ${shapes.map((s) => show(s)).join(", ")} in signature "${sig.text}" (disagreeing on loop axis ${e.axis}). Insert size-1 axes or index the arrays so their leading axes agree`,
      loops,
      e.axis,
    );
  }
}

function resolveOutputSizes(
  fn: string,
  sig: Signature,
  sizes: Record<string, number>,
  missing: ReadonlySet<string>,
  outputSizes: Readonly<Record<string, OutputSize>> | undefined,
  lazy: boolean,
): void {
  const inInputs = new Set(sig.inputs.flat().map((d) => d.name));
  const outputOnly = [...new Set(sig.outputs.flat().map((d) => d.name))].filter((n) => !inInputs.has(n) && !missing.has(n));
  for (const [name, spec] of Object.entries(outputSizes ?? {})) {
    if (!sig.dimNames.includes(name)) {
      throw new ValueError(fn, `outputSizes must name core dims of signature "${sig.text}"; got '${name}'. Use one of ${show(sig.dimNames)}`);
    }
    const value = typeof spec === "function" ? spec({ ...sizes }) : spec;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      throw new ValueError(fn, `outputSizes['${name}'] must be a non-negative integer (or a function returning one); got ${show(value)}. Fix the size`);
    }
    if (sizes[name] !== undefined && sizes[name] !== value) {
      throw new ValueError(fn, `outputSizes['${name}'] must agree with the size ${sizes[name]} bound by the inputs or signature; got ${value}. Drop it from outputSizes`);
    }
    sizes[name] = value;
  }
  if (lazy) {
    const unsized = outputOnly.filter((n) => sizes[n] === undefined);
    if (unsized.length > 0) {
      throw new ValueError(fn, `outputSizes must give the size of output-only core dim '${unsized[0]}' of signature "${sig.text}" for lazy arrays; got none. Pass outputSizes: { ${unsized[0]}: <size> } (nothing runs before compute)`);
    }
  }
}
