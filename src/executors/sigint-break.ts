/**
 * Ctrl-C during a long synchronous kernel on the main thread (the inline executor). A signal
 * handler is JavaScript and runs only when the event loop turns, which a kernel computing for
 * minutes never lets happen, so an AbortSignal a SIGINT handler would set is never seen. Inside
 * {@link breakOnSigint}, kernels are called through a `vm` script run with `breakOnSigint`
 * (what Node's REPL uses): a SIGINT then ends the kernel at once with an error that
 * {@link isSigintBreak} recognises, the task fails, and the caller reports an interruption.
 * Outside it (and on worker threads, which never receive signals) kernels are called directly.
 * @module
 */
import { Script } from "node:vm";
import { setKernelCaller } from "../schedule/kernel-call.js";

type Fn = (...args: unknown[]) => unknown;

let depth = 0;
const CALL = Symbol.for("chunkwise.sigintBreakCall");
const script = new Script(`globalThis[Symbol.for("chunkwise.sigintBreakCall")]()`, { filename: "chunkwise-kernel-call" });

/** Calls `fn(...args)`; inside {@link breakOnSigint}, so that a SIGINT ends it at once. */
function callKernel(fn: Fn, args: readonly unknown[]): unknown {
  if (depth === 0) return fn(...args);
  const g = globalThis as unknown as Record<symbol, (() => unknown) | undefined>;
  const previous = g[CALL];
  g[CALL] = () => fn(...args);
  try {
    return script.runInThisContext({ breakOnSigint: true });
  } finally {
    g[CALL] = previous;
  }
}

/**
 * Runs `run` with kernels interruptible by SIGINT (see the module notes). While a kernel runs,
 * `process.on("SIGINT")` handlers are skipped: the interruption arrives as the task's error.
 * @example
 * ```ts
 * try { await breakOnSigint(() => toZarr(x, "out.zarr", { executor: inline() })); }
 * catch (e) { if (isSigintBreak(e)) console.error("interrupted"); }
 * ```
 */
export async function breakOnSigint<T>(run: () => Promise<T>): Promise<T> {
  // Installed for good: outside breakOnSigint (depth 0) it calls the kernel directly.
  setKernelCaller(callKernel);
  depth++;
  try {
    return await run();
  } finally {
    depth--;
  }
}

/** Whether `e` (or an error in its cause chain) is a kernel ended by SIGINT inside {@link breakOnSigint}. */
export function isSigintBreak(e: unknown): boolean {
  for (let x = e, i = 0; x instanceof Error && i < 10; x = x.cause, i++) {
    if ((x as NodeJS.ErrnoException).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") return true;
  }
  return false;
}
