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
import { isClosureRef, taskDependencies, type Task, type TaskArg } from "../graph/task.js";
import { kernelsOf } from "./evaluate.js";
import { isExecutorFault } from "./faults.js";
import { checkMemoryPlan, defaultMemoryBudget, planMemory, type MemoryPlan } from "./memory-plan.js";
import { valueBytes } from "./value-views.js";
import { refuseRunWhileImporting } from "./worker-guard.js";

type Fn = (...args: any[]) => unknown;

/** Runs tasks. Executors differ only in where a task runs. */
export interface Executor {
  /** A short name for plans and errors, e.g. "inline" or "threads(2)". */
  readonly name: string;
  /** How many tasks may run at once. */
  readonly concurrency: number;
  /** Whether tasks calling closures (not named kernels) can run here. */
  readonly acceptsClosures: boolean;
  /**
   * Extra attempts for a task whose worker died (a `WorkerLostError`), on top of the
   * `retries` granted to kernels that throw; default 0.
   */
  readonly faultRetries?: number;
  /**
   * False when results stay outside this process (distributed: in scratch files), so the
   * memory plan does not count blocks held for readers here; default true.
   */
  readonly resultsInMemory?: boolean;
  /**
   * Runs one task whose references `lookup` resolves. `info.lastUse` (added for the threads
   * executor) lists inputs no later task reads and that are not requested outputs: the
   * executor may move their buffers (transfer them to a worker) instead of copying. A retry
   * recomputes inputs an attempt moved, so moving is always safe. `info.output` (added for
   * the distributed executor) says the caller receives this result, so it must be a value in
   * this process, not a handle to data kept elsewhere.
   */
  run(
    task: Task,
    lookup: (key: string) => unknown,
    closures: ReadonlyMap<string, Fn>,
    signal?: AbortSignal,
    info?: { readonly lastUse: ReadonlySet<string>; readonly output?: boolean },
  ): Promise<unknown>;
}

/** What the scheduler tells an executor about one run of a task: see {@link Executor.run}. */
export type RunInfo = NonNullable<Parameters<Executor["run"]>[4]>;

/** Progress of a running graph, reported after every finished task. */
export interface Progress {
  readonly done: number;
  readonly total: number;
  /** Milliseconds since the run started. */
  readonly elapsedMs: number;
  /** Estimated milliseconds left (elapsed per finished task times tasks left); undefined before the first task ends. */
  readonly etaMs: number | undefined;
  /** Encoded bytes written by store tasks so far (outputs returning `{ key, bytes }`, as toZarr's do); undefined when none wrote. */
  readonly bytesWritten: number | undefined;
  /** Bytes of finished blocks the scheduler holds in this process for later readers, right now. */
  readonly heldBytes: number;
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
  /**
   * Bytes the run may use at its estimated peak (see memory-plan.ts); default 75% of the
   * machine's memory; `Infinity` disables the check.
   */
  memoryBudget?: number;
  /** Bytes the caller already set aside for the results (compute's assembled arrays), counted in the plan. */
  reservedBytes?: number;
  /** Receives the memory plan before anything runs (for tests and tools). */
  onPlan?: (plan: MemoryPlan) => void;
  /** Called once the memory plan passed, before the first task (toZarr writes its metadata here, so a refused plan leaves none). */
  beforeRun?: () => Promise<void>;
}

/**
 * Runs the tasks `outputKeys` need.
 * @throws {TaskError} when a task still fails after its retries
 * @throws {MemoryError} when the memory plan exceeds `memoryBudget` (nothing has run)
 * @throws the signal's reason when aborted
 */
export async function runGraph(graph: FlatGraph, outputKeys: readonly string[], options: RunOptions): Promise<void> {
  refuseRunWhileImporting("compute");
  const { executor, signal } = options;
  const outputs = new Set(outputKeys);
  const tasks = scheduledTasks(graph, outputKeys, options.optimize !== false);
  if (!executor.acceptsClosures) refuseClosures(tasks, executor.name);
  const order = priorities(tasks, outputKeys);
  const readers = dependents(tasks);
  // The memory plan: refuse before anything runs, so a run over budget writes nothing.
  const budget = options.memoryBudget ?? defaultMemoryBudget();
  if (budget !== Infinity || options.onPlan) {
    const plan = planMemory(tasks, { concurrency: executor.concurrency, closures: graph.closures, order, readers, reservedBytes: options.reservedBytes ?? 0, resultsInMemory: executor.resultsInMemory ?? true });
    options.onPlan?.(plan);
    checkMemoryPlan(plan, budget, "compute", options.memoryBudget === undefined);
  }
  await options.beforeRun?.();
  const waiting = new Map<string, number>();
  const remainingReaders = new Map<string, number>();
  // Readers not yet started, per key: a task started when this reaches 0 is its last reader.
  const unstarted = new Map<string, number>();
  // Keys whose value was offered for moving: gone from this thread, recomputed if read again.
  const moved = new Set<string>();
  for (const [key, task] of tasks) {
    waiting.set(key, new Set(taskDependencies(task)).size);
    remainingReaders.set(key, readers.get(key)!.length);
    unstarted.set(key, readers.get(key)!.length);
  }
  // Kept sorted by descending priority number, so pop() gives the next task. (Change: sorting
  // the whole list after every finished task made scheduling quadratic in the task count.)
  const ready: string[] = [...tasks.keys()].filter((k) => waiting.get(k) === 0).sort((a, b) => order.get(b)! - order.get(a)!);
  const makeReady = (key: string): void => {
    const p = order.get(key)!;
    let lo = 0;
    let hi = ready.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order.get(ready[mid]!)! > p) lo = mid + 1;
      else hi = mid;
    }
    ready.splice(lo, 0, key);
  };
  const results = new Map<string, unknown>();
  const lookup = (key: string): unknown => results.get(key);
  const total = tasks.size;
  let done = 0;
  // Progress accounting: time, bytes written by store tasks, bytes held.
  const t0 = performance.now();
  let bytesWritten: number | undefined;
  let heldBytes = 0;
  const sizes = new Map<string, number>();
  let failure: unknown;
  const running = new Set<Promise<void>>();
  const retries = options.retries ?? 0;

  const finish = (key: string, value: unknown): void => {
    const task = tasks.get(key)!;
    results.set(key, value);
    done++;
    const size = valueBytes(value);
    sizes.set(key, size);
    heldBytes += size;
    if (outputs.has(key)) {
      const w = value as { key?: unknown; bytes?: unknown } | null;
      if (typeof w === "object" && w !== null && typeof w.key === "string" && typeof w.bytes === "number") bytesWritten = (bytesWritten ?? 0) + w.bytes;
      options.onResult?.(key, value);
    }
    for (const dep of new Set(taskDependencies(task))) {
      const left = remainingReaders.get(dep)! - 1;
      remainingReaders.set(dep, left);
      if (left === 0) {
        results.delete(dep);
        moved.delete(dep);
        heldBytes -= sizes.get(dep) ?? 0;
        sizes.delete(dep);
      }
    }
    if (remainingReaders.get(key) === 0) {
      results.delete(key);
      heldBytes -= sizes.get(key) ?? 0;
      sizes.delete(key);
    }
    for (const r of readers.get(key)!) {
      const w = waiting.get(r)! - 1;
      waiting.set(r, w);
      if (w === 0) makeReady(r);
    }
    if (options.onProgress) {
      const elapsedMs = performance.now() - t0;
      options.onProgress({ done, total, elapsedMs, etaMs: (elapsedMs / done) * (total - done), bytesWritten, heldBytes });
    }
  };

  // A retry reads again what the failed attempt may have moved away (or what was released
  // since): those inputs are recomputed inside the retry as inline subtasks.
  const withLostInputs = (task: Task): Task => ({
    ...task,
    args: task.args.map((a): TaskArg => {
      if ("ref" in a && (moved.has(a.ref) || !results.has(a.ref))) return { task: withLostInputs(tasks.get(a.ref)!) };
      if ("task" in a) return { task: withLostInputs(a.task) };
      return a;
    }),
  });

  const start = (key: string): void => {
    const task = tasks.get(key)!;
    const lastUse = new Set<string>();
    for (const dep of new Set(taskDependencies(task))) {
      const left = unstarted.get(dep)! - 1;
      unstarted.set(dep, left);
      if (left === 0 && !outputs.has(dep)) lastUse.add(dep);
    }
    const attempt = async (): Promise<void> => {
      let current = task;
      const output = outputs.has(key);
      let info: RunInfo = { lastUse, output };
      for (let failures = 0, faults = 0; ; ) {
        let value: unknown;
        try {
          if (info.lastUse.size > 0) for (const k of info.lastUse) moved.add(k);
          value = await executor.run(current, lookup, graph.closures, signal, info);
        } catch (e) {
          if (signal?.aborted) throw signal.reason;
          // Worker deaths draw on the executor's own budget, kernel errors on `retries`.
          if (isExecutorFault(e) && faults < (executor.faultRetries ?? 0)) faults++;
          else if (failures < retries) failures++;
          else throw taskError(task, e, failures + faults + 1);
          current = withLostInputs(task);
          info = { lastUse: new Set(), output };
          continue;
        }
        // finish (and the caller's onResult check) runs outside the try, so an error in the
        // consumer (a block of the wrong shape) is neither retried nor reported as a task failure.
        finish(key, value);
        return;
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

/**
 * The tasks {@link runGraph} runs for `outputKeys`, which its progress counts (`total`): the
 * graph culled to what the outputs need, with linear chains fused unless `optimize` is false.
 * Plans that print a task count use this, so that it is the progress bar's.
 * @example
 * ```ts
 * const total = scheduledTasks(flatten(x.graph), outputKeys).size;
 * ```
 */
export function scheduledTasks(graph: FlatGraph, outputKeys: readonly string[], optimize = true): Map<string, Task> {
  const tasks = cull(graph.tasks, outputKeys);
  return optimize ? fuseLinear(tasks, new Set(outputKeys)) : tasks;
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
  // The cause's message is a sentence of its own (ending in its advice, usually without a
  // full stop): the attempts come before it, and it is closed before what follows.
  const what = (cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)).trimEnd();
  return new TaskError(
    "compute",
    `task '${task.key}'${ctx?.blockIndex ? ` (block ${JSON.stringify(ctx.blockIndex)})` : ""} must succeed; it failed after ${attempts} attempt${attempts === 1 ? "" : "s"} with ${what}${/[.!?]$/.test(what) ? "" : "."} See the cause for the kernel's own error`,
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
