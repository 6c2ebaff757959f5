/**
 * Outer steps run on the calling thread (`threads({ localKernels })`): a task whose own kernel
 * is one of `localKernels` and which holds inner steps (`{ task }` arguments, as a fused
 * compute-then-write task does) is split. Its inner steps go to a worker, as tasks of their
 * own; their results come back moved (transferred, not copied); then its outer kernel runs
 * here. The worker is free for its next task as soon as the inner steps end, so with one
 * worker the next volume's compute overlaps this thread's encoding and writing of the last one
 * (`chunkwise deconvolve` with one worker of several threads: see docs/deconvolution.md, "The
 * whole job"). Results are those of the whole task on a worker: the same kernels run on the
 * same values.
 * @module
 */
import type { Task, TaskArg } from "../../graph/task.js";
import { kernelRefOf, refKey } from "../../graph/kernel.js";
import { isClosureRef, taskDependencies } from "../../graph/task.js";
import { ValueError } from "../../core/errors.js";

/** The keys of the kernels to run here, checked. */
export function localKernelKeys(kernels: readonly unknown[] | undefined): ReadonlySet<string> {
  const keys = new Set<string>();
  for (const k of kernels ?? []) {
    const ref = kernelRefOf(k);
    if (ref === undefined) {
      throw new ValueError("threads", `localKernels must hold kernels named with defineKernel; got ${typeof k === "function" ? `the function ${k.name || "(anonymous)"}` : typeof k}. Name it with defineKernel(import.meta.url, name, fn)`);
    }
    keys.add(refKey(ref));
  }
  return keys;
}

/** Whether `task` is split: its kernel is local and it has inner steps to send to a worker. */
export function splitsLocally(task: Task, local: ReadonlySet<string>): boolean {
  return local.size > 0 && !isClosureRef(task.kernel) && local.has(refKey(task.kernel)) && task.args.some((a) => "task" in a);
}

/** The inner steps of a split task, and the task's outer step reading their results by key. */
export interface SplitTask {
  /** The inner steps, each keyed as the outer step reads its result. */
  readonly inner: readonly { readonly key: string; readonly task: Task }[];
  /** The outer step: the task with each inner step replaced by a reference to its result. */
  readonly outer: Task;
  /** Keys read by the outer step itself or by more than one inner step: copied or shared to a worker, never moved away. */
  readonly keep: ReadonlySet<string>;
}

/** Splits `task` (see {@link splitsLocally}). */
export function splitTask(task: Task): SplitTask {
  const inner: { key: string; task: Task }[] = [];
  const keep = new Set<string>();
  const seen = new Set<string>();
  const args = task.args.map((a, i): TaskArg => {
    if (!("task" in a)) {
      if ("ref" in a) keep.add(a.ref);
      return a;
    }
    for (const k of new Set(taskDependencies(a.task))) {
      if (seen.has(k)) keep.add(k);
      seen.add(k);
    }
    // A key no graph key can be: graph keys are names with block indices, never NUL.
    const key = `${task.key}\u0000inner-${i}`;
    inner.push({ key, task: a.task });
    return { ref: key };
  });
  return { inner, outer: { ...task, args }, keep };
}
