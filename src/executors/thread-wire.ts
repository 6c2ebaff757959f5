/**
 * What crosses between the main thread and a worker thread of `threads()`: the request and
 * reply shapes, the walk over a value's typed arrays that decides, buffer by buffer, whether
 * it moves (transfer), is shared (SharedArrayBuffer) or is copied, errors flattened so that
 * name, message, stack, extra fields and the `cause` chain survive the thread boundary, and an
 * AbortSignal backed by a shared flag that synchronous kernels can poll.
 * @module
 */
import * as errors from "../core/errors.js";
import type { Task } from "../graph/task.js";
import { TaskTimeoutError, WorkerLostError } from "../schedule/faults.js";
import { MemoryError } from "../schedule/memory-plan.js";
import { ZarrError } from "../io/zarr/errors.js";
import { TiffError } from "../io/tiff/tiff-error.js";
import { mapViews, type View } from "../schedule/value-views.js";

/** One task sent to a worker: the task and the values of every key it references. */
export interface WorkerRequest {
  readonly task: Task;
  readonly inputs: readonly (readonly [string, unknown])[];
  /** A one-element shared flag set to 1 when the job's signal aborts. */
  readonly abort?: Int32Array;
  /** The executor's thread budget for the task (the kernel's `ctx.threads`). */
  readonly threads?: number;
  /** A one-element shared flag the worker sets to 1 once the task's kernel modules are imported (for the import timeout). */
  readonly imported?: Int32Array;
  /** True when the caller listens for notes: the kernel gets `ctx.note` and the reply carries them. */
  readonly notes?: true;
}

/**
 * Several tasks sent to one worker in one message (the tasks the scheduler started in one
 * turn of the event loop), answered by one {@link WorkerBatchReply}: one message each way
 * instead of one per task.
 */
export interface WorkerBatch {
  readonly batch: readonly WorkerRequest[];
}

/** The answers to a {@link WorkerBatch}, in its order. */
export interface WorkerBatchReply {
  readonly replies: readonly WorkerReply[];
}

/** A worker's answer: the value, an error, or "not started: the job was aborted". */
export type WorkerReply =
  | { readonly ok: true; readonly value: unknown; /** The kernel's notes (`ctx.note`), checked by `noteSink`, in the order sent; absent when none. */ readonly notes?: readonly unknown[] }
  | { readonly ok: false; readonly error: WireError }
  | { readonly ok: false; readonly aborted: true };

/** An error flattened for the thread boundary. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** Own enumerable fields that can be cloned (e.g. `key`, `blockIndex`, `code`). */
  readonly fields: Record<string, unknown>;
  readonly cause?: WireError | { readonly value: unknown };
}

/** `%TypedArray%.prototype.slice`: a compact copy, even for a Node Buffer (whose own slice is a view). */
const typedSlice = Object.getPrototypeOf(Uint8Array.prototype).slice as (this: View) => View;

/**
 * A compact copy of `view` (only its bytes, not its whole buffer).
 * @example compactCopy(new Float64Array(1024).subarray(0, 4)).buffer.byteLength // 32
 */
export function compactCopy(view: View): View {
  return typedSlice.call(view);
}

/**
 * Whether `buffer` is a SharedArrayBuffer (shared by reference, never copied nor moved).
 * @example isShared(new SharedArrayBuffer(8)) // true
 */
export function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer;
}

/**
 * A copy of `view` in a new SharedArrayBuffer.
 * @example sharedCopy(Float32Array.of(1, 2)).buffer instanceof SharedArrayBuffer // true
 */
export function sharedCopy(view: View): View {
  const Ctor = view.constructor as new (buffer: ArrayBufferLike, offset?: number, length?: number) => View;
  const sab = new SharedArrayBuffer(view.byteLength);
  new Uint8Array(sab).set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return new Ctor(sab, 0, view.length);
}

/**
 * Prepares a worker's result: buffers are moved, except that a view using less than half of
 * its buffer is compacted first (so a small crop does not pin a large buffer) and shared
 * buffers pass by reference.
 * @example
 * ```ts
 * const transfer = new Set<ArrayBuffer>();
 * port.postMessage(prepareResult(block, transfer), [...transfer]);
 * ```
 */
export function prepareResult(value: unknown, transfer: Set<ArrayBuffer>): unknown {
  return mapViews(value, (view) => {
    if (isShared(view.buffer)) return view;
    const v = view.byteLength * 2 < view.buffer.byteLength ? compactCopy(view) : view;
    transfer.add(v.buffer as ArrayBuffer);
    return v;
  });
}

/**
 * Flattens an error (and its cause chain) for postMessage; {@link reviveError} undoes it.
 * @example reviveError(serializeError(new RangeError("x"))) instanceof RangeError // true
 */
export function serializeError(e: unknown, depth = 0): WireError {
  if (!(e instanceof Error)) return { name: "Error", message: String(e), fields: {}, cause: { value: cloneable(e) ? e : String(e) } };
  const fields: Record<string, unknown> = {};
  for (const k of Object.keys(e)) {
    if (k === "cause" || k === "name" || k === "message" || k === "stack") continue;
    const v = (e as unknown as Record<string, unknown>)[k];
    if (cloneable(v)) fields[k] = v;
  }
  const cause = e.cause;
  const out: WireError = { name: e.name, message: e.message, fields, ...(e.stack === undefined ? {} : { stack: e.stack }) };
  if (cause === undefined || depth > 8) return out;
  return { ...out, cause: cause instanceof Error ? serializeError(cause, depth + 1) : { value: cloneable(cause) ? cause : String(cause) } };
}

function cloneable(v: unknown): boolean {
  try {
    structuredClone(v);
    return true;
  } catch {
    return false;
  }
}

type ErrorClass = new (...args: any[]) => Error;
const ERROR_CLASSES = new Map<string, ErrorClass>();
// Every error class a task can throw below the executors' layer, so `instanceof` works on the caller's side.
for (const c of [...Object.values(errors as Record<string, unknown>), WorkerLostError, TaskTimeoutError, MemoryError, ZarrError, TiffError, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError]) {
  if (typeof c === "function" && (c === Error || c.prototype instanceof Error)) ERROR_CLASSES.set(c.name, c as ErrorClass);
}

/**
 * Rebuilds an error from its wire form: chunkwise's own error classes and JavaScript's
 * built-in ones come back as instances of their class; others as an `Error` with the
 * original `name`. The stack is the worker's.
 * @example reviveError(reply.error) // throw it, or use it as a TaskError's cause
 */
export function reviveError(w: WireError): Error {
  const cause = w.cause === undefined ? undefined : "value" in w.cause ? w.cause.value : reviveError(w.cause);
  const err = new Error(w.message, cause === undefined ? undefined : { cause });
  const Cls = ERROR_CLASSES.get(w.name);
  if (Cls !== undefined) Object.setPrototypeOf(err, Cls.prototype);
  Object.defineProperty(err, "name", { value: w.name, writable: true, configurable: true, enumerable: Cls !== undefined && Cls.prototype instanceof errors.ChunkwiseError });
  if (w.stack !== undefined) err.stack = w.stack;
  Object.assign(err, w.fields);
  return err;
}

/**
 * An AbortSignal whose `aborted` reads a shared flag, so a synchronous kernel in a worker sees
 * the job's abort.
 * @example
 * ```ts
 * const flag = new Int32Array(new SharedArrayBuffer(4));
 * const signal = flagSignal(flag); // another thread: Atomics.store(flag, 0, 1) aborts it
 * ```
 */
export function flagSignal(flag: Int32Array): AbortSignal {
  const signal = new AbortController().signal;
  const aborted = (): boolean => Atomics.load(flag, 0) === 1;
  const reason = (): unknown => (aborted() ? new DOMException("This operation was aborted", "AbortError") : undefined);
  Object.defineProperty(signal, "aborted", { get: aborted });
  Object.defineProperty(signal, "reason", { get: reason });
  Object.defineProperty(signal, "throwIfAborted", {
    value: () => {
      if (aborted()) throw reason();
    },
  });
  return signal;
}
