/**
 * Kernels of the Web Workers conformance pages: the Node suite's own pure kernels
 * (test/executors/pure-kernels.ts, re-exported so that a worker importing this module has
 * them all), and flaky and slow with the marker files of the Node suite replaced by the Cache
 * Storage of the page's origin, which every worker of the page shares (kernels may be async:
 * the scheduler awaits them). Importable in Node too, where the Node reference of the pipeline
 * is computed with the same kernels.
 */
import { defineKernel } from "../../../src/graph/kernel.js";
import type { Block } from "../../../src/core/ndarray.js";
import { newBlock, values } from "../../executors/pure-kernels.js";

export { combine, failOn, heavy, inner, sharedness } from "../../executors/pure-kernels.js";

interface MarkerCache {
  put(url: string, response: unknown): Promise<void>;
  match(url: string): Promise<unknown>;
  keys(): Promise<readonly { url: string }[]>;
}
interface BrowserGlobals {
  caches: { open(name: string): Promise<MarkerCache> };
  location: { origin: string };
  Response: new (body: string) => unknown;
}
const web = globalThis as unknown as BrowserGlobals;

function markerUrl(dir: string, name: string): string {
  return `${web.location.origin}/__markers/${dir}/${name}`;
}

/** Records marker `name` in `dir` with `value`. */
async function mark(dir: string, name: string, value = ""): Promise<void> {
  await (await web.caches.open("chunkwise-markers")).put(markerUrl(dir, name), new web.Response(value));
}

async function hasMarker(dir: string, name: string): Promise<boolean> {
  return (await (await web.caches.open("chunkwise-markers")).match(markerUrl(dir, name))) !== undefined;
}

/** The markers of `dir`: name to recorded value (page side). */
export async function markers(dir: string): Promise<Record<string, string>> {
  const cache = await web.caches.open("chunkwise-markers");
  const prefix = markerUrl(dir, "");
  const out: Record<string, string> = {};
  for (const req of await cache.keys()) {
    if (!req.url.startsWith(prefix)) continue;
    const res = (await cache.match(req.url)) as { text(): Promise<string> };
    out[req.url.slice(prefix.length)] = await res.text();
  }
  return out;
}

/** Throws on the first `params.failures` attempts at each block (counted in marker folder `params.dir`). */
export const flaky = defineKernel(import.meta.url, "flaky", async (block: Block, params: { dir: string; failures: number }, ctx: { blockIndex: number[] }) => {
  for (let k = 0; k < params.failures; k++) {
    const name = `flaky-${ctx.blockIndex.join("_")}-${k}`;
    if (!(await hasMarker(params.dir, name))) {
      await mark(params.dir, name);
      throw new Error(`transient failure ${k} at block ${ctx.blockIndex.join(",")}`);
    }
  }
  return newBlock(block.shape, values(block));
});

/** Records its start and end (epoch ms) in marker folder `params.dir` and blocks its thread for `params.ms`. */
export const slow = defineKernel(import.meta.url, "slow", async (block: Block, params: { dir: string; ms: number }, ctx: { blockIndex: number[] }) => {
  const id = ctx.blockIndex.join("_");
  await mark(params.dir, `start-${id}`, String(performance.timeOrigin + performance.now()));
  // A busy wait: pages without cross-origin isolation have no SharedArrayBuffer to Atomics.wait on.
  for (const until = performance.now() + params.ms; performance.now() < until; );
  await mark(params.dir, `end-${id}`, String(performance.timeOrigin + performance.now()));
  return newBlock(block.shape, values(block));
});
