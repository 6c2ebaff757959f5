/**
 * The worker side of `distributed()`: a BullMQ worker that pulls task jobs from a Redis queue,
 * reads the task's inputs from the shared scratch directory, checks every kernel against its
 * allow-list, evaluates the task on its own worker threads (so a long synchronous kernel never
 * stops the lock renewals BullMQ's stalled-job detection relies on), writes the result back to
 * scratch, and answers with the result's file name, or the value itself when small JSON.
 *
 * A kernel's error is an answer, not a failed job: it travels flattened (name, message, stack,
 * fields, cause chain) so the client retries or reports it exactly as the threads executor
 * would. A job fails in BullMQ's sense only when its worker dies (then the job stalls, another
 * worker re-runs it).
 * @module
 */
import { hostname, availableParallelism, tmpdir } from "node:os";
import * as fs from "node:fs/promises";
import * as nodePath from "node:path";
import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { ValueError, show } from "../core/errors.js";
import type { Task } from "../graph/task.js";
import { allowKernels } from "./kernel-allowlist.js";
import { DistributedError, parseRedis, probeRedis, redactText, type RedisConnection } from "./redis-connection.js";
import { decodeValue, encodeValue, scratchPath, type Encoded } from "./scratch.js";
import { serializeError, type WireError } from "./thread-wire.js";
import { threads } from "./threads.js";

/** The data of one task job: only keys, file names and small JSON, never block bytes. */
export interface JobData {
  readonly v: 1;
  /** The client's scratch run directory, a plain name inside the scratch root. */
  readonly run: string;
  /** The task (its literal blocks, if any, in a scratch file). */
  readonly task: Encoded;
  /** The value of every key the task references. */
  readonly inputs: readonly (readonly [string, Encoded])[];
  /** A Redis key the client sets when the job's signal aborts: a job not yet started then never starts. */
  readonly abortKey?: string;
}

/** A worker's answer to a job. */
export type JobReply =
  | { readonly ok: true; readonly result: Encoded }
  | { readonly ok: false; readonly error: WireError }
  | { readonly ok: false; readonly aborted: true };

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** The Redis server, e.g. "redis://127.0.0.1:6379" or "rediss://user:password@host:6380". */
  connection: RedisConnection;
  /** Kernel modules this worker may import (paths; relative to `cwd`). chunkwise's own are always allowed. */
  kernels?: readonly string[];
  /** Tasks at once (and worker threads); default `os.availableParallelism()`. */
  concurrency?: number;
  /** The shared scratch root; default `<os.tmpdir()>/chunkwise-scratch`. Must be the directory clients use (it may be mounted elsewhere). */
  scratchDir?: string;
  /** Queue name; default "chunkwise". */
  queue?: string;
  /** A job whose worker sent no sign of life for this long is re-run elsewhere (BullMQ's lock duration); default 30000. */
  staleMs?: number;
  /** If given, zarr stores a task names must lie inside one of these directories. */
  stores?: readonly string[];
  /** Where log lines go (passwords already masked); default stderr. */
  log?: (line: string) => void;
  /** Log every task, not only refusals and errors. */
  verbose?: boolean;
  /** Resolves `kernels` and `stores`; default `process.cwd()`. */
  cwd?: string;
}

/** A running worker. */
export interface ChunkwiseWorker {
  /** The Redis URL with its password masked. */
  readonly redis: string;
  /** Stops taking jobs, waits for running ones, closes connections and threads. */
  close(): Promise<void>;
}

/** The default scratch root shared by clients and workers on one machine. */
export function defaultScratchDir(): string {
  return nodePath.join(tmpdir(), "chunkwise-scratch");
}

/**
 * Starts a worker pulling chunkwise task jobs; `chunkwise worker` is this plus a command line.
 * @throws {DistributedError} (kind "unreachable") when Redis cannot be reached within a few seconds
 * @throws {ValueError} for bad options or kernel modules that do not import
 * @example
 * ```ts
 * import { startWorker } from "chunkwise/distributed";
 * const worker = await startWorker({ connection: "redis://127.0.0.1:6379", kernels: ["./my-kernels.js"] });
 * process.on("SIGTERM", () => void worker.close());
 * ```
 */
export async function startWorker(options: WorkerOptions): Promise<ChunkwiseWorker> {
  const parsed = parseRedis("worker", options.connection);
  const concurrency = options.concurrency ?? Math.max(1, availableParallelism());
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValueError("worker", `concurrency must be a positive integer; got ${show(options.concurrency)}. Pass e.g. --concurrency 2`);
  }
  const staleMs = options.staleMs ?? 30_000;
  if (!Number.isFinite(staleMs) || staleMs < 200) throw new ValueError("worker", `staleMs must be at least 200; got ${show(options.staleMs)}. Pass e.g. 30000`);
  const cwd = options.cwd ?? process.cwd();
  const root = nodePath.resolve(cwd, options.scratchDir ?? defaultScratchDir());
  const stores = options.stores?.map((s) => nodePath.resolve(cwd, s));
  const log = (line: string): void => (options.log ?? ((l) => process.stderr.write(`${l}\n`)))(redactText(line, parsed.secrets));
  await fs.mkdir(root, { recursive: true });
  const allow = await allowKernels(options.kernels ?? [], cwd);
  await probeRedis("worker", parsed);
  const pool = threads({ workers: concurrency, faultRetries: 0 });

  const processJob = async (job: Job<JobData>): Promise<JobReply> => {
    const t0 = performance.now();
    try {
      const data = job.data;
      if (data?.v !== 1 || typeof data.run !== "string" || !Array.isArray(data.inputs)) {
        throw new DistributedError("worker", `a job must come from a chunkwise client of this version; got ${show(data)}. Upgrade the client and workers together`, { kind: "refused" });
      }
      const dir = scratchPath(root, data.run);
      const task = await allow.check((await decodeValue(data.task, root, data.run)) as Task);
      if (stores !== undefined) checkStores(task, stores);
      const inputs = new Map<string, unknown>();
      for (const [k, e] of data.inputs) inputs.set(k, await decodeValue(e, root, data.run, true));
      // Checked last, just before the kernel starts: a job the client aborted meanwhile never starts.
      if (typeof data.abortKey === "string" && (await ((await worker.client) as unknown as Redis).exists(data.abortKey)) === 1) return { ok: false, aborted: true };
      const value = await pool.run(task, (k) => inputs.get(k), new Map(), undefined, { lastUse: new Set(inputs.keys()) });
      await fs.mkdir(dir, { recursive: true });
      const result = await encodeValue(value, dir, task.key);
      if (options.verbose) log(`chunkwise worker: task '${task.key}' done in ${(performance.now() - t0).toFixed(1)} ms`);
      return { ok: true, result };
    } catch (e) {
      const refused = e instanceof DistributedError && e.kind === "refused";
      if (refused || options.verbose) log(`chunkwise worker: ${refused ? "refused" : "failed"} job ${job.id} (${job.name}): ${e instanceof Error ? e.message : String(e)}`);
      return { ok: false, error: serializeError(e) };
    }
  };

  const worker = new Worker<JobData, JobReply>(options.queue ?? "chunkwise", processJob, {
    connection: { ...parsed.options, maxRetriesPerRequest: null },
    concurrency,
    lockDuration: staleMs,
    stalledInterval: Math.max(100, Math.floor(staleMs / 2)),
    maxStalledCount: 1,
    name: `chunkwise-${hostname()}-${process.pid}`,
  });
  worker.on("error", (e) => log(`chunkwise worker: ${e.message}`));
  worker.on("stalled", (id) => log(`chunkwise worker: job ${id} stalled (its worker stopped renewing the lock); it runs again`));
  await worker.waitUntilReady();
  log(`chunkwise worker: pid ${process.pid} listening on ${parsed.redacted} queue '${options.queue ?? "chunkwise"}' with ${concurrency} slot${concurrency === 1 ? "" : "s"}; scratch ${root}; kernels: ${allow.modules.length === 0 ? "chunkwise's own only" : allow.modules.join(", ")}`);
  return {
    redis: parsed.redacted,
    async close() {
      await worker.close();
      await pool.close();
    },
  };
}

/** Refuses a task whose zarr store (a `{ fs }` in its params) lies outside the allowed directories. */
function checkStores(task: Task, roots: readonly string[]): void {
  const visit = (v: unknown, depth: number): void => {
    if (v === null || typeof v !== "object" || depth > 8) return;
    const fsPath = (v as { fs?: unknown }).fs;
    if (typeof fsPath === "string") {
      const p = nodePath.resolve(fsPath);
      if (!roots.some((r) => p === r || p.startsWith(r + nodePath.sep))) {
        throw new DistributedError("worker", `stores must lie inside the directories this worker was started with (--stores); got ${JSON.stringify(p)} in task '${task.key}'. Start the worker with --stores pointing at it`, { kind: "refused" });
      }
    }
    for (const x of Object.values(v as object)) visit(x, depth + 1);
  };
  const walk = (t: Task): void => {
    visit(t.params, 0);
    for (const a of t.args) {
      if ("task" in a) walk(a.task);
      else if ("value" in a) visit(a.value, 0);
    }
  };
  walk(task);
}
