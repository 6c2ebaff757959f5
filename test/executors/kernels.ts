/**
 * Kernels for the executor tests that use Node: named with defineKernel in a TypeScript module,
 * on worker threads this is "a user's .ts kernel module run with tsx on Node 20". Kernels that
 * count attempts or record start times use marker files, since every worker thread is its own
 * JavaScript realm. The kernels that need nothing but their blocks (heavy, combine, inner,
 * sharedness, failOn) are in pure-kernels.ts, which the browser pages share.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";
import { defineKernel } from "../../src/graph/kernel.js";
import { sizeOf, type Block } from "../../src/core/ndarray.js";
import { passTeams } from "../../src/fft/pass-team.js";
import { heavy, newBlock, values } from "./pure-kernels.js";

/** Throws on the first `params.failures` attempts at each block (counted in `params.dir`). */
export const flaky = defineKernel(import.meta.url, "flaky", (block: Block, params: { dir: string; failures: number }, ctx: { blockIndex: number[] }) => {
  for (let k = 0; k < params.failures; k++) {
    const marker = join(params.dir, `flaky-${ctx.blockIndex.join("_")}-${k}`);
    if (!existsSync(marker)) {
      writeFileSync(marker, "");
      throw new Error(`transient failure ${k} at block ${ctx.blockIndex.join(",")}`);
    }
  }
  return newBlock(block.shape, values(block));
});

/**
 * Kills its worker thread (process.exit in a worker ends that thread only) on the first
 * attempt at each block in `params.blocks`; computes `heavy` otherwise. Never exits the main thread.
 */
export const crashOnce = defineKernel(import.meta.url, "crashOnce", (block: Block, params: { dir: string; blocks: number[][]; rounds: number }, ctx: { blockIndex: number[] }) => {
  const marker = join(params.dir, `crash-${ctx.blockIndex.join("_")}`);
  if (!isMainThread && params.blocks.some((b) => b.join() === ctx.blockIndex.join()) && !existsSync(marker)) {
    writeFileSync(marker, "");
    process.exit(1);
  }
  return heavy(block, { rounds: params.rounds });
});

/** Records its start and end (epoch ms) in `params.dir` and blocks its thread for `params.ms`. */
export const slow = defineKernel(import.meta.url, "slow", (block: Block, params: { dir: string; ms: number }, ctx: { blockIndex: number[] }) => {
  mkdirSync(params.dir, { recursive: true });
  const id = ctx.blockIndex.join("_");
  writeFileSync(join(params.dir, `start-${id}`), String(performance.timeOrigin + performance.now()));
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, params.ms);
  writeFileSync(join(params.dir, `end-${id}`), String(performance.timeOrigin + performance.now()));
  return newBlock(block.shape, values(block));
});

/** A block of the block's shape filled with the thread budget the executor put in the context (0: none). */
export const threadBudget = defineKernel(import.meta.url, "threadBudget", (block: Block, _params: unknown, ctx: { threads?: number }) => {
  return newBlock(block.shape, new Float64Array(sizeOf(block.shape)).fill(ctx.threads ?? 0));
});

/** How long this thread's FFT teams wait idle for their next user (ms), as a 1-element block: what a worker keeps its engine for between tasks. */
export const teamIdleMs = defineKernel(import.meta.url, "teamIdleMs", (block: Block) => {
  const pool = passTeams() as { idleMs?: number } | undefined;
  return newBlock([1], Float64Array.of(block.shape.length === 0 ? -2 : pool?.idleMs ?? -1));
});
