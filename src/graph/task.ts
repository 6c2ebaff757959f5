/**
 * Tasks as plain data: a task names its kernel by module URL and export name (or, for
 * inline-only closures, by an id in its layer's closure table) and lists its arguments as
 * references to other tasks' results, inline subtasks (from fusion) or literal values.
 * The kernel is called as `kernel(...args, params, ctx)`.
 * @module
 */
import type { KernelRef } from "./kernel.js";

/** A reference to a closure kept in a layer's closure table (inline executor only). */
export interface ClosureRef {
  readonly closure: string;
  /** The function's name, for error messages. */
  readonly label: string;
}

/** One argument of a task: another task's result, an inline subtask, a literal, or a kernel function (for higher-order kernels such as a gufunc's block loop). */
export type TaskArg =
  | { readonly ref: string }
  | { readonly task: Task }
  | { readonly value: unknown }
  | { readonly fn: KernelRef | ClosureRef };

/** A unit of work. */
export interface Task {
  readonly key: string;
  readonly kernel: KernelRef | ClosureRef;
  readonly args: readonly TaskArg[];
  /** JSON parameters passed after the arguments. */
  readonly params?: unknown;
  /** JSON context passed last (block index, location in the full array, ...). */
  readonly ctx?: unknown;
  /** What the kernel must return: checked by every executor before the result is used. */
  readonly expect?: TaskExpectation;
}

/** The declared result of a task: one block per entry (a list when `several`). */
export interface TaskExpectation {
  /** The operation, for error messages (e.g. "mapBlocks"). */
  readonly op: string;
  readonly shapes: readonly (readonly number[])[];
  readonly dtypes: readonly string[];
  /** True when the kernel returns a list of outputs. */
  readonly several: boolean;
}

/** The context a blockwise kernel receives: which block, and where it sits in the full array. */
export interface BlockContext {
  /** The output block's index in the chunk grid. */
  readonly blockIndex: readonly number[];
  /** `[start, stop)` of the output block along each axis of the full array. */
  readonly location: readonly (readonly [number, number])[];
  /** The full output shape. */
  readonly shape: readonly number[];
  /** Present while running: lets long kernels stop early. */
  readonly signal?: AbortSignal;
  /**
   * The executor's thread budget for this task (at least 1): the threads it may use on its own
   * without oversubscribing the machine (`threads()`: cores / workers; `inline()`: cores /
   * concurrency). Kernels that split one block between threads read it, e.g.
   * `richardsonLucy` with `threads: "auto"`. Absent when the executor gives none.
   */
  readonly threads?: number;
  /**
   * Present when the caller listens (`onNote` of `compute`, `toZarr`, `store`, `runGraph`):
   * sends a small JSON value about this block back to the caller with the result, e.g. the
   * iterations an iterative kernel used. At most 4 KiB of JSON per note and 64 notes per task;
   * throws (failing the task) otherwise. Check for it before computing what only a note needs.
   */
  readonly note?: (value: unknown) => void;
}

/** Whether a kernel spec is a closure (inline-only). */
export function isClosureRef(kernel: Task["kernel"]): kernel is ClosureRef {
  return (kernel as ClosureRef).closure !== undefined;
}

/** The key of block `index` of the array (or layer) `name`, as dask's `(name, i, j, ...)`. */
export function blockKey(name: string, index: readonly number[]): string {
  return `${name}[${index.join(",")}]`;
}

/** Keys of the tasks `task` depends on (through refs, including inside inline subtasks). */
export function taskDependencies(task: Task, into: string[] = []): string[] {
  for (const arg of task.args) {
    if ("ref" in arg) into.push(arg.ref);
    else if ("task" in arg) taskDependencies(arg.task, into);
  }
  return into;
}
