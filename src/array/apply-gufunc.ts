/**
 * The public `gufunc`: one callable for in-memory blocks and lazy arrays. Blocks in give
 * blocks out at once (the eager NumPy loop); if any operand is a ChunkedArray the result is a
 * ChunkedArray whose blocks run the same loop (dask's `apply_gufunc`, with NumPy's rules).
 * @module
 */
import { gufunc as eagerGufunc, type Gufunc, type GufuncCallOptions, type GufuncOperand, type GufuncOptions } from "../gufunc/gufunc.js";
import type { Kernel } from "../gufunc/eager.js";
import type { GufuncInputs, GufuncResult } from "../gufunc/types.js";
import type { Block } from "../core/ndarray.js";
import { ChunkedArray, isChunkedArray } from "./chunked-array.js";
import { lazyGufunc, type LazyGufuncOptions } from "./lazy-gufunc.js";

/** An operand of a dispatching gufunc: a block, a number, or a lazy array. */
export type AnyGufuncOperand = GufuncOperand | ChunkedArray;

/** A gufunc that accepts blocks (result: blocks) and lazy arrays (result: lazy arrays). */
export interface ChunkedGufunc<S extends string = string> extends Omit<Gufunc<S>, "apply"> {
  (...inputs: GufuncInputs<S, GufuncOperand>): GufuncResult<S, Block>;
  (...inputs: GufuncInputs<S, AnyGufuncOperand>): GufuncResult<S, ChunkedArray>;
  /** Calls with per-call keywords (`axes`, `axis`, `keepdims`, `outputSizes`, `params`). */
  apply(inputs: readonly AnyGufuncOperand[], options?: GufuncCallOptions & LazyGufuncOptions): Block | Block[] | ChunkedArray | ChunkedArray[];
}

/**
 * Makes a generalized ufunc from a NumPy signature and a kernel (see the eager
 * `gufunc` for the kernel convention and binding rules). On lazy arrays, loop dims map to
 * blocks and core dims must each be in one chunk (or `allowRechunk: true` merges them).
 * @param signature - e.g. `"(i,j,k),(a,b,c)->(i,j,k)"`
 * @param kernel - `(...coreViews, params, ctx) => output(s)`; name it with `defineKernel` to run on workers
 * @throws {SignatureError} for a malformed signature
 * @example
 * ```ts
 * const deconvolve = gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, { params: { iterations: 10 } });
 * const lazy = deconvolve(imgs, psf); // imgs (3,199,201,1024,768) chunked per volume; psf (3,1,101,64,64)
 * ```
 */
export function gufunc<const S extends string>(signature: S, kernel: Kernel, options: GufuncOptions & LazyGufuncOptions = {}): ChunkedGufunc<S> {
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
export function applyGufunc(
  kernel: Kernel,
  signature: string,
  inputs: readonly AnyGufuncOperand[],
  options: GufuncOptions & LazyGufuncOptions = {},
): Block | Block[] | ChunkedArray | ChunkedArray[] {
  return gufunc(signature, kernel, options).apply(inputs);
}
