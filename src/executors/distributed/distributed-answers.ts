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
  const waiting = new Map<string, { resolve: (a: Answer) => void; added: boolean }>();
  const barriers = new Map<string, () => void>();
  const settle = (id: string, answer: Answer): boolean => {
    const w = waiting.get(id);
    if (w === undefined) return false;
    waiting.delete(id);
    untrusted.delete(id);
    w.resolve(answer);
    return true;
  };
  const failAll = (message: string, kind: "timeout" | "unreachable"): void => {
    const error: WireError = { name: "DistributedError", message, fields: { kind } };
    for (const id of [...waiting.keys()]) settle(id, { ok: false, error });
  };
  // Jobs that got an answer not signed with the task key (kept until the job settles).
  const untrusted = new Set<string>();
  o.events.on("completed", ({ jobId, returnvalue }) => {
    if (o.trusted !== undefined && !o.trusted(jobId, returnvalue)) {
      if (waiting.has(jobId)) untrusted.add(jobId);
      return;
    }
    settle(jobId, returnvalue as unknown as JobReply);
  });
  o.events.on("failed", ({ jobId, failedReason }) => settle(jobId, { lost: failedReason }));
  o.events.on<BarrierListener, typeof BARRIER>(BARRIER, ({ token }) => barriers.get(token)?.());

  // Jobs that finished or vanished are no longer in Redis; the barrier tells which.
  const findVanished = async (): Promise<void> => {
    const ids = [...waiting].filter(([, w]) => w.added).map(([id]) => id);
    if (ids.length === 0) return;
    const client = (await o.queue.client) as unknown as Redis;
    // A job still in Redis but finished (kept there by a forged job's options) has no answer to come either.
    const over = await Promise.all(ids.map(async (id) => (await client.exists(o.queue.toKey(id))) === 0 || (await client.hget(o.queue.toKey(id), "finishedOn")) !== null));
    const missing = ids.filter((id, i) => over[i] && waiting.has(id));
    if (missing.length === 0) return;
    const token = randomBytes(8).toString("hex");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arrived = new Promise<boolean>((resolve) => {
      barriers.set(token, () => resolve(true));
      timer = setTimeout(() => resolve(false), Math.max(10_000, o.staleMs));
    });
    try {
      await client.xadd(o.queue.keys.events!, "MAXLEN", "~", 10_000, "*", "event", BARRIER, "token", token);
      if (!(await arrived)) return;
    } finally {
      barriers.delete(token);
      clearTimeout(timer);
    }
    const lost = `job gone from Redis at ${o.redis} before any worker answered (Redis restarted without persistence, was flushed, or evicted it)`;
    const unsigned: WireError = {
      name: "DistributedError",
      message: `distributed: a worker's answer must be signed with the client's task key; got only answers that are not: a worker started with --insecure or another key, or a forged job in the queue (the client's job altered in Redis by someone else, which workers refuse without signing), or an answer written into Redis by someone else. Start the workers with the client's --task-key-file, and check who else writes to this Redis`,
      fields: { kind: "refused" },
    };
    for (const id of missing) settle(id, untrusted.has(id) ? { ok: false, error: unsigned } : { lost, vanished: true });
  };

  let lastAnswer = Date.now();
  let lastWorker = Date.now();
  let lastAudit = Date.now();
  let probing = false;
  let auditing = false;
  const auditMs = o.auditMs ?? 1000;
  const tick = (): void => {
    const now = Date.now();
    if (waiting.size === 0) {
      lastAnswer = lastWorker = lastAudit = now;
      return;
    }
    if (!auditing && now - lastAudit >= auditMs) {
      auditing = true;
      void findVanished()
        .catch(() => undefined)
        .finally(() => {
          auditing = false;
          lastAudit = Date.now();
        });
    }
    if (o.staleMs === 0) return;
    // While Redis is unreachable, commands wait for the reconnection or fail: no answer for staleMs fails the tasks.
    if (now - lastAnswer > o.staleMs) {
      failAll(`distributed: Redis at ${o.redis} must stay reachable while tasks run; got no answer for ${o.staleMs} ms. Check that redis-server is running and reachable, then run the job again`, "unreachable");
      return;
    }
    if (probing) return;
    probing = true;
    void o.queue.getWorkersCount().then(
      (n) => {
        probing = false;
        lastAnswer = Date.now();
        if (n > 0) lastWorker = lastAnswer;
        else if (lastAnswer - lastWorker > o.staleMs) {
          failAll(`distributed: a chunkwise worker must listen on queue '${o.queueName}' at ${o.redis}; got none for ${o.staleMs} ms while tasks waited. Start one: chunkwise worker --redis <url> --queue ${o.queueName} --kernels <your kernel modules>`, "timeout");
        }
      },
      (e: unknown) => {
        probing = false;
        // Redis answered with an error (an ACL refusing CLIENT LIST): reachable, workers unknown.
        if (e instanceof ReplyError) lastAnswer = lastWorker = Date.now();
      },
    );
  };
  const timer = setInterval(tick, o.staleMs === 0 ? auditMs : Math.max(50, Math.min(auditMs, o.staleMs / 4)));
  timer.unref();

  return {
    wait(id) {
      let resolve!: (a: Answer) => void;
      const answer = new Promise<Answer>((r) => (resolve = r));
      const entry = { resolve, added: false };
      waiting.set(id, entry);
      return { answer, added: () => void (entry.added = true), settle: (a) => settle(id, a) };
    },
    stop: () => clearInterval(timer),
  };
}
