/**
 * `npm run bench -- threads`: what moving block buffers saves, and what two worker threads buy.
 * 1. Sending a 64 MB block to a worker thread and back: transferred vs copied (structured clone),
 *    raw postMessage and through the threads executor.
 * 2. A CPU-bound mapBlocks kernel over 8 chunks: inline (the baseline), threads(1), threads(2);
 *    prints the speedup of 2 workers over inline and the parallel efficiency t1 / (2 t2).
 * This module is also the kernel module the workers import, so it has no top-level effects.
 */
import { availableParallelism, loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import { compute, defineKernel, fromArray, inline, mapBlocks, type Block, type ChunkedArray } from "../src/entries/node-index.js";
import { fromTypedArray } from "../src/core/ndarray.js";
import { threads } from "../src/executors/threads/index.js";
import { burn } from "./kernels.js";
import { bareSpeedup, median, timeIt } from "./timing.js";

/** Reads one element per page (so the block is really there) and returns a tiny block. */
export const touch = defineKernel(import.meta.url, "touch", (block: Block) => {
  let s = 0;
  for (let i = 0; i < block.data.length; i += 512) s += Number(block.data[i]);
  return fromTypedArray("float64", Float64Array.of(s), [1]);
});

/** Returns a fresh 64 MB float64 block (made in the worker, so it comes back moved). */
export const make64 = defineKernel(import.meta.url, "make64", (params: { n: number }) =>
  ({ dtype: "float64", data: new Float64Array(params.n).fill(1), shape: [params.n], stride: [1], offset: 0 }) as Block,
);

/** One-way postMessage of a 64 MB buffer to a worker, until it acknowledges. */
async function rawPost(transfer: boolean, repeats: number): Promise<number> {
  const w = new Worker("require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m.byteLength))", { eval: true });
  const send = (): Promise<number> => {
    const buf = new Float64Array(8 * 1024 * 1024).fill(1).buffer;
    const t0 = performance.now();
    return new Promise((resolve) => {
      w.once("message", () => resolve(performance.now() - t0));
      w.postMessage(buf, transfer ? [buf] : []);
    });
  };
  await send();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) times.push(await send());
  await w.terminate();
  return median(times);
}

export async function main(): Promise<void> {
  console.log(`(${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}: other work on the machine inflates the thread figures)`);
  const n = 8 * 1024 * 1024; // 64 MB of float64
  const moved = await rawPost(true, 5);
  const copied = await rawPost(false, 5);
  console.log(`64 MB to a worker (raw postMessage): transferred ${moved.toFixed(2)} ms, copied ${copied.toFixed(1)} ms (${(copied / moved).toFixed(0)}x)`);

  const ex = threads({ workers: 1 });
  try {
    const made = (await ex.run({ key: "m", kernel: { module: import.meta.url, name: "make64" }, args: [], params: { n } }, () => undefined, new Map())) as Block;
    const readTask = { key: "t", kernel: { module: import.meta.url, name: "touch" }, args: [{ ref: "m" }] };
    // Warm up the worker and its kernel module.
    await ex.run(readTask, () => fromTypedArray("float64", new Float64Array(8), [8]), new Map());
    const times = { moved: [] as number[], copied: [] as number[] };
    for (let r = 0; r < 5; r++) {
      const mine = (await ex.run({ key: "m", kernel: { module: import.meta.url, name: "make64" }, args: [], params: { n } }, () => undefined, new Map())) as Block;
      let t0 = performance.now();
      await ex.run(readTask, () => mine, new Map(), undefined, { lastUse: new Set(["m"]) });
      times.moved.push(performance.now() - t0);
      // A user's block (not made by a worker) is copied, never moved.
      const user = { ...made, data: made.data.slice() };
      t0 = performance.now();
      await ex.run(readTask, () => user, new Map(), undefined, { lastUse: new Set(["m"]) });
      times.copied.push(performance.now() - t0);
    }
    const [m, c] = [median(times.moved), median(times.copied)];
    console.log(`64 MB task input (threads executor, incl. task round trip): moved ${m.toFixed(2)} ms, copied ${c.toFixed(1)} ms (${(c / m).toFixed(0)}x)`);
  } finally {
    await ex.close();
  }

  const x = fromArray(fromTypedArray("float64", Float64Array.from({ length: 8 * 40_000 }, (_, i) => (i % 101) / 7), [8, 40_000]), { chunks: [1, 40_000] });
  const y = mapBlocks(burn, [x], { params: { rounds: 60 } }) as ChunkedArray;
  let [tInline, t1, t2] = [0, 0, 0];
  const pools = { 1: threads({ workers: 1 }), 2: threads({ workers: 2 }) };
  try {
    for (const w of [1, 2] as const) {
      const t0 = performance.now();
      await compute(y, { executor: pools[w] });
      console.log(`threads(${w}): first job ${(performance.now() - t0).toFixed(0)} ms (includes starting the workers)`);
    }
    // Interleaved rounds, so a busy machine slows every variant alike; medians reported.
    const times = { inline: [] as number[], 1: [] as number[], 2: [] as number[] };
    for (let r = 0; r < 5; r++) {
      times.inline.push(await timeIt(() => compute(y, { executor: inline() }), 1));
      times[1].push(await timeIt(() => compute(y, { executor: pools[1] }), 1));
      times[2].push(await timeIt(() => compute(y, { executor: pools[2] }), 1));
    }
    [tInline, t1, t2] = [median(times.inline), median(times[1]), median(times[2])];
  } finally {
    await Promise.all([pools[1].close(), pools[2].close()]);
  }
  console.log(`CPU-bound mapBlocks, 8 chunks of 40000 float64: inline ${tInline.toFixed(0)} ms, threads(1) ${t1.toFixed(0)} ms, threads(2) ${t2.toFixed(0)} ms`);
  console.log(`baseline: 2 bare worker threads vs 1 on this machine now: ${(await bareSpeedup()).toFixed(2)}x`);
  console.log(`speedup of threads(2) over inline: ${(tInline / t2).toFixed(2)}x; parallel efficiency t1/(2 t2): ${(t1 / (2 * t2)).toFixed(2)}`);
}
