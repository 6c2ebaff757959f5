/**
 * The worker side of `webWorkers()`: answers task messages with the same `evaluateTask` every
 * executor uses, results' buffers moved back (never copied), errors flattened in the thread
 * executor's wire format.
 *
 * Finding a kernel: a task names it by the module URL and export name it had on the page. A
 * bundler gives every module of a bundle the bundle's URL, and the worker is a bundle of its
 * own, so the worker looks the kernel up (1) by that exact name, then (2) by export name among
 * the kernels its own bundle registered (the worker script imports the kernel modules), and
 * only then (3) imports the module URL itself (an unbundled page, e.g. Vite's dev server).
 * @module
 */
import { ValueError } from "../../core/errors.js";
import { registeredKernel, registeredKernelsNamed, type KernelRef } from "../../graph/kernel.js";
import { isClosureRef, type Task, type TaskArg } from "../../graph/task.js";
import { evaluateTask, loadKernel } from "../../schedule/evaluate.js";
import { noteSink } from "../../schedule/notes.js";
import { markWorkerThread } from "../../schedule/worker-guard.js";
import { flagSignal, prepareResult, serializeError, type WorkerReply } from "../thread-wire.js";
import type { AbortMessage, TaskMessage, WorkerAnswer } from "./wire.js";

/** The part of a dedicated worker's global scope this module uses (no DOM lib needed). */
interface WorkerScope {
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown, transfer: readonly ArrayBuffer[]): void;
}

/** Hooks run before a task's kernel, given the task's thread budget (the pass team installs one). */
const beforeTask: ((threads: number) => Promise<void>)[] = [];

/**
 * Runs `hook(threads)` before every task in this worker, awaited, so a kernel that blocks in
 * `Atomics.wait` finds whatever the hook prepared (nested workers need this worker's event
 * loop to start).
 */
export function beforeEachTask(hook: (threads: number) => Promise<void>): void {
  beforeTask.push(hook);
}

const NO_CLOSURES = new Map<string, never>();
const aborted = new Map<number, AbortController>();
const flagSignals = new WeakMap<Int32Array, AbortSignal>();

function signalOf(message: TaskMessage): AbortSignal | undefined {
  const flag = message.request.abort;
  if (flag !== undefined) {
    let s = flagSignals.get(flag);
    if (s === undefined) flagSignals.set(flag, (s = flagSignal(flag)));
    return s;
  }
  if (message.job === undefined) return undefined;
  let c = aborted.get(message.job);
  if (c === undefined) aborted.set(message.job, (c = new AbortController()));
  return c.signal;
}

/** The ref this worker runs for `ref`: see the module comment for the order. */
async function localRef(ref: KernelRef): Promise<KernelRef> {
  if (registeredKernel(ref) !== undefined) return ref;
  const named = registeredKernelsNamed(ref.name);
  if (named.length === 1) return named[0]!;
  if (named.length > 1) {
    throw new ValueError("webWorkers", `kernel names must be unique in a worker bundle; got '${ref.name}' from ${named.map((r) => r.module).join(" and ")}. Give the kernels distinct export names`);
  }
  try {
    await loadKernel(ref);
    return ref;
  } catch (e) {
    throw new ValueError(
      "webWorkers",
      `kernel '${ref.name}' must be registered in the Web Worker; got no kernel of that name in the worker's bundle, and importing ${ref.module} failed (${e instanceof Error ? e.message : String(e)}). Import the kernel module in your worker script: import "./kernels.js"; import "chunkwise/web-workers/worker"`,
      { cause: e },
    );
  }
}

/** `task` with every kernel ref replaced by this worker's own. */
async function localTask(task: Task): Promise<Task> {
  const kernel = isClosureRef(task.kernel) ? task.kernel : await localRef(task.kernel);
  const args: TaskArg[] = [];
  for (const a of task.args) {
    if ("task" in a) args.push({ task: await localTask(a.task) });
    else if ("fn" in a && !isClosureRef(a.fn)) args.push({ fn: await localRef(a.fn) });
    else args.push(a);
  }
  return { ...task, kernel, args };
}

async function answer(message: TaskMessage, transfer: Set<ArrayBuffer>): Promise<WorkerReply> {
  const signal = signalOf(message);
  if (signal?.aborted) return { ok: false, aborted: true };
  try {
    const threads = message.request.threads ?? 1;
    for (const hook of beforeTask) await hook(threads);
    const inputs = new Map(message.request.inputs);
    const notes: unknown[] = [];
    const note = message.request.notes === true ? noteSink((n) => notes.push(n)) : undefined;
    const value = await evaluateTask(await localTask(message.request.task), (key) => inputs.get(key), NO_CLOSURES, signal, threads, note);
    return { ok: true, value: prepareResult(value, transfer), ...(notes.length === 0 ? {} : { notes }) };
  } catch (e) {
    return { ok: false, error: serializeError(e) };
  }
}

/**
 * Answers one task message. Never rejects: a failure anywhere (a malformed message, a result
 * that cannot be cloned) becomes the task's error, so the queue of later tasks goes on.
 */
async function reply(scope: WorkerScope, data: TaskMessage): Promise<void> {
  const transfer = new Set<ArrayBuffer>();
  let out: WorkerAnswer;
  try {
    out = { id: data.id, reply: await answer(data, transfer) };
    scope.postMessage(out, [...transfer]);
    return;
  } catch (e) {
    const error = new ValueError("webWorkers", `a task's message and result must be structured-cloneable; got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}. Return blocks, typed arrays and plain data from kernels`, { cause: e });
    out = { id: data?.id, reply: { ok: false, error: serializeError(error) } };
  }
  try {
    scope.postMessage(out, []);
  } catch {
    // Nothing more can be said to the page; its task waits for the worker's replacement or close().
  }
}

/**
 * Makes this Web Worker answer `webWorkers()`'s tasks. Called once by the worker script
 * `chunkwise/web-workers/worker`; a worker script of your own imports that module after its
 * kernel modules.
 */
export function serveTasks(scope: WorkerScope = globalThis as unknown as WorkerScope): void {
  // Pools started by a kernel module's top level are refused in this worker.
  markWorkerThread();
  // One task at a time, in arrival order: a kernel is synchronous, and the executor keeps a
  // second task queued here so the worker never idles through a round trip.
  let queue = Promise.resolve();
  scope.addEventListener("message", (event) => {
    const data = event.data as TaskMessage | AbortMessage;
    if ("abortJob" in data) {
      let c = aborted.get(data.abortJob);
      if (c === undefined) aborted.set(data.abortJob, (c = new AbortController()));
      c.abort();
      return;
    }
    queue = queue.then(() => reply(scope, data));
  });
}
