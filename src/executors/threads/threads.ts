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
 * turn of the event loop travel to the workers as one message per worker (a batch), so the
 * cost of a message and of waking a worker is shared by several tiny tasks.
 * @module
 */
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { ValueError, show } from "../../core/errors.js";
import { isLiteralSource } from "../../graph/block-kernels.js";
import { taskDependencies, type Task, type TaskArg } from "../../graph/task.js";
import { evaluateTask } from "../../schedule/evaluate.js";
import { TaskTimeoutError, WorkerLostError } from "../../schedule/faults.js";
import { refusePoolInWorker } from "../../schedule/worker-guard.js";
import type { Executor, RunInfo } from "../../schedule/scheduler.js";
import { mapViews, type View } from "../../schedule/value-views.js";
import { isShared, reviveError, sharedCopy, compactCopy, type WorkerBatchReply, type WorkerReply, type WorkerRequest } from "../thread-wire.js";

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

// From the TypeScript sources (vitest, tsx) the worker starts through a plain .mjs that
// registers tsx first; the compiled package starts the compiled worker directly.
const WORKER = import.meta.url.endsWith(".ts")
  ? new URL("./thread-worker-bootstrap.mjs", import.meta.url)
  : new URL("./thread-worker.js", import.meta.url);


/**
 * An executor running tasks on worker threads. Kernels must be named with `defineKernel`
 * (closures are refused before anything runs). Kernel modules written in TypeScript work
 * when tsx is installed. Call `close()` when done (idle workers do not keep the process alive).
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
  const shareMinBytes = options.shareMinBytes ?? 64 * 1024;
  const name = `threads(${workers})`;
  let pool: Piscina | undefined;
  let closed = false;
  // Buffers a worker handed back: chunkwise's own, so they may move on to their last reader.
  const owned = new WeakSet<ArrayBufferLike>();
  const shared = new WeakMap<View, View>();
  const flags = new WeakMap<AbortSignal, Int32Array>();

  const getPool = (): Piscina => {
    if (closed) throw new ValueError("threads", `the executor must be open to run tasks; got one after close(). Create a new threads() executor`);
    pool ??= new Piscina({
      filename: WORKER.href,
      minThreads: workers,
      maxThreads: workers,
      ...(options.maxQueue === undefined ? {} : { maxQueue: options.maxQueue }),
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
    });
    return pool;
  };

  const prepareInput = (value: unknown, lastUse: boolean, transfer: Set<ArrayBuffer>): unknown =>
    mapViews(value, (view) => {
      if (isShared(view.buffer)) return view;
      if (lastUse && owned.has(view.buffer)) {
        transfer.add(view.buffer as ArrayBuffer);
        return view;
      }
      if (!lastUse && view.byteLength >= shareMinBytes) {
        let s = shared.get(view);
        if (s === undefined) shared.set(view, (s = sharedCopy(view)));
        return s;
      }
      // Structured cloning copies a view's whole buffer: copy only the view's bytes.
      return compactView(view);
    });

  // Tasks started in one turn of the event loop go to the workers together: one message per
  // worker and turn instead of one per task (postMessage, waking a worker and piscina's
  // bookkeeping cost more than a tiny task itself).
  interface Pending {
    readonly request: WorkerRequest;
    readonly transfer: readonly ArrayBuffer[];
    readonly resolve: (reply: WorkerReply) => void;
    readonly reject: (error: unknown) => void;
  }
  let pending: Pending[] = [];
  const flush = (): void => {
    const list = pending;
    pending = [];
    let p: Piscina;
    try {
      p = getPool();
    } catch (e) {
      for (const t of list) t.reject(e);
      return;
    }
    // At most `workers` messages, of about equal numbers of tasks, so that every worker gets work.
    const parts = Math.min(workers, list.length);
    let from = 0;
    for (let i = 0; i < parts; i++) {
      const to = from + Math.ceil((list.length - from) / (parts - i));
      const group = list.slice(from, to);
      from = to;
      // A buffer listed twice in one message is a DataCloneError: list each once.
      const transferList = group.length === 1 ? group[0]!.transfer : [...new Set(group.flatMap((t) => t.transfer))];
      if (group.length === 1) {
        const t = group[0]!;
        p.run(t.request, { transferList }).then((r) => t.resolve(r as WorkerReply), t.reject);
        continue;
      }
      p.run({ batch: group.map((t) => t.request) }, { transferList }).then(
        (r) => (r as WorkerBatchReply).replies.forEach((reply, j) => group[j]!.resolve(reply)),
        (e: unknown) => {
          for (const t of group) t.reject(e);
        },
      );
    }
  };
  const send = (request: WorkerRequest, transfer: readonly ArrayBuffer[]): Promise<WorkerReply> =>
    new Promise<WorkerReply>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ request, transfer, resolve, reject });
    });

  const abortFlag = (signal: AbortSignal | undefined): Int32Array | undefined => {
    if (signal === undefined) return undefined;
    let flag = flags.get(signal);
    if (flag === undefined) {
      const f = new Int32Array(new SharedArrayBuffer(4));
      if (signal.aborted) Atomics.store(f, 0, 1);
      else signal.addEventListener("abort", () => Atomics.store(f, 0, 1), { once: true });
      flags.set(signal, (flag = f));
    }
    return flag;
  };

  return {
    name,
    // Two tasks per worker in flight, so a worker finds its next task waiting when it finishes
    // one instead of idling through a round trip to this thread.
    concurrency: 2 * workers,
    acceptsClosures: false,
    faultRetries,
    async run(task: Task, lookup: (key: string) => unknown, closures, signal?: AbortSignal, info?: RunInfo): Promise<unknown> {
      // A source block embedded in the graph: nothing to compute, so no copy to a worker.
      if (isLiteralSource(task)) return evaluateTask(task, lookup, closures, signal);
      const transfer = new Set<ArrayBuffer>();
      const inputs = [...new Set(taskDependencies(task))].map((key) => [key, prepareInput(lookup(key), info?.lastUse.has(key) ?? false, transfer)] as const);
      const abort = abortFlag(signal);
      const request: WorkerRequest = { task: compactLiterals(task), inputs, ...(abort === undefined ? {} : { abort }) };
      let reply: WorkerReply;
      try {
        reply = options.timeouts === undefined ? await send(request, [...transfer]) : await runBounded(getPool(), request, [...transfer], options.timeouts, task.key);
      } catch (e) {
        if (e instanceof TaskTimeoutError) throw e;
        if (e instanceof Error && e.name === "DataCloneError") {
          throw new ValueError("threads", `task inputs and parameters must be cloneable to reach a worker thread; got ${e.message} in task '${task.key}'. Pass JSON parameters and blocks`, { cause: e });
        }
        throw new WorkerLostError("threads", `the worker thread running task '${task.key}' must stay alive; got ${e instanceof Error ? e.message : String(e)}. The task runs again on a fresh worker`, { executor: name, cause: e });
      }
      if (reply.ok) {
        mapViews(reply.value, (view) => {
          if (!isShared(view.buffer)) owned.add(view.buffer);
          return view;
        });
        return reply.value;
      }
      if ("aborted" in reply) throw signal?.reason ?? new DOMException("This operation was aborted", "AbortError");
      throw reviveError(reply.error);
    },
    async close(): Promise<void> {
      closed = true;
      const p = pool;
      pool = undefined;
      await p?.close();
    },
  };
}

/**
 * Runs one task alone on the pool, terminating its thread when its imports (the worker sets
 * the `imported` flag after them) or the whole task take longer than their bounds.
 */
async function runBounded(pool: Piscina, request: WorkerRequest, transferList: ArrayBuffer[], bounds: { importMs: number; runMs: number }, key: string): Promise<WorkerReply> {
  const imported = new Int32Array(new SharedArrayBuffer(4));
  const controller = new AbortController();
  let late: TaskTimeoutError | undefined;
  const stop = (phase: "import" | "run", ms: number): void => {
    late = phase === "import"
      ? new TaskTimeoutError("threads", `the kernel modules of task '${key}' must finish importing within ${ms} ms; got no answer. The thread was stopped; check the module's top level, or raise the import timeout (chunkwise worker --import-timeout-ms)`, { phase, ms })
      : new TaskTimeoutError("threads", `task '${key}' must finish within ${ms} ms; got no answer. The thread was stopped; raise the task timeout (chunkwise worker --task-timeout-ms) for kernels that legitimately run longer`, { phase, ms });
    controller.abort(late);
  };
  const timers = [
    bounds.importMs > 0 ? setTimeout(() => Atomics.load(imported, 0) === 0 && stop("import", bounds.importMs), bounds.importMs) : undefined,
    bounds.runMs > 0 ? setTimeout(() => stop("run", bounds.runMs), bounds.runMs) : undefined,
  ];
  try {
    return (await pool.run({ ...request, imported }, { transferList, signal: controller.signal })) as WorkerReply;
  } catch (e) {
    throw late ?? e;
  } finally {
    for (const t of timers) clearTimeout(t);
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
