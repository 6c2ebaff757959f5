/**
 * `gufunc(signature, kernel, options)`: a generalized ufunc with NumPy's rules (the compiled
 * grammar and binding of `numpy.ufunc` with a signature, and `np.vectorize(signature=...)`
 * for kernels written in JavaScript). Blocks in, blocks out.
 * @module
 */
import { isDataType, type DataType } from "../core/dtype.js";
import { ValueError, show } from "../core/errors.js";
import { asBlock, isBlockLike, fromTypedArray, type Block, type BlockLike } from "../core/ndarray.js";
import { bindShapes, checkPlainUfuncOptions, type BindOptions, type OutputSize } from "./bind.js";
import { resolveOutputDtypes, runEager, type Kernel } from "./eager.js";
import { parseSignature, type Signature } from "./signature.js";
import type { GufuncInputs, GufuncResult } from "./types.js";

/** An operand of a gufunc call: a block (or scijs ndarray / zarrita chunk), or a number as a 0-d array. */
export type GufuncOperand = Block | BlockLike | number | boolean;

/** Options fixed when the gufunc is made. */
export interface GufuncOptions extends BindOptions {
  /** Name in error messages; defaults to the kernel's function name. */
  name?: string;
  /**
   * `true` (default): the kernel is called once per loop index with core-shaped views.
   * `false`: called once with whole blocks (loop dims first, broadcast by stride 0) and
   * loops itself, as dask's `vectorize=False` (faster for kernels that can).
   */
  vectorize?: boolean;
  /** The kernel writes into `ctx.out` (allocated by chunkwise) and returns nothing, as numba's guvectorize. */
  preallocated?: boolean;
  /** Output dtypes (one, or one per output); default: the common float type of the inputs. Never guessed by calling the kernel. */
  outputDtypes?: DataType | readonly DataType[];
  /** JSON-only parameters passed to the kernel after its inputs; they travel to any worker. */
  params?: unknown;
  /** Lazy arrays only: merge a core dim split over several chunks (memory cost is stated). */
  allowRechunk?: boolean;
}

/** Per-call options of {@link Gufunc.apply}: NumPy's call keywords. */
export interface GufuncCallOptions extends BindOptions {
  params?: unknown;
  signal?: AbortSignal;
  /** Added to `ctx.index` (lazy arrays pass each block's offset so kernels see global loop indices). */
  indexOffset?: readonly number[];
  /** Receives each kernel call's note as `{ index, note }` (kernels get `ctx.note` only with it). */
  note?: (value: { index: number[]; note: unknown }) => void;
}

/** A gufunc: call it with one array per input; it returns one array, or a tuple for several outputs. */
export interface Gufunc<S extends string = string> {
  (...inputs: GufuncInputs<S, GufuncOperand>): GufuncResult<S, Block>;
  /** The parsed signature. */
  readonly signature: Signature;
  /** The kernel, as given. */
  readonly kernel: Kernel;
  /** The options, as given. */
  readonly options: Readonly<GufuncOptions>;
  /** Calls with NumPy's per-call keywords (`axes`, `axis`, `keepdims`, `outputSizes`) overriding the defaults. */
  apply(inputs: readonly GufuncOperand[], options?: GufuncCallOptions): Block | Block[];
}

const OPTION_KEYS = new Set(["name", "vectorize", "preallocated", "outputDtypes", "params", "allowRechunk", "axes", "axis", "keepdims", "outputSizes"]);

/**
 * Makes a generalized ufunc from a NumPy signature and a kernel.
 *
 * The kernel is called as `kernel(...inputs, params, ctx)`: views of each input's core dims
 * (no copies), the JSON `params` option, and a {@link KernelContext} with the loop index. It
 * returns a block of the output's core shape (a number for a `()` core), or a list of them for
 * several outputs. Leading loop dims broadcast as NumPy's do, so the blog's
 * `(channel, time, z, y, x)` stack and a `(channel, 1, z, y, x)` PSF need no squeezing.
 * @param signature - e.g. `"(i,j,k),(a,b,c)->(i,j,k)"`; NumPy's grammar with frozen `(3)` and optional `n?` dims
 * @param kernel - the function applied per loop index
 * @param options - see {@link GufuncOptions}
 * @throws {SignatureError} for a malformed signature, with the position
 * @throws {ValueError} for unknown or malformed options
 * @example
 * ```ts
 * const inner = gufunc("(i),(i)->()", (a, b) => {
 *   let s = 0;
 *   for (let k = 0; k < a.shape[0]; k++) s += get(a, [k]) * get(b, [k]);
 *   return s;
 * });
 * inner(ones([4, 3]), arange(3)); // shape (4,), every value 3
 * ```
 */
export function gufunc<const S extends string>(signature: S, kernel: Kernel, options: GufuncOptions = {}): Gufunc<S> {
  const sig = parseSignature(signature);
  const name = options.name ?? (kernel.name ? `gufunc ${kernel.name}` : "gufunc");
  if (typeof kernel !== "function") {
    throw new ValueError("gufunc", `kernel must be a function; got ${show(kernel)}. Pass (…inputs, params, ctx) => output`);
  }
  checkOptions(name, sig, options);
  const apply = (inputs: readonly GufuncOperand[], call: GufuncCallOptions = {}): Block | Block[] => {
    const merged = { ...options, ...call };
    const blocks = inputs.map((x, i) => toBlock(name, x, i));
    const binding = bindShapes(name, sig, blocks.map((b) => b.shape), merged);
    const typed = blocks.filter((_, i) => typeof inputs[i] !== "number" && typeof inputs[i] !== "boolean");
    const dtypes = resolveOutputDtypes(name, sig.outputs.length, typed, options.outputDtypes);
    const outs = runEager(binding, blocks, dtypes, {
      name,
      kernel,
      params: merged.params ?? {},
      vectorize: options.vectorize ?? true,
      preallocated: options.preallocated ?? false,
      outputDtypes: dtypes,
      signal: call.signal,
      ...(call.indexOffset ? { indexOffset: call.indexOffset } : {}),
      ...(call.note ? { note: call.note } : {}),
    });
    return sig.outputs.length === 1 ? outs[0]! : outs;
  };
  const callable = ((...inputs: GufuncOperand[]) => apply(inputs)) as Gufunc<S>;
  Object.defineProperties(callable, {
    signature: { value: sig, enumerable: true },
    kernel: { value: kernel, enumerable: true },
    options: { value: Object.freeze({ ...options }), enumerable: true },
    apply: { value: apply, enumerable: true },
    name: { value: name },
  });
  return callable;
}

function toBlock(fn: string, x: GufuncOperand, i: number): Block {
  if (typeof x === "number") return fromTypedArray("float64", Float64Array.of(x), []);
  if (typeof x === "boolean") return fromTypedArray("bool", Uint8Array.of(x ? 1 : 0), []);
  if (!isBlockLike(x)) {
    throw new ValueError(fn, `input ${i} must be a block, a scijs ndarray, a zarrita chunk or a number; got ${describe(x)}. Make one with array(...)`);
  }
  return asBlock(x, fn, `input ${i}`);
}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return "a plain JavaScript array";
  return typeof x === "object" ? `an object with keys ${show(Object.keys(x))}` : `${typeof x} ${show(x)}`;
}

function checkOptions(fn: string, sig: Signature, options: GufuncOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new ValueError(fn, `options must be an object; got ${show(options)}. Pass { outputDtypes, params, ... }`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new ValueError(fn, `options must use known keys; got '${key}'. Use one of ${[...OPTION_KEYS].join(", ")}`);
    }
  }
  checkPlainUfuncOptions(fn, sig, options);
  for (const key of ["vectorize", "preallocated", "allowRechunk"] as const) {
    if (options[key] !== undefined && typeof options[key] !== "boolean") {
      throw new ValueError(fn, `${key} must be true or false; got ${show(options[key])}. Pass a boolean`);
    }
  }
  const od = options.outputDtypes;
  if (od !== undefined && !(isDataType(od) || (Array.isArray(od) && od.length === sig.outputs.length && od.every(isDataType)))) {
    resolveOutputDtypes(fn, sig.outputs.length, [], od);
  }
  if (options.params !== undefined && !isJson(options.params)) {
    throw new ValueError(fn, `params must be JSON data (numbers, strings, booleans, null, arrays, plain objects) so it can travel to workers; got ${show(options.params)}. Move functions and arrays out of params`);
  }
  if (options.outputSizes !== undefined) {
    for (const [k, v] of Object.entries(options.outputSizes as Record<string, OutputSize>)) {
      if (!sig.dimNames.includes(k)) {
        throw new ValueError(fn, `outputSizes must name core dims of signature "${sig.text}"; got '${k}'. Use one of ${show(sig.dimNames)}`);
      }
      if (typeof v !== "function" && (typeof v !== "number" || !Number.isInteger(v) || v < 0)) {
        throw new ValueError(fn, `outputSizes['${k}'] must be a non-negative integer or a function of the bound sizes; got ${show(v)}. Fix the size`);
      }
    }
  }
}

function isJson(v: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth + 1));
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.values(v as object).every((x) => isJson(x, depth + 1));
  }
  return false;
}
