/**
 * The worker side of `distributed()`: a BullMQ worker that pulls task jobs from a Redis queue,
 * reads the task's inputs from the shared scratch directory, checks every kernel against its
 * allow-list, evaluates the task on its own worker threads (so a long synchronous kernel never
 * stops the lock renewals BullMQ's stalled-job detection relies on), writes the result back to
 * scratch, and answers with the result's file name, or the value itself when small JSON.
 *
 * Before anything else a job's signature is checked against the worker's task key (see
 * `task-signing.ts`): a job not signed by a client holding the key is refused before any
 * scratch file is read, module imported or store touched. Then every kernel must pass the
 * allow-list (`kernel-allowlist.ts`) and every file or URL the task names the store rules
 * (`task-stores.ts`); imports and tasks are bounded in time, so a hung one frees its slot.
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
import { ValueError, show } from "../../core/errors.js";
import type { Task } from "../../graph/task.js";
import { TaskTimeoutError } from "../../schedule/faults.js";
import type { Executor } from "../../schedule/scheduler.js";
import { allowKernels, type KernelAllowlist } from "./kernel-allowlist.js";
import { DistributedError } from "./distributed-error.js";
import { parseRedis, probeRedis, redactText, type RedisConnection } from "./redis-connection.js";
import { decodeBlockBytes, decodeValue, encodeValue, scratchPath, type Encoded } from "./scratch.js";
import { requiredTaskKey, sha256Hex, signAnswer, verifyJob, type TaskKey } from "./task-signing.js";
import { checkTaskStores, storePolicy } from "./task-stores.js";
import { serializeError, type WireError } from "../thread-wire.js";
import { threads } from "../threads/threads.js";
import { installNodeHost } from "../node-host.js";
import { logQuoted, logSafe } from "./log-text.js";

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
  /** SHA-256 (hex) of the task's scratch file, when the task travels as one: the signature covers it through this. */
  readonly taskSha256?: string;
  /** True when the client listens for notes: the kernel gets `ctx.note`, and the answer carries its notes (signed with it). */
  readonly notes?: true;
  /** HMAC-SHA256 (hex) of the rest, bound to the queue and job id (see `signJob`); absent from clients without a key. */
  readonly sig?: string;
}

/** A worker's answer to a job; `sig` signs it with the task key (see `signAnswer`), absent from `--insecure` workers. */
export type JobReply = (
  | { readonly ok: true; readonly result: Encoded; /** The kernel's notes (`ctx.note`), JSON, in the order sent; absent when none. */ readonly notes?: readonly unknown[] }
  | { readonly ok: false; readonly error: WireError }
  | { readonly ok: false; readonly aborted: true }
) & { readonly sig?: string };

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** The Redis server, e.g. "redis://127.0.0.1:6379" or "rediss://user:password@host:6380". */
  connection: RedisConnection;
  /** Kernel modules this worker may import (paths; relative to `cwd`). chunkwise's own kernel modules are always allowed. */
  kernels?: readonly string[];
  /** Tasks at once (and worker threads); default `os.availableParallelism()`. */
  concurrency?: number;
  /** The shared scratch root; default `<os.tmpdir()>/chunkwise-scratch`. Must be the directory clients use (it may be mounted elsewhere). */
  scratchDir?: string;
  /** Queue name; default "chunkwise". */
  queue?: string;
  /** A job whose worker sent no sign of life for this long is re-run elsewhere (BullMQ's lock duration); default 30000. */
  staleMs?: number;
  /**
   * The secret every task must be signed with (the clients' `taskKey`, at least 32 bytes).
   * Required unless `insecure` is set.
   */
  taskKey?: TaskKey;
  /** Run tasks without checking signatures: anyone who can write to the queue can then make this worker run chunkwise kernels on files it can reach. Never with `taskKey`. */
  insecure?: boolean;
  /** If given, stores and files a task names must lie inside one of these directories, and URL stores under one of these `http(s)://` prefixes. */
  stores?: readonly string[];
  /** A task's kernel modules must finish importing within this; default 60000 ms (0: no bound). */
  importTimeoutMs?: number;
  /** A task must finish within this, or its thread is stopped and the task fails; default 3600000 ms (one hour; 0: no bound). */
  taskTimeoutMs?: number;
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
 * @throws {ValueError} for bad options, no task key (without `insecure`), or kernel modules that do not import
 * @example
 * ```ts
 * import { startWorker } from "chunkwise/distributed";
 * const worker = await startWorker({ connection: "redis://127.0.0.1:6379", taskKey: readFileSync("/etc/chunkwise/task.key"), kernels: ["./my-kernels.js"] });
 * process.on("SIGTERM", () => void worker.close());
 * ```
 */
export async function startWorker(options: WorkerOptions): Promise<ChunkwiseWorker> {
  // Literal-source tasks run on this thread; the rest in thread workers, which install their own.
  installNodeHost();
  const parsed = parseRedis("worker", options.connection);
  const settings = workerSettings(options);
  const { concurrency, staleMs, key, root, importMs, runMs } = settings;
  const log = (line: string): void => (options.log ?? ((l) => process.stderr.write(`${l}\n`)))(redactText(line, parsed.secrets));
  await fs.mkdir(root, { recursive: true });
  const allow = await allowKernels(options.kernels ?? [], { cwd: settings.cwd, importTimeoutMs: importMs });
  await probeRedis("worker", parsed);
  const pool = threads({ workers: concurrency, faultRetries: 0, timeouts: { importMs, runMs } });
  const queueName = options.queue ?? "chunkwise";
  const runner = new JobRunner({ ...settings, allow, pool, log, verbose: options.verbose === true });
  const worker = new Worker<JobData, JobReply>(queueName, (job) => runner.answer(job), {
    connection: { ...parsed.options, maxRetriesPerRequest: null },
    concurrency,
    lockDuration: staleMs,
    stalledInterval: Math.max(100, Math.floor(staleMs / 2)),
    maxStalledCount: 1,
    name: `chunkwise-${hostname()}-${process.pid}`,
  });
  runner.redis = async () => (await worker.client) as unknown as Redis;
  worker.on("error", (e) => log(`chunkwise worker: ${e.message}`));
  worker.on("stalled", (id) => log(`chunkwise worker: job ${logQuoted(id)} stalled (its worker stopped renewing the lock); it runs again`));
  await worker.waitUntilReady();
  if (key === undefined) log("chunkwise worker: WARNING: --insecure: tasks are not checked for a signature; anyone who can write to this Redis queue can make this worker read and write files. Give it a task key (--task-key-file) instead");
  log(`chunkwise worker: pid ${process.pid} listening on ${parsed.redacted} queue '${queueName}' with ${concurrency} slot${concurrency === 1 ? "" : "s"}; scratch ${root}; kernels: ${allow.modules.length === 0 ? "chunkwise's own only" : allow.modules.join(", ")}; tasks ${key === undefined ? "NOT signed (--insecure)" : "signed"}`);
  return {
    redis: parsed.redacted,
    async close() {
      await worker.close();
      await pool.close();
    },
  };
}

/** The options of {@link startWorker}, checked, with their defaults. */
interface WorkerSettings {
  readonly concurrency: number;
  readonly staleMs: number;
  readonly importMs: number;
  readonly runMs: number;
  /** The task key as bytes; undefined only with `insecure`. */
  readonly key: Buffer | undefined;
  readonly cwd: string;
  /** The scratch root, absolute. */
  readonly root: string;
  readonly policy: ReturnType<typeof storePolicy> | undefined;
}

function workerSettings(options: WorkerOptions): WorkerSettings {
  const concurrency = options.concurrency ?? Math.max(1, availableParallelism());
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValueError("worker", `concurrency must be a positive integer; got ${show(options.concurrency)}. Pass e.g. --concurrency 2`);
  }
  const staleMs = options.staleMs ?? 30_000;
  if (!Number.isFinite(staleMs) || staleMs < 200) throw new ValueError("worker", `staleMs must be at least 200; got ${show(options.staleMs)}. Pass e.g. 30000`);
  const importMs = bound("importTimeoutMs", options.importTimeoutMs, 60_000);
  const runMs = bound("taskTimeoutMs", options.taskTimeoutMs, 3_600_000);
  const key = requiredTaskKey("worker", options);
  const cwd = options.cwd ?? process.cwd();
  const root = nodePath.resolve(cwd, options.scratchDir ?? defaultScratchDir());
  const policy = options.stores === undefined ? undefined : storePolicy(options.stores, cwd);
  return { concurrency, staleMs, importMs, runMs, key, cwd, root, policy };
}

/** What a {@link JobRunner} works with. */
interface RunnerParts extends WorkerSettings {
  readonly allow: KernelAllowlist;
  readonly pool: Executor;
  readonly log: (line: string) => void;
  readonly verbose: boolean;
}

/** Turns one job into its answer: checks, inputs, the run on the thread pool, the result file, the log. */
class JobRunner {
  /** The worker's Redis client, for the abort keys (set once the BullMQ worker exists). */
  redis: (() => Promise<Redis>) | undefined;

  constructor(private readonly p: RunnerParts) {}

  // Only a job signed with the key gets a signed answer: a refusal of a forged job signed here
  // would be taken by the client as the answer to its own job of that id.
  async answer(job: Job<JobData>): Promise<JobReply> {
    const { key } = this.p;
    const genuine = key !== undefined && verifyJob(key, { queue: job.queueName, jobId: String(job.id) }, job.data);
    const reply = await this.process(job);
    return !genuine ? reply : { ...reply, sig: signAnswer(key, { queue: job.queueName, jobId: String(job.id) }, reply) };
  }

  private async process(job: Job<JobData>): Promise<JobReply> {
    const t0 = performance.now();
    try {
      const { data, task: named } = await this.trustedTask(job);
      const task = await this.p.allow.check(named);
      await checkTaskStores(task, this.p.policy);
      const inputs = new Map<string, unknown>();
      for (const [k, e] of data.inputs) inputs.set(k, await decodeValue(e, this.p.root, data.run, true));
      // Checked last, just before the kernel starts: a job the client aborted meanwhile never starts.
      if (typeof data.abortKey === "string" && (await (await this.redis!()).exists(data.abortKey)) === 1) return { ok: false, aborted: true };
      const notes: unknown[] = [];
      const result = await this.run(task, inputs, scratchPath(this.p.root, data.run), data.notes === true ? notes : undefined);
      if (this.p.verbose) this.p.log(`chunkwise worker: task ${logQuoted(task.key)} done in ${(performance.now() - t0).toFixed(1)} ms`);
      return { ok: true, result, ...(notes.length === 0 ? {} : { notes }) };
    } catch (e) {
      this.logFailure(job, e);
      return { ok: false, error: withoutStacks(serializeError(e)) };
    }
  }

  /** The task, once the job is known to come from a key holder; nothing is read or parsed before. */
  private async trustedTask(job: Job<JobData>): Promise<{ data: JobData; task: Task }> {
    const { key, root } = this.p;
    if (key !== undefined && !verifyJob(key, { queue: job.queueName, jobId: String(job.id) }, job.data)) {
      const got = typeof (job.data as { sig?: unknown } | undefined)?.sig === "string" ? "a signature that does not match" : "no signature";
      throw new DistributedError("worker", `a job must be signed with this worker's task key; got ${got}. The job is refused with nothing read or run: give the client the same key (distributed({ taskKey }), --task-key-file or CHUNKWISE_TASK_KEY)`, { kind: "refused" });
    }
    const data = job.data;
    if (data?.v !== 1 || typeof data.run !== "string" || !Array.isArray(data.inputs) || data.task === null || typeof data.task !== "object") {
      throw new DistributedError("worker", `a job must come from a chunkwise client of this version; got ${show(data)}. Upgrade the client and workers together`, { kind: "refused" });
    }
    if (!("file" in data.task)) return { data, task: (await decodeValue(data.task, root, data.run)) as Task };
    const file = scratchPath(root, data.run, data.task.file);
    const bytes = await fs.readFile(file);
    if (key !== undefined && sha256Hex(bytes) !== data.taskSha256) {
      throw new DistributedError("worker", `the task file ${data.task.file} must be the one the client signed; got other contents. The job is refused: check who else writes to the scratch directory`, { kind: "refused" });
    }
    return { data, task: decodeBlockBytes(bytes, file) as Task };
  }

  /** Runs the checked task on the thread pool and writes its result into the run's scratch folder. */
  private async run(task: Task, inputs: ReadonlyMap<string, unknown>, dir: string, notes: unknown[] | undefined): Promise<Encoded> {
    // The pool's workers check each note (noteSink) before it reaches `notes`.
    const info = { lastUse: new Set(inputs.keys()), ...(notes === undefined ? {} : { note: (n: unknown) => void notes.push(n) }) };
    const value = await this.p.pool.run(task, (k) => inputs.get(k), new Map(), undefined, info).catch((e: unknown) => {
      throw e instanceof TaskTimeoutError ? new DistributedError("worker", e.message.replace(/^threads: /, ""), { kind: "timeout", cause: e }) : e;
    });
    await fs.mkdir(dir, { recursive: true });
    return encodeValue(value, dir, task.key);
  }

  private logFailure(job: Job<JobData>, e: unknown): void {
    const { log, verbose } = this.p;
    const loud = e instanceof DistributedError && (e.kind === "refused" || e.kind === "timeout");
    const what = !loud ? "failed" : (e as DistributedError).kind === "refused" ? "refused" : "timed out:";
    if (loud || verbose) log(`chunkwise worker: ${what} job ${logQuoted(job.id)} (${logQuoted(job.name, 80)}): ${logSafe(e instanceof Error ? e.message : String(e), 2000)}`);
    // Only the frames, each on its own line: the message above may hold queue-provided text.
    if (verbose && e instanceof Error) for (const frame of (e.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l))) log(`  ${logSafe(frame.trim(), 400)}`);
  }
}

/**
 * An error as it travels back through Redis: class, message and fields, never a stack (which
 * would tell anyone reading the queue the worker's paths and code; `--verbose` logs it locally).
 */
function withoutStacks(e: WireError): WireError {
  const { stack: _stack, cause, ...rest } = e;
  if (cause === undefined) return rest;
  return { ...rest, cause: "value" in cause ? cause : withoutStacks(cause) };
}

/** A timeout option: a non-negative number of ms (0: no bound). */
function bound(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v < 0) throw new ValueError("worker", `${name} must be a number of ms >= 0 (0: no bound); got ${show(v)}. Pass e.g. ${fallback}`);
  return v;
}

