/**
 * How `evaluateTask` calls a kernel: directly, unless a host installed another way. The CLI's
 * Ctrl-C support (executors/sigint-break.ts) installs a call through a Node `vm` script that a
 * SIGINT can interrupt; this layer imports no Node builtin, so the hook is injected from there.
 * @module
 */

type Fn = (...args: unknown[]) => unknown;

/** Calls `fn(...args)` in some host-specific way (it must return what `fn` returns). */
export type KernelCaller = (fn: Fn, args: readonly unknown[]) => unknown;

/** Shared by copies of chunkwise in one thread (a source copy and an installed one). */
const CALLER = Symbol.for("chunkwise.kernelCaller");

/** Calls `fn(...args)` through the installed caller, or directly when none is. */
export function callKernel(fn: Fn, args: readonly unknown[]): unknown {
  const caller = (globalThis as Record<symbol, KernelCaller | undefined>)[CALLER];
  return caller === undefined ? fn(...args) : caller(fn, args);
}

/**
 * Installs `caller` for every later kernel call in this thread (`undefined` restores direct calls).
 * @example setKernelCaller((fn, args) => fn(...args)) // the default
 */
export function setKernelCaller(caller: KernelCaller | undefined): void {
  (globalThis as Record<symbol, KernelCaller | undefined>)[CALLER] = caller;
}
