/**
 * How a kernel declares its workspace (temporary bytes beyond its inputs and outputs) for the
 * executors' memory plan. Here, beside the kernels, so filters can declare theirs without
 * depending on the executors.
 * @module
 */

type Fn = (...args: any[]) => unknown;

/**
 * How a kernel declares its scratch memory: bytes for the given params, input block shapes and
 * input item sizes (bytes per element; 8 for float64).
 */
export type WorkspaceFn = (params: any, inputShapes: readonly (readonly number[])[], itemSizes: readonly number[]) => number;

/**
 * Declares the workspace (temporary bytes beyond its inputs and outputs) a kernel needs, for
 * the memory plan. Returns the kernel itself.
 * @example
 * ```ts
 * // A padded complex FFT of each input block: 2 x 4 bytes per padded element.
 * export const deconvolve = withWorkspace(
 *   defineKernel(import.meta.url, "deconvolve", (img, psf, params) => ...),
 *   (params, [img]) => 8 * img!.reduce((a, b) => a * b, 1) * 3,
 * );
 * ```
 */
export function withWorkspace<F extends Fn>(kernel: F, workspaceBytes: WorkspaceFn): F {
  // Returns F itself (not an intersection), so `export const k = withWorkspace(defineKernel(...))` keeps a nameable type.
  Object.defineProperty(kernel, "workspaceBytes", { value: workspaceBytes, enumerable: false, configurable: true });
  return kernel;
}

