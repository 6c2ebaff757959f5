/**
 * The distributed executor on BullMQ and Redis: the scheduling loop stays in this process and
 * hands every ready task to a queue as a job; `chunkwise worker` processes on any machine pull
 * jobs, run them and answer. Block bytes never pass through Redis: inputs and results live as
 * files in a scratch directory both sides reach (see `scratch.ts`), and a job carries only the
 * task, keys and file names. A result stays in scratch until its last reader has finished;
 * only results the caller asked for are read back into this process. Tasks reading a zarr
 * store read it themselves on the worker.
 *
 * A worker that dies mid-task (killed, out of memory, machine lost) stops renewing its job's
 * lock; another worker's stalled-job check puts the job back and it runs again, so the job
 * completes with the same bytes as a fault-free run. Killed Redis connections reconnect; jobs
 * Redis itself lost run again; see `distributed-answers.ts`.
 * @module
 */
import { randomBytes, randomUUID } from "node:crypto";
import * as fs from "node:fs/promises";
import * as nodePath from "node:path";
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { ValueError, show } from "../../core/errors.js";
import { isLiteralSource } from "../../graph/block-kernels.js";
import { taskDependencies, type Task } from "../../graph/task.js";
import { answerNotes, watchAnswers, type Answer, type Answers } from "./distributed-answers.js";
import { evaluateTask } from "../../schedule/evaluate.js";
import { noteSink } from "../../schedule/notes.js";
import { WorkerLostError } from "../../schedule/faults.js";
import { refusePoolInWorker } from "../../schedule/worker-guard.js";
import { DistributedError } from "./distributed-error.js";
import { lastingConnection, parseRedis, probeRedis, redactText, type Link, type ParsedRedis, type RedisConnection } from "./redis-connection.js";
import type { Executor, RunInfo } from "../../schedule/scheduler.js";
import { encodeValue, joinValue, readBlockFile, type Encoded } from "./scratch.js";
import { RunFiles, type FileEntry } from "./run-files.js";
import { requiredTaskKey, sha256Hex, signJob, verifyAnswer, type TaskKey } from "./task-signing.js";
import { reviveError } from "../thread-wire.js";
import { defaultScratchDir, type JobData } from "./distributed-worker.js";

/** Options of {@link distributed}. */
export interface DistributedOptions {
  /** The Redis server: "redis://host:port", "rediss://user:password@host:port/db" (TLS), or `{ url, tls: { ca, cert, key } }` (see `RedisTls`). */
  connection: RedisConnection;
  /** Queue name, the same as the workers' `--queue`; default "chunkwise". */
  queue?: string;
  /** Tasks in flight at once; default 8. Set it to about the total worker slots (a little more hides latency). */
  concurrency?: number;
  /** A task not answered this long after it was queued fails the job (0: no limit, the default). */
  timeoutMs?: number;
  /** Fail when no worker has listened on the queue for this long while tasks wait; default 60000 (0: wait forever). */
  staleMs?: number;
  /** The scratch root shared with the workers (their `--scratch`); default `<os.tmpdir()>/chunkwise-scratch`. */
  scratchDir?: string;
  /** Extra attempts for a task whose worker died; default 2. */
  faultRetries?: number;
  /** How long to wait for Redis to answer when connecting; default 3000 ms. */
  connectTimeoutMs?: number;
  /**
   * The secret the workers were started with (their `--task-key-file`; at least 32 bytes, e.g.
   * `readFileSync("task.key")`): every task is signed with it, and workers run nothing else.
   * Required unless `insecure` is set.
   */
  taskKey?: TaskKey;
  /** Send tasks unsigned, for workers started with `--insecure` only. Never with `taskKey`. */
  insecure?: boolean;
}

/** An {@link Executor} backed by a Redis queue; `close()` ends its connections and removes its scratch files. */
export interface DistributedExecutor extends Executor {
  /** The Redis URL with its password masked. */
  readonly redis: string;
  close(): Promise<void>;
}

type Connected = { queue: Queue; events: QueueEvents; answers: Answers; link: Link };

/**
 * An executor running tasks on `chunkwise worker` processes through a BullMQ queue on Redis.
 * Kernels must be named with `defineKernel` and their modules given to the workers with
 * `--kernels`. Every task is signed with `taskKey`, the secret the workers hold. Connects on
 * the first task; call `close()` when done.
 * @param options - see {@link DistributedOptions}
 * @throws {ValueError} for a bad URL or option, no `taskKey` (without `insecure`), or when called inside a chunkwise worker
 * @throws {DistributedError} (from compute) when Redis is unreachable or no worker listens
 * @example
 * ```ts
 * import { distributed } from "chunkwise/distributed";
 * // elsewhere: chunkwise worker --redis redis://10.0.0.5:6379 --task-key-file task.key --kernels ./kernels.js --scratch /mnt/shared/scratch
 * const executor = distributed({ connection: "redis://10.0.0.5:6379", taskKey: readFileSync("task.key"), scratchDir: "/mnt/shared/scratch" });
 * try {
 *   await toZarr(deconvolved, "/mnt/shared/out.zarr", { executor });
 * } finally {
 *   await executor.close();
 * }
 * ```
 */
export function distributed(options: DistributedOptions): DistributedExecutor {
  refusePoolInWorker("distributed");
  const parsed = parseRedis("distributed", options.connection);
  checkNumbers(options);
  const client = new DistributedClient(options, parsed, requiredTaskKey("distributed", options));
  return {
    name: `distributed(${client.queueName})`,
    concurrency: options.concurrency ?? 8,
    acceptsClosures: false,
    faultRetries: options.faultRetries ?? 2,
    resultsInMemory: false,
    redis: parsed.redacted,
    run: (task, lookup, closures, signal, info) => client.run(task, lookup, closures, signal, info),
    close: () => client.close(),
  };
}

/** Refuses a count or duration option out of its range. */
function checkNumbers(options: DistributedOptions): void {
  const positive = (name: string, v: number | undefined, min: number): void => {
    if (v !== undefined && (!Number.isFinite(v) || v < min || (name === "concurrency" && !Number.isInteger(v)))) {
      throw new ValueError("distributed", `${name} must be ${name === "concurrency" ? "a positive integer" : `a number >= ${min}`}; got ${show(v)}. See DistributedOptions`);
    }
  };
  positive("concurrency", options.concurrency ?? 8, 1);
  positive("timeoutMs", options.timeoutMs, 0);
  positive("staleMs", options.staleMs, 0);
  positive("faultRetries", options.faultRetries, 0);
}

/** A job's answer as it is awaited: `added()` once the job is in Redis, `forget()` to stop waiting. */
type Pending = { answer: Promise<Answer>; added(): void; forget(): void };

/** One client's connection, scratch run directory and job ids; runs tasks as jobs. */
class DistributedClient {
  readonly queueName: string;
  /** This client's run: the name of its scratch folder and the prefix of its job ids. */
  private readonly runId = randomBytes(8).toString("hex");
  private readonly dir: string;
  private readonly files: RunFiles;
  /** One Redis key per aborted signal: workers check it before starting a job. */
  private readonly abortKeys = new WeakMap<AbortSignal, string>();
  private counter = 0;
  private closed = false;
  private conn: Promise<Connected> | undefined;

  constructor(
    private readonly options: DistributedOptions,
    private readonly parsed: ParsedRedis,
    private readonly key: Buffer | undefined,
  ) {
    this.queueName = options.queue ?? "chunkwise";
    this.dir = nodePath.join(nodePath.resolve(options.scratchDir ?? defaultScratchDir()), this.runId);
    this.files = new RunFiles(this.dir);
  }

  async run(...[task, lookup, closures, signal, info]: Parameters<Executor["run"]>): Promise<unknown> {
    // A source block embedded in the graph: nothing to compute here.
    if (isLiteralSource(task)) return evaluateTask(task, lookup, closures, signal, undefined, info?.note && noteSink(info.note));
    const connected = await this.ready();
    signal?.throwIfAborted();
    const held: FileEntry[] = [];
    const last: FileEntry[] = [];
    let taskFile: string | undefined;
    try {
      const inputs = await this.encodeInputs(task, lookup, info, held, last);
      const encodedTask = await encodeValue(task, this.dir, `${task.key}-task`);
      if ("file" in encodedTask) taskFile = encodedTask.file;
      // A random part makes the id unguessable: no one can add a job of theirs under it first.
      const id = `${this.runId}-${++this.counter}-${randomUUID()}`;
      const data = await this.jobData(connected.queue, id, encodedTask, inputs, signal, info?.note !== undefined);
      const reply = await this.send(connected, task, id, data, signal);
      return await this.resultOf(task, reply, signal, info);
    } finally {
      await this.files.release(held, last);
      if (taskFile !== undefined) await fs.rm(nodePath.join(this.dir, taskFile), { force: true });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.conn;
    this.conn = undefined;
    if (c !== undefined) {
      const connected = await c.catch(() => undefined);
      if (connected !== undefined) {
        connected.answers.stop();
        await connected.link.closeWithin(Promise.all([connected.queue.close(), connected.events.close()]), 1000);
      }
    }
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  private ready(): Promise<Connected> {
    if (this.closed) throw new ValueError("distributed", `the executor must be open to run tasks; got one after close(). Create a new distributed() executor`);
    const conn = (this.conn ??= this.connect());
    conn.catch(() => (this.conn = undefined));
    return conn;
  }

  private async connect(): Promise<Connected> {
    const { options, parsed, queueName, key } = this;
    await probeRedis("distributed", parsed, options.connectTimeoutMs ?? 3000);
    await fs.mkdir(this.dir, { recursive: true });
    const link = lastingConnection(parsed);
    const connection = link.client;
    const queue = new Queue(queueName, { connection });
    queue.on("error", () => undefined);
    // Start reading events from the stream's current end, so no answer is missed.
    const client = (await queue.client) as unknown as Redis;
    const last = await client.xrevrange(queue.keys.events!, "+", "-", "COUNT", 1);
    const events = new QueueEvents(queueName, { connection, lastEventId: last[0]?.[0] ?? "0-0" });
    events.on("error", () => undefined);
    const trusted = key === undefined ? undefined : (jobId: string, answer: unknown): boolean => verifyAnswer(key, { queue: queueName, jobId }, answer);
    const answers = watchAnswers({ queue, events, queueName, redis: parsed.redacted, staleMs: options.staleMs ?? 60_000, ...(trusted === undefined ? {} : { trusted }) });
    await events.waitUntilReady();
    return { queue, events, answers, link };
  }

  /** Every key the task reads, as it travels; files read for the last time go onto `last`. */
  private async encodeInputs(task: Task, lookup: (key: string) => unknown, info: RunInfo | undefined, held: FileEntry[], last: FileEntry[]): Promise<[string, Encoded][]> {
    const inputs: [string, Encoded][] = [];
    for (const key of new Set(taskDependencies(task))) {
      const before = held.length;
      inputs.push([key, await this.files.encodeInput(lookup(key), key, held)]);
      if (info?.lastUse.has(key) && held.length > before) last.push(held[held.length - 1]!);
    }
    return inputs;
  }

  /** The job's data, signed with the task key when there is one. */
  private async jobData(queue: Queue, id: string, encodedTask: Encoded, inputs: JobData["inputs"], signal: AbortSignal | undefined, notes: boolean): Promise<JobData> {
    const { key } = this;
    const abortKey = this.abortKeyOf(signal, queue);
    // A task kept in a file is signed through its hash (a worker checks it before parsing).
    const taskSha256 = !("file" in encodedTask) || key === undefined ? undefined : sha256Hex(await fs.readFile(nodePath.join(this.dir, encodedTask.file)));
    const unsigned: JobData = { v: 1, run: this.runId, task: encodedTask, inputs, ...(abortKey === undefined ? {} : { abortKey }), ...(taskSha256 === undefined ? {} : { taskSha256 }), ...(notes ? { notes: true } : {}) };
    return key === undefined ? unsigned : { ...unsigned, sig: signJob(key, { queue: this.queueName, jobId: id }, unsigned) };
  }

  private abortKeyOf(signal: AbortSignal | undefined, queue: Queue): string | undefined {
    if (signal === undefined) return undefined;
    let key = this.abortKeys.get(signal);
    if (key === undefined) {
      const k = (key = `chunkwise:abort:${this.runId}:${++this.counter}`);
      this.abortKeys.set(signal, k);
      signal.addEventListener("abort", () => void queue.client.then((c) => (c as unknown as Redis).set(k, "1", "PX", 3_600_000)).catch(() => undefined), { once: true });
    }
    return key;
  }

  /** Adds the job and waits for its answer. */
  private async send(connected: Connected, task: Task, id: string, data: JobData, signal: AbortSignal | undefined): Promise<Answer> {
    const { queue } = connected;
    const { answer, added, forget } = this.answerOf(connected, id, signal);
    // With Redis unreachable the add waits for a reconnection; the watchdog's answer ends the wait.
    const adding = queue.add(task.key.slice(0, 200), data, { jobId: id, removeOnComplete: true, removeOnFail: true, attempts: 1 }).then(async () => {
      await ownJob(queue, id, data);
      added();
    });
    adding.catch(() => undefined);
    await Promise.race([adding, answer]).catch((e: unknown) => {
      forget();
      throw e;
    });
    return answer;
  }

  // A job still waiting when the signal aborts is removed and never runs; one a worker holds runs to its end.
  private answerOf({ queue, answers }: Connected, id: string, signal: AbortSignal | undefined): Pending {
    const { timeoutMs } = this.options;
    const w = answers.wait(id);
    const onAbort = (): void => void queue.remove(id).then((removed) => removed === 1 && w.settle({ ok: false, aborted: true }), () => undefined);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = timeoutMs
      ? setTimeout(() => {
          void queue.remove(id).catch(() => undefined);
          w.settle({ ok: false, error: { name: "DistributedError", message: `distributed: task must be answered within timeoutMs=${timeoutMs}; got no answer. Check the workers (chunkwise worker --verbose) or raise timeoutMs`, fields: { kind: "timeout" } } });
        }, timeoutMs)
      : undefined;
    const answer = w.answer.finally(() => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    });
    return { answer, added: w.added, forget: () => void w.settle({ ok: false, aborted: true }) };
  }

  /** The task's value from its answer: read back when the caller asked for it, else a handle to its file. */
  private async resultOf(task: Task, reply: Answer, signal: AbortSignal | undefined, info: RunInfo | undefined): Promise<unknown> {
    if ("lost" in reply) {
      const what = reply.vanished === true ? `the job of task '${task.key}' must stay in Redis until a worker answers` : `the worker running task '${task.key}' must stay alive`;
      throw new WorkerLostError("distributed", `${what}; got ${redactText(reply.lost, this.parsed.secrets)}. The task runs again`, { executor: `distributed(${this.queueName})` });
    }
    if (!reply.ok && "aborted" in reply) throw signal?.reason ?? new DOMException("This operation was aborted", "AbortError");
    if (!reply.ok) throw revive(reply.error);
    // Checked before the result is used: an answer with bad notes is refused whole.
    const notes = answerNotes(task, reply.notes);
    const value = await this.valueOf(reply.result, info);
    if (info?.note !== undefined) for (const n of notes) info.note(n);
    return value;
  }

  private async valueOf(result: Encoded, info: RunInfo | undefined): Promise<unknown> {
    if ("json" in result) return joinValue(result.json, []);
    const file = nodePath.join(this.dir, nodePath.basename(result.file));
    if (info?.output) {
      const value = await readBlockFile(file);
      await fs.rm(file, { force: true });
      return value;
    }
    return this.files.keep(nodePath.basename(result.file), result.bytes);
  }
}

/**
 * Checks that the job under `id` is the one this client added: BullMQ keeps a job already there
 * under that id and drops the new one, so a job put there first by someone else would run (or be
 * refused) in its place. A job gone already was taken and answered: its answer is checked.
 */
async function ownJob(queue: Queue, id: string, data: JobData): Promise<void> {
  const stored = await ((await queue.client) as unknown as Redis).hget(queue.toKey(id), "data");
  if (stored === null || stored === JSON.stringify(data)) return;
  throw new DistributedError("distributed", `job id '${id}' must hold the job this client added; got another job there (a forged job in the queue: someone else who can write to this Redis added it first). Nothing of it is used; find who writes to the queue, and use a Redis password or ACL only the clients and workers hold`, { kind: "refused" });
}

/** Rebuilds a worker's error; chunkwise's distributed errors come back as their class. */
function revive(w: Parameters<typeof reviveError>[0]): Error {
  const e = reviveError(w);
  if (w.name === "DistributedError") Object.setPrototypeOf(e, DistributedError.prototype);
  return e;
}
