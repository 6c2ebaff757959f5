/**
 * How the distributed client learns its jobs' answers, and what it does when one cannot come.
 * Answers arrive as `completed`/`failed` events on BullMQ's event stream. A watchdog fails the
 * waiting tasks with a `DistributedError` when no worker listens, or when Redis does not answer
 * at all, for `staleMs`; an audit finds jobs that vanished from Redis (a restart without
 * persistence, a flush, an eviction) or that finished without an answer the client trusts (a
 * job altered in Redis, which the worker refuses without signing), whose answers would
 * otherwise never come.
 *
 * A killed connection loses nothing: ioredis reconnects and re-sends the commands it had not
 * had answered, and the event stream is read on from the last event seen. A vanished job is
 * told apart from one that has just finished (a finished job is removed in the same script
 * that writes its event) by a barrier: having seen jobs missing, the audit appends a marker
 * to the event stream, so any answer to those jobs comes before the marker. If none has come
 * when the marker does, the jobs are lost and their tasks run again (a `WorkerLostError`,
 * drawing on `faultRetries`).
 * @module
 */
import { randomBytes } from "node:crypto";
import type { Queue, QueueEvents, QueueEventsListener } from "bullmq";
import { ReplyError, type Redis } from "ioredis";
import type { JobReply } from "./distributed-worker.js";
import type { WireError } from "../thread-wire.js";
import type { Task } from "../../graph/task.js";
import { NOTES_MAX_PER_TASK, NOTE_MAX_BYTES, noteText } from "../../schedule/notes.js";
import { DistributedError } from "./distributed-error.js";
import { logQuoted, logSafe } from "./log-text.js";

/** A job's answer: the worker's reply, or the job lost (its worker died twice, or Redis lost it). */
export type Answer = JobReply | { readonly lost: string; readonly vanished?: true };

/** Options of {@link watchAnswers}. */
export interface AnswerOptions {
  readonly queue: Queue;
  readonly events: QueueEvents;
  /** For messages: the queue's name and the Redis URL with its password masked. */
  readonly queueName: string;
  readonly redis: string;
  /** Fail waiting tasks when no worker listens, or Redis does not answer, for this long (0: never). */
  readonly staleMs: number;
  /** How often to look for vanished jobs; default 1000 ms. */
  readonly auditMs?: number;
  /**
   * Whether an answer comes from a worker holding the task key (see `verifyAnswer`). An answer
   * that does not is ignored (someone who can write to Redis must not hand the client a
   * result); if the job then ends without a trusted answer, it fails saying so.
   */
  readonly trusted?: (jobId: string, answer: unknown) => boolean;
}

/** One job being waited for. */
interface Waiting {
  readonly answer: Promise<Answer>;
  /** Says the job is in Redis now (`queue.add` resolved); from then on the audit watches it. */
  added(): void;
  /** Settles the answer from outside (a timeout); false when it was settled already. */
  settle(answer: Answer): boolean;
}

/** The jobs a client waits for. */
export interface Answers {
  /** Starts waiting for job `id`; call before adding the job, so no answer is missed. */
  wait(id: string): Waiting;
  /** Stops the watchdog and the audit. */
  stop(): void;
}

const BARRIER = "chunkwise:barrier";
interface BarrierListener extends QueueEventsListener {
  [BARRIER]: (args: { token: string }, id: string) => void;
}

/**
 * Listens for answers on `events` and watches the jobs waited for.
 * @example
 * ```ts
 * const answers = watchAnswers({ queue, events, queueName: "chunkwise", redis: "redis://h:6379", staleMs: 60_000 });
 * const w = answers.wait(id);
 * await queue.add(name, data, { jobId: id });
 * w.added();
 * const answer = await w.answer;
 * ```
 */
export function watchAnswers(o: AnswerOptions): Answers {
  return new AnswerWatch(o);
}

const UNSIGNED: WireError = {
  name: "DistributedError",
  message: `distributed: a worker's answer must be signed with the client's task key; got only answers that are not: a worker started with --insecure or another key, or a forged job in the queue (the client's job altered in Redis by someone else, which workers refuse without signing), or an answer written into Redis by someone else. Start the workers with the client's --task-key-file, and check who else writes to this Redis`,
  fields: { kind: "refused" },
};

/** The waiting jobs, the event listeners that answer them, and the timer of the watchdog and the audit. */
class AnswerWatch implements Answers {
  private readonly waiting = new Map<string, { resolve: (a: Answer) => void; added: boolean }>();
  /** Jobs that got an answer not signed with the task key (kept until the job settles). */
  private readonly untrusted = new Set<string>();
  private readonly barriers = new Map<string, () => void>();
  private readonly auditMs: number;
  private readonly timer: ReturnType<typeof setInterval>;
  private lastAnswer = Date.now();
  private lastWorker = Date.now();
  private lastAudit = Date.now();
  private probing = false;
  private auditing = false;

  constructor(private readonly o: AnswerOptions) {
    o.events.on("completed", ({ jobId, returnvalue }) => this.completed(jobId, returnvalue));
    o.events.on("failed", ({ jobId, failedReason }) => this.settle(jobId, { lost: failedReason }));
    o.events.on<BarrierListener, typeof BARRIER>(BARRIER, ({ token }) => this.barriers.get(token)?.());
    this.auditMs = o.auditMs ?? 1000;
    this.timer = setInterval(() => this.tick(), o.staleMs === 0 ? this.auditMs : Math.max(50, Math.min(this.auditMs, o.staleMs / 4)));
    this.timer.unref();
  }

  wait(id: string): Waiting {
    let resolve!: (a: Answer) => void;
    const answer = new Promise<Answer>((r) => (resolve = r));
    const entry = { resolve, added: false };
    this.waiting.set(id, entry);
    return { answer, added: () => void (entry.added = true), settle: (a) => this.settle(id, a) };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private settle(id: string, answer: Answer): boolean {
    const w = this.waiting.get(id);
    if (w === undefined) return false;
    this.waiting.delete(id);
    this.untrusted.delete(id);
    w.resolve(answer);
    return true;
  }

  private completed(jobId: string, returnvalue: unknown): void {
    if (this.o.trusted !== undefined && !this.o.trusted(jobId, returnvalue)) {
      if (this.waiting.has(jobId)) this.untrusted.add(jobId);
      return;
    }
    this.settle(jobId, returnvalue as JobReply);
  }

  private failAll(message: string, kind: "timeout" | "unreachable"): void {
    const error: WireError = { name: "DistributedError", message, fields: { kind } };
    for (const id of [...this.waiting.keys()]) this.settle(id, { ok: false, error });
  }

  private tick(): void {
    const now = Date.now();
    if (this.waiting.size === 0) {
      this.lastAnswer = this.lastWorker = this.lastAudit = now;
      return;
    }
    if (!this.auditing && now - this.lastAudit >= this.auditMs) this.audit();
    if (this.o.staleMs === 0) return;
    // While Redis is unreachable, commands wait for the reconnection or fail: no answer for staleMs fails the tasks.
    if (now - this.lastAnswer > this.o.staleMs) {
      this.failAll(`distributed: Redis at ${this.o.redis} must stay reachable while tasks run; got no answer for ${this.o.staleMs} ms. Check that redis-server is running and reachable, then run the job again`, "unreachable");
      return;
    }
    if (!this.probing) this.probeWorkers();
  }

  private audit(): void {
    this.auditing = true;
    void this.findVanished()
      .catch(() => undefined)
      .finally(() => {
        this.auditing = false;
        this.lastAudit = Date.now();
      });
  }

  /** Asks Redis how many workers listen; none for staleMs fails the waiting tasks. */
  private probeWorkers(): void {
    const { o } = this;
    this.probing = true;
    void o.queue.getWorkersCount().then(
      (n) => {
        this.probing = false;
        this.lastAnswer = Date.now();
        if (n > 0) this.lastWorker = this.lastAnswer;
        else if (this.lastAnswer - this.lastWorker > o.staleMs) {
          this.failAll(`distributed: a chunkwise worker must listen on queue '${o.queueName}' at ${o.redis}; got none for ${o.staleMs} ms while tasks waited. Start one: chunkwise worker --redis <url> --queue ${o.queueName} --kernels <your kernel modules>`, "timeout");
        }
      },
      (e: unknown) => {
        this.probing = false;
        // Redis answered with an error (an ACL refusing CLIENT LIST): reachable, workers unknown.
        if (e instanceof ReplyError) this.lastAnswer = this.lastWorker = Date.now();
      },
    );
  }

  /** Jobs that finished or vanished are no longer in Redis; the barrier tells which. */
  private async findVanished(): Promise<void> {
    const ids = [...this.waiting].filter(([, w]) => w.added).map(([id]) => id);
    if (ids.length === 0) return;
    const client = (await this.o.queue.client) as unknown as Redis;
    const missing = await this.overIn(client, ids);
    if (missing.length === 0 || !(await this.barrier(client))) return;
    const lost = `job gone from Redis at ${this.o.redis} before any worker answered (Redis restarted without persistence, was flushed, or evicted it)`;
    for (const id of missing) this.settle(id, this.untrusted.has(id) ? { ok: false, error: UNSIGNED } : { lost, vanished: true });
  }

  /** The jobs of `ids` still waited for that Redis no longer holds, or holds finished. */
  private async overIn(client: Redis, ids: readonly string[]): Promise<string[]> {
    const { queue } = this.o;
    // A job still in Redis but finished (kept there by a forged job's options) has no answer to come either.
    const over = await Promise.all(ids.map(async (id) => (await client.exists(queue.toKey(id))) === 0 || (await client.hget(queue.toKey(id), "finishedOn")) !== null));
    return ids.filter((id, i) => over[i] && this.waiting.has(id));
  }

  /** Appends a marker to the event stream and waits for it: true when every earlier event has been read. */
  private async barrier(client: Redis): Promise<boolean> {
    const token = randomBytes(8).toString("hex");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arrived = new Promise<boolean>((resolve) => {
      this.barriers.set(token, () => resolve(true));
      timer = setTimeout(() => resolve(false), Math.max(10_000, this.o.staleMs));
    });
    try {
      await client.xadd(this.o.queue.keys.events!, "MAXLEN", "~", 10_000, "*", "event", BARRIER, "token", token);
      return await arrived;
    } finally {
      this.barriers.delete(token);
      clearTimeout(timer);
    }
  }
}

/**
 * The notes of a worker's answer, checked as data before any is delivered: a list of at most
 * `NOTES_MAX_PER_TASK` JSON values of at most `NOTE_MAX_BYTES` each (what `noteSink` let the
 * kernel send). With a task key they are covered by the answer's signature like the rest of
 * it; either way they are only ever handed to `onNote` as values, never run or printed raw.
 * @throws {DistributedError} kind "refused", for notes that break the rules (the task fails with the answer refused)
 * @example answerNotes(task, reply.notes) // [] when the answer has none
 */
export function answerNotes(task: Task, notes: unknown): readonly unknown[] {
  if (notes === undefined) return [];
  const refuse = (got: string): never => {
    throw new DistributedError("distributed", `the answer to task ${logQuoted(task.key)} must carry at most ${NOTES_MAX_PER_TASK} notes of at most ${NOTE_MAX_BYTES} bytes of JSON each; got ${got}. The answer is refused: check which worker answered (chunkwise worker --verbose) and that workers and clients run the same version`, { kind: "refused" });
  };
  if (!Array.isArray(notes)) return refuse(`${notes === null ? "null" : typeof notes} instead of a list`);
  if (notes.length > NOTES_MAX_PER_TASK) return refuse(`${notes.length} notes`);
  notes.forEach((n, i) => {
    try {
      noteText(n);
    } catch (e) {
      refuse(`note ${i}: ${logSafe(e instanceof Error ? e.message : String(e))}`);
    }
  });
  return notes;
}
