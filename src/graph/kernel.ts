/**
 * Kernels named by module URL and export name, so any worker (thread, process, machine)
 * imports the kernel itself and only data is ever serialised. Untagged functions still run,
 * but only inline; other executors refuse them with a message that shows how to export them.
 * @module
 */
import { ValueError, show } from "../core/errors.js";

/** Where a kernel lives: `import(module)[name]`. */
export interface KernelRef {
  readonly module: string;
  readonly name: string;
}

const REF = Symbol.for("chunkwise.kernelRef");
const registry = new Map<string, (...args: any[]) => unknown>();

/** A function tagged with its {@link KernelRef}. */
export type NamedKernel<F extends (...args: any[]) => unknown = (...args: any[]) => unknown> = F & { readonly [REF]: KernelRef };

/**
 * Tags `fn` as the export `name` of the module at `moduleUrl`, so workers can import it.
 * Export the result under the same name.
 * @param moduleUrl - `import.meta.url` of the module that exports the kernel
 * @param name - the export name
 * @throws {ValueError} if the URL or name is empty or `fn` is not a function
 * @example
 * ```ts
 * export const deconvolve = defineKernel(import.meta.url, "deconvolve", (img, psf, params, ctx) => ...);
 * ```
 */
export function defineKernel<F extends (...args: any[]) => unknown>(moduleUrl: string, name: string, fn: F): NamedKernel<F> {
  if (typeof moduleUrl !== "string" || moduleUrl === "" || typeof name !== "string" || name === "") {
    throw new ValueError("defineKernel", `moduleUrl and name must be non-empty strings; got ${show(moduleUrl)} and ${show(name)}. Call defineKernel(import.meta.url, "exportName", fn)`);
  }
  if (typeof fn !== "function") {
    throw new ValueError("defineKernel", `fn must be a function; got ${show(fn)}. Pass the kernel function`);
  }
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
