/**
 * Graph optimisation, as dask's `cull` + `fuse`: linear chains (a task whose only reader is
 * one other task, such as astype feeding a filter feeding a store) are inlined into their
 * reader as subtasks, so the intermediate block is never stored between tasks and the chain
 * runs as one unit on one worker.
 * @module
 */
import { dependents } from "./graph.js";
import type { Task, TaskArg } from "./task.js";

/**
 * Fuses linear chains. Keys in `keep` (the requested results) are never inlined away.
 * @returns a new task map; every surviving task keeps its key
 */
export function fuseLinear(tasks: ReadonlyMap<string, Task>, keep: ReadonlySet<string>): Map<string, Task> {
  const readers = dependents(tasks);
  const refCount = new Map<string, number>();
  for (const task of tasks.values()) {
    for (const arg of task.args) if ("ref" in arg) refCount.set(arg.ref, (refCount.get(arg.ref) ?? 0) + 1);
  }
  const inlinable = (key: string): boolean => !keep.has(key) && readers.get(key)?.length === 1 && refCount.get(key) === 1;
  const out = new Map<string, Task>();
  const build = (task: Task): Task => {
    let changed = false;
    const args = task.args.map((arg): TaskArg => {
      if ("ref" in arg && inlinable(arg.ref)) {
        changed = true;
        return { task: build(tasks.get(arg.ref)!) };
      }
      return arg;
    });
    return changed ? { ...task, args } : task;
  };
  for (const [key, task] of tasks) if (!inlinable(key)) out.set(key, build(task));
  return out;
}
