/**
 * dask's `store`: runs an array's graph together with one store task per block, each of which
 * writes its block where it belongs and returns what it wrote, so (with fusion) a block is
 * computed, written and released before the scheduler moves on. It takes `compute`'s options
 * with `compute`'s defaults, so every store (toZarr, and the next one) offers the same knobs.
 * @module
 */
import type { ArrayMeta } from "../graph/blockwise.js";
import { flatten, graphWith } from "../graph/graph.js";
import type { Task } from "../graph/task.js";
import { runOptionsOf, type ComputeOptions } from "./compute.js";
import { runGraph } from "./scheduler.js";

/** Options of {@link store}: compute's, plus the store's own hooks. */
export interface StoreOptions extends ComputeOptions {
  /** Called once the memory plan passed, before the first task: write metadata here, so a refused plan leaves none. */
  beforeRun?: () => Promise<void>;
  /** Called with the result of every store task (what it wrote). */
  onStored?: (key: string, value: unknown) => void;
}

/**
 * Runs the store tasks `tasks` (layer `name`, reading blocks of `x`) with `x`'s graph.
 * @throws {TaskError} when a task fails; {@link MemoryError} when the plan exceeds the budget
 * @example
 * ```ts
 * await store(x, "toZarr-1a2b", writeTasks, { executor: threads(), onStored: (k, v) => n++ });
 * ```
 */
export async function store(x: ArrayMeta, name: string, tasks: ReadonlyMap<string, Task>, options: StoreOptions = {}): Promise<void> {
  const { beforeRun, onStored } = options;
  await runGraph(flatten(graphWith({ name, tasks }, x.graph)), [...tasks.keys()], {
    ...runOptionsOf(options),
    ...(beforeRun ? { beforeRun } : {}),
    ...(onStored ? { onResult: onStored } : {}),
  });
}
