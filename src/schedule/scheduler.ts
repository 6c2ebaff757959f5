/**
 * The one scheduling loop every executor shares: tasks run as soon as their inputs exist,
 * preferring the order of a depth-first walk from the outputs (so finished output is handed
 * over and released early, as dask's `order`), at most `executor.concurrency` at a time; a
 * result is freed as soon as its last reader finishes; a failed task is retried, then fails
 * the job with its key, block index and the kernel's error as `cause`; an abort stops
 * scheduling, waits for running tasks, and rejects.
 * @module
 */
import { ValueError } from "../core/errors.js";
import { cull, dependents, type FlatGraph } from "../graph/graph.js";
import { fuseLinear } from "../graph/optimize.js";
import { isClosureRef, taskDependencies, type Task } from "../graph/task.js";
import { kernelsOf } from "./evaluate.js";
import { GraphRun } from "./graph-run.js";
import { checkMemoryPlan, defaultMemoryBudget, planMemory, type MemoryPlan } from "./memory-plan.js";
import { refuseRunWhileImporting } from "./worker-guard.js";

type Fn = (...args: any[]) => unknown;

/** Runs tasks. Executors differ only in where a task runs. */
export interface Executor {
  /** A short name for plans and errors, e.g. "inline" or "threads(2)". */
  readonly name: string;
  /** How many tasks may run at once. */
  readonly concurrency: number;
  /**
   * How many of those compute at once, when the executor keeps more in flight than it runs (a
   * pool that queues one more task per worker so that none idles): the memory plan counts the
   * others' inputs only. Default `concurrency`.
   */
  readonly computing?: number;
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
   * Runs one task whose references `lookup` resolves. `info.lastUse` lists inputs no later
   * task reads and that are not requested outputs: the executor may move their buffers
   * (transfer them to a worker thread) instead of copying. A retry recomputes inputs an
   * attempt moved, so moving is always safe. `info.output` says the caller receives this
   * result, so it must be a value in this process, not a handle to data kept elsewhere (the
   * distributed executor's scratch files). `info.note`, present when the caller listens for
   * notes, receives each note the kernel sends (`ctx.note`, checked by `noteSink`, in the
   * order sent), wherever it ran; the scheduler keeps those of the attempt that succeeds.
   */
  run(
    task: Task,
    lookup: (key: string) => unknown,
    closures: ReadonlyMap<string, Fn>,
    signal?: AbortSignal,
    info?: { readonly lastUse: ReadonlySet<string>; readonly output?: boolean; readonly note?: (note: unknown) => void },
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
  /**
   * Called with each note a task's kernel sent (`ctx.note(value)`, a JSON value), once the task
   * has succeeded and before its result is handed on: notes of failed attempts are dropped.
   * Without it kernels get no `ctx.note`, so nothing is collected or sent.
   */
  onNote?: (key: string, note: unknown) => void;
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
  const { executor } = options;
  const tasks = scheduledTasks(graph, outputKeys, options.optimize !== false);
  if (!executor.acceptsClosures) refuseClosures(tasks, executor.name);
  const order = priorities(tasks, outputKeys);
  const readers = dependents(tasks);
  // The memory plan: refuse before anything runs, so a run over budget writes nothing.
  const budget = options.memoryBudget ?? defaultMemoryBudget();
  if (budget !== Infinity || options.onPlan) {
    const plan = planMemory(tasks, { concurrency: executor.concurrency, computing: executor.computing ?? executor.concurrency, closures: graph.closures, order, readers, reservedBytes: options.reservedBytes ?? 0, resultsInMemory: executor.resultsInMemory ?? true });
    options.onPlan?.(plan);
    checkMemoryPlan(plan, budget, "compute", options.memoryBudget === undefined);
  }
  await options.beforeRun?.();
  await new GraphRun({ graph, tasks, outputs: new Set(outputKeys), order, readers }, options).run();
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
