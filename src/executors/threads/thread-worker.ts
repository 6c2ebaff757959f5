/**
 * The worker side of `threads()`: evaluates one task, or a batch of tasks one after another,
 * with the same `evaluateTask` the inline executor uses, importing each kernel module by its URL once per thread, and answers with
 * the result's buffers moved (never copied). A kernel's error is caught here and sent back
 * flattened, so a dying worker and a throwing kernel stay distinguishable.
 *
 * Kernel modules written in TypeScript (`.ts`, `.mts`, `.cts`) need tsx in this thread: on
 * Node 20 a worker does not inherit the `--import tsx` loader of its parent, so the first such
 * module registers tsx here (resolved from the kernel's own location, then from chunkwise's).
 * @module
 */
import { isMainThread } from "node:worker_threads";
import { move, transferableSymbol, valueSymbol } from "piscina";
import { registeredKernel } from "../../graph/kernel.js";
import { isClosureRef, type Task } from "../../graph/task.js";
import { evaluateTask, kernelsOf, resolveKernel } from "../../schedule/evaluate.js";
import { noteSink } from "../../schedule/notes.js";
import { registerTsx } from "../tsx-loader.js";
import { markWorkerThread } from "../../schedule/worker-guard.js";
import { WORKER_TEAM_IDLE_MS, installNodeHost } from "../node-host.js";
import { flagSignal, prepareResult, serializeError, type WorkerBatch, type WorkerBatchReply, type WorkerReply, type WorkerRequest } from "../thread-wire.js";

/** Set (by the source-mode bootstrap, or here) once tsx's loader is registered in this thread. */
const TSX_READY = Symbol.for("chunkwise.tsxRegistered");
const TYPESCRIPT = /\.[cm]?tsx?$/;
let tsx: Promise<void> | undefined;

/** Registers tsx in this thread before the first TypeScript kernel module is imported. */
async function prepareTypeScript(task: Task): Promise<void> {
  if ((globalThis as Record<symbol, unknown>)[TSX_READY] === true) return;
  for (const k of kernelsOf(task)) {
    if (isClosureRef(k) || registeredKernel(k) !== undefined || !TYPESCRIPT.test(new URL(k.module).pathname)) continue;
    // An import that failed for want of a loader is cached by Node: register first, import after.
    tsx ??= registerTsx(k.module, "threads");
    return tsx;
  }
}

// Pools and runs started by a kernel module's top level are refused in this thread (a test
// may import this module on the main thread, which must stay unmarked).
if (!isMainThread) markWorkerThread();
// Kernels here (Richardson-Lucy) run on FFT thread teams, kept between this worker's tasks.
installNodeHost({ teamIdleMs: WORKER_TEAM_IDLE_MS });

const NO_CLOSURES = new Map<string, never>();
let lastFlag: Int32Array | undefined;
let lastSignal: AbortSignal | undefined;

/** The job's signal in this thread: one per shared flag, not one per task. */
function signalOf(flag: Int32Array | undefined): AbortSignal | undefined {
  if (flag === undefined) return undefined;
  if (flag !== lastFlag) {
    lastFlag = flag;
    lastSignal = flagSignal(flag);
  }
  return lastSignal;
}

/** Evaluates one task; its result's buffers are added to `transfer`. */
async function evaluate(request: WorkerRequest, transfer: Set<ArrayBuffer>): Promise<WorkerReply> {
  const signal = signalOf(request.abort);
  // The job was aborted while this task waited in the queue: it must not start.
  if (signal?.aborted) return { ok: false, aborted: true };
  try {
    await prepareTypeScript(request.task);
    if (request.imported !== undefined) {
      // Imports first, then the flag: the caller bounds the imports apart from the kernel.
      for (const k of kernelsOf(request.task)) if (!isClosureRef(k)) await resolveKernel(k, NO_CLOSURES);
      Atomics.store(request.imported, 0, 1);
    }
    // A few inputs: a scan costs less than building a Map for every task.
    const inputs = request.inputs;
    const map = inputs.length > 8 ? new Map(inputs) : undefined;
    const lookup = (key: string): unknown => {
      if (map !== undefined) return map.get(key);
      for (const [k, v] of inputs) if (k === key) return v;
      return undefined;
    };
    const notes: unknown[] = [];
    const note = request.notes === true ? noteSink((n) => notes.push(n)) : undefined;
    const value = await evaluateTask(request.task, lookup, NO_CLOSURES, signal, request.threads, note);
    return { ok: true, value: prepareResult(value, transfer), ...(notes.length === 0 ? {} : { notes }) };
  } catch (e) {
    return { ok: false, error: serializeError(e) };
  }
}

/** Piscina's task handler: one task, or a batch of tasks evaluated one after another. */
export default async function runTask(request: WorkerRequest | WorkerBatch): Promise<unknown> {
  const transfer = new Set<ArrayBuffer>();
  let reply: WorkerReply | WorkerBatchReply;
  if ("batch" in request) {
    const replies: WorkerReply[] = [];
    for (const r of request.batch) replies.push(await evaluate(r, transfer));
    reply = { replies };
  } else {
    reply = await evaluate(request, transfer);
  }
  if (transfer.size === 0) return reply;
  return move({ [transferableSymbol]: [...transfer], [valueSymbol]: reply } as unknown as Parameters<typeof move>[0]);
}
