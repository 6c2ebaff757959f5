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

/**
 * A task on a worker thread that did not finish within its bound: its kernel modules did not
 * finish importing within `importMs`, or the whole task within `runMs`. The thread was
 * terminated (a fresh one takes its place) and the task is not retried.
 * @example
 * ```ts
 * const pool = threads({ workers: 2, timeouts: { importMs: 60_000, runMs: 3_600_000 } });
 * // a hung kernel: its run() rejects with a TaskTimeoutError after an hour
 * ```
 */
export class TaskTimeoutError extends ChunkwiseError {
  /** What did not finish: the imports of the task's kernel modules, or the whole task. */
  readonly phase: "import" | "run";
  /** The bound, in ms. */
  readonly ms: number;
  constructor(fn: string, message: string, details: { phase: "import" | "run"; ms: number }) {
    super(fn, message);
    this.phase = details.phase;
    this.ms = details.ms;
  }
}
