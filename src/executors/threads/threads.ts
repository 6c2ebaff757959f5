/**
 * The worker-threads executor on piscina: each task goes to a worker thread as plain data
 * (the task, with its kernel named by module URL and export name, and the values of the keys
 * it reads); the worker imports the kernel module itself and evaluates the task exactly as
 * `inline()` would, so results do not depend on the executor or the number of workers.
 *
 * Buffers: a worker's result comes back moved (transferred, never copied). An input moves to
 * the worker when this task is its last reader and the buffer came from a worker (so chunkwise
 * owns it: never a user's array); an input other tasks will read is copied once into a
 * SharedArrayBuffer that every reader shares read-only; anything else is copied (only the
 * view's bytes). A worker that dies mid-task is replaced by piscina and the task runs again,
 * recomputing inputs it had moved away.
 *
 * Per-task overhead: two tasks per worker are kept in flight, and the tasks started in one
 * turn of the event loop travel to the workers as one message per worker (a batch, see
 * `thread-dispatch.ts`), so the cost of a message and of waking a worker is shared by several
 * tiny tasks.
 * @module
 */
import { availableParallelism } from "node:os";
import { ValueError, show } from "../../core/errors.js";
import { isLiteralSource } from "../../graph/block-kernels.js";
import { taskDependencies, type Task, type TaskArg } from "../../graph/task.js";
import { evaluateTask } from "../../schedule/evaluate.js";
import { TaskTimeoutError, WorkerLostError } from "../../schedule/faults.js";
import { noteSink } from "../../schedule/notes.js";
import { refusePoolInWorker } from "../../schedule/worker-guard.js";
import type { Executor, RunInfo } from "../../schedule/scheduler.js";
import { mapViews, type View } from "../../schedule/value-views.js";
import { workerPoolShape } from "../worker-pool-shape.js";
import { isShared, reviveError, sharedCopy, compactCopy, type WorkerReply, type WorkerRequest } from "../thread-wire.js";
import { ThreadDispatch } from "./thread-dispatch.js";

/**
 * Node's `worker_threads` resource limits, spelt out so the published types need no
 * `@types/node`.
 */
export interface ThreadResourceLimits {
  maxYoungGenerationSizeMb?: number;
  maxOldGenerationSizeMb?: number;
  codeRangeSizeMb?: number;
  stackSizeMb?: number;
}

/** Options of {@link threads}. */
export interface ThreadsOptions {
  /** Worker threads, each running one task at a time (with one more queued for it); default `os.availableParallelism()`. */
  workers?: number;
  /** Tasks piscina may queue beyond the running ones (piscina's `maxQueue`); default unbounded. */
  maxQueue?: number | "auto";
  /** Heap limits of each worker (Node's `resourceLimits`); a worker over them dies and its task runs again. */
  resourceLimits?: ThreadResourceLimits;
  /** Extra attempts for a task whose worker died, apart from `compute`'s `retries` for kernels that throw; default 2. */
  faultRetries?: number;
  /** Inputs at least this large that several tasks read go to workers through one shared copy; default 64 KiB. */
  shareMinBytes?: number;
  /**
   * Bounds on each task (0: none): its kernel modules must finish importing within `importMs`,
   * the whole task within `runMs`. A task over either has its thread terminated and fails with
   * a `TaskTimeoutError` (not retried). Tasks then travel one per message. Unbounded by default.
   */
  timeouts?: { readonly importMs: number; readonly runMs: number };
}

/** An {@link Executor} backed by a pool of worker threads; `close()` ends the threads. */
export interface ThreadsExecutor extends Executor {
  /** Ends the worker threads once running tasks finish. The executor cannot be used afterwards. */
  close(): Promise<void>;
}


/**
 * An executor running tasks on worker threads. Kernels must be named with `defineKernel`
 * (closures are refused before anything runs). Kernel modules written in TypeScript work
 * when tsx is installed. Call `close()` when done (idle workers do not keep the process alive).
 * Each task's context carries a thread budget, `ctx.threads` = cores / workers (at least 1),
 * for kernels that split one block between threads (richardsonLucy's `threads: "auto"`).
 * @param options - see {@link ThreadsOptions}
 * @throws {ValueError} for a bad number of workers or retries, or when called inside a chunkwise worker (a kernel module that starts the computation at its top level)
 * @example
 * ```ts
 * import { threads } from "chunkwise/threads";
 * const executor = threads({ workers: 2 });
 * try {
 *   const out = await compute(mapBlocks(deconvolve, [imgs, psf], { dtype: "float32" }), { executor });
 * } finally {
 *   await executor.close();
 * }
 * ```
 */
export function threads(options: ThreadsOptions = {}): ThreadsExecutor {
  refusePoolInWorker("threads");
  const { workers, faultRetries, shareMinBytes } = checkOptions(options);
  const name = `threads(${workers})`;
  const dispatch = new ThreadDispatch({ workers, maxQueue: options.maxQueue, resourceLimits: options.resourceLimits, timeouts: options.timeouts });
  const moves = new InputMoves(shareMinBytes);
  const flags = new AbortFlags();
  const budget = Math.max(1, Math.floor(availableParallelism() / workers));
  return {
    name,
    ...workerPoolShape(workers),
    faultRetries,
    async run(task: Task, lookup: (key: string) => unknown, closures, signal?: AbortSignal, info?: RunInfo): Promise<unknown> {
      // A source block embedded in the graph: nothing to compute, so no copy to a worker.
      if (isLiteralSource(task)) return evaluateTask(task, lookup, closures, signal, budget, info?.note && noteSink(info.note));
      const transfer = new Set<ArrayBuffer>();
      const inputs = [...new Set(taskDependencies(task))].map((key) => [key, moves.prepare(lookup(key), info?.lastUse.has(key) ?? false, transfer)] as const);
      const abort = flags.of(signal);
      const request: WorkerRequest = { task: compactLiterals(task), inputs, threads: budget, ...(abort === undefined ? {} : { abort }), ...(info?.note === undefined ? {} : { notes: true }) };
      const reply = await sendTask(dispatch, request, [...transfer], task.key, name);
      if (reply.ok) {
        // The worker checked each note with the same noteSink; they come in the order sent.
        if (info?.note !== undefined) for (const n of reply.notes ?? []) info.note(n);
        return moves.received(reply.value);
      }
      if ("aborted" in reply) throw signal?.reason ?? new DOMException("This operation was aborted", "AbortError");
      throw reviveError(reply.error);
    },
    close: () => dispatch.close(),
  };
}

/** The checked numbers of {@link ThreadsOptions}, with their defaults. */
function checkOptions(options: ThreadsOptions): { workers: number; faultRetries: number; shareMinBytes: number } {
  const workers = options.workers ?? Math.max(1, availableParallelism());
  if (!Number.isInteger(workers) || workers < 1) {
    throw new ValueError("threads", `workers must be a positive integer; got ${show(options.workers)}. Pass e.g. { workers: 2 }`);
  }
  const faultRetries = options.faultRetries ?? 2;
  if (!Number.isInteger(faultRetries) || faultRetries < 0) {
    throw new ValueError("threads", `faultRetries must be a non-negative integer; got ${show(options.faultRetries)}. Pass e.g. { faultRetries: 2 }`);
  }
  const t = options.timeouts;
  if (t !== undefined && ![t.importMs, t.runMs].every((ms) => typeof ms === "number" && Number.isFinite(ms) && ms >= 0)) {
    throw new ValueError("threads", `timeouts must be { importMs, runMs } in ms, each >= 0 (0: no bound); got ${show(t)}. Pass e.g. { timeouts: { importMs: 60000, runMs: 3600000 } }`);
  }
  return { workers, faultRetries, shareMinBytes: options.shareMinBytes ?? 64 * 1024 };
}

/** Sends one task; a lost worker, a clone failure and a timeout each become their own error. */
async function sendTask(dispatch: ThreadDispatch, request: WorkerRequest, transfer: ArrayBuffer[], key: string, name: string): Promise<WorkerReply> {
  try {
    return await dispatch.send(request, transfer, key);
  } catch (e) {
    if (e instanceof TaskTimeoutError) throw e;
    if (e instanceof Error && e.name === "DataCloneError") {
      throw new ValueError("threads", `task inputs and parameters must be cloneable to reach a worker thread; got ${e.message} in task '${key}'. Pass JSON parameters and blocks`, { cause: e });
    }
    throw new WorkerLostError("threads", `the worker thread running task '${key}' must stay alive; got ${e instanceof Error ? e.message : String(e)}. The task runs again on a fresh worker`, { executor: name, cause: e });
  }
}

/**
 * How task inputs travel: an input moves to the worker when this task is its last reader and
 * the buffer came from a worker (so chunkwise owns it: never a user's array); an input other
 * tasks will read is copied once into a SharedArrayBuffer that every reader shares read-only;
 * anything else is copied (only the view's bytes).
 */
class InputMoves {
  /** Buffers a worker handed back: chunkwise's own, so they may move on to their last reader. */
  private readonly owned = new WeakSet<ArrayBufferLike>();
  private readonly shared = new WeakMap<View, View>();

  constructor(private readonly shareMinBytes: number) {}

  /** `value` ready to send, its movable buffers added to `transfer`. */
  prepare(value: unknown, lastUse: boolean, transfer: Set<ArrayBuffer>): unknown {
    return mapViews(value, (view) => {
      if (isShared(view.buffer)) return view;
      if (lastUse && this.owned.has(view.buffer)) {
        transfer.add(view.buffer as ArrayBuffer);
        return view;
      }
      if (!lastUse && view.byteLength >= this.shareMinBytes) {
        let s = this.shared.get(view);
        if (s === undefined) this.shared.set(view, (s = sharedCopy(view)));
        return s;
      }
      // Structured cloning copies a view's whole buffer: copy only the view's bytes.
      return compactView(view);
    });
  }

  /** Notes the buffers of a worker's result as chunkwise's own; returns the result. */
  received(value: unknown): unknown {
    mapViews(value, (view) => {
      if (!isShared(view.buffer)) this.owned.add(view.buffer);
      return view;
    });
    return value;
  }
}

/** One shared flag per job's signal, set when it aborts (workers poll it between steps). */
class AbortFlags {
  private readonly flags = new WeakMap<AbortSignal, Int32Array>();

  of(signal: AbortSignal | undefined): Int32Array | undefined {
    if (signal === undefined) return undefined;
    let flag = this.flags.get(signal);
    if (flag === undefined) {
      const f = new Int32Array(new SharedArrayBuffer(4));
      if (signal.aborted) Atomics.store(f, 0, 1);
      else signal.addEventListener("abort", () => Atomics.store(f, 0, 1), { once: true });
      this.flags.set(signal, (flag = f));
    }
    return flag;
  }
}

/** The task with literal blocks in its arguments trimmed to their views' bytes (cloning copies a view's whole buffer). */
function compactLiterals(task: Task): Task {
  let changed = false;
  const args = task.args.map((a): TaskArg => {
    let b: TaskArg = a;
    if ("value" in a) {
      const v = mapViews(a.value, compactView);
      if (v !== a.value) b = { value: v };
    } else if ("task" in a) {
      const t = compactLiterals(a.task);
      if (t !== a.task) b = { task: t };
    }
    changed ||= b !== a;
    return b;
  });
  return changed ? { ...task, args } : task;
}

function compactView(v: View): View {
  return v.byteLength < v.buffer.byteLength && !isShared(v.buffer) ? compactCopy(v) : v;
}
