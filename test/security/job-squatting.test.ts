/**
 * Job-id squatting and tampering: someone who can write to the Redis queue but lacks the task
 * key puts a job of theirs where the client's job goes. BullMQ keeps a job already stored under
 * an id and drops a later `add` of the same id, and a worker refuses an unsigned job. The client
 * must neither take the worker's refusal of the forged job for its own answer (the worker does
 * not sign answers to jobs that fail verification) nor wait forever: it fails saying "a forged
 * job in the queue".
 *
 * The ids carry a random UUID, so a squatter cannot guess them; to test what happens if one
 * still did, `randomUUID` is pinned here (the spawned worker is unaffected).
 */
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { fromArray } from "../../src/array/creation.js";
import { mapBlocks } from "../../src/array/map-blocks.js";
import { compute } from "../../src/schedule/compute.js";
import { distributed } from "../../src/executors/distributed/distributed.js";
import type { JobData } from "../../src/executors/distributed/distributed-worker.js";
import { ramp } from "../executors/conformance.js";
import { heavy } from "../executors/pure-kernels.js";
import { spawnWorker, startRedis, TEST_TASK_KEY, type RedisFixture, type WorkerProcess } from "../executors/redis-fixture.js";

const pinned = vi.hoisted(() => ({ uuid: undefined as string | undefined }));
vi.mock("node:crypto", async (original) => {
  const real = await original<typeof import("node:crypto")>();
  return { ...real, randomUUID: () => pinned.uuid ?? real.randomUUID() };
});

const base = realpathSync(mkdtempSync(join(tmpdir(), "chunkwise-squat-")));
let redis: RedisFixture;
let url = "";
const workers: WorkerProcess[] = [];
const queues: Queue[] = [];
const listeners: QueueEvents[] = [];

beforeAll(async () => {
  redis = await startRedis();
  url = `redis://127.0.0.1:${redis.port}`;
}, 30_000);

afterAll(async () => {
  for (const q of queues) await q.close();
  for (const e of listeners) await e.close();
  for (const w of workers) await w.stop();
  await redis?.stop();
  rmSync(base, { recursive: true, force: true });
});

const small = (): ChunkedArray => mapBlocks(heavy, [fromArray(ramp([4, 4]), { chunks: 4 })], { params: { rounds: 1 } }) as ChunkedArray;
const worker = async (queue: string): Promise<WorkerProcess> => {
  const w = await spawnWorker(["--kernels", "test/executors/pure-kernels.ts", "--concurrency", "1", "--scratch", join(base, "scratch"), "--queue", queue], { CHUNKWISE_REDIS_URL: url });
  workers.push(w);
  return w;
};
const attackerOn = (queue: string): Queue => {
  const q = new Queue(queue, { connection: { host: "127.0.0.1", port: redis.port } });
  queues.push(q);
  return q;
};
/** Why compute failed: the executor's error, under the scheduler's. */
const reason = async (run: Promise<unknown>): Promise<string> => {
  const e = await run.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(Error);
  const cause = (e as Error).cause;
  return cause instanceof Error ? cause.message : (e as Error).message;
};

describe("job ids", () => {
  it("carry 128 random bits each: two jobs of one run differ in more than a counter", async () => {
    const queue = "ids";
    await worker(queue);
    const events = new QueueEvents(queue, { connection: { host: "127.0.0.1", port: redis.port } });
    listeners.push(events);
    await events.waitUntilReady();
    const ids: string[] = [];
    events.on("added", ({ jobId }) => ids.push(jobId));
    const client = distributed({ taskKey: TEST_TASK_KEY, connection: url, scratchDir: join(base, "scratch"), queue });
    try {
      await compute(mapBlocks(heavy, [fromArray(ramp([8, 8]), { chunks: 4 })], { params: { rounds: 1 } }) as ChunkedArray, { executor: client });
    } finally {
      await client.close();
    }
    await vi.waitFor(() => expect(ids.length).toBeGreaterThanOrEqual(4), { timeout: 10_000 });
    const nonces = ids.map((id) => /^[0-9a-f]{16}-\d+-([0-9a-f-]{36})$/.exec(id)?.[1]);
    expect(nonces.every((n) => n !== undefined)).toBe(true);
    expect(new Set(nonces).size).toBe(ids.length);
  }, 60_000);
});

describe("a forged job in the queue", () => {
  it("squatted ids (the nonce guessed): the client fails naming the forged job, not the task key, and does not hang", async () => {
    const queue = "squat";
    await worker(queue);
    const attacker = attackerOn(queue);
    const events = new QueueEvents(queue, { connection: { host: "127.0.0.1", port: redis.port } });
    listeners.push(events);
    await events.waitUntilReady();
    const ids: string[] = [];
    events.on("added", ({ jobId }) => ids.push(jobId));
    pinned.uuid = "00000000-0000-4000-8000-000000000000";
    const client = distributed({ taskKey: TEST_TASK_KEY, connection: url, scratchDir: join(base, "scratch"), queue, staleMs: 5000 });
    try {
      await compute(small(), { executor: client });
      await vi.waitFor(() => expect(ids.length).toBeGreaterThan(0), { timeout: 10_000 });
      const [run, n] = ids[ids.length - 1]!.split("-") as [string, string];
      // The next ids, taken first by unsigned jobs the worker refuses (and keeps: removeOnComplete false).
      const data: JobData = { v: 1, run: "squatter", task: { json: { key: "x", kernel: { module: "node:fs", name: "rmSync" }, args: [] } }, inputs: [] };
      for (let i = Number(n) + 1; i <= Number(n) + 20; i++) await attacker.add("squat", data, { jobId: `${run}-${i}-${pinned.uuid}`, removeOnComplete: false, removeOnFail: false });
      const why = await reason(compute(small(), { executor: client }));
      expect(why).toContain("a forged job in the queue");
      expect(why).not.toContain("task key; got no signature");
    } finally {
      pinned.uuid = undefined;
      await client.close();
    }
  }, 60_000);

  it("the client's own job altered in Redis after it was added: the worker refuses it without signing, the client fails saying so", async () => {
    const queue = "tamper";
    const attacker = attackerOn(queue);
    const r = (await attacker.client) as unknown as Redis;
    const client = distributed({ taskKey: TEST_TASK_KEY, connection: url, scratchDir: join(base, "scratch"), queue, staleMs: 60_000 });
    try {
      const running = reason(compute(small(), { executor: client }));
      // No worker yet: the job waits; once it has sat there a while, its signature is stripped.
      let tampered = 0;
      await vi.waitFor(async () => {
        for (const job of await attacker.getJobs(["waiting"])) {
          const { sig: _sig, ...unsigned } = job.data as JobData;
          // Its options too, so the finished job stays in Redis: the client must not wait for it to vanish.
          await r.hset(attacker.toKey(job.id!), "data", JSON.stringify(unsigned), "opts", JSON.stringify({ attempts: 1 }));
          tampered++;
        }
        expect(tampered).toBeGreaterThan(0);
      }, { timeout: 20_000, interval: 300 });
      const w = await worker(queue);
      const why = await running;
      expect(why).toContain("a forged job in the queue");
      expect(w.output()).toContain("got no signature");
    } finally {
      await client.close();
    }
  }, 90_000);
});
