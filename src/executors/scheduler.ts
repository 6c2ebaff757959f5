/**
 * The one scheduling loop every executor shares: tasks run as soon as their inputs exist,
 * preferring the order of a depth-first walk from the outputs (so finished output is handed
 * over and released early, as dask's `order`), at most `executor.concurrency` at a time; a
 * result is freed as soon as its last reader finishes; a failed task is retried, then fails
 * the job with its key, block index and the kernel's error as `cause`; an abort stops
 * scheduling, waits for running tasks, and rejects.
 * @module
 */
import { TaskError, ValueError } from "../core/errors.js";
import { cull, dependents, type FlatGraph } from "../graph/graph.js";
import { fuseLinear } from "../graph/optimize.js";
import { isClosureRef, taskDependencies, type Task } from "../graph/task.js";
import { kernelsOf } from "./evaluate.js";

type Fn = (...args: any[]) => unknown;

/** Runs tasks. Executors differ only in where a task runs. */
export interface Executor {
  /** A short name for plans and errors, e.g. "inline" or "threads(2)". */
  readonly name: string;
  /** How many tasks may run at once. */
  readonly concurrency: number;
  /** Whether tasks calling closures (not named kernels) can run here. */
  readonly acceptsClosures: boolean;
  /** Runs one task whose references `lookup` resolves. */
  run(task: Task, lookup: (key: string) => unknown, closures: ReadonlyMap<string, Fn>, signal?: AbortSignal): Promise<unknown>;
}

/** Progress of a running graph. */
export interface Progress {
  readonly done: number;
  readonly total: number;
}

/** Options of {@link runGraph}. */
export interface RunOptions {
  executor: Executor;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Called once per output key with its result; the result is released afterwards unless another task reads it. */
  onResult?: (key: string, value: unknown) => void;
  /** Retries per failed task (default 0). */
  retries?: number;
  /** Fuse linear chains before running (default true). */
  optimize?: boolean;
}

/**
 * Runs the tasks `outputKeys` need.
 * @throws {TaskError} when a task still fails after its retries
 * @throws the signal's reason when aborted
 */
export async function runGraph(graph: FlatGraph, outputKeys: readonly string[], options: RunOptions): Promise<void> {
  const { executor, signal } = options;
  const outputs = new Set(outputKeys);
  let tasks = cull(graph.tasks, outputKeys);
  if (options.optimize !== false) tasks = fuseLinear(tasks, outputs);
  if (!executor.acceptsClosures) refuseClosures(tasks, executor.name);
  const order = priorities(tasks, outputKeys);
  const readers = dependents(tasks);
  const waiting = new Map<string, number>();
  const remainingReaders = new Map<string, number>();
  for (const [key, task] of tasks) {
    waiting.set(key, new Set(taskDependencies(task)).size);
    remainingReaders.set(key, readers.get(key)!.length);
  }
  const ready: string[] = [...tasks.keys()].filter((k) => waiting.get(k) === 0);
  const results = new Map<string, unknown>();
  const lookup = (key: string): unknown => results.get(key);
  const total = tasks.size;
  let done = 0;
  let failure: unknown;
  const running = new Set<Promise<void>>();
  const retries = options.retries ?? 0;

  const finish = (key: string, value: unknown): void => {
    const task = tasks.get(key)!;
    results.set(key, value);
    done++;
    if (outputs.has(key)) options.onResult?.(key, value);
    for (const dep of new Set(taskDependencies(task))) {
      const left = remainingReaders.get(dep)! - 1;
      remainingReaders.set(dep, left);
      if (left === 0) results.delete(dep);
    }
    if (remainingReaders.get(key) === 0) results.delete(key);
    for (const r of readers.get(key)!) {
      const w = waiting.get(r)! - 1;
      waiting.set(r, w);
      if (w === 0) ready.push(r);
    }
    options.onProgress?.({ done, total });
  };

  const start = (key: string): void => {
    const task = tasks.get(key)!;
    const attempt = async (): Promise<void> => {
      for (let tries = 0; ; tries++) {
        try {
          finish(key, await executor.run(task, lookup, graph.closures, signal));
          return;
        } catch (e) {
          if (signal?.aborted) throw signal.reason;
          if (tries >= retries) throw taskError(task, e, tries + 1);
        }
      }
    };
    const p: Promise<void> = attempt()
      .catch((e: unknown) => {
        failure ??= e;
      })
      .finally(() => running.delete(p));
    running.add(p);
  };

  while (ready.length > 0 || running.size > 0) {
    if (failure === undefined && !signal?.aborted) {
      ready.sort((a, b) => order.get(b)! - order.get(a)!);
      while (ready.length > 0 && running.size < executor.concurrency) start(ready.pop()!);
    } else ready.length = 0;
    if (running.size === 0) break;
    await Promise.race(running);
  }
  if (failure !== undefined) throw failure;
  if (signal?.aborted) throw signal.reason;
  if (done !== total) {
    throw new ValueError("compute", `every task must run; got ${done} of ${total}. The graph has a cycle; please report this bug`);
  }
}

/** Depth-first post-order from the outputs: lower numbers run first among ready tasks. */
function priorities(tasks: ReadonlyMap<string, Task>, outputKeys: readonly string[]): Map<string, number> {
  const order = new Map<string, number>();
  const visit = (root: string): void => {
    const stack: [string, boolean][] = [[root, false]];
    while (stack.length > 0) {
      const [key, expanded] = stack.pop()!;
      if (order.has(key)) continue;
      if (expanded) {
        order.set(key, order.size);
        continue;
      }
      stack.push([key, true]);
      const deps = [...new Set(taskDependencies(tasks.get(key)!))].reverse();
      for (const d of deps) if (!order.has(d)) stack.push([d, false]);
    }
  };
  for (const k of outputKeys) visit(k);
  return order;
}

function taskError(task: Task, cause: unknown, attempts: number): TaskError {
  if (cause instanceof TaskError) return cause;
  const ctx = task.ctx as { blockIndex?: number[] } | undefined;
  const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new TaskError(
    "compute",
    `task '${task.key}'${ctx?.blockIndex ? ` (block ${JSON.stringify(ctx.blockIndex)})` : ""} must succeed; got ${what} after ${attempts} attempt${attempts === 1 ? "" : "s"}. See the cause for the kernel's own error`,
    { key: task.key, blockIndex: ctx?.blockIndex, cause },
  );
}

function refuseClosures(tasks: ReadonlyMap<string, Task>, executorName: string): void {
  for (const task of tasks.values()) {
    for (const k of kernelsOf(task)) {
      if (!isClosureRef(k)) continue;
      const name = k.label && k.label !== "anonymous" ? k.label : "myKernel";
      throw new ValueError(
        "compute",
        `kernels must be named to run on the ${executorName} executor; got the closure '${k.label}' in task '${task.key}'. Export it from a module: export const ${name} = defineKernel(import.meta.url, "${name}", fn)`,
      );
    }
  }
}
