/**
 * The public `gufunc`: one callable for in-memory blocks and lazy arrays. Blocks in give
 * blocks out at once (the eager NumPy loop); if any operand is a ChunkedArray the result is a
 * ChunkedArray whose blocks run the same loop (dask's `apply_gufunc`, with NumPy's rules).
 * @module
 */
import { gufunc as eagerGufunc, type Gufunc, type GufuncCallOptions, type GufuncOperand, type GufuncOptions } from "../gufunc/gufunc.js";
import type { Kernel } from "../gufunc/eager.js";
import type { GufuncInputs, GufuncResult, InputCount, KernelParams } from "../gufunc/types.js";
import type { Block } from "../core/ndarray.js";
import { ChunkedArray, isChunkedArray } from "./chunked-array.js";
import { lazyGufunc, type LazyGufuncOptions } from "./lazy-gufunc.js";

/** An operand of a dispatching gufunc: a block, a number, or a lazy array. */
export type AnyGufuncOperand = GufuncOperand | ChunkedArray;

/** `A` when it is an array of unknown length (a spread list), `never` for a fixed argument list. */
type SpreadList<A extends readonly unknown[]> = number extends A["length"] ? A : never;

/**
 * A gufunc that accepts blocks (result: blocks) and lazy arrays (result: lazy arrays). Written
 * out, the arguments must match the signature's inputs one for one; a spread list of unknown
 * length (`f(...inputs)`, as property tests build) is checked when called.
 */
export interface ChunkedGufunc<S extends string = string> extends Omit<Gufunc<S>, "apply"> {
  <A extends GufuncOperand[]>(...inputs: SpreadList<A>): GufuncResult<S, Block>;
  <A extends ChunkedArray[]>(...inputs: SpreadList<A>): GufuncResult<S, ChunkedArray>;
  <A extends AnyGufuncOperand[]>(...inputs: SpreadList<A>): GufuncResult<S, Block> | GufuncResult<S, ChunkedArray>;
  (...inputs: GufuncInputs<S, GufuncOperand>): GufuncResult<S, Block>;
  (...inputs: GufuncInputs<S, AnyGufuncOperand>): GufuncResult<S, ChunkedArray>;
  /** Calls with per-call keywords (`axes`, `axis`, `keepdims`, `outputSizes`, `params`). */
  apply(inputs: readonly AnyGufuncOperand[], options?: GufuncCallOptions & LazyGufuncOptions): Block | Block[] | ChunkedArray | ChunkedArray[];
}

/**
 * Options of the public {@link gufunc}: `params` typed by the kernel's own parameter after its
 * `N` inputs (so `{ iteration: 10 }` for `richardsonLucy` does not compile), `unknown` when
 * the kernel does not say.
 */
export type TypedGufuncOptions<K, N extends number> = GufuncOptions & LazyGufuncOptions & { params?: KernelParams<K, N> };

/**
 * Makes a generalized ufunc from a NumPy signature and a kernel (see the eager
 * `gufunc` for the kernel convention and binding rules). On lazy arrays, loop dims map to
 * blocks and core dims must each be in one chunk (or `allowRechunk: true` merges them).
 * @param signature - e.g. `"(i,j,k),(a,b,c)->(i,j,k)"`
 * @param kernel - `(...coreViews, params, ctx) => output(s)`; name it with `defineKernel` to run on workers
 * @param options - see {@link GufuncOptions}; `params` must fit the kernel's own params type
 * @throws {SignatureError} for a malformed signature
 * @example
 * ```ts
 * const deconvolve = gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, { params: { iterations: 10 } });
 * const lazy = deconvolve(imgs, psf); // imgs (3,199,201,1024,768) chunked per volume; psf (3,1,101,64,64)
 * ```
 */
export function gufunc<const S extends string, K extends Kernel = Kernel>(signature: S, kernel: K, options: TypedGufuncOptions<K, InputCount<S>> = {}): ChunkedGufunc<S> {
  const { memoryBudget, ...eagerOptions } = options;
  const eager = eagerGufunc(signature, kernel, eagerOptions);
  const name = eager.name;
  const apply = (inputs: readonly AnyGufuncOperand[], call: GufuncCallOptions & LazyGufuncOptions = {}) => {
    if (!inputs.some(isChunkedArray)) return eager.apply(inputs as GufuncOperand[], call);
    const merged = { ...eagerOptions, ...(memoryBudget !== undefined ? { memoryBudget } : {}), ...call };
    delete (merged as { signal?: unknown }).signal;
    return lazyGufunc(name, eager.signature, kernel, inputs, merged);
  };
  const callable = ((...inputs: AnyGufuncOperand[]) => apply(inputs)) as unknown as ChunkedGufunc<S>;
  Object.defineProperties(callable, {
    signature: { value: eager.signature, enumerable: true },
    kernel: { value: kernel, enumerable: true },
    options: { value: eager.options, enumerable: true },
    apply: { value: apply, enumerable: true },
    name: { value: name },
  });
  return callable;
}

/**
 * dask's `apply_gufunc(func, signature, *args, **kwargs)`: applies once without keeping the gufunc.
 * @example applyGufunc(inner, "(i),(i)->()", [a, b])
 */
export function applyGufunc<const S extends string, K extends Kernel = Kernel>(
  kernel: K,
  signature: S,
  inputs: readonly AnyGufuncOperand[],
  options: TypedGufuncOptions<K, InputCount<S>> = {},
): Block | Block[] | ChunkedArray | ChunkedArray[] {
  return gufunc(signature, kernel, options).apply(inputs);
}
