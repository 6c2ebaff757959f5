/**
 * Timing helpers shared by the benchmarks: the median of a sample, the median wall time of an
 * async function over repeats, and what two threads buy on this machine right now.
 */
import { Worker } from "node:worker_threads";

/** The median of `xs` (the upper one for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
}

/** The median wall time in milliseconds of `repeats` sequential runs of `fn`. */
export async function timeIt(fn: () => Promise<unknown> | unknown, repeats = 1): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Speedup of 2 bare worker threads over 1 on a fixed loop: what this machine allows right now. */
export async function bareSpeedup(): Promise<number> {
  const code = `const { parentPort } = require("node:worker_threads"); parentPort.on("message", (n) => { let y = 0; for (let i = 0; i < n; i++) y = Math.sin(y + i); parentPort.postMessage(y); });`;
  const run = (k: number, n: number): Promise<unknown[]> =>
    Promise.all(Array.from({ length: k }, () => new Promise((resolve) => {
      const w = new Worker(code, { eval: true });
      w.on("message", (m) => void w.terminate().then(() => resolve(m)));
      w.postMessage(n);
    })));
  const n = 1e7;
  const t1 = await timeIt(() => run(1, 2 * n), 3);
  const t2 = await timeIt(() => run(2, n), 3);
  return t1 / t2;
}

