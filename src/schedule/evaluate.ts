/**
 * Evaluating one task: resolve its kernel (the registry, else `import(module)[name]`, else the
 * closure table), evaluate inline subtasks depth-first, then call
 * `kernel(...args, params, ctx)`. Shared by every executor, so a task means the same
 * thing inline, on a worker thread or on another machine.
 * @module
 */
import { callKernel } from "./kernel-call.js";
import { KernelError, ValueError, show } from "../core/errors.js";
import { asBlock, isBlockLike } from "../core/ndarray.js";
import { refKey, registeredKernel, type KernelRef } from "../graph/kernel.js";
import { isClosureRef, type ClosureRef, type Task } from "../graph/task.js";
import { importAsWorker } from "./worker-guard.js";

type Fn = (...args: any[]) => unknown;
const imported = new Map<string, Promise<Fn>>();

/** Loads the function a kernel ref names, importing its module once per thread. */
export function loadKernel(ref: KernelRef): Promise<Fn> {
  const known = registeredKernel(ref);
  if (known !== undefined) return Promise.resolve(known);
  const key = refKey(ref);
  let p = imported.get(key);
  if (p === undefined) {
    // In a worker, a run the module's top level starts is refused (see worker-guard.ts).
    p = importAsWorker(ref.module, () => import(ref.module) as Promise<Record<string, unknown>>).then((mod: Record<string, unknown>) => {
      const fn = mod[ref.name];
      if (typeof fn !== "function") {
        throw new ValueError("compute", `kernel '${ref.name}' must be a function exported by ${ref.module}; got ${typeof fn}. Export it under the name given to defineKernel`);
      }
      return fn as Fn;
    });
    imported.set(key, p);
  }
  return p;
}

/** Collects the kernels a task (and its subtasks and function arguments) uses. */
export function kernelsOf(task: Task, into: (KernelRef | ClosureRef)[] = []): (KernelRef | ClosureRef)[] {
  into.push(task.kernel);
  for (const a of task.args) {
    if ("task" in a) kernelsOf(a.task, into);
    else if ("fn" in a) into.push(a.fn);
  }
  return into;
}

/** The function a kernel spec names: a closure from the table, or an import. */
export async function resolveKernel(spec: KernelRef | ClosureRef, closures: ReadonlyMap<string, Fn>): Promise<Fn> {
  if (!isClosureRef(spec)) return loadKernel(spec);
  const f = closures.get(spec.closure);
  if (f === undefined) {
    throw new ValueError("compute", `closure kernel '${spec.label}' must be available in this process; got a task from another process. Export the kernel with defineKernel(import.meta.url, "name", fn) so workers can import it`);
  }
  return f;
}

/**
 * Runs `task` with its references resolved by `lookup`. The kernel's context is the task's
 * `ctx` plus `signal` and, when the executor gives them, `threads` (its thread budget) and
 * `note` (where the kernel's notes go: a `noteSink`, shared by the task's inline subtasks).
 */
export async function evaluateTask(
  task: Task,
  lookup: (key: string) => unknown,
  closures: ReadonlyMap<string, Fn>,
  signal?: AbortSignal,
  threads?: number,
  note?: (value: unknown) => void,
): Promise<unknown> {
  const args: unknown[] = [];
  for (const a of task.args) {
    if ("ref" in a) args.push(lookup(a.ref));
    else if ("task" in a) args.push(await evaluateTask(a.task, lookup, closures, signal, threads, note));
    else if ("fn" in a) args.push(await resolveKernel(a.fn, closures));
    else args.push(a.value);
  }
  const fn = await resolveKernel(task.kernel, closures);
  const ctx = { ...(task.ctx as object | undefined), signal, ...(threads === undefined ? {} : { threads }), ...(note === undefined ? {} : { note }) };
  const result = await callKernel(fn, [...args, task.params ?? {}, ctx]);
  if (task.expect !== undefined) checkExpectation(task, result);
  return result;
}

/** Checks a kernel's result against its task's declared shapes and dtypes. */
function checkExpectation(task: Task, result: unknown): void {
  const e = task.expect!;
  const where = `block ${JSON.stringify((task.ctx as { blockIndex?: number[] } | undefined)?.blockIndex ?? [])}`;
  const list = e.several ? result : [result];
  if (!Array.isArray(list) || list.length !== e.shapes.length) {
    throw new KernelError(e.op, `kernel must return a list of ${e.shapes.length} blocks (nout); got ${describe(result)} for ${where}. Return one block per output`);
  }
  list.forEach((r, k) => {
    const out = e.several ? `output ${k}` : "the result";
    if (!isBlockLike(r)) throw new KernelError(e.op, `kernel ${out} must be a block; got ${describe(r)} for ${where}. Return a block ({ dtype, data, shape, stride, offset })`, { output: k });
    const b = asBlock(r, e.op, out);
    const want = e.shapes[k]!;
    if (b.shape.length !== want.length || b.shape.some((d, i) => d !== want[i])) {
      throw new KernelError(e.op, `kernel ${out} must have the declared chunk shape ${show(want)}; got ${show(b.shape)} for ${where}. Return a block of that shape, or declare chunks/dropAxis/newAxis`, { output: k });
    }
    if (b.dtype !== e.dtypes[k]) {
      throw new KernelError(e.op, `kernel ${out} must have the declared dtype ${e.dtypes[k]}; got ${b.dtype} for ${where}. Cast inside the kernel, or declare dtype`, { output: k });
    }
  });
}

function describe(v: unknown): string {
  if (v === undefined || v === null) return String(v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return typeof v === "object" ? `an object with keys ${show(Object.keys(v))}` : `${typeof v} ${show(v)}`;
}
