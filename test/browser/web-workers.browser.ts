// The Web Workers executor's conformance page: the cases of test/executors/conformance.ts,
// run in Chromium; each page test returns plain data that web-workers.test.ts checks (and
// compares with the Node reference).
import { KernelError, TaskError, ValueError } from "../../src/core/errors.js";
import type { Block } from "../../src/core/ndarray.js";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { fromArray } from "../../src/array/creation.js";
import { mapBlocks } from "../../src/array/map-blocks.js";
import { compute } from "../../src/schedule/compute.js";
import { inline } from "../../src/schedule/inline.js";
import { webWorkers, type WebWorkersExecutor } from "../../src/executors/web-workers/index.js";
import { defineKernel } from "../../src/graph/kernel.js";
import { gufunc } from "../../src/array/apply-gufunc.js";
import { richardsonLucy } from "../../src/filters/index.js";
import { gaussianPsf, volumes } from "./web-workers/rl-data.js";
import { definePageTests } from "./harness/in-page.js";
import { combine, failOn, flaky, heavy, markers, sharedness, slow } from "./web-workers/kernels.js";
import { digest, pipeline, ramp } from "./web-workers/pipeline.js";

declare const Worker: new (url: URL, options: { type: "module" }) => import("../../src/executors/web-workers/index.js").WebWorkerHandle;

/** A kernel the worker script does not import, and not exported by this page (so importing the page in a worker does not find it either). */
const notInWorker = defineKernel(import.meta.url, "notInWorker", (b: Block) => b);

let executor: WebWorkersExecutor | undefined;
let runs = 0;

function ex(): WebWorkersExecutor {
  if (executor === undefined) throw new Error("call the page test 'start' first");
  return executor;
}

/** A fresh marker folder name. */
const fresh = (name: string): string => `${name}-${Date.now()}-${runs++}`;

function errorInfo(e: unknown): Record<string, unknown> {
  const err = e as Error & { code?: string; key?: string; blockIndex?: number[] };
  return {
    name: err?.name,
    message: err?.message,
    isTaskError: e instanceof TaskError,
    isValueError: e instanceof ValueError,
    isKernelError: e instanceof KernelError,
    key: err?.key,
    blockIndex: err?.blockIndex,
    code: err?.code,
    stack: err?.stack,
    cause: err?.cause === undefined ? undefined : errorInfo(err.cause),
    isRangeError: e instanceof RangeError,
  };
}

definePageTests({
  start(input: { workers: number; threadsPerTask?: number }) {
    executor = webWorkers({
      workers: input.workers,
      threadsPerTask: input.threadsPerTask ?? 1,
      worker: () => new Worker(new URL("./web-workers-worker.js", import.meta.url), { type: "module" }),
    });
    return { name: executor.name, concurrency: executor.concurrency, isolated: typeof SharedArrayBuffer === "function" };
  },
  async close() {
    await executor?.close();
    executor = undefined;
  },
  async pipeline() {
    const out = await compute(pipeline(), { executor: ex() });
    const reference = await compute(pipeline(), { executor: inline() });
    return { out: out.map(digest), inline: reference.map(digest) };
  },
  async inputsIntact() {
    const src = ramp([16, 16]);
    const before = digest(src);
    const x = fromArray(src, { chunks: 8 });
    await compute(mapBlocks(heavy, [x], { params: { rounds: 1 } }) as ChunkedArray, { executor: ex() });
    await compute(fromArray(src, { chunks: 16 }), { executor: ex() });
    return { byteLength: src.data.byteLength, same: JSON.stringify(digest(src)) === JSON.stringify(before) };
  },
  async twoReaders() {
    const x = fromArray(ramp([64, 64]), { chunks: 32 });
    const h = mapBlocks(heavy, [x], { params: { rounds: 2 } }) as ChunkedArray;
    const graph = (): ChunkedArray[] => [mapBlocks(combine, [h, x]) as ChunkedArray, mapBlocks(combine, [x, h]) as ChunkedArray];
    const got = await compute(graph(), { executor: ex() });
    const want = await compute(graph(), { executor: inline() });
    return { got: got.map(digest), want: want.map(digest) };
  },
  async closure() {
    const d = fresh("closure");
    const x = fromArray(ramp([8, 8]), { chunks: 4 });
    const started = mapBlocks(slow, [x], { params: { dir: d, ms: 1 } }) as ChunkedArray;
    const myFilter = (b: Block): Block => b;
    const err = await compute(mapBlocks(myFilter, [started]) as ChunkedArray, { executor: ex() }).catch((e: unknown) => e);
    return { error: errorInfo(err), markers: Object.keys(await markers(d)) };
  },
  async failOn() {
    const x = fromArray(ramp([8, 8]), { chunks: 4 });
    return errorInfo(await compute(mapBlocks(failOn, [x], { params: { block: [1, 0] } }) as ChunkedArray, { executor: ex() }).catch((e: unknown) => e));
  },
  async wrongDtype() {
    const x = fromArray(ramp([4, 4]), { chunks: 2 });
    return errorInfo(await compute(mapBlocks(heavy, [x], { dtype: "float32", params: { rounds: 1 } }) as ChunkedArray, { executor: ex() }).catch((e: unknown) => e));
  },
  async retries() {
    const x = fromArray(ramp([8, 8]), { chunks: 4 });
    const ok = await compute(mapBlocks(flaky, [x], { params: { dir: fresh("flaky"), failures: 2 } }) as ChunkedArray, { executor: ex(), retries: 2 });
    const err = await compute(mapBlocks(flaky, [x], { params: { dir: fresh("flaky"), failures: 2 } }) as ChunkedArray, { executor: ex(), retries: 1 }).catch((e: unknown) => e);
    return { ok: JSON.stringify(digest(ok)) === JSON.stringify(digest(ramp([8, 8]))), error: errorInfo(err) };
  },
  async abort() {
    const d = fresh("abort");
    const x = fromArray(ramp([8, 8]), { chunks: [1, 8] });
    const y = mapBlocks(slow, [x], { params: { dir: d, ms: 60 } }) as ChunkedArray;
    const controller = new AbortController();
    let doneAtAbort = -1;
    const reason = new Error("user cancelled");
    const err = await compute(y, {
      executor: ex(),
      signal: controller.signal,
      onProgress: ({ done }) => {
        if (done >= 2 && doneAtAbort < 0) {
          doneAtAbort = done;
          controller.abort(reason);
        }
      },
    }).catch((e: unknown) => e);
    const rejectedAt = performance.timeOrigin + performance.now();
    return { isReason: err === reason, doneAtAbort, rejectedAt, concurrency: ex().concurrency, markers: await markers(d) };
  },
  async preAborted() {
    const d = fresh("pre-abort");
    const y = mapBlocks(slow, [fromArray(ramp([4, 4]), { chunks: 2 })], { params: { dir: d, ms: 1 } }) as ChunkedArray;
    const reason = new Error("never mind");
    const err = await compute(y, { executor: ex(), signal: AbortSignal.abort(reason) }).catch((e: unknown) => e);
    return { isReason: err === reason, markers: Object.keys(await markers(d)) };
  },
  async unregistered() {
    const x = fromArray(ramp([4, 4]), { chunks: 4 });
    return errorInfo(await compute(mapBlocks(notInWorker, [x]) as ChunkedArray, { executor: ex() }).catch((e: unknown) => e));
  },
  async brokenWorkerScript() {
    const broken = webWorkers({ workers: 1, faultRetries: 1, worker: () => new Worker(new URL("./no-such-worker.js", import.meta.url), { type: "module" }) });
    try {
      const x = fromArray(ramp([4, 4]), { chunks: 4 });
      return errorInfo(await compute(mapBlocks(heavy, [x], { params: { rounds: 1 } }) as ChunkedArray, { executor: broken }).catch((e: unknown) => e));
    } finally {
      await broken.close();
    }
  },
  async deconvolve(input: { threads: number; iterations: number }) {
    const imgs = fromArray(volumes(), { chunks: [1, 24, 40, 36] });
    const rl = gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, { params: { iterations: input.iterations, clip: false, threads: input.threads } });
    const out = await compute(rl(imgs, gaussianPsf()) as ChunkedArray, { executor: ex() });
    return digest(out);
  },
  async sharing() {
    // A block read by two tasks: the first reader gets a shared copy (where the page has
    // SharedArrayBuffer), the last one the block itself, moved; a small block is copied.
    const x = fromArray(ramp([128, 128]), { chunks: 128 });
    const h = mapBlocks(heavy, [x], { params: { rounds: 1 } }) as ChunkedArray;
    const [s1, s2] = await compute([mapBlocks(sharedness, [h]) as ChunkedArray, mapBlocks(sharedness, [h], { name: "again" }) as ChunkedArray], { executor: ex() });
    return [s1!.data[0], s2!.data[0]].sort();
  },
});
