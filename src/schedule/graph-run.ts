/**
 * The state of one `runGraph` run and the steps that change it: which tasks wait for how
 * many inputs, which are ready (by priority), which run, which results are held for how many
 * readers, and the progress counts. `runGraph` checks and plans; a `GraphRun` then starts
 * ready tasks up to the executor's concurrency, retries failures, and releases each result
 * once its last reader has finished.
 * @module
 */
import { TaskError, ValueError } from "../core/errors.js";
import type { FlatGraph } from "../graph/graph.js";
import { taskDependencies, type Task, type TaskArg } from "../graph/task.js";
import { isExecutorFault } from "./faults.js";
import type { RunInfo, RunOptions } from "./scheduler.js";
import { valueBytes } from "./value-views.js";

/** What a run is given: the culled tasks, their priorities and readers. */
export interface RunPlan {
  readonly graph: FlatGraph;
  readonly tasks: ReadonlyMap<string, Task>;
  readonly outputs: ReadonlySet<string>;
  /** Depth-first priorities: lower runs first among ready tasks. */
  readonly order: ReadonlyMap<string, number>;
  /** The tasks reading each key. */
  readonly readers: ReadonlyMap<string, readonly string[]>;
}

/** The ready tasks, kept sorted by descending priority number so that `pop()` gives the next one. */
class ReadyQueue {
  private readonly keys: string[];

  constructor(private readonly order: ReadonlyMap<string, number>, initial: readonly string[]) {
    // Inserted one by one (binary search), never re-sorted: sorting after every finished task
    // would make scheduling quadratic in the task count.
    this.keys = [...initial].sort((a, b) => order.get(b)! - order.get(a)!);
  }

  get size(): number {
    return this.keys.length;
  }

  push(key: string): void {
    const p = this.order.get(key)!;
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.order.get(this.keys[mid]!)! > p) lo = mid + 1;
      else hi = mid;
    }
    this.keys.splice(lo, 0, key);
  }

  pop(): string | undefined {
    return this.keys.pop();
  }

  clear(): void {
    this.keys.length = 0;
  }
}

/** One run of a graph: create it after the memory plan passed, then `await run()`. */
export class GraphRun {
  /** Inputs each task still waits for. */
  private readonly waiting = new Map<string, number>();
  /** Readers of each key not yet finished: the result is released at 0. */
  private readonly remainingReaders = new Map<string, number>();
  /** Readers not yet started, per key: a task started when this reaches 0 is its last reader. */
  private readonly unstarted = new Map<string, number>();
  /** Keys whose value was offered for moving: gone from this thread, recomputed if read again. */
  private readonly moved = new Set<string>();
  private readonly ready: ReadyQueue;
  private readonly results = new Map<string, unknown>();
  private readonly sizes = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private readonly t0 = performance.now();
  private done = 0;
  private heldBytes = 0;
  /** Encoded bytes written by store tasks (outputs returning `{ key, bytes }`); undefined while none wrote. */
  private bytesWritten: number | undefined;
  private failure: unknown;

  constructor(private readonly plan: RunPlan, private readonly options: RunOptions) {
    for (const [key, task] of plan.tasks) {
      this.waiting.set(key, new Set(taskDependencies(task)).size);
      this.remainingReaders.set(key, plan.readers.get(key)!.length);
      this.unstarted.set(key, plan.readers.get(key)!.length);
    }
    this.ready = new ReadyQueue(plan.order, [...plan.tasks.keys()].filter((k) => this.waiting.get(k) === 0));
  }

  /** Runs every task; rejects with the first failure, or the signal's reason once running tasks ended. */
  async run(): Promise<void> {
    const { executor, signal } = this.options;
    while (this.ready.size > 0 || this.running.size > 0) {
      if (this.failure === undefined && !signal?.aborted) {
        while (this.ready.size > 0 && this.running.size < executor.concurrency) this.start(this.ready.pop()!);
      } else this.ready.clear();
      if (this.running.size === 0) break;
      await Promise.race(this.running);
    }
    if (this.failure !== undefined) throw this.failure;
    if (signal?.aborted) throw signal.reason;
    const total = this.plan.tasks.size;
    if (this.done !== total) {
      throw new ValueError("compute", `every task must run; got ${this.done} of ${total}. The graph has a cycle; please report this bug`);
    }
  }

  private start(key: string): void {
    const task = this.plan.tasks.get(key)!;
    const lastUse = new Set<string>();
    for (const dep of new Set(taskDependencies(task))) {
      const left = this.unstarted.get(dep)! - 1;
      this.unstarted.set(dep, left);
      if (left === 0 && !this.plan.outputs.has(dep)) lastUse.add(dep);
    }
    const p: Promise<void> = this.attempt(key, task, lastUse)
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** Runs `task` until it succeeds or its retries are spent. */
  private async attempt(key: string, task: Task, lastUse: Set<string>): Promise<void> {
    const { executor, signal } = this.options;
    const retries = this.options.retries ?? 0;
    const output = this.plan.outputs.has(key);
    let current = task;
    const onNote = this.options.onNote;
    let notes: unknown[] = [];
    const note = onNote === undefined ? {} : { note: (n: unknown) => void notes.push(n) };
    let info: RunInfo = { lastUse, output, ...note };
    for (let failures = 0, faults = 0; ; ) {
      let value: unknown;
      try {
        if (info.lastUse.size > 0) for (const k of info.lastUse) this.moved.add(k);
        value = await executor.run(current, (k) => this.results.get(k), this.plan.graph.closures, signal, info);
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        // Worker deaths draw on the executor's own budget, kernel errors on `retries`.
        if (isExecutorFault(e) && faults < (executor.faultRetries ?? 0)) faults++;
        else if (failures < retries) failures++;
        else throw taskError(task, e, failures + faults + 1);
        current = this.withLostInputs(task);
        info = { lastUse: new Set(), output, ...note };
        notes = [];
        continue;
      }
      if (onNote !== undefined) for (const n of notes) onNote(key, n);
      // finish (and the caller's onResult check) runs outside the try, so an error in the
      // consumer (a block of the wrong shape) is neither retried nor reported as a task failure.
      this.finish(key, value);
      return;
    }
  }

  // A retry reads again what the failed attempt may have moved away (or what was released
  // since): those inputs are recomputed inside the retry as inline subtasks.
  private withLostInputs(task: Task): Task {
    return {
      ...task,
      args: task.args.map((a): TaskArg => {
        if ("ref" in a && (this.moved.has(a.ref) || !this.results.has(a.ref))) return { task: this.withLostInputs(this.plan.tasks.get(a.ref)!) };
        if ("task" in a) return { task: this.withLostInputs(a.task) };
        return a;
      }),
    };
  }

  private finish(key: string, value: unknown): void {
    this.hold(key, value);
    for (const dep of new Set(taskDependencies(this.plan.tasks.get(key)!))) {
      const left = this.remainingReaders.get(dep)! - 1;
      this.remainingReaders.set(dep, left);
      if (left === 0) {
        this.moved.delete(dep);
        this.release(dep);
      }
    }
    if (this.remainingReaders.get(key) === 0) this.release(key);
    for (const r of this.plan.readers.get(key)!) {
      const w = this.waiting.get(r)! - 1;
      this.waiting.set(r, w);
      if (w === 0) this.ready.push(r);
    }
    this.report();
  }

  /** Keeps a result for its readers, counting its bytes; hands an output to `onResult`. */
  private hold(key: string, value: unknown): void {
    this.results.set(key, value);
    this.done++;
    const size = valueBytes(value);
    this.sizes.set(key, size);
    this.heldBytes += size;
    if (!this.plan.outputs.has(key)) return;
    const w = value as { key?: unknown; bytes?: unknown } | null;
    if (typeof w === "object" && w !== null && typeof w.key === "string" && typeof w.bytes === "number") this.bytesWritten = (this.bytesWritten ?? 0) + w.bytes;
    this.options.onResult?.(key, value);
  }

  private release(key: string): void {
    this.results.delete(key);
    this.heldBytes -= this.sizes.get(key) ?? 0;
    this.sizes.delete(key);
  }

  private report(): void {
    if (!this.options.onProgress) return;
    const { done, bytesWritten, heldBytes } = this;
    const total = this.plan.tasks.size;
    const elapsedMs = performance.now() - this.t0;
    this.options.onProgress({ done, total, elapsedMs, etaMs: (elapsedMs / done) * (total - done), bytesWritten, heldBytes });
  }
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
