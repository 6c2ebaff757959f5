/**
 * `npm run bench -- executors`: what each executor costs per task, and what two workers buy.
 * 1. Per-task overhead: 10,000 tiny tasks (one-element blocks) on inline (the baseline),
 *    threads(2) and distributed (local redis-server, two `chunkwise worker` processes); the
 *    median of 3 runs (1 run for distributed, warmed up on a smaller graph, to keep the
 *    benchmark short).
 * 2. Parallel efficiency on 8 medium CPU-bound chunks: time on 1 worker / (2 x time on 2
 *    workers), for threads and distributed (medians of 5 interleaved rounds), each one's ratio
 *    to inline, and what two bare worker threads buy on the machine right now (the ceiling).
 * This module is also the kernel module the workers import, so it has no top-level effects.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { compute, defineKernel, fromArray, inline, mapBlocks, ones, type Block, type ChunkedArray } from "../src/entries/node-index.js";
import { fromTypedArray } from "../src/core/ndarray.js";
import type { Executor } from "../src/schedule/scheduler.js";
import { threads } from "../src/executors/threads/index.js";
import { distributed } from "../src/executors/distributed/index.js";
import { spawnWorker, startRedis, TEST_TASK_KEY } from "../test/executors/redis-fixture.js";
import { burn } from "./kernels.js";
import { bareSpeedup, median, timeIt } from "./timing.js";

/** A tiny task: adds one to a one-element block. */
export const plusOne = defineKernel(import.meta.url, "plusOne", (b: Block) => fromTypedArray("float64", Float64Array.of(Number(b.data[b.offset]) + 1), [1]));

export async function main(): Promise<void> {
  console.log(`(${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)})`);
  const scratch = mkdtempSync(join(tmpdir(), "chunkwise-bench-"));
  const redis = await startRedis();
  const args = (slots: number, queue: string): string[] => ["--redis", redis.url, "--kernels", "bench/executors.ts,bench/kernels.ts", "--concurrency", String(slots), "--scratch", scratch, "--queue", queue];
  const workers = await Promise.all([spawnWorker(args(2, "tiny")), spawnWorker(args(1, "medium")), spawnWorker(args(1, "medium"))]);
  const pool = threads({ workers: 2 });
  const pool1 = threads({ workers: 1 });
  const dTiny = distributed({ taskKey: TEST_TASK_KEY, connection: redis.url, scratchDir: scratch, queue: "tiny", concurrency: 16 });
  const d1 = distributed({ taskKey: TEST_TASK_KEY, connection: redis.url, scratchDir: scratch, queue: "medium", concurrency: 1 });
  const d2 = distributed({ taskKey: TEST_TASK_KEY, connection: redis.url, scratchDir: scratch, queue: "medium", concurrency: 2 });
  try {
    const n = 10_000;
    const tiny = mapBlocks(plusOne, [ones([n], { chunks: 1 })]) as ChunkedArray;
    const warm = mapBlocks(plusOne, [ones([200], { chunks: 1 })]) as ChunkedArray;
    const perTask = async (ex: Executor, rounds: number): Promise<number> => {
      await compute(rounds > 1 ? tiny : warm, { executor: ex }); // warm up workers and kernel imports
      const ts: number[] = [];
      for (let r = 0; r < rounds; r++) ts.push(await timeIt(() => compute(tiny, { executor: ex })));
      return (median(ts) / n) * 1000;
    };
    const [ti, tt, td] = [await perTask(inline(), 3), await perTask(pool, 3), await perTask(dTiny, 1)];
    console.log(`per task, ${n} tiny tasks: inline ${ti.toFixed(1)} us, threads(2) ${tt.toFixed(1)} us (+${(tt - ti).toFixed(1)} us, ${(tt / ti).toFixed(2)}x inline), distributed (2 slots, 16 in flight) ${td.toFixed(0)} us (+${((td - ti) / 1000).toFixed(2)} ms)`);

    const x = fromArray(fromTypedArray("float64", Float64Array.from({ length: 8 * 40_000 }, (_, i) => (i % 101) / 7), [8, 40_000]), { chunks: [1, 40_000] });
    const y = mapBlocks(burn, [x], { params: { rounds: 60 } }) as ChunkedArray;
    for (const ex of [pool, pool1, d1, d2]) await compute(y, { executor: ex });
    const ts = { inline: [] as number[], t1: [] as number[], t2: [] as number[], d1: [] as number[], d2: [] as number[] };
    // Interleaved rounds, so a busy machine slows every variant alike; medians reported.
    for (let r = 0; r < 5; r++) {
      ts.inline.push(await timeIt(() => compute(y, { executor: inline() })));
      ts.t1.push(await timeIt(() => compute(y, { executor: pool1 })));
      ts.t2.push(await timeIt(() => compute(y, { executor: pool })));
      ts.d1.push(await timeIt(() => compute(y, { executor: d1 })));
      ts.d2.push(await timeIt(() => compute(y, { executor: d2 })));
    }
    const m = Object.fromEntries(Object.entries(ts).map(([k, v]) => [k, median(v)])) as Record<keyof typeof ts, number>;
    console.log(`8 CPU-bound chunks of 40000 float64: inline ${m.inline.toFixed(0)} ms; threads 1/2 workers ${m.t1.toFixed(0)}/${m.t2.toFixed(0)} ms; distributed 1/2 workers ${m.d1.toFixed(0)}/${m.d2.toFixed(0)} ms`);
    console.log(`speedup over inline: threads(2) ${(m.inline / m.t2).toFixed(2)}x, distributed(2) ${(m.inline / m.d2).toFixed(2)}x`);
    console.log(`parallel efficiency t1/(2 t2): threads ${(m.t1 / (2 * m.t2)).toFixed(2)}, distributed ${(m.d1 / (2 * m.d2)).toFixed(2)}`);
    // The ceiling: on 2 cores the client, redis-server and anything else running share them.
    const bare = await bareSpeedup();
    console.log(`baseline: 2 bare worker threads vs 1 on this machine now: ${bare.toFixed(2)}x (an efficiency of ${(bare / 2).toFixed(2)})`);
  } finally {
    await Promise.all([pool.close(), pool1.close(), dTiny.close(), d1.close(), d2.close()]);
    await Promise.all(workers.map((w) => w.stop()));
    await redis.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
