/**
 * Kernels for the distributed tests: one that stalls on its first attempt at chosen blocks
 * (so the test can SIGKILL the worker process holding it), and modules a worker must refuse.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";
import { defineKernel } from "../../src/graph/kernel.js";
import type { Block } from "../../src/core/ndarray.js";
import { heavy } from "./pure-kernels.js";

/**
 * First attempt at a block in `params.blocks`, on a worker thread (never inline): records this process's pid in
 * `dir/hold-<block>` and blocks its thread for `params.ms` (the test kills the process then);
 * every other attempt computes `heavy`.
 */
export const holdOnce = defineKernel(import.meta.url, "holdOnce", (block: Block, params: { dir: string; blocks: number[][]; ms: number; rounds: number }, ctx: { blockIndex: number[] }) => {
  const marker = join(params.dir, `hold-${ctx.blockIndex.join("_")}`);
  if (!isMainThread && params.blocks.some((b) => b.join() === ctx.blockIndex.join()) && !existsSync(marker)) {
    writeFileSync(marker, String(process.pid));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, params.ms);
  }
  return heavy(block, { rounds: params.rounds });
});

/** A plain function, exported but not a kernel: a worker must not call it. */
export function notAKernel(): string {
  return "called";
}
