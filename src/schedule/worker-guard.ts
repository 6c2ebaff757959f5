/**
 * Runs inside chunkwise's own workers are refused. A worker imports each kernel module by its
 * URL; when that module is also the script that starts the computation
 * (`export const k = defineKernel(import.meta.url, "k", fn)` followed by
 * `compute(..., { executor: threads() })` in one file), every import runs the script's top
 * level again, and each worker would start its own pool, whose workers start theirs: a fork
 * bomb. So:
 *
 * - in a worker thread of `threads()`, `threads()` and `distributed()` refuse at once (a pool
 *   inside a pool's worker is never what chunkwise starts);
 * - while a chunkwise worker (thread, or the `chunkwise worker` process loading `--kernels`)
 *   imports a kernel module, running a graph (`compute`, `toZarr`) refuses too: that module's
 *   top level would compute everything again in every worker.
 *
 * The refusal is an error thrown by the user's module as it is imported, so it reaches the
 * main thread as the task's error and the computation fails with it.
 * @module
 */
import { ValueError } from "../core/errors.js";

/** Shared across copies of chunkwise in one thread (a source copy and an installed one). */
const STATE = Symbol.for("chunkwise.workerGuard");

interface GuardState {
  /** This thread is a worker thread of `threads()`. */
  workerThread: boolean;
  /** Kernel modules being imported by this worker now. */
  importing: string[];
}

function state(): GuardState {
  const g = globalThis as Record<symbol, GuardState | undefined>;
  return (g[STATE] ??= { workerThread: false, importing: [] });
}

/**
 * Marks this thread as a worker thread of `threads()`. The worker module calls it once, and
 * only off the main thread (it knows `isMainThread`; this layer imports no Node builtin).
 */
export function markWorkerThread(): void {
  state().workerThread = true;
}

/**
 * Imports `module` (a kernel module) as a chunkwise worker, so that a run its top level starts
 * is refused. In a plain thread this is just `load()`: a user's own imports are not guarded.
 * @param force - guard even outside a worker thread (the `chunkwise worker` process)
 */
export async function importAsWorker<T>(module: string, load: () => Promise<T>, force = false): Promise<T> {
  const s = state();
  if (!force && !s.workerThread) return load();
  s.importing.push(module);
  try {
    return await load();
  } finally {
    s.importing.splice(s.importing.lastIndexOf(module), 1);
  }
}

const MOVE = "Move the kernel (the defineKernel export) into its own module, import it from the script that runs the computation, and run that script";

/**
 * Throws when `fn` (an executor) is created inside a chunkwise worker thread or while a worker
 * imports a kernel module.
 * @throws {ValueError} with how to fix it
 */
export function refusePoolInWorker(fn: string): void {
  const s = state();
  const module = s.importing.at(-1);
  if (module === undefined && !s.workerThread) return;
  throw new ValueError(
    fn,
    `an executor must not start inside a chunkwise worker; got ${fn}() called ${module === undefined ? "in a worker thread" : `while a worker imported the kernel module ${module}`}. A worker imports a kernel's module, so a module that both defines a kernel and starts the computation at its top level would start a new pool in every worker. ${MOVE}`,
  );
}

/**
 * Throws when a graph run starts while a chunkwise worker imports a kernel module (the
 * module's top level computes).
 * @throws {ValueError} with how to fix it
 */
export function refuseRunWhileImporting(fn: string): void {
  const module = state().importing.at(-1);
  if (module === undefined) return;
  throw new ValueError(
    fn,
    `a computation must not start while a chunkwise worker imports a kernel module; got one started by the top level of ${module}. Every worker would run the whole computation again. ${MOVE}`,
  );
}
