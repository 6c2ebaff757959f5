/**
 * Kernels named by module URL and export name, so any worker (thread, process, machine)
 * imports the kernel itself and only data is ever serialised. Untagged functions still run,
 * but only inline; other executors refuse them with a message that shows how to export them.
 * A kernel also carries what it declares about itself ({@link KernelMeta}: its workspace), so
 * that planners (the memory plan) ask the kernel instead of recognising it.
 * @module
 */
import { ValueError, show } from "../core/errors.js";

/** Where a kernel lives: `import(module)[name]`. */
export interface KernelRef {
  readonly module: string;
  readonly name: string;
}

const REF = Symbol.for("chunkwise.kernelRef");
const META = Symbol.for("chunkwise.kernelMeta");
const registry = new Map<string, (...args: any[]) => unknown>();

/** A function tagged with its {@link KernelRef}. */
export type NamedKernel<F extends (...args: any[]) => unknown = (...args: any[]) => unknown> = F & { readonly [REF]: KernelRef };

/**
 * Tags `fn` as the export `name` of the module at `moduleUrl`, so workers can import it.
 * Export the result under the same name.
 * @param moduleUrl - `import.meta.url` of the module that exports the kernel
 * @param name - the export name
 * @param meta - what the kernel declares about itself (its workspace), see {@link KernelMeta}
 * @throws {ValueError} if the URL or name is empty, `fn` is not a function or `meta` is malformed
 * @example
 * ```ts
 * export const deconvolve = defineKernel(import.meta.url, "deconvolve", (img, psf, params, ctx) => ..., {
 *   // A padded complex FFT of the image block: 3 volumes of 8 bytes per padded element.
 *   workspaceBytes: (params, [img]) => 3 * 8 * img!.reduce((a, b) => a * b, 1),
 * });
 * ```
 */
export function defineKernel<F extends (...args: any[]) => unknown>(moduleUrl: string, name: string, fn: F, meta?: KernelMeta): NamedKernel<F> {
  if (typeof moduleUrl !== "string" || moduleUrl === "" || typeof name !== "string" || name === "") {
    throw new ValueError("defineKernel", `moduleUrl and name must be non-empty strings; got ${show(moduleUrl)} and ${show(name)}. Call defineKernel(import.meta.url, "exportName", fn)`);
  }
  if (typeof fn !== "function") {
    throw new ValueError("defineKernel", `fn must be a function; got ${show(fn)}. Pass the kernel function`);
  }
  if (meta !== undefined) setMeta("defineKernel", fn, meta);
  const ref: KernelRef = Object.freeze({ module: moduleUrl, name });
  Object.defineProperty(fn, REF, { value: ref, enumerable: false });
  registry.set(refKey(ref), fn);
  return fn as NamedKernel<F>;
}

/** The {@link KernelRef} of a tagged function, or undefined for a plain closure. */
export function kernelRefOf(fn: unknown): KernelRef | undefined {
  return typeof fn === "function" ? ((fn as unknown as Record<symbol, KernelRef | undefined>)[REF]) : undefined;
}

/** `"module#name"`: the registry key of a kernel. */
export function refKey(ref: KernelRef): string {
  return `${ref.module}#${ref.name}`;
}

/** The function registered for `ref` in this thread, if its module was loaded here. */
export function registeredKernel(ref: KernelRef): ((...args: any[]) => unknown) | undefined {
  return registry.get(refKey(ref));
}

/**
 * The kernels registered in this thread under export name `name`, from any module. A bundle
 * gives every module it contains one URL (its own), so a Web Worker built as a separate
 * bundle finds a task's kernel by name among the kernels its bundle registered.
 * @example registeredKernelsNamed("deconvolve") // [{ module: "http://host/worker.js", name: "deconvolve" }]
 */
export function registeredKernelsNamed(name: string): KernelRef[] {
  const out: KernelRef[] = [];
  for (const key of registry.keys()) {
    const cut = key.lastIndexOf("#");
    if (key.slice(cut + 1) === name) out.push({ module: key.slice(0, cut), name });
  }
  return out;
}

/**
 * How a kernel declares its scratch memory: bytes beyond its inputs and outputs for the given
 * params, input block shapes and input item sizes (bytes per element; 8 for float64). A
 * higher-order kernel (one that receives kernels as arguments, as a gufunc's block loop
 * receives the user's kernel) also gets the declarations of those kernels, in argument order,
 * and says what they need inside it.
 */
export type WorkspaceFn = (
  params: any, inputShapes: readonly (readonly number[])[], itemSizes: readonly number[], kernelArgs: readonly (KernelMeta | undefined)[],
) => number;

/** What a kernel declares about itself, for planning (the memory plan reads it). */
export interface KernelMeta {
  /** Its workspace: temporary bytes beyond its inputs and outputs (FFT buffers, padded copies). */
  readonly workspaceBytes?: WorkspaceFn;
}

/** The {@link KernelMeta} declared for `fn` (by {@link defineKernel} or {@link withWorkspace}), if any. */
export function kernelMetaOf(fn: unknown): KernelMeta | undefined {
  return typeof fn === "function" ? ((fn as unknown as Record<symbol, KernelMeta | undefined>)[META]) : undefined;
}

/**
 * Declares the workspace (temporary bytes beyond its inputs and outputs) a kernel needs, for
 * the memory plan: the same as {@link defineKernel}'s `meta.workspaceBytes`, for a kernel
 * already defined or a closure (which inline runs). Returns the kernel itself.
 * @throws {ValueError} if `workspaceBytes` is not a function
 * @example
 * ```ts
 * // A padded complex FFT of each input block: 3 x 8 bytes per element.
 * const blur = withWorkspace((b: Block) => fftBlur(b), (params, [img]) => 3 * 8 * img!.reduce((a, b) => a * b, 1));
 * ```
 */
export function withWorkspace<F extends (...args: any[]) => unknown>(kernel: F, workspaceBytes: WorkspaceFn): F {
  // Returns F itself (not an intersection), so `export const k = withWorkspace(defineKernel(...))` keeps a nameable type.
  setMeta("withWorkspace", kernel, { ...kernelMetaOf(kernel), workspaceBytes });
  return kernel;
}

function setMeta(fnName: string, fn: (...args: any[]) => unknown, meta: KernelMeta): void {
  if (typeof meta !== "object" || meta === null) {
    throw new ValueError(fnName, `meta must be an object such as { workspaceBytes }; got ${show(meta)}. Pass the kernel's metadata, or omit it`);
  }
  if (meta.workspaceBytes !== undefined && typeof meta.workspaceBytes !== "function") {
    throw new ValueError(fnName, `workspaceBytes must be a function (params, inputShapes, itemSizes) => bytes; got ${show(meta.workspaceBytes)}. Pass a function, or no metadata`);
  }
  Object.defineProperty(fn, META, { value: Object.freeze({ ...meta }), enumerable: false, configurable: true });
}
