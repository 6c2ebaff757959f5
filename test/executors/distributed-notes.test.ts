/**
 * Notes (`ctx.note` -> `onNote`) through the distributed executor, against a real
 * redis-server: a `chunkwise worker` process delivers them with its signed answer; a bad
 * note fails its task on the worker; and answers a fake worker writes (signed with the task
 * key or not) are refused whole when their notes break the rules or their signature does not
 * cover them: a worker's note is data the client checks, never trusts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { fromArray } from "../../src/array/creation.js";
import { mapBlocks } from "../../src/array/map-blocks.js";
import { TaskError } from "../../src/core/errors.js";
import { distributed } from "../../src/executors/distributed/index.js";
import { DistributedError } from "../../src/executors/distributed/distributed-error.js";
import type { JobData } from "../../src/executors/distributed/distributed-worker.js";
import { signAnswer, taskKeyBytes } from "../../src/executors/distributed/task-signing.js";
import { kernelRefOf } from "../../src/graph/kernel.js";
import type { Task } from "../../src/graph/task.js";
import { compute } from "../../src/schedule/compute.js";
import { inline } from "../../src/schedule/inline.js";
import { runGraph } from "../../src/schedule/scheduler.js";
import { ramp } from "./conformance.js";
import { badNote, noting } from "./note-kernels.js";
import { spawnWorker, startRedis, TEST_TASK_KEY, type WorkerProcess } from "./redis-fixture.js";

const scratch = mkdtempSync(join(tmpdir(), "chunkwise-notes-scratch-"));
const redis = await startRedis();
const worker: WorkerProcess = await spawnWorker(["--redis", redis.url, "--kernels", "test/executors/note-kernels.ts", "--concurrency", "2", "--scratch", scratch]);
const ex = distributed({ taskKey: TEST_TASK_KEY, connection: redis.url, scratchDir: scratch, concurrency: 4 });

afterAll(async () => {
  await ex.close();
  await worker.stop();
  await redis.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const collect = (): { got: [string, unknown][]; onNote: (k: string, n: unknown) => void } => {
  const got: [string, unknown][] = [];
  return { got, onNote: (k, n) => void got.push([k, n]) };
};

describe("distributed: notes from a chunkwise worker", () => {
  it("arrive with the signed answer, as inline's do, once per note", async () => {
    const y = mapBlocks(noting, [fromArray(ramp([12, 6]), { chunks: [4, 3] })], { params: { count: 2 } }) as ChunkedArray;
    const want = collect();
    await compute(y, { executor: inline(), onNote: want.onNote });
    const got = collect();
    await compute(y, { executor: ex, onNote: got.onNote });
    const sorted = (l: [string, unknown][]): string[] => l.map((e) => JSON.stringify(e)).sort();
    expect(got.got.length).toBe(12);
    expect(sorted(got.got)).toEqual(sorted(want.got));
  });

  it("a note over 4096 bytes fails its task on the worker with a ValueError", async () => {
    const { got, onNote } = collect();
    const err = await compute(mapBlocks(badNote, [fromArray(ramp([4]), { chunks: 4 })], { params: { kind: "big" } }) as ChunkedArray, { executor: ex, onNote }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    const cause = (err as TaskError).cause as Error;
    expect(cause.name).toBe("ValueError");
    expect(cause.message).toMatch(/a note must be at most 4096 bytes of JSON; got 5011/);
    expect(got).toEqual([]);
  });
});

describe("distributed: answers with forged or bad notes are refused whole", () => {
  const key = taskKeyBytes("test", TEST_TASK_KEY);
  const queue = "forge";
  let mode = "";
  const seen: JobData[] = [];
  // A fake worker: answers every job with the value 7 and the notes `mode` says, signing as told.
  const fake = new Worker<JobData>(queue, async (job: Job<JobData>) => {
    seen.push(job.data);
    const at = { queue: job.queueName, jobId: String(job.id) };
    const answer = (notes: unknown): Record<string, unknown> => ({ ok: true, result: { json: 7 }, ...(notes === undefined ? {} : { notes }) });
    const signed = (a: Record<string, unknown>): Record<string, unknown> => ({ ...a, sig: signAnswer(key, at, a) });
    switch (mode) {
      case "good": return signed(answer([{ iterations: 7 }]));
      case "none": return signed(answer(undefined));
      case "many": return signed(answer(Array.from({ length: 65 }, (_, i) => i)));
      case "big": return signed(answer(["x".repeat(5000)]));
      case "not a list": return signed(answer("hello"));
      case "deep": return signed(answer([JSON.parse("[".repeat(20) + "]".repeat(20))]));
      case "tampered": return { ...signed(answer([{ iterations: 7 }])), notes: [{ iterations: 1 }] };
      case "unsigned": return answer([{ iterations: 7 }]);
      default: throw new Error(`unknown mode ${mode}`);
    }
  }, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }) });
  const client = distributed({ taskKey: TEST_TASK_KEY, connection: redis.url, scratchDir: scratch, queue, concurrency: 1, staleMs: 5000 });
  afterAll(async () => {
    await client.close();
    await fake.close();
  });

  const task: Task = { key: "t", kernel: kernelRefOf(noting)!, args: [{ value: 1 }] };
  const run = async (m: string, listen = true): Promise<{ value: unknown; notes: unknown[]; error: unknown }> => {
    mode = m;
    const notes: unknown[] = [];
    let value: unknown;
    const error = await runGraph({ tasks: new Map([["t", task]]), closures: new Map() }, ["t"], {
      executor: client, memoryBudget: Infinity, onResult: (_k, v) => (value = v), ...(listen ? { onNote: (_k: string, n: unknown) => void notes.push(n) } : {}),
    }).then(() => undefined, (e: unknown) => e);
    return { value, notes, error };
  };

  it("a signed answer's notes are delivered (the harness answers as a worker does); the job asks for notes only when the caller listens", async () => {
    expect(await run("good")).toEqual({ value: 7, notes: [{ iterations: 7 }], error: undefined });
    expect(seen.at(-1)!.notes).toBe(true);
    expect(await run("none", false)).toEqual({ value: 7, notes: [], error: undefined });
    expect(seen.at(-1)!.notes).toBeUndefined();
  });

  it.each([
    ["many", /got 65 notes/],
    ["big", /got note 0: ctx\.note: a note must be at most 4096 bytes of JSON; got 5002/],
    ["not a list", /got string instead of a list/],
    ["deep", /got note 0: ctx\.note: a note must nest arrays and objects at most 16 levels deep/],
  ])("signed, but %s: refused, nothing delivered", async (m, message) => {
    const { value, notes, error } = await run(m);
    expect(value).toBeUndefined();
    expect(notes).toEqual([]);
    const cause = (error as TaskError).cause as DistributedError;
    expect(cause).toBeInstanceOf(DistributedError);
    expect(cause.kind).toBe("refused");
    expect(cause.message).toMatch(/^distributed: the answer to task "t" must carry at most 64 notes of at most 4096 bytes of JSON each; /);
    expect(cause.message).toMatch(message);
  });

  it.each([["tampered"], ["unsigned"]])("%s notes: the answer is not trusted, the task fails, nothing delivered", async (m) => {
    const { value, notes, error } = await run(m);
    expect(value).toBeUndefined();
    expect(notes).toEqual([]);
    const cause = (error as TaskError).cause as Error;
    expect(cause.name).toBe("DistributedError");
    expect(cause.message).toMatch(/a worker's answer must be signed with the client's task key/);
  });
});
