/**
 * Kernels of the Web Workers conformance pages: the math of test/executors/kernels.ts (heavy,
 * combine, inner give the same bytes), with the marker files of the Node suite replaced by
 * the Cache Storage of the page's origin, which every worker of the page shares (kernels may
 * be async: the scheduler awaits them). Importable in Node too, where the Node reference of
 * the pipeline is computed with the same kernels.
 */
import { defineKernel } from "../../../src/graph/kernel.js";
import { cStrides, sizeOf, type Block } from "../../../src/core/ndarray.js";

function newBlock(shape: readonly number[], data: Float64Array): Block<"float64"> {
  return { dtype: "float64", data, shape: [...shape], stride: cStrides(shape), offset: 0 };
}

/** Each element of `block` (any layout) in C order. */
function values(block: Block): Float64Array {
  const n = sizeOf(block.shape);
  const out = new Float64Array(n);
  const idx = new Array<number>(block.shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let p = block.offset;
    for (let ax = 0; ax < idx.length; ax++) p += idx[ax]! * block.stride[ax]!;
    out[k] = Number(block.data[p]);
    for (let ax = idx.length - 1; ax >= 0; ax--) {
      if (++idx[ax]! < block.shape[ax]!) break;
      idx[ax] = 0;
    }
  }
  return out;
}

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

/** CPU-bound: `rounds` steps of a chaotic map per element (float64). */
export const heavy = defineKernel(import.meta.url, "heavy", (block: Block, params: { rounds: number }) => {
  const v = values(block);
  for (let i = 0; i < v.length; i++) {
    let y = v[i]!;
    for (let r = 0; r < params.rounds; r++) y = Math.sin(y * 1.3 + r) * 0.99 + Math.cos(y) * 0.01;
    v[i] = y;
  }
  return newBlock(block.shape, v);
});

/** `a - 2 b` of two float64 blocks of one shape. */
export const combine = defineKernel(import.meta.url, "combine", (a: Block, b: Block) => {
  const x = values(a);
  const y = values(b);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! - 2 * y[i]!;
  return newBlock(a.shape, x);
});

/** For gufunc "(i),(i)->()": the inner product. */
export const inner = defineKernel(import.meta.url, "inner", (a: Block, b: Block) => {
  let s = 0;
  for (let i = 0; i < a.shape[0]!; i++) s += Number(a.data[a.offset + i * a.stride[0]!]) * Number(b.data[b.offset + i * b.stride[0]!]);
  return s;
});

/** A float64 block like the input, 1 everywhere if its buffer is shared, 0 if not. */
export const sharedness = defineKernel(import.meta.url, "sharedness", (block: Block) =>
  newBlock(block.shape, new Float64Array(sizeOf(block.shape)).fill(typeof SharedArrayBuffer !== "undefined" && block.data.buffer instanceof SharedArrayBuffer ? 1 : 0)),
);

/** An error class of the user's own, with a field of its own. */
export class BlockFailure extends Error {
  readonly code = "E_BLOCK";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BlockFailure";
  }
}

/** Throws a BlockFailure on block `params.block`; otherwise returns the block as float64. */
export const failOn = defineKernel(import.meta.url, "failOn", (block: Block, params: { block: number[] }, ctx: { blockIndex: number[] }) => {
  if (ctx.blockIndex.join() === params.block.join()) throw new BlockFailure(`bad block ${ctx.blockIndex.join(",")}`, { cause: new RangeError("inner reason") });
  return newBlock(block.shape, values(block));
});

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
