/**
 * The task graph: layers of tasks (one per operation, as dask's HighLevelGraph), so building
 * an expression merges layer maps instead of copying every task. Culling keeps only the tasks
 * that the requested keys need.
 * @module
 */
import { ValueError } from "../core/errors.js";
import { taskDependencies, type Task } from "./task.js";

/** One operation's tasks, plus the closures its inline-only tasks call. */
export interface Layer {
  readonly name: string;
  readonly tasks: ReadonlyMap<string, Task>;
  readonly closures?: ReadonlyMap<string, (...args: any[]) => unknown>;
}

/** An immutable graph: layers by name. */
export interface Graph {
  readonly layers: ReadonlyMap<string, Layer>;
}

/** A graph holding `layer` and every layer of `deps`. */
export function graphWith(layer: Layer | undefined, ...deps: readonly Graph[]): Graph {
  const layers = new Map<string, Layer>();
  for (const g of deps) for (const [name, l] of g.layers) layers.set(name, l);
  if (layer !== undefined) layers.set(layer.name, layer);
  return { layers };
}

/** All tasks and closures of a graph, flattened. */
export interface FlatGraph {
  readonly tasks: Map<string, Task>;
  readonly closures: Map<string, (...args: any[]) => unknown>;
}

/** Merges graphs into one flat map of tasks. */
export function flatten(...graphs: readonly Graph[]): FlatGraph {
  const tasks = new Map<string, Task>();
  const closures = new Map<string, (...args: any[]) => unknown>();
  const seen = new Set<Layer>();
  for (const g of graphs) {
    for (const layer of g.layers.values()) {
      if (seen.has(layer)) continue;
      seen.add(layer);
      for (const [k, t] of layer.tasks) tasks.set(k, t);
      if (layer.closures) for (const [k, f] of layer.closures) closures.set(k, f);
    }
  }
  return { tasks, closures };
}

/**
 * Keeps only the tasks `keys` need, as dask's `cull`.
 * @throws {ValueError} if a needed key has no task (a broken graph)
 */
export function cull(tasks: ReadonlyMap<string, Task>, keys: readonly string[]): Map<string, Task> {
  const out = new Map<string, Task>();
  const stack = [...keys];
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (out.has(key)) continue;
    const task = tasks.get(key);
    if (task === undefined) {
      throw new ValueError("compute", `every task a result needs must be in the graph; got a reference to '${key}' with no task. This is a bug in the operation that built the graph; please report it`);
    }
    out.set(key, task);
    for (const dep of taskDependencies(task)) if (!out.has(dep)) stack.push(dep);
  }
  return out;
}

/** For each key, the keys of the tasks that read it. */
export function dependents(tasks: ReadonlyMap<string, Task>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const key of tasks.keys()) out.set(key, []);
  for (const [key, task] of tasks) {
    for (const dep of new Set(taskDependencies(task))) out.get(dep)?.push(key);
  }
  return out;
}

/** Number of tasks in a graph (after merging layers). */
export function taskCount(graph: Graph): number {
  return flatten(graph).tasks.size;
}
