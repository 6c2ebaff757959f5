/**
 * The queue as an attacker sees it: someone who can write to the Redis queue (here with its
 * password) adds jobs of their own to a `chunkwise worker` started with a task key, `--stores`
 * (a directory and a URL prefix), one slot, and import and task timeouts. Every forged job must
 * be refused (or stopped, for a hung one) with nothing written (a snapshot of the whole test
 * directory before and after), no module top level run (marker files an evil module would
 * write), no request to a URL outside the prefix, and the worker must still serve the next
 * honest job, byte-identical to inline. Jobs signed with the right key test the defences that
 * hold even for a key holder.
 *
 * Answers travel signed too: forged "completed" events on Redis' event stream are ignored.
 *
 * The Redis password holds an "@" (`s3cret@TAIL`), which must never show in the worker's output.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { fromArray } from "../../src/array/creation.js";
import { mapBlocks } from "../../src/array/map-blocks.js";
import type { Block } from "../../src/core/ndarray.js";
import { compute } from "../../src/schedule/compute.js";
import { distributed } from "../../src/executors/distributed/distributed.js";
import type { JobData, JobReply } from "../../src/executors/distributed/distributed-worker.js";
import { inline } from "../../src/schedule/inline.js";
import { signJob, taskKeyBytes } from "../../src/executors/distributed/task-signing.js";
import { fullKernel } from "../../src/graph/block-kernels.js";
import { kernelRefOf, type KernelRef } from "../../src/graph/kernel.js";
import type { Task } from "../../src/graph/task.js";
import { readZarrRegion } from "../../src/io/zarr/read-kernels.js";
import { toZarr } from "../../src/io/zarr/to-zarr.js";
import { writeZarrChunk } from "../../src/io/zarr/write-kernels.js";
import { ramp } from "../executors/conformance.js";
import { heavy } from "../executors/pure-kernels.js";
import { REPO, spawnWorker, startRedis, TEST_TASK_KEY, type RedisFixture, type WorkerProcess } from "../executors/redis-fixture.js";

const PASSWORD = "s3cret@TAIL";
const QUEUE = "attacks";
const IMPORT_MS = 8000;
const TASK_MS = 15_000;
const KEY = taskKeyBytes("test", TEST_TASK_KEY);
const WRONG_KEY = taskKeyBytes("test", "f".repeat(64));

const base = realpathSync(mkdtempSync(join(tmpdir(), "chunkwise-attacks-")));
const stores = join(base, "stores");
const outside = join(base, "outside");
const markers = join(base, "markers");
const scratch = join(base, "scratch");
for (const d of [stores, outside, markers, scratch]) mkdirSync(d);
const store = join(stores, "out.zarr");

let redis: RedisFixture;
let url = "";
let worker: WorkerProcess;
let attacker: Queue;
let events: QueueEvents;
let http: Server;
let httpPort = 0;
const requests: string[] = [];
let client: ReturnType<typeof distributed>;

beforeAll(async () => {
  const x = fromArray(ramp([8, 8]), { chunks: 4 });
  await toZarr(x, store, { path: "arr", compressor: null });
  await toZarr(x, outside, { path: "arr", compressor: null });
  symlinkSync(join(outside, "arr"), join(store, "linked"));
  http = createServer((req, res) => {
    requests.push(req.url ?? "");
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  httpPort = (http.address() as { port: number }).port;
  redis = await startRedis(["--requirepass", PASSWORD]);
  url = `redis://default:${PASSWORD}@127.0.0.1:${redis.port}`;
  worker = await spawnWorker([
    "--kernels", "test/executors/pure-kernels.ts,test/security/attack-kernels.ts,test/security/hang-in-thread.ts",
    "--concurrency", "1", "--scratch", scratch, "--queue", QUEUE,
    "--stores", `${stores},http://127.0.0.1:${httpPort}/allowed/`,
    "--import-timeout-ms", String(IMPORT_MS), "--task-timeout-ms", String(TASK_MS),
  ], { CHUNKWISE_REDIS_URL: url });
  const connection = { host: "127.0.0.1", port: redis.port, password: PASSWORD };
  attacker = new Queue(QUEUE, { connection });
  events = new QueueEvents(QUEUE, { connection });
  await events.waitUntilReady();
  client = distributed({ taskKey: TEST_TASK_KEY, connection: url, scratchDir: scratch, queue: QUEUE, concurrency: 2 });
  // One honest job first, so the worker's one-time costs (tsx compiling the kernel modules,
  // BullMQ's first connections) are paid here and not inside the first attack's time limit:
  // on a loaded 2-core CI run they once took that test past its 60 s.
  await honestJobRuns();
}, 120_000);

afterAll(async () => {
  await client?.close();
  await attacker?.close();
  await events?.close();
  await worker?.stop();
  await redis?.stop();
  await new Promise((resolve) => http?.close(resolve));
  rmSync(base, { recursive: true, force: true });
});

/** Every file and directory under the test directory (but scratch), with size and mtime. */
function snapshot(): string[] {
  return readdirSync(base, { recursive: true }).map(String).filter((f) => !f.startsWith("scratch")).sort().map((f) => {
    const s = statSync(join(base, f), { throwIfNoEntry: false });
    return `${f} ${s?.size ?? "-"} ${s?.mtimeMs ?? "-"}`;
  });
}

let jobs = 0;
/** Adds a forged job (unsigned, or signed with `key`, possibly for another job id) and waits for the worker's reply. */
async function forge(task: Task, how: { key?: Buffer; signedFor?: string; jobId?: string; name?: string } = {}): Promise<JobReply> {
  const jobId = how.jobId ?? `forged-${++jobs}`;
  const data: JobData = { v: 1, run: "forgedrun", task: { json: task }, inputs: [] };
  const signed = how.key === undefined ? data : { ...data, sig: signJob(how.key, { queue: QUEUE, jobId: how.signedFor ?? jobId }, data) };
  const job = await attacker.add(how.name ?? "forged", signed, { jobId, removeOnComplete: false, removeOnFail: false });
  return (await job.waitUntilFinished(events, 60_000)) as JobReply;
}

const bytes = (b: Block): Buffer => Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength);
/** An honest job through the signed client: must run, byte-identical to inline. */
async function honestJobRuns(): Promise<void> {
  const x = mapBlocks(heavy, [fromArray(ramp([8, 8]), { chunks: 4 })], { params: { rounds: 2 } }) as ChunkedArray;
  const got = await compute(x, { executor: client });
  expect(bytes(got).equals(bytes(await compute(x, { executor: inline() })))).toBe(true);
}

/** Runs a forged job and checks the whole contract: refused, nothing written, no marker, the next honest job served. */
async function expectRefused(task: Task, how: { key?: Buffer; signedFor?: string }, message: string | RegExp, kind: "refused" | "timeout" = "refused"): Promise<void> {
  const before = snapshot();
  const reply = await forge(task, how);
  expect(reply.ok).toBe(false);
  const error = (reply as { error: { name: string; message: string; fields?: { kind?: string } } }).error;
  expect(error.name).toBe("DistributedError");
  expect(error.fields?.kind).toBe(kind);
  // A job not signed with the key gets an unsigned answer (a client would ignore it); none carries a stack.
  expect("sig" in reply).toBe(how.key === KEY && how.signedFor === undefined);
  expect(JSON.stringify(reply)).not.toContain('"stack"');
  if (typeof message === "string") expect(error.message).toContain(message);
  else expect(error.message).toMatch(message);
  expect(snapshot()).toEqual(before);
  expect(readdirSync(markers)).toEqual([]);
  await honestJobRuns();
}

const ref = (k: unknown): KernelRef => kernelRefOf(k)!;
/** The issue's forged write: a uint8 block of 'A's from chunkwise's own kernels, written as a "chunk" with no compressor. */
const write = (store: string, key: string): Task => ({
  key: "w[0]",
  kernel: ref(writeZarrChunk),
  args: [{ task: { key: "f[0]", kernel: ref(fullKernel), args: [], params: { shape: [4, 4], value: 65, dtype: "uint8" } } }],
  params: { store: { fs: store }, key, dtype: "uint8", blockShape: [4, 4], chunkShape: [4, 4], fill: 0, compressor: null },
});
/** A module whose top level leaves a marker file (and would be the attacker's code). */
function evilModule(dir: string, name: string, ext = "mjs"): string {
  const file = join(dir, `${name}.${ext}`);
  writeFileSync(file, `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(join(markers, name))}, "top level ran");\nexport const x = () => 1;\n`);
  return file;
}

describe("forged jobs without the key", () => {
  it("unsigned: the issue's arbitrary write (~/.bashrc-style key in any directory) is refused before anything is read", async () => {
    await expectRefused(write(outside, "/.bashrc"), {}, "a job must be signed with this worker's task key; got no signature");
    expect(existsSync(join(outside, ".bashrc"))).toBe(false);
  });

  it("signed with a wrong key: refused", async () => {
    await expectRefused(write(outside, "/.bashrc"), { key: WRONG_KEY }, "got a signature that does not match");
  });

  it("a foreign module, unsigned: refused, its top level never runs", async () => {
    const evil = evilModule(outside, "unsigned-evil");
    await expectRefused({ key: "e[0]", kernel: { module: pathToFileURL(evil).href, name: "x" }, args: [] }, {}, "got no signature");
  });

  it("a signed job replayed under another job id: refused", async () => {
    await expectRefused(write(stores, "/arr/0.0"), { key: KEY, signedFor: "forged-honest-1" }, "got a signature that does not match");
  });
});

describe("jobs signed with the key (defence in depth)", () => {
  it("a foreign module: refused before import, its top level never runs", async () => {
    const evil = evilModule(outside, "foreign-evil");
    await expectRefused({ key: "e[0]", kernel: { module: pathToFileURL(evil).href, name: "x" }, args: [] }, { key: KEY }, "nothing was imported");
  });

  it("a module planted in the package's own source tree (the issue's write-then-import): refused before import", async () => {
    const name = `zz-attack-${process.pid}`;
    const planted = evilModule(join(REPO, "src"), name, "ts");
    try {
      for (const module of [`file:///anything/src/${name}.ts`, `file:///anything/dist/${name}.js`, pathToFileURL(planted).href]) {
        await expectRefused({ key: "p[0]", kernel: { module, name: "x" }, args: [] }, { key: KEY }, "nothing was imported");
      }
    } finally {
      unlinkSync(planted);
    }
  });

  it("a non-kernel module of the package (the zarr store's writeKeyAtomic): refused before import", async () => {
    await expectRefused({ key: "s[0]", kernel: { module: "file:///anything/dist/io/zarr/store.js", name: "writeKeyAtomic" }, args: [{ value: "w" }, { value: { fs: outside } }, { value: "/.bashrc" }] }, { key: KEY }, "nothing was imported");
  });

  it("the CLI entry (dist/cli/main.js and this install's src/cli/main.ts): refused, the CLI never re-runs inside the worker", async () => {
    for (const module of ["file:///anything/dist/cli/main.js", pathToFileURL(join(REPO, "src/cli/main.ts")).href]) {
      await expectRefused({ key: "m[0]", kernel: { module, name: "main" }, args: [] }, { key: KEY }, "nothing was imported");
    }
    expect(worker.output().match(/listening on/g)).toHaveLength(1);
  });

  it("a data: URL: refused, its code never runs", async () => {
    const code = `import{writeFileSync}from"node:fs";writeFileSync(${JSON.stringify(join(markers, "data-url"))},"ran");export const x=()=>1`;
    await expectRefused({ key: "d[0]", kernel: { module: `data:text/javascript,${encodeURIComponent(code)}`, name: "x" }, args: [] }, { key: KEY }, "nothing was imported");
  });

  it.each([
    ["'..'", "/../escaped", "must stay inside its store"],
    ["'..' after the array", "/arr/../../escaped", "must stay inside its store"],
    ["'%2e%2e'", "/%2e%2e/escaped", "no chunk of any array there"],
    ["absolute (a doubled slash)", "//tmp/escaped", "must stay inside its store"],
    ["a file name that is no chunk", "/.bashrc", "no chunk of any array there"],
    ["the array's own metadata", "/arr/.zarray", "no chunk of any array there"],
  ])("a chunk key with %s (%s): refused, nothing written", async (_, key, message) => {
    await expectRefused(write(store, key), { key: KEY }, message);
  });

  it("a store outside --stores: refused, nothing written", async () => {
    await expectRefused(write(join(outside), "/arr/0.0"), { key: KEY }, "must lie inside the directories this worker was started with (--stores)");
  });

  it("a symbolic link out of the store: refused, nothing written through it", async () => {
    await expectRefused(write(store, "/linked/0.0"), { key: KEY }, "through a symbolic link");
  });

  it.each([
    ["another path of the same server", "/secret/data.zarr"],
    ["a '..' out of the prefix", "/allowed/../secret/data.zarr"],
    ["a '%2e%2e' out of the prefix", "/allowed/%2e%2e/secret/data.zarr"],
  ])("a URL store outside the allowed prefix (%s): refused, no request made", async (_, path) => {
    const read: Task = { key: "r[0]", kernel: ref(readZarrRegion), args: [], params: { store: { url: `http://127.0.0.1:${httpPort}${path}` }, path: "", format: 2, token: "t", dtype: "float64", chunks: [4], keyEncoding: { v2: true, separator: "." }, region: { start: [0], stop: [4] }, bloscFrames: false } };
    await expectRefused(read, { key: KEY }, "URL stores must lie under the URL prefixes this worker was started with (--stores)");
    expect(requests).toEqual([]);
  });

  it.each([
    ["no region", { chunks: [4, 4] }, "region must be { start, stop }"],
    ["no chunks", { region: { start: [0, 0], stop: [4, 4] } }, "chunks must be an array of positive integers"],
    ["a region of another rank", { chunks: [4, 4], region: { start: [0], stop: [4] } }, "region.start and region.stop must have one entry per axis of chunks"],
    ["params that are no object", null, "params must be an object"],
  ])("a signed readZarrRegion with malformed params (%s): refused naming the field, no TypeError", async (_, fields, message) => {
    const params = fields === null ? null : { store: { fs: store }, path: "arr", format: 2, token: "t", dtype: "float64", keyEncoding: { v2: true, separator: "." }, ...fields };
    await expectRefused({ key: "r[0]", kernel: ref(readZarrRegion), args: [], params } as unknown as Task, { key: KEY }, `the params of readZarrRegion in task 'r[0]' are malformed: ${message}`);
  });

  it(`a hung import (a --kernels module that never finishes importing on a thread): stopped after --import-timeout-ms=${IMPORT_MS}, the slot serves the next job`, async () => {
    const module = pathToFileURL(join(REPO, "test/security/hang-in-thread.ts")).href;
    await expectRefused({ key: "h[0]", kernel: { module, name: "neverImported" }, args: [] }, { key: KEY }, `must finish importing within ${IMPORT_MS} ms`, "timeout");
  }, 60_000);

  it(`a hung kernel: stopped after --task-timeout-ms=${TASK_MS}, the slot serves the next job`, async () => {
    const module = pathToFileURL(join(REPO, "test/security/attack-kernels.ts")).href;
    await expectRefused({ key: "k[0]", kernel: { module, name: "stall" }, args: [], params: {} }, { key: KEY }, `must finish within ${TASK_MS} ms`, "timeout");
  }, 60_000);
});

describe("forged answers", () => {
  it("answers written into Redis' event stream by someone else are ignored: the job's result is the workers' own, byte-identical to inline", async () => {
    const x = mapBlocks(heavy, [fromArray(ramp([32, 32]), { chunks: 16 })], { params: { rounds: 60_000 } }) as ChunkedArray;
    const redisClient = await attacker.client;
    const forged = new Set<string>();
    let done = false;
    // For every job in flight: a "completed" event with a made-up result, unsigned and signed with a wrong key.
    const forging = (async () => {
      while (!done) {
        for (const job of await attacker.getJobs(["active", "waiting", "prioritized"])) {
          if (job.id === undefined || forged.has(job.id) || job.id.startsWith("forged-")) continue;
          forged.add(job.id);
          const fake = { ok: true, result: { json: { dtype: "float64", data: [], shape: [16, 16], stride: [16, 1], offset: 0 } } };
          const wrong = { ...fake, sig: signJob(WRONG_KEY, { queue: QUEUE, jobId: job.id }, fake) };
          for (const returnvalue of [fake, wrong]) await (redisClient as unknown as Redis).xadd(attacker.keys.events!, "*", "event", "completed", "jobId", job.id, "returnvalue", JSON.stringify(returnvalue));
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      const got = await compute(x, { executor: client });
      expect(bytes(got).equals(bytes(await compute(x, { executor: inline() })))).toBe(true);
    } finally {
      done = true;
      await forging;
    }
    expect(forged.size).toBeGreaterThan(0);
  }, 60_000);

  it("a client with a key and a worker started --insecure: the unsigned answers are refused with one line saying so", async () => {
    const w = await spawnWorker(["--insecure", "--kernels", "test/executors/pure-kernels.ts", "--concurrency", "1", "--scratch", scratch, "--queue", "insecure-answers"], { CHUNKWISE_REDIS_URL: url, CHUNKWISE_TASK_KEY: undefined });
    const keyed = distributed({ taskKey: TEST_TASK_KEY, connection: url, scratchDir: scratch, queue: "insecure-answers" });
    try {
      const x = mapBlocks(heavy, [fromArray(ramp([4, 4]), { chunks: 4 })], { params: { rounds: 1 } }) as ChunkedArray;
      const err = await compute(x, { executor: keyed }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(((err as Error).cause as Error).message).toBe("distributed: a worker's answer must be signed with the client's task key; got only answers that are not: a worker started with --insecure or another key, or a forged job in the queue (the client's job altered in Redis by someone else, which workers refuse without signing), or an answer written into Redis by someone else. Start the workers with the client's --task-key-file, and check who else writes to this Redis");
    } finally {
      await keyed.close();
      await w.stop();
    }
  }, 60_000);
});

describe("the worker's start and output", () => {
  it("a forged job id and name holding newlines and terminal escapes are logged escaped and cut, never raw", async () => {
    const jobId = "evil\nchunkwise worker - task done\u001b[2K\rX" + "y".repeat(300);
    const name = "\u001b[31mRED\nfake";
    const reply = await forge(write(outside, "/.bashrc"), { jobId, name });
    expect(reply).not.toHaveProperty("sig");
    await vi.waitFor(() => expect(worker.output()).toContain("chunkwise worker - task done"), { timeout: 10_000 });
    const out = worker.output();
    for (const raw of ["\u001b", "\r", "\nchunkwise worker - task done", "\nfake", "y".repeat(101)]) expect(out).not.toContain(raw);
    expect(out).toContain(String.raw`refused job "evil\u000achunkwise worker - task done\u001b[2K\u000dX`);
    expect(out).toContain(String.raw`("\u001b[31mRED\u000afake")`);
  });

  it("a refused job with a task key full of escapes: the key is escaped in the logged message", async () => {
    const key = "k\u001b[2J\n[0]";
    await expectRefused({ key, kernel: { module: "file:///nowhere/evil.mjs", name: "x" }, args: [] }, { key: KEY }, "nothing was imported");
    expect(worker.output()).not.toContain("\u001b[2J");
    expect(worker.output()).toContain(String.raw`k\u001b[2J\u000a[0]`);
  });

  it("the Redis password (holding an '@') never shows, whole or in part", () => {
    expect(worker.output()).toContain(`listening on redis://default:***@127.0.0.1:${redis.port}`);
    for (const part of [PASSWORD, "s3cret", "TAIL"]) expect(worker.output()).not.toContain(part);
    expect(worker.output()).toContain("refused job");
  });

  it("a worker without a task key refuses to start (exit 2, one line saying how to make one)", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, CHUNKWISE_REDIS_URL: url };
    delete env.CHUNKWISE_TASK_KEY;
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "worker", "--queue", QUEUE], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(err.trimEnd().split("\n")).toEqual([expect.stringMatching(/^chunkwise: worker: a task key must be given so that only trusted clients' tasks run; got neither --task-key-file nor CHUNKWISE_TASK_KEY\. Make one with 'openssl rand -hex 32 > task\.key'/)]);
  }, 30_000);

  it("--insecure starts with a warning on its own line", async () => {
    const w = await spawnWorker(["--insecure", "--concurrency", "1", "--scratch", scratch, "--queue", "insecure"], { CHUNKWISE_REDIS_URL: url, CHUNKWISE_TASK_KEY: undefined });
    try {
      expect(w.output()).toMatch(/^chunkwise worker: WARNING: --insecure: tasks are not checked for a signature; anyone who can write to this Redis queue can make this worker read and write files/m);
      expect(w.output()).toContain("tasks NOT signed (--insecure)");
    } finally {
      await w.stop();
    }
  }, 30_000);
});
