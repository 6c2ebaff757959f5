/**
 * Faults of the machinery rather than of a kernel: a worker thread (or, later, a worker
 * process) that died while running a task. The scheduler retries these up to the executor's
 * own `faultRetries`, separately from the `retries` it grants kernels that throw.
 * @module
 */
import { ChunkwiseError } from "../core/errors.js";

/**
 * A task was lost because the worker running it died (it exited, was terminated or ran out
 * of memory); the kernel itself did not throw.
 * @example
 * ```ts
 * try { await compute(x, { executor }); } catch (e) {
 *   if (e instanceof TaskError && e.cause instanceof WorkerLostError) console.log("a worker died");
 * }
 * ```
 */
export class WorkerLostError extends ChunkwiseError {
  /** The executor whose worker died, e.g. "threads(2)". */
  readonly executor: string;
  constructor(fn: string, message: string, details: { executor: string; cause?: unknown }) {
    super(fn, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.executor = details.executor;
  }
}

/**
 * Whether `e` is a fault of the executor (a lost worker) rather than an error of the kernel.
 * @example
 * ```ts
 * if (isExecutorFault(err)) console.log("the worker died; the kernel did not throw");
 * ```
 */
export function isExecutorFault(e: unknown): e is WorkerLostError {
  return e instanceof WorkerLostError;
}
