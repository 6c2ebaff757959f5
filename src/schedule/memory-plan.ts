/**
 * The memory plan (the idea of cubed): before anything runs, estimate from the graph alone the
 * peak bytes of every task (its input blocks, its output blocks, and the workspace its kernel
 * declares, e.g. FFT buffers), replay the scheduler's depth-first order to find how many bytes
 * of finished blocks wait for their readers, and refuse a plan over the budget with a message
 * that says which rechunking fixes it.
 *
 * A task's bytes are its declared outputs (`expect`: shapes and dtypes, which the graph
 * builders attach; a task without one, such as a pass-through, is taken to be as large as its
 * largest input) plus the workspace its kernel declares ({@link KernelMeta}, from
 * `defineKernel`'s metadata or {@link withWorkspace}); no kernel is recognised by name. The
 * plan is:
 *
 *   peak = reserved (compute's assembled result) + held blocks and one running task along the
 *          depth-first order + the next (computing - 1) largest tasks
 *          + (concurrency - computing) x the largest task's inputs
 *
 * where `computing` is how many of the executor's `concurrency` tasks in flight compute at
 * once (a worker pool's workers): the others wait in its queue with their inputs only. Both
 * are at most the number of tasks: a run of one task on eight workers runs one task at a time.
 *
 * For executors that keep results out of this process (`distributed`), peak = reserved + the
 * largest task (which must fit on one worker).
 * @module
 */
import { formatBytes } from "../core/format-bytes.js";
import { itemSize, isDataType } from "../core/dtype.js";
import { ChunkwiseError } from "../core/errors.js";
import { kernelMetaOf, registeredKernel, type KernelMeta } from "../graph/kernel.js";
import { isClosureRef, taskDependencies, type Task } from "../graph/task.js";
import { hostMemory } from "./host.js";
import { valueBytes } from "./value-views.js";

export { withWorkspace, type WorkspaceFn } from "../graph/kernel.js";

type Fn = (...args: any[]) => unknown;

/** What the plan found. */
export interface MemoryPlan {
  /** Estimated peak bytes of the whole run. */
  readonly peakBytes: number;
  /** Bytes of finished blocks waiting for readers at the worst moment, plus one running task. */
  readonly heldPeakBytes: number;
  /** The largest single task's peak (inputs + outputs + workspace). */
  readonly taskPeakBytes: number;
  /** That task's key, and the shape of the block it makes (when known). */
  readonly largestTask: string;
  readonly largestShape: readonly number[] | undefined;
  /** Tasks in flight at once: the executor's concurrency, at most the run's task count. */
  readonly concurrency: number;
  /** How many of them compute at once (the others wait with their inputs only). */
  readonly computing: number;
  /** The largest single task's reference inputs (what a task waiting in a queue holds). */
  readonly taskInputBytes: number;
  /** Bytes set aside before running (compute's assembled result). */
  readonly reservedBytes: number;
}

/** A plan over budget. */
export class MemoryError extends ChunkwiseError {
  readonly plan: MemoryPlan;
  readonly budget: number;
  constructor(fn: string, message: string, plan: MemoryPlan, budget: number) {
    super(fn, message);
    this.plan = plan;
    this.budget = budget;
  }
}

/**
 * The default budget: 75% of the machine's memory as the host tells it (`schedule/host.ts`:
 * Node's `os.totalmem()`, else a browser's `navigator.deviceMemory`, else an assumed 2 GiB).
 * @example defaultMemoryBudget() // e.g. 25769803776 on a 32 GiB machine
 */
export function defaultMemoryBudget(): number {
  return Math.floor(hostMemory().bytes * 0.75);
}

/** Where the default budget comes from, for refusals under it. */
function defaultBudgetSource(): string {
  return `the default, 75% of ${hostMemory().source}`;
}

interface Estimate {
  bytes: number;
  shape: readonly number[] | undefined;
  item: number;
}

/** Options of {@link planMemory}. */
export interface PlanOptions {
  readonly concurrency: number;
  /** Of `concurrency`, the tasks that compute at once (default: all of them). */
  readonly computing?: number;
  readonly closures?: ReadonlyMap<string, Fn>;
  readonly reservedBytes?: number;
  /** False when results live outside this process (distributed scratch files). */
  readonly resultsInMemory?: boolean;
  /** Lower runs first: the scheduler's depth-first priorities. */
  readonly order: ReadonlyMap<string, number>;
  /** For each key, the tasks reading it. */
  readonly readers: ReadonlyMap<string, readonly string[]>;
}

/**
 * Estimates the peak memory of running `tasks` (culled and fused, as the scheduler runs them).
 * @example
 * ```ts
 * const plan = planMemory(tasks, { concurrency: 2, order, readers });
 * console.log(formatBytes(plan.peakBytes));
 * ```
 */
export function planMemory(tasks: ReadonlyMap<string, Task>, options: PlanOptions): MemoryPlan {
  const est = new Map<string, Estimate>();
  const peaks = new Map<string, number>();
  let largest = { key: "", bytes: 0, shape: undefined as readonly number[] | undefined };
  let largestInputs = 0;
  const taskPeaks: number[] = [];
  const ordered = [...tasks.keys()].sort((a, b) => options.order.get(a)! - options.order.get(b)!);
  for (const key of ordered) {
    const task = tasks.get(key)!;
    const { out, internal } = estimateTask(task, (k) => est.get(k) ?? { bytes: 0, shape: undefined, item: 8 }, options.closures);
    est.set(key, out);
    let inputs = 0;
    for (const d of new Set(taskDependencies(task))) inputs += est.get(d)?.bytes ?? 0;
    const peak = inputs + internal;
    peaks.set(key, internal);
    taskPeaks.push(peak);
    largestInputs = Math.max(largestInputs, inputs);
    if (peak > largest.bytes) largest = { key, bytes: peak, shape: out.shape ?? largestInputShape(task, est) };
  }
  const reserved = options.reservedBytes ?? 0;
  // More workers than tasks leave the extra workers idle: they hold nothing.
  const concurrency = Math.max(1, Math.min(options.concurrency, tasks.size));
  const computing = Math.max(1, Math.min(concurrency, options.computing ?? options.concurrency));
  const base = { taskPeakBytes: largest.bytes, largestTask: largest.key, largestShape: largest.shape, concurrency, computing, taskInputBytes: largestInputs, reservedBytes: reserved };
  if (options.resultsInMemory === false) return { ...base, heldPeakBytes: 0, peakBytes: reserved + largest.bytes };
  // Replay the order (one task at a time): a block is held from its end until its last reader ends.
  const left = new Map<string, number>();
  for (const [k, r] of options.readers) left.set(k, r.length);
  let live = 0;
  let held = 0;
  for (const key of ordered) {
    const task = tasks.get(key)!;
    held = Math.max(held, live + peaks.get(key)!);
    if (left.get(key)! > 0) live += est.get(key)!.bytes;
    for (const d of new Set(taskDependencies(task))) {
      const n = left.get(d)! - 1;
      left.set(d, n);
      if (n === 0) live -= est.get(d)!.bytes;
    }
  }
  const waiting = (concurrency - computing) * largestInputs;
  return { ...base, heldPeakBytes: held, peakBytes: reserved + held + othersRunning(taskPeaks, computing) + waiting };
}

/**
 * The bytes of the tasks running beside the one the replay counts: the next `computing - 1`
 * largest task peaks, not `computing - 1` copies of the largest (a run of four volumes and a
 * small PSF task on five workers runs four volumes at once, never five).
 */
function othersRunning(taskPeaks: number[], computing: number): number {
  const sorted = taskPeaks.sort((a, b) => b - a);
  let sum = 0;
  for (let i = 1; i < computing && i < sorted.length; i++) sum += sorted[i]!;
  return sum;
}

/**
 * Refuses a plan over `budget` with a message saying what to change (and, when `isDefault`,
 * where the default budget came from).
 * @throws {MemoryError} when `plan.peakBytes > budget`
 * @example checkMemoryPlan(plan, 8e9, "compute")
 */
export function checkMemoryPlan(plan: MemoryPlan, budget: number, fn = "compute", isDefault = false): void {
  if (!(plan.peakBytes > budget)) return;
  const queued = plan.concurrency - plan.computing;
  const parts = `${formatBytes(plan.reservedBytes)} result + ${formatBytes(plan.heldPeakBytes)} held + ${plan.computing - 1} more running task${plan.computing === 2 ? "" : "s"} of up to ${formatBytes(plan.taskPeakBytes)}${queued > 0 ? ` + ${queued} queued task${queued === 1 ? "" : "s"}' inputs of up to ${formatBytes(plan.taskInputBytes)}` : ""}`;
  const name = plan.largestTask.replace(/\[.*$/, "");
  const block = plan.largestTask.match(/\[(.*)\]$/)?.[1];
  let fix: string;
  if (plan.reservedBytes > budget / 2) {
    fix = `The result alone is ${formatBytes(plan.reservedBytes)}: write it with toZarr instead of compute, or compute a part of it`;
  } else if (plan.largestShape !== undefined && plan.largestShape.length > 0 && plan.taskPeakBytes * plan.computing >= plan.heldPeakBytes) {
    const axis = plan.largestShape.reduce((best, n, ax, s) => (n > s[best]! ? ax : best), 0);
    const n = plan.largestShape[axis]!;
    fix = `The largest task needs ${formatBytes(plan.taskPeakBytes)} for block (${block ?? ""}) of shape (${plan.largestShape.join(",")}) of '${name}'; rechunk axis ${axis} to ${Math.max(1, Math.ceil(n / 2))} to halve it, lower the executor's concurrency (${plan.computing} at once), or raise memoryBudget`;
  } else {
    fix = `${formatBytes(plan.heldPeakBytes)} of blocks wait for their readers at once; use smaller chunks, compute fewer arrays together, or raise memoryBudget`;
  }
  const which = isDefault ? ` (${defaultBudgetSource()})` : "";
  throw new MemoryError(fn, `the memory plan must fit memoryBudget=${formatBytes(budget)}${which}; got an estimated peak of ${formatBytes(plan.peakBytes)} (${parts}). ${fix}`, plan, budget);
}

function largestInputShape(task: Task, est: ReadonlyMap<string, Estimate>): readonly number[] | undefined {
  let best: Estimate | undefined;
  for (const d of taskDependencies(task)) {
    const e = est.get(d);
    if (e?.shape !== undefined && (best === undefined || e.bytes > best.bytes)) best = e;
  }
  return best?.shape;
}

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** The estimated result of `task` and its peak bytes beyond its reference inputs. */
function estimateTask(task: Task, dep: (key: string) => Estimate, closures?: ReadonlyMap<string, Fn>): { out: Estimate; internal: number } {
  const inputs: Estimate[] = [];
  let subOut = 0;
  let subExtra = 0;
  for (const a of task.args) {
    if ("ref" in a) inputs.push(dep(a.ref));
    else if ("task" in a) {
      const s = estimateTask(a.task, dep, closures);
      inputs.push(s.out);
      subOut += s.out.bytes;
      subExtra = Math.max(subExtra, s.internal - s.out.bytes);
    } else if ("value" in a) {
      const b = a.value as { shape?: unknown; dtype?: unknown };
      const bytes = valueBytes(a.value);
      subOut += bytes;
      inputs.push({ bytes, shape: Array.isArray(b?.shape) ? (b.shape as number[]) : undefined, item: isDataType(b?.dtype) ? itemSize(b.dtype) : 8 });
    }
  }
  const out = outputOf(task, inputs);
  return { out, internal: subOut + subExtra + out.bytes + workspaceOf(task, inputs, closures) };
}

/** The workspace `task`'s kernel declares for its params and inputs (0 when it declares none). */
function workspaceOf(task: Task, inputs: readonly Estimate[], closures?: ReadonlyMap<string, Fn>): number {
  const metaOf = (ref: Task["kernel"]): KernelMeta | undefined => kernelMetaOf(isClosureRef(ref) ? closures?.get(ref.closure) : registeredKernel(ref));
  const ws = metaOf(task.kernel)?.workspaceBytes;
  if (ws === undefined) return 0;
  const kernelArgs = task.args.flatMap((a) => ("fn" in a ? [metaOf(a.fn)] : []));
  const w = Number(ws(task.params ?? {}, inputs.map((i) => i.shape ?? []), inputs.map((i) => i.item), kernelArgs));
  return Number.isFinite(w) && w > 0 ? w : 0;
}

/** A task's declared outputs (`expect`), or, for a task that declares none, its largest input. */
function outputOf(task: Task, inputs: readonly Estimate[]): Estimate {
  const e = task.expect;
  if (e !== undefined) {
    const bytes = e.shapes.reduce((s, sh, k) => s + product(sh) * (isDataType(e.dtypes[k]) ? itemSize(e.dtypes[k]) : 8), 0);
    return { bytes, shape: e.shapes[0], item: isDataType(e.dtypes[0]) ? itemSize(e.dtypes[0]) : 8 };
  }
  const big = inputs.reduce<Estimate | undefined>((m, i) => (m === undefined || i.bytes > m.bytes ? i : m), undefined);
  return big ?? { bytes: 0, shape: undefined, item: 8 };
}
