/**
 * toOmeZarr on the distributed executor (redis-server and two `chunkwise worker` processes,
 * signed tasks): the workers import the coarsen and rounding kernels from chunkwise's kernel
 * modules by themselves, and the pyramid written equals the one written inline, byte for byte
 * in every chunk.
 */
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromArray } from "../../../src/array/creation.js";
import { distributed } from "../../../src/executors/distributed/distributed.js";
import { toOmeZarr } from "../../../src/io/zarr/index.js";
import { seededBlock } from "../../../src/testing/gufunc-cases.js";
import { spawnWorker, startRedis, TEST_TASK_KEY, type RedisFixture, type WorkerProcess } from "../../executors/redis-fixture.js";
import { listFiles, tempDir } from "./helpers.js";

let redis: RedisFixture;
let scratch: string;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  scratch = join(tempDir(), "scratch");
  await mkdir(scratch);
  const args = ["--redis", redis.url, "--concurrency", "1", "--scratch", scratch, "--queue", "ome"];
  workers.push(...(await Promise.all([spawnWorker(args), spawnWorker(args)])));
}, 60_000);
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
});

describe("toOmeZarr with executor=distributed", () => {
  it("int16 czyx shape=[2,4,40,40], 3 levels: the same chunks as inline", async () => {
    const x = fromArray(seededBlock([2, 4, 40, 40], 8, "int16"), { chunks: [1, 4, 20, 20] });
    const a = join(tempDir(), "inline.ome.zarr");
    const b = join(tempDir(), "distributed.ome.zarr");
    await toOmeZarr(x, a, { chunks: [1, 4, 10, 10], levels: 3 });
    const ex = distributed({ taskKey: TEST_TASK_KEY, connection: redis.url, scratchDir: scratch, queue: "ome", concurrency: 2 });
    try {
      const r = await toOmeZarr(x, b, { chunks: [1, 4, 10, 10], levels: 3, executor: ex });
      expect(r.levels.map((l) => l.shape)).toEqual([[2, 4, 40, 40], [2, 2, 20, 20], [2, 1, 10, 10]]);
    } finally {
      await ex.close();
    }
    const chunks = listFiles(a).filter((f) => /^\d\/\d/.test(f) && !/\.z(array|attrs)$/.test(f));
    expect(chunks.length).toBeGreaterThan(10);
    expect(listFiles(b).filter((f) => chunks.includes(f))).toEqual(chunks);
    for (const f of chunks) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f)))).toBe(true);
  });
});
