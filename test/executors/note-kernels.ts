/**
 * Kernels that send notes (`ctx.note`), named so that worker threads and distributed workers
 * can import them: one that reports its block, and one that sends a note breaking a rule.
 */
import { defineKernel } from "../../src/graph/kernel.js";
import type { Block } from "../../src/core/ndarray.js";

/** Returns its block unchanged after sending `params.count` notes `{ block, k, sum, tag }` (default 1). */
export const noting = defineKernel(import.meta.url, "noting", (block: Block, params: { count?: number; tag?: number }, ctx: { blockIndex: number[]; note?: (v: unknown) => void }) => {
  let sum = 0;
  for (let i = 0; i < block.data.length; i++) sum += Number(block.data[i]);
  for (let k = 0; k < (params.count ?? 1); k++) ctx.note?.({ block: ctx.blockIndex, k, sum, tag: params.tag ?? 0 });
  return block;
});

/** Sends one note that breaks a rule (`params.kind`), then returns its block. */
export const badNote = defineKernel(import.meta.url, "badNote", (block: Block, params: { kind: "function" | "big" | "many" | "deep" | "bigint" }, ctx: { note?: (v: unknown) => void }) => {
  const note = ctx.note!;
  if (params.kind === "function") note(() => 1);
  else if (params.kind === "bigint") note({ n: 1n });
  else if (params.kind === "big") note({ text: "x".repeat(5000) });
  else if (params.kind === "deep") note(JSON.parse("[".repeat(20) + "]".repeat(20)));
  else for (let k = 0; k < 65; k++) note(k);
  return block;
});
