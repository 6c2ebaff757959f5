/**
 * The Web Workers executor: `threads()`'s contract in a browser. Each task goes to a Web
 * Worker as plain data (the task, its kernel named by module URL and export name, and the
 * values of the keys it reads); the worker finds the kernel in its own bundle (or imports the
 * module) and evaluates the task exactly as `inline()` would, so results do not depend on the
 * executor or the number of workers.
 *
 * Buffers follow the rules of `threads()`: a worker's result comes back transferred; an input
 * moves to the worker when this task is its last reader and a worker made it; an input that
 * other tasks read is copied once into a SharedArrayBuffer where the page has one (cross-origin
 * isolated), else copied per task; a user's arrays are never moved.
 * @module
 */
import { ValueError, show } from "../../core/errors.js";
import { identity } from "../../graph/block-kernels.js";
import { kernelRefOf } from "../../graph/kernel.js";
import { taskDependencies, type Task } from "../../graph/task.js";
import { evaluateTask } from "../../schedule/evaluate.js";
import { WorkerLostError } from "../../schedule/faults.js";
import { noteSink } from "../../schedule/notes.js";
import type { Executor, RunInfo } from "../../schedule/scheduler.js";
import { mapViews, type View } from "../../schedule/value-views.js";
import { refusePoolInWorker } from "../../schedule/worker-guard.js";
import { workerPoolShape } from "../worker-pool-shape.js";
import { compactCopy, isShared, reviveError, sharedCopy, type WorkerReply, type WorkerRequest } from "../thread-wire.js";
import type { AbortMessage, TaskMessage, WorkerAnswer } from "./wire.js";

/** The part of a browser `Worker` the executor uses (so no DOM lib is needed to type it). */
export interface WebWorkerHandle {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: "message" | "error" | "messageerror", listener: (event: { data?: unknown; message?: string }) => void): void;
  terminate(): void;
}

/** Options of {@link webWorkers}. */
export interface WebWorkersOptions {
  /** Web Workers, each running one task at a time (with one more queued for it); default `navigator.hardwareConcurrency`. */
  workers?: number;
  /**
   * Starts one worker running your worker script, which imports your kernel modules and then
   * `chunkwise/web-workers/worker`. Write it with the URL literal bundlers recognise:
   * `() => new Worker(new URL("./worker.js", import.meta.url), { type: "module" })`.
   */
  worker: () => WebWorkerHandle;
  /** Extra attempts for a task whose worker failed (an error event), apart from `compute`'s `retries`; default 2. */
  faultRetries?: number;
  /** Inputs at least this large that several tasks read go to workers through one shared copy (when SharedArrayBuffer exists); default 64 KiB. */
  shareMinBytes?: number;
  /**
   * The thread budget of each task, `ctx.threads`: the threads one kernel may use for one
   * block, its own worker included (Richardson-Lucy's `threads: "auto"` takes it; its FFT
   * passes then run on nested workers). Default `navigator.hardwareConcurrency / workers`, at
   * least 1. Needs a cross-origin isolated page (SharedArrayBuffer); without one every task
   * gets 1.
   */
  threadsPerTask?: number;
}

/** An {@link Executor} backed by Web Workers; `close()` ends them. */
export interface WebWorkersExecutor extends Executor {
  /** Ends the workers once running tasks finish. The executor cannot be used afterwards. */
  close(): Promise<void>;
}

interface Slot {
  handle: WebWorkerHandle | undefined;
  readonly waiting: Map<number, { readonly resolve: (r: WorkerReply) => void; readonly reject: (e: unknown) => void }>;
}

const IDENTITY = kernelRefOf(identity)!;

/** Whether this page can share memory between workers (cross-origin isolated). */
function canShare(): boolean {
  return typeof SharedArrayBuffer !== "undefined" && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

function positiveInt(v: number | undefined, fallback: number, what: string, example: string): number {
  const n = v ?? fallback;
  if (!Number.isInteger(n) || n < 1) throw new ValueError("webWorkers", `${what} must be a positive integer; got ${show(v)}. Pass e.g. ${example}`);
  return n;
}

/**
 * An executor running tasks on Web Workers (a browser page, or Deno). Kernels must be named
 * with `defineKernel` and registered in the worker script (closures are refused before
 * anything runs). Call `close()` when done.
 * @param options - see {@link WebWorkersOptions}
 * @throws {ValueError} for a bad option, or when called inside a chunkwise worker
 * @example
 * ```ts
 * import { webWorkers } from "chunkwise/web-workers";
 * const executor = webWorkers({ workers: 2, worker: () => new Worker(new URL("./worker.js", import.meta.url), { type: "module" }) });
 * try {
 *   const out = await compute(mapBlocks(deconvolve, [imgs, psf], { dtype: "float32" }), { executor });
 * } finally {
 *   await executor.close();
 * }
 * ```
 */
export function webWorkers(options: WebWorkersOptions): WebWorkersExecutor {
  refusePoolInWorker("webWorkers");
  const hardware = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  const workers = positiveInt(options.workers, Math.max(1, hardware), "workers", "{ workers: 2 }");
  const threadsPerTask = positiveInt(options.threadsPerTask, Math.max(1, Math.floor(hardware / workers)), "threadsPerTask", "{ threadsPerTask: 2 }");
  const faultRetries = options.faultRetries ?? 2;
  if (!Number.isInteger(faultRetries) || faultRetries < 0) {
    throw new ValueError("webWorkers", `faultRetries must be a non-negative integer; got ${show(options.faultRetries)}. Pass e.g. { faultRetries: 2 }`);
  }
  if (typeof options.worker !== "function") {
    throw new ValueError("webWorkers", `worker must be a function starting your worker script; got ${show(options.worker)}. Pass { worker: () => new Worker(new URL("./worker.js", import.meta.url), { type: "module" }) }`);
  }
  const name = `webWorkers(${workers})`;
  const pool = new WebWorkerPool(name, workers, options.worker, threadsPerTask, options.shareMinBytes ?? 64 * 1024);
  return {
    name,
    ...workerPoolShape(workers),
    faultRetries,
    run: (task, lookup, closures, signal, info) => pool.run(task, lookup, closures, signal, info),
    close: () => pool.close(),
  };
}

/** A job's abort channel: a shared flag the worker polls, or (without shared memory) a job number to post. */
interface AbortJob {
  readonly flag?: Int32Array;
  readonly job: number;
}

/**
 * The state behind one {@link webWorkers} executor: its worker slots (each started on first
 * use and replaced when lost), the buffers its workers made (which may move back to them),
 * the shared copies of inputs several tasks read, and one abort channel per signal.
 */
class WebWorkerPool {
  private readonly share = canShare();
  private readonly slots: Slot[];
  private readonly owned = new WeakSet<ArrayBufferLike>();
  private readonly sharedCopies = new WeakMap<View, View>();
  private readonly jobs = new WeakMap<AbortSignal, AbortJob>();
  private readonly inflight = new Set<Promise<WorkerReply>>();
  private nextId = 0;
  private nextJob = 0;
  private closed = false;

  constructor(
    private readonly name: string,
    workers: number,
    private readonly start: () => WebWorkerHandle,
    private readonly threadsPerTask: number,
    private readonly shareMinBytes: number,
  ) {
    this.slots = Array.from({ length: workers }, () => ({ handle: undefined, waiting: new Map() }));
  }

  async run(task: Task, lookup: (key: string) => unknown, closures: Parameters<Executor["run"]>[2], signal?: AbortSignal, info?: RunInfo): Promise<unknown> {
    // A source block embedded in the graph: nothing to compute, so no copy to a worker.
    if (isLiteralSource(task)) return evaluateTask(task, lookup, closures, signal, undefined, info?.note && noteSink(info.note));
    const transfer = new Set<ArrayBuffer>();
    const inputs = [...new Set(taskDependencies(task))].map((key) => [key, this.prepareInput(lookup(key), info?.lastUse.has(key) ?? false, transfer)] as const);
    const job = this.jobOf(signal);
    const request: WorkerRequest = { task, inputs, threads: this.share ? this.threadsPerTask : 1, ...(job?.flag === undefined ? {} : { abort: job.flag }), ...(info?.note === undefined ? {} : { notes: true }) };
    const message: TaskMessage = { id: this.nextId++, request, ...(job === undefined || job.flag !== undefined ? {} : { job: job.job }) };
    let reply: WorkerReply;
    try {
      reply = await this.send(message, [...transfer]);
    } catch (e) {
      if (e instanceof WorkerLostError || (e instanceof ValueError && e.fn === "webWorkers")) throw e;
      throw new ValueError("webWorkers", `task inputs and parameters must be cloneable to reach a Web Worker; got ${e instanceof Error ? e.message : String(e)} in task '${task.key}'. Pass JSON parameters and blocks`, { cause: e });
    }
    if (reply.ok) {
      // The worker checked each note with the same noteSink; they come in the order sent.
      if (info?.note !== undefined) for (const n of reply.notes ?? []) info.note(n);
      mapViews(reply.value, (view) => {
        if (!isShared(view.buffer)) this.owned.add(view.buffer);
        return view;
      });
      return reply.value;
    }
    if ("aborted" in reply) throw signal?.reason ?? new DOMException("This operation was aborted", "AbortError");
    throw reviveError(reply.error);
  }

  async close(): Promise<void> {
    this.closed = true;
    // Running tasks finish first, then the workers end.
    await Promise.allSettled([...this.inflight]);
    for (const s of this.slots) {
      s.handle?.terminate();
      s.handle = undefined;
    }
  }

  private lose(slot: Slot, why: string, cause?: unknown): void {
    slot.handle?.terminate();
    slot.handle = undefined;
    const waiting = [...slot.waiting.values()];
    slot.waiting.clear();
    for (const w of waiting) w.reject(new WorkerLostError("webWorkers", `the Web Worker running a task must stay alive; got ${why}. The task runs again on a fresh worker`, { executor: this.name, cause }));
  }

  private handleOf(slot: Slot): WebWorkerHandle {
    if (slot.handle !== undefined) return slot.handle;
    const h = this.start();
    slot.handle = h;
    h.addEventListener("message", (event) => {
      const a = event.data as WorkerAnswer;
      const w = slot.waiting.get(a.id);
      slot.waiting.delete(a.id);
      w?.resolve(a.reply);
    });
    // An uncaught error in the worker (its script failed to load, or a kernel's timer threw):
    // its tasks cannot be trusted to answer, so the worker is replaced.
    h.addEventListener("error", (event) => {
      if (slot.handle === h) this.lose(slot, `an error event (${event.message ?? "the worker script failed to load or threw outside a task"})`);
    });
    h.addEventListener("messageerror", () => {
      if (slot.handle === h) this.lose(slot, "a message it could not deserialise");
    });
    return h;
  }

  private send(message: TaskMessage, transfer: ArrayBuffer[]): Promise<WorkerReply> {
    if (this.closed) return Promise.reject(new ValueError("webWorkers", `the executor must be open to run tasks; got one after close(). Create a new webWorkers() executor`));
    // The least busy worker (ties: the first), so work spreads evenly.
    const slot = this.slots.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
    const answer = new Promise<WorkerReply>((resolve, reject) => {
      slot.waiting.set(message.id, { resolve, reject });
      try {
        this.handleOf(slot).postMessage(message, transfer);
      } catch (e) {
        slot.waiting.delete(message.id);
        reject(e);
      }
    });
    this.inflight.add(answer);
    const forget = (): void => void this.inflight.delete(answer);
    answer.then(forget, forget);
    return answer;
  }

  private prepareInput(value: unknown, lastUse: boolean, transfer: Set<ArrayBuffer>): unknown {
    return mapViews(value, (view) => {
      if (isShared(view.buffer)) return view;
      if (lastUse && this.owned.has(view.buffer)) {
        transfer.add(view.buffer as ArrayBuffer);
        return view;
      }
      if (this.share && !lastUse && view.byteLength >= this.shareMinBytes) {
        let s = this.sharedCopies.get(view);
        if (s === undefined) this.sharedCopies.set(view, (s = sharedCopy(view)));
        return s;
      }
      return view.byteLength < view.buffer.byteLength ? compactCopy(view) : view;
    });
  }

  private jobOf(signal: AbortSignal | undefined): AbortJob | undefined {
    if (signal === undefined) return undefined;
    let j = this.jobs.get(signal);
    if (j === undefined) {
      const job = this.nextJob++;
      const flag = this.share ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
      j = flag === undefined ? { job } : { flag, job };
      const onAbort = (): void => {
        if (flag !== undefined) Atomics.store(flag, 0, 1);
        else for (const s of this.slots) s.handle?.postMessage({ abortJob: job } satisfies AbortMessage, []);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
      this.jobs.set(signal, j);
    }
    return j;
  }
}

/** `identity(literal)`: a block embedded in the graph (fromArray's source). */
function isLiteralSource(task: Task): boolean {
  const k = task.kernel;
  return "module" in k && k.module === IDENTITY.module && k.name === IDENTITY.name && task.args.every((a) => "value" in a);
}
