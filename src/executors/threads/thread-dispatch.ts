/**
 * How `threads()` reaches its workers: one piscina pool, started on first use, and the
 * messages to it. Tasks started in one turn of the event loop go to the workers together, one
 * message per worker and turn instead of one per task (postMessage, waking a worker and
 * piscina's bookkeeping cost more than a tiny task itself); tasks with time bounds go one per
 * message, so a late one can have its thread stopped alone.
 * @module
 */
import { Piscina } from "piscina";
import { ValueError } from "../../core/errors.js";
import { TaskTimeoutError } from "../../schedule/faults.js";
import type { WorkerBatchReply, WorkerReply, WorkerRequest } from "../thread-wire.js";
import type { ThreadResourceLimits } from "./threads.js";

// From the TypeScript sources (vitest, tsx) the worker starts through a plain .mjs that
// registers tsx first; the compiled package starts the compiled worker directly.
const WORKER = import.meta.url.endsWith(".ts")
  ? new URL("./thread-worker-bootstrap.mjs", import.meta.url)
  : new URL("./thread-worker.js", import.meta.url);

/** What the pool is built from (the checked options of `threads()`). */
export interface PoolSettings {
  readonly workers: number;
  readonly maxQueue?: number | "auto" | undefined;
  readonly resourceLimits?: ThreadResourceLimits | undefined;
  readonly timeouts?: { readonly importMs: number; readonly runMs: number } | undefined;
}

interface Pending {
  readonly request: WorkerRequest;
  readonly transfer: readonly ArrayBuffer[];
  readonly resolve: (reply: WorkerReply) => void;
  readonly reject: (error: unknown) => void;
}

/** The worker threads of one `threads()` executor. */
export class ThreadDispatch {
  private pool: Piscina | undefined;
  private closed = false;
  private pending: Pending[] = [];

  constructor(private readonly settings: PoolSettings) {}

  /** Runs `request` on a worker (moving `transfer`) and resolves with its reply. */
  send(request: WorkerRequest, transfer: readonly ArrayBuffer[], key: string): Promise<WorkerReply> {
    const t = this.settings.timeouts;
    if (t !== undefined) return runBounded(this.open(), request, [...transfer], t, key);
    return new Promise<WorkerReply>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ request, transfer, resolve, reject });
    });
  }

  /** Ends the worker threads once running tasks finish; later sends fail. */
  async close(): Promise<void> {
    this.closed = true;
    const p = this.pool;
    this.pool = undefined;
    await p?.close();
  }

  private open(): Piscina {
    if (this.closed) throw new ValueError("threads", `the executor must be open to run tasks; got one after close(). Create a new threads() executor`);
    const { workers, maxQueue, resourceLimits } = this.settings;
    this.pool ??= new Piscina({
      filename: WORKER.href,
      minThreads: workers,
      maxThreads: workers,
      ...(maxQueue === undefined ? {} : { maxQueue }),
      ...(resourceLimits === undefined ? {} : { resourceLimits }),
    });
    return this.pool;
  }

  /** Sends the tasks of this turn: at most `workers` messages of about equal numbers of tasks, so that every worker gets work. */
  private flush(): void {
    const list = this.pending;
    this.pending = [];
    let p: Piscina;
    try {
      p = this.open();
    } catch (e) {
      for (const t of list) t.reject(e);
      return;
    }
    const parts = Math.min(this.settings.workers, list.length);
    let from = 0;
    for (let i = 0; i < parts; i++) {
      const to = from + Math.ceil((list.length - from) / (parts - i));
      sendGroup(p, list.slice(from, to));
      from = to;
    }
  }
}

/** One message with the tasks of `group` (one task: the request itself, else a batch). */
function sendGroup(p: Piscina, group: readonly Pending[]): void {
  // A buffer listed twice in one message is a DataCloneError: list each once.
  const transferList = group.length === 1 ? group[0]!.transfer : [...new Set(group.flatMap((t) => t.transfer))];
  if (group.length === 1) {
    const t = group[0]!;
    p.run(t.request, { transferList }).then((r) => t.resolve(r as WorkerReply), t.reject);
    return;
  }
  p.run({ batch: group.map((t) => t.request) }, { transferList }).then(
    (r) => (r as WorkerBatchReply).replies.forEach((reply, j) => group[j]!.resolve(reply)),
    (e: unknown) => {
      for (const t of group) t.reject(e);
    },
  );
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
