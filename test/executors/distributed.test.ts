/**
 * The distributed executor end to end: redis-server on 127.0.0.1 and a free port, two
 * `chunkwise worker` processes spawned from source, the conformance suite (byte-identical to
 * inline, errors, retries, a worker thread dying, abort), a worker process SIGKILLed
 * mid-task, Redis connections killed and Redis restarted or stopped mid-job, the security
 * rules, connection failures with the password masked, and TLS against a TLS-only
 * redis-server with a throwaway CA, also requiring client certificates (mutual TLS).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { fromArray } from "../../src/array/creation.js";
import { mapBlocks } from "../../src/array/map-blocks.js";
import { TaskError } from "../../src/core/errors.js";
import type { Block } from "../../src/core/ndarray.js";
import { compute } from "../../src/schedule/compute.js";
import { distributed, startWorker, WorkerLostError } from "../../src/executors/distributed/index.js";
import { inline } from "../../src/schedule/inline.js";
import { DistributedError } from "../../src/executors/distributed/distributed-error.js";
import { signJob, taskKeyBytes } from "../../src/executors/distributed/task-signing.js";
import { kernelRefOf } from "../../src/graph/kernel.js";
import type { Task } from "../../src/graph/task.js";
import { writeZarrChunk } from "../../src/io/zarr/write-kernels.js";
import { executorConformance, ramp } from "./conformance.js";
import { holdOnce } from "./distributed-kernels.js";
import { combine, heavy } from "./pure-kernels.js";
import { closedPort, makeCertificates, spawnWorker, startRedis, TEST_TASK_KEY, type Certificates, type RedisFixture, type WorkerProcess } from "./redis-fixture.js";

// Long enough that a loaded 2-core machine never starves a worker's lock renewals (a false
// stall runs a task twice, which only the deliberately non-idempotent test kernels notice).
const STALE_MS = 4000;
const scratch = mkdtempSync(join(tmpdir(), "chunkwise-dist-scratch-"));
const redis = await startRedis();
const workerArgs = ["--redis", redis.url, "--kernels", "test/executors/kernels.ts,test/executors/pure-kernels.ts,test/executors/distributed-kernels.ts", "--concurrency", "2", "--scratch", scratch, "--stale-ms", String(STALE_MS)];
const workers: WorkerProcess[] = await Promise.all([spawnWorker(workerArgs), spawnWorker(workerArgs)]);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await redis.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const make = (): ReturnType<typeof distributed> => distributed({ taskKey: TEST_TASK_KEY, connection: redis.url, scratchDir: scratch, concurrency: 4 });

executorConformance({ name: "distributed (2 worker processes x 2 slots)", make, isolated: true, kernelStacks: false });

const bytes = (b: Block): Buffer => Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength);

/** 108 tasks in three stages (36 blocks each), long enough that tasks are in flight whenever one finishes. */
const longJob = (): ChunkedArray => {
  const h = mapBlocks(heavy, [fromArray(ramp([48, 48]), { chunks: 8 })], { params: { rounds: 2000 } }) as ChunkedArray;
  return mapBlocks(combine, [h, mapBlocks(heavy, [h], { params: { rounds: 10 } }) as ChunkedArray]) as ChunkedArray;
};

describe("distributed: faults", () => {
  const ex = make();
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "chunkwise-dist-"));
  });
  afterAll(async () => {
    await ex.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`a worker process SIGKILLed mid-task: the job stalls, the other worker re-runs it, output byte-identical (staleMs=${STALE_MS})`, async () => {
    const graph = (d: string): ChunkedArray => {
      const x = fromArray(ramp([32, 24]), { chunks: 8 });
      const h = mapBlocks(heavy, [x], { params: { rounds: 3 } }) as ChunkedArray;
      return mapBlocks(holdOnce, [h], { params: { dir: d, blocks: [[1, 2]], ms: 60_000, rounds: 4 } }) as ChunkedArray;
    };
    const want = await compute(graph(dir), { executor: inline() });
    const running = compute(graph(dir), { executor: ex, optimize: false });
    const marker = join(dir, "hold-1_2");
    const t0 = Date.now();
    while (!existsSync(marker) || readFileSync(marker, "utf8") === "") {
      if (Date.now() - t0 > 20_000) throw new Error("the held task never started");
      await new Promise((r) => setTimeout(r, 20));
    }
    const pid = Number(readFileSync(marker, "utf8"));
    const victim = workers.find((w) => w.pid === pid);
    expect(victim, `pid ${pid} must be one of our workers`).toBeDefined();
    process.kill(pid, "SIGKILL");
    const got = await running;
    expect(bytes(got).equals(bytes(want))).toBe(true);
    // Replace the killed worker for the tests that follow.
    workers[workers.indexOf(victim!)] = await spawnWorker(workerArgs);
  });

  it("Redis' client connections killed mid-job, 3 times (CLIENT KILL TYPE normal: the client's and both workers' connections, blocking ones included): they reconnect, output byte-identical", async () => {
    const want = await compute(longJob(), { executor: inline() });
    const admin = new Redis(redis.url);
    const kills: Promise<unknown>[] = [];
    try {
      const got = await compute(longJob(), {
        executor: ex,
        optimize: false,
        onProgress: ({ done }) => {
          if (kills.length < 3 && done >= 12 * (kills.length + 1)) kills.push(admin.client("KILL", "TYPE", "normal"));
        },
      });
      expect(bytes(got).equals(bytes(want))).toBe(true);
      const killed = (await Promise.all(kills)) as number[];
      expect(killed).toHaveLength(3);
      // The client's queue and event-stream connections, and each worker's command and blocking ones.
      expect(killed[0]).toBeGreaterThanOrEqual(6);
    } finally {
      admin.disconnect();
    }
  }, 20_000);

  it("Redis restarted mid-job (stopped, started empty on the same port): the client finds its jobs gone, runs those tasks again, output byte-identical", async () => {
    const want = await compute(longJob(), { executor: inline() });
    const failures: unknown[] = [];
    // The executor as the scheduler sees it, recording each failed attempt.
    const watched = {
      ...ex,
      async run(...args: Parameters<typeof ex.run>): Promise<unknown> {
        try {
          return await ex.run(...args);
        } catch (e) {
          failures.push(e);
          throw e;
        }
      },
    };
    let restarted: Promise<void> | undefined;
    const onProgress = ({ done }: { done: number }): void => {
      if (done >= 12) restarted ??= redis.restart();
    };
    const got = await compute(longJob(), { executor: watched, optimize: false, onProgress });
    await restarted;
    expect(bytes(got).equals(bytes(want))).toBe(true);
    expect(failures.length).toBeGreaterThan(0);
    for (const e of failures) {
      expect(e).toBeInstanceOf(WorkerLostError);
      expect((e as Error).message).toMatch(/must stay in Redis until a worker answers; got job gone from Redis at redis:\/\/127\.0\.0\.1:\d+ before any worker answered/);
    }
  }, 20_000);

  it("Redis stopped for good mid-job: compute fails within staleMs with one line (DistributedError 'unreachable'), and close() returns", async () => {
    const lone = await startRedis();
    const w = await spawnWorker(["--redis", lone.url, "--kernels", "test/executors/pure-kernels.ts", "--concurrency", "1", "--scratch", scratch]);
    const lonely = distributed({ taskKey: TEST_TASK_KEY, connection: lone.url, scratchDir: scratch, concurrency: 2, staleMs: 2000 });
    try {
      let stopped = false;
      const onProgress = ({ done }: { done: number }): void => {
        if (done < 2 || stopped) return;
        stopped = true;
        void lone.stop();
      };
      const err = await compute(longJob(), { executor: lonely, optimize: false, onProgress }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TaskError);
      const cause = (err as Error).cause as DistributedError;
      expect(cause).toBeInstanceOf(DistributedError);
      expect(cause.kind).toBe("unreachable");
      expect(cause.message).toBe(`distributed: Redis at ${lone.url} must stay reachable while tasks run; got no answer for 2000 ms. Check that redis-server is running and reachable, then run the job again`);
      await lonely.close();
    } finally {
      await lonely.close();
      // A BullMQ worker's graceful close waits for Redis to come back; this one never will.
      w.child.kill("SIGKILL");
      await w.stop();
      await lone.stop();
    }
  }, 20_000);
});

describe("distributed: security", () => {
  const ex = make();
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "chunkwise-dist-sec-"));
  });
  afterAll(async () => {
    await ex.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (task: Task): Promise<unknown> => ex.run(task, () => undefined, new Map());

  it("a task naming a module the worker was not started with is refused and nothing is imported", async () => {
    const evil = join(dir, "evil.mjs");
    const marker = join(dir, "imported");
    writeFileSync(evil, `import { writeFileSync } from "node:fs"; writeFileSync(${JSON.stringify(marker)}, "pwned"); export const x = () => 1;`);
    const err = await run({ key: "evil", kernel: { module: pathToFileURL(evil).href, name: "x" }, args: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DistributedError);
    expect((err as DistributedError).kind).toBe("refused");
    expect((err as Error).message).toContain("kernel modules must be ones this worker was started with (--kernels) or chunkwise's own");
    expect(existsSync(marker)).toBe(false);
    expect(workers.some((w) => w.output().includes("refused job"))).toBe(true);
  });

  it.each([
    ["node:child_process", "exec"],
    ["data:text/javascript,export const x = () => 1", "x"],
    ["file:///etc/passwd", "x"],
  ])("module %s is refused", async (module, name) => {
    const err = await run({ key: "bad", kernel: { module, name }, args: [] }).catch((e: unknown) => e);
    expect((err as DistributedError).kind).toBe("refused");
  });

  it("an export of an allowed module that is not a defineKernel kernel is refused (chunkwise's gaussianRadius, a plain function of a kernel module)", async () => {
    for (const [module, name] of [[new URL("../../src/filters/gaussian.ts", import.meta.url).href, "gaussianRadius"], [new URL("./distributed-kernels.ts", import.meta.url).href, "notAKernel"]] as const) {
      const err = await run({ key: "plain", kernel: { module, name }, args: [{ value: "x" }] }).catch((e: unknown) => e);
      expect((err as DistributedError).kind).toBe("refused");
      expect((err as Error).message).toContain("must be a kernel defined with defineKernel");
    }
  });

  it("a zarr chunk key escaping the store ('..') is refused by the worker; nothing is written outside", async () => {
    const store = join(dir, "out.zarr");
    const task: Task = {
      key: "escape",
      kernel: kernelRefOf(writeZarrChunk)!,
      args: [{ value: ramp([2, 2]) }],
      params: { store: { fs: store }, key: "/../escaped", dtype: "float64", blockShape: [2, 2], chunkShape: [2, 2], fill: 0, compressor: null },
    };
    const err = await run(task).catch((e: unknown) => e);
    expect((err as Error).message).toContain("must stay inside its store");
    expect(existsSync(join(dir, "escaped"))).toBe(false);
  });

  it("a crafted job whose scratch directory or file name escapes the scratch root is refused, even signed with the key", async () => {
    const queue = new Queue("chunkwise", { connection: { host: "127.0.0.1", port: redis.port } });
    const events = new QueueEvents("chunkwise", { connection: { host: "127.0.0.1", port: redis.port } });
    try {
      await events.waitUntilReady();
      for (const data of [
        { v: 1, run: "../../etc", task: { json: { key: "t", kernel: kernelRefOf(heavy), args: [] } }, inputs: [] },
        { v: 1, run: "abc", task: { file: "../../../etc/passwd", bytes: 0 }, inputs: [] },
        { v: 1, run: "abc", task: { file: "/etc/passwd", bytes: 0 }, inputs: [] },
      ]) {
        const jobId = `crafted-${Math.random().toString(16).slice(2)}`;
        const sig = signJob(taskKeyBytes("test", TEST_TASK_KEY), { queue: "chunkwise", jobId }, data);
        const job = await queue.add("crafted", { ...data, sig }, { jobId, removeOnComplete: false });
        const reply = (await job.waitUntilFinished(events, 30_000)) as { ok: boolean; error: { message: string } };
        expect(reply.ok).toBe(false);
        expect(reply.error.message).toMatch(/must (be a plain name inside the scratch root|stay inside the job's scratch directory)/);
      }
    } finally {
      await queue.close();
      await events.close();
    }
  });
});

describe("distributed: connections", () => {
  it("unreachable Redis: compute fails with one clear line, password masked", async () => {
    const port = await closedPort();
    const ex = distributed({ taskKey: TEST_TASK_KEY, connection: `redis://app:s3cret-pw@127.0.0.1:${port}`, scratchDir: scratch });
    const err = await compute(mapBlocks(heavy, [fromArray(ramp([4, 4]), { chunks: 2 })], { params: { rounds: 1 } }) as ChunkedArray, { executor: ex }).catch((e: unknown) => e);
    await ex.close();
    expect(err).toBeInstanceOf(TaskError);
    const cause = (err as Error).cause as DistributedError;
    expect(cause).toBeInstanceOf(DistributedError);
    expect(cause.kind).toBe("unreachable");
    expect(cause.message).toContain(`redis://app:***@127.0.0.1:${port}`);
    expect(cause.message).not.toContain("s3cret-pw");
    expect(String((err as Error).message)).not.toContain("s3cret-pw");
    expect(cause.message.split("\n")).toHaveLength(1);
  });

  it("a password-protected Redis: client and worker (URL from CHUNKWISE_REDIS_URL) work; logs never show the password; a wrong password is a masked error", async () => {
    const secured = await startRedis(["--requirepass", "s3cret-pw"]);
    const url = `redis://default:s3cret-pw@127.0.0.1:${secured.port}`;
    const w = await spawnWorker(["--kernels", "test/executors/pure-kernels.ts", "--concurrency", "1", "--scratch", scratch, "--queue", "secured", "--verbose"], { CHUNKWISE_REDIS_URL: url });
    const ex = distributed({ taskKey: TEST_TASK_KEY, connection: { url }, scratchDir: scratch, queue: "secured" });
    const bad = distributed({ taskKey: TEST_TASK_KEY, connection: `redis://default:wrong-pw@127.0.0.1:${secured.port}`, scratchDir: scratch, queue: "secured" });
    try {
      const x = mapBlocks(heavy, [fromArray(ramp([8, 8]), { chunks: 4 })], { params: { rounds: 2 } }) as ChunkedArray;
      expect(bytes(await compute(x, { executor: ex })).equals(bytes(await compute(x)))).toBe(true);
      expect(ex.redis).toBe(`redis://default:***@127.0.0.1:${secured.port}`);
      const err = await compute(x, { executor: bad }).catch((e: unknown) => e);
      const message = ((err as Error).cause as Error).message;
      expect(message).toContain("must be reachable");
      expect(message).not.toContain("wrong-pw");
      expect(w.output()).toContain("redis://default:***@");
      expect(w.output()).toContain("done in");
      expect(w.output()).not.toContain("s3cret-pw");
    } finally {
      await Promise.all([ex.close(), bad.close()]);
      await w.stop();
      await secured.stop();
    }
  });
});

describe("distributed: TLS (rediss://) against a TLS-only redis-server with a throwaway CA", () => {
  const certDir = mkdtempSync(join(tmpdir(), "chunkwise-tls-"));
  let certs: Certificates;
  let secured: RedisFixture;
  let url = "";
  beforeAll(async () => {
    certs = makeCertificates(certDir);
    secured = await startRedis(["--requirepass", "s3cret-pw"], { tls: certs });
    url = `rediss://default:s3cret-pw@127.0.0.1:${secured.port}`;
  });
  afterAll(async () => {
    await secured?.stop();
    rmSync(certDir, { recursive: true, force: true });
  });
  const small = (): ChunkedArray => mapBlocks(heavy, [fromArray(ramp([8, 8]), { chunks: 4 })], { params: { rounds: 2 } }) as ChunkedArray;

  it("with a password: workers trusting the CA through NODE_EXTRA_CA_CERTS or --redis-ca, and a client given connection.tls.ca, run jobs byte-identical to inline; no password shown", async () => {
    const common = ["--kernels", "test/executors/pure-kernels.ts", "--concurrency", "1", "--scratch", scratch, "--verbose"];
    // The --redis-ca worker's NODE_EXTRA_CA_CERTS names the other CA, so only the flag can make it trust the server.
    const [byEnv, byFlag] = await Promise.all([
      spawnWorker([...common, "--queue", "tls-env"], { CHUNKWISE_REDIS_URL: url, NODE_EXTRA_CA_CERTS: certs.ca }),
      spawnWorker([...common, "--queue", "tls-flag", "--redis-ca", certs.ca], { CHUNKWISE_REDIS_URL: url, NODE_EXTRA_CA_CERTS: certs.otherCa }),
    ]);
    const executors = ["tls-env", "tls-flag"].map((queue) => distributed({ taskKey: TEST_TASK_KEY, connection: { url, tls: { ca: readFileSync(certs.ca) } }, scratchDir: scratch, queue }));
    try {
      const want = bytes(await compute(small()));
      for (const ex of executors) expect(bytes(await compute(small(), { executor: ex })).equals(want)).toBe(true);
      const masked = `rediss://default:***@127.0.0.1:${secured.port}`;
      expect(executors[0]!.redis).toBe(masked);
      for (const w of [byEnv, byFlag]) {
        expect(w.output()).toContain(`listening on ${masked}`);
        expect(w.output()).toContain("done in");
        expect(w.output()).not.toContain("s3cret-pw");
        expect(w.output()).not.toContain("Warning");
      }
    } finally {
      await Promise.all(executors.map((ex) => ex.close()));
      await Promise.all([byEnv.stop(), byFlag.stop()]);
    }
  }, 20_000);

  it("a client trusting another CA, or only Node's default ones, fails with one line (DistributedError 'unreachable') saying how to give the CA; so does a worker", async () => {
    for (const connection of [{ url, tls: { ca: readFileSync(certs.otherCa) } }, url]) {
      const ex = distributed({ taskKey: TEST_TASK_KEY, connection, scratchDir: scratch });
      const err = await compute(small(), { executor: ex }).catch((e: unknown) => e);
      await ex.close();
      const cause = (err as Error).cause as DistributedError;
      expect(cause).toBeInstanceOf(DistributedError);
      expect(cause.kind).toBe("unreachable");
      expect(cause.message).toMatch(/^distributed: Redis at rediss:\/\/default:\*\*\*@127\.0\.0\.1:\d+ must present a TLS certificate this process trusts for its host name; got .+ \([A-Z_]+\)\. Give the CA that signed it: connection \{ url, tls: \{ ca \} \}, chunkwise worker --redis-ca FILE, or NODE_EXTRA_CA_CERTS=FILE$/);
      expect(cause.message).not.toContain("s3cret-pw");
    }
    const err = await startWorker({ taskKey: TEST_TASK_KEY, connection: { url, tls: { ca: readFileSync(certs.otherCa, "utf8") } }, scratchDir: scratch, log: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DistributedError);
    expect((err as DistributedError).kind).toBe("unreachable");
    expect((err as Error).message).toContain("worker: Redis at rediss://default:***@");
  }, 20_000);
});

describe("distributed: mutual TLS (tls-auth-clients yes, Redis' default) against TLS-only redis-servers, TLS 1.3 and TLS 1.2", () => {
  const certDir = mkdtempSync(join(tmpdir(), "chunkwise-mtls-"));
  let certs: Certificates;
  // TLS 1.3 (the default) and TLS 1.2 refuse a client certificate differently: under 1.3 the
  // client's handshake completes first and its first command meets an alert or a reset.
  const servers: { name: string; redis: RedisFixture; url: string }[] = [];
  beforeAll(async () => {
    certs = makeCertificates(certDir);
    for (const [name, extra] of [["TLS 1.3", []], ["TLS 1.2", ["--tls-protocols", "TLSv1.2"]]] as const) {
      const redis = await startRedis(["--requirepass", "s3cret-pw", ...extra], { tls: certs, authClients: true });
      servers.push({ name, redis, url: `rediss://default:s3cret-pw@127.0.0.1:${redis.port}` });
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.redis.stop()));
    rmSync(certDir, { recursive: true, force: true });
  });
  const small = (): ChunkedArray => mapBlocks(heavy, [fromArray(ramp([8, 8]), { chunks: 4 })], { params: { rounds: 2 } }) as ChunkedArray;
  /** What no output may show: the password and every line of the client keys. */
  const secrets = (): string[] => ["s3cret-pw", ...[certs.clientKey, certs.otherClientKey].flatMap((f) => readFileSync(f, "utf8").split("\n").filter((l) => l !== "" && !l.startsWith("-----")))];
  const how = "Give a certificate signed by the CA in Redis' tls-ca-cert-file, and its key: connection { url, tls: { cert, key } }, or chunkwise worker --redis-cert FILE --redis-key FILE";
  const escape = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // The reason is the server's alert, or the reset or close that a TLS 1.3 client meets instead.
  const refusal = (requires: string, got: string): RegExp =>
    new RegExp(`^(distributed|worker): ${escape("Redis at rediss://default:***@127.0.0.1:")}\\d+ ${escape(`requires ${requires}, so this process must present one; got ${got}`)}(, and the connection closed right after the TLS handshake \\(((write|read) (ECONNRESET|EPIPE)|Connection is closed)\\)| \\([a-z0-9 ]+ alert [a-z ]+\\))\\. ${escape(how)}$`);
  const NONE = refusal("a client certificate (tls-auth-clients yes, Redis' default)", "none");
  const REFUSED = refusal("a client certificate signed by a CA it trusts (tls-auth-clients yes)", "one Redis refused");

  /** compute on a fresh client, 3 times (the alert and the reset race): each fails fast with one line matching `message`. */
  const expectRefused = async (connection: Parameters<typeof distributed>[0]["connection"], message: RegExp): Promise<void> => {
    for (let i = 0; i < 3; i++) {
      const ex = distributed({ taskKey: TEST_TASK_KEY, connection, scratchDir: scratch });
      const err = await compute(small(), { executor: ex }).catch((e: unknown) => e);
      await ex.close();
      expect(err).toBeInstanceOf(TaskError);
      const cause = (err as Error).cause as DistributedError;
      expect(cause).toBeInstanceOf(DistributedError);
      expect(cause.kind).toBe("unreachable");
      expect(cause.message).toMatch(message);
      for (const s of secrets()) expect(cause.message).not.toContain(s);
    }
  };

  it("TLS 1.3: a client with connection.tls { ca, cert, key } and a chunkwise worker with --redis-ca --redis-cert --redis-key run a job byte-identical to inline; no password or key shown", async () => {
    const { url, redis } = servers[0]!;
    const w = await spawnWorker(["--kernels", "test/executors/pure-kernels.ts", "--concurrency", "1", "--scratch", scratch, "--queue", "mtls", "--verbose", "--redis-ca", certs.ca, "--redis-cert", certs.clientCert, "--redis-key", certs.clientKey], { CHUNKWISE_REDIS_URL: url });
    const ex = distributed({ taskKey: TEST_TASK_KEY, connection: { url, tls: { ca: readFileSync(certs.ca), cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey, "utf8") } }, scratchDir: scratch, queue: "mtls" });
    try {
      expect(bytes(await compute(small(), { executor: ex })).equals(bytes(await compute(small())))).toBe(true);
      expect(ex.redis).toBe(`rediss://default:***@127.0.0.1:${redis.port}`);
      expect(w.output()).toContain(`listening on rediss://default:***@127.0.0.1:${redis.port}`);
      expect(w.output()).toContain("done in");
      for (const s of secrets()) expect(w.output()).not.toContain(s);
    } finally {
      await ex.close();
      await w.stop();
    }
  }, 15_000);

  it.each(["TLS 1.3", "TLS 1.2"])("%s, no client certificate: a client fails with one line (DistributedError 'unreachable') saying Redis requires one and how to give it; so does startWorker", async (name) => {
    const { url } = servers.find((s) => s.name === name)!;
    await expectRefused({ url, tls: { ca: readFileSync(certs.ca) } }, NONE);
    const err = await startWorker({ taskKey: TEST_TASK_KEY, connection: { url, tls: { ca: readFileSync(certs.ca) } }, scratchDir: scratch, log: () => undefined }).catch((e: unknown) => e);
    if (!(err instanceof Error)) await (err as { close(): Promise<void> }).close();
    expect(err).toBeInstanceOf(DistributedError);
    expect((err as DistributedError).kind).toBe("unreachable");
    expect((err as Error).message).toMatch(NONE);
  }, 15_000);

  it.each(["TLS 1.3", "TLS 1.2"])("%s, a client certificate signed by another CA: a client fails with one line saying Redis refused it; a chunkwise worker given it exits 2 (a usage error) with that line", async (name) => {
    const { url } = servers.find((s) => s.name === name)!;
    const tls = { ca: readFileSync(certs.ca), cert: readFileSync(certs.otherClientCert), key: readFileSync(certs.otherClientKey) };
    await expectRefused({ url, tls }, REFUSED);
    const err = await spawnWorker(["--kernels", "test/executors/pure-kernels.ts", "--scratch", scratch, "--redis-ca", certs.ca, "--redis-cert", certs.otherClientCert, "--redis-key", certs.otherClientKey], { CHUNKWISE_REDIS_URL: url }).catch((e: unknown) => e);
    if (!(err instanceof Error)) await (err as WorkerProcess).stop();
    expect(err).toBeInstanceOf(Error);
    const [head, ...lines] = (err as Error).message.split("\n");
    expect(head).toBe("chunkwise worker exited with code 2; output:");
    expect(lines.filter((l) => l !== "")).toHaveLength(1);
    expect(lines[0]!.replace(/^chunkwise: /, "")).toMatch(REFUSED);
    for (const s of secrets()) expect(lines[0]).not.toContain(s);
  }, 15_000);
});

describe("distributed: scratch", () => {
  it("scratch files are removed as their last reader finishes; a second run of the same graph works", async () => {
    const ex = make();
    const files = (): string[] => readdirSync(scratch, { recursive: true }).map(String).filter((f) => f.endsWith(".blk"));
    const before = new Set(files());
    const x = fromArray(ramp([24, 24]), { chunks: 8 });
    const y = mapBlocks(heavy, [mapBlocks(heavy, [x], { params: { rounds: 1 } }) as ChunkedArray], { params: { rounds: 1 } }) as ChunkedArray;
    let most = 0;
    await compute(y, { executor: ex, optimize: false, onProgress: () => (most = Math.max(most, files().length - before.size)) });
    expect(most).toBeGreaterThan(0);
    expect(files().filter((f) => !before.has(f)).join(" ")).toEqual("");
    // The same graph again on the same executor: its source is uploaded anew (its file was removed).
    expect(bytes(await compute(y, { executor: ex, optimize: false })).equals(bytes(await compute(y)))).toBe(true);
    await ex.close();
  });
});
