/**
 * The inline executor: runs every task in the calling thread, one at a time by default. The
 * only executor that runs closures (functions not named with `defineKernel`).
 * @module
 */
import { evaluateTask } from "./evaluate.js";
import { hostCores } from "./host.js";
import { noteSink } from "./notes.js";
import type { Executor } from "./scheduler.js";

/** Options of {@link inline}. */
export interface InlineOptions {
  /** Tasks in flight at once (useful when tasks wait on I/O); default 1. */
  concurrency?: number;
}

/**
 * An executor running tasks in this thread: the default of `compute`.
 * @example
 * ```ts
 * await compute(x, { executor: inline() });
 * ```
 */
export function inline(options: InlineOptions = {}): Executor {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  // The thread budget in each task's context: the host's cores shared by the tasks in flight.
  const budget = Math.max(1, Math.floor(hostCores() / concurrency));
  return {
    name: "inline",
    concurrency,
    acceptsClosures: true,
    run: (task, lookup, closures, signal, info) => evaluateTask(task, lookup, closures, signal, budget, info?.note && noteSink(info.note)),
  };
}
