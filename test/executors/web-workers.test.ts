// webWorkers() in Node: its option refusals, and the task loop over a fake worker pair (the
// page side and serveTasks connected in one thread), where what needs no browser is checked:
// an error event fails the held tasks with WorkerLostError, close() waits for running tasks,
// and a worker finds a kernel by export name when its module URL is another bundle's.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KERNEL_MODULES } from "../../src/executors/distributed/kernel-allowlist.js";
import { ValueError } from "../../src/core/errors.js";
import { defineKernel, kernelRefOf, registeredKernelsNamed } from "../../src/graph/kernel.js";
import { WorkerLostError } from "../../src/schedule/faults.js";
import { webWorkers, type WebWorkerHandle } from "../../src/executors/web-workers/index.js";
import { serveTasks } from "../../src/executors/web-workers/serve.js";
import { ramp } from "./conformance.js";
import { badNote, noting } from "./note-kernels.js";
import type { Block } from "../../src/core/ndarray.js";

const notCloneable = defineKernel(import.meta.url, "webWorkersNotCloneable", () => ({ f: () => 1 }));
const twice = defineKernel(import.meta.url, "webWorkersTwice", (b: Block) => ({ ...b, data: Float64Array.from(b.data as Float64Array, (v) => 2 * v) }));

type Listener = (event: { data?: unknown; message?: string }) => void;

/** A worker whose other side is serveTasks in this thread, messages cloned as they are posted and delivered on a later turn. */
function fakeWorker(): WebWorkerHandle & { fail(message: string): void } {
  const page: Record<string, Listener[]> = {};
  const inside: ((event: { data: unknown }) => void)[] = [];
  serveTasks({
    addEventListener: (_type, l) => void inside.push(l),
    // As postMessage does: clone now (a DataCloneError throws here), deliver on a later turn.
    postMessage: (m, transfer) => {
      const data = structuredClone(m, { transfer: [...transfer] });
      setTimeout(() => page.message?.forEach((l) => l({ data })));
    },
  });
  // serveTasks marks its thread as a chunkwise worker (refusing pools there); this thread is
  // also the page, so unmark it.
  (globalThis as Record<symbol, { workerThread: boolean }>)[Symbol.for("chunkwise.workerGuard")]!.workerThread = false;
  return {
    postMessage: (m, transfer) => {
      const data = structuredClone(m, { transfer });
      setTimeout(() => inside.forEach((l) => l({ data })));
    },
    addEventListener: (type, l) => void (page[type] ??= []).push(l),
    terminate: () => undefined,
    fail: (message) => page.error?.forEach((l) => l({ message })),
  };
}

it("the worker script registers every kernel module of chunkwise but the I/O ones (side-effect imports, which tsc does not check)", () => {
  const text = readFileSync(new URL("../../src/executors/web-workers/worker.ts", import.meta.url), "utf8");
  const imported = [...text.matchAll(/^import "\.\.\/\.\.\/(.+?)(\/index)?\.js";$/gm)].map((m) => m[1]!);
  const kernels = KERNEL_MODULES.filter((m) => !m.startsWith("io/"));
  // filters/ through its index, which imports every filter kernel module.
  expect(imported.filter((m) => m !== "filters").sort()).toEqual(kernels.filter((m) => !m.startsWith("filters/")).sort());
  expect(imported).toContain("filters");
});

describe("webWorkers: options", () => {
  const worker = (): WebWorkerHandle => fakeWorker();
  it.each([0, -1, 1.5, Number.NaN])("workers=%s is refused", (workers) => {
    expect(() => webWorkers({ workers, worker })).toThrow(/^webWorkers: workers must be a positive integer/);
  });
  it("threadsPerTask=0 and faultRetries=-1 are refused", () => {
    expect(() => webWorkers({ workers: 1, threadsPerTask: 0, worker })).toThrow(/threadsPerTask must be a positive integer/);
    expect(() => webWorkers({ workers: 1, faultRetries: -1, worker })).toThrow(/faultRetries must be a non-negative integer/);
  });
  it("a missing worker factory is refused with the line to write", () => {
    const err = (() => {
      try {
        webWorkers({ workers: 1 } as never);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValueError);
    expect((err as Error).message).toContain('new Worker(new URL("./worker.js", import.meta.url), { type: "module" })');
  });
});

describe("webWorkers: the task loop over a fake worker", () => {
  it("runs a task; a kernel named by another bundle's URL is found by export name", async () => {
    const ex = webWorkers({ workers: 1, worker: fakeWorker });
    const ref = { module: "http://127.0.0.1:1/main-bundle.js", name: "webWorkersTwice" };
    expect(registeredKernelsNamed("webWorkersTwice")).toEqual([kernelRefOf(twice)]);
    const out = (await ex.run({ key: "t", kernel: ref, args: [{ value: ramp([2, 3]) }] }, () => undefined, new Map())) as Block;
    expect([...out.data]).toEqual([...ramp([2, 3]).data].map((v) => 2 * v));
    await ex.close();
  });

  it("a kernel's notes come back with the reply, checked, in the order sent; none are asked for without a listener", async () => {
    const ex = webWorkers({ workers: 1, worker: fakeWorker });
    const task = { key: "n", kernel: kernelRefOf(noting)!, args: [{ value: ramp([3]) }], params: { count: 2 }, ctx: { blockIndex: [4] } };
    const notes: unknown[] = [];
    await ex.run(task, () => undefined, new Map(), undefined, { lastUse: new Set(), note: (n) => void notes.push(n) });
    const sum = [...ramp([3]).data].reduce((a, v) => a + v, 0);
    expect(notes).toEqual([{ block: [4], k: 0, sum, tag: 0 }, { block: [4], k: 1, sum, tag: 0 }]);
    const big = await ex.run({ key: "b", kernel: kernelRefOf(badNote)!, args: [{ value: ramp([3]) }], params: { kind: "big" } }, () => undefined, new Map(), undefined, { lastUse: new Set(), note: () => undefined }).catch((e: unknown) => e);
    expect((big as Error).message).toMatch(/^ctx\.note: a note must be at most 4096 bytes of JSON/);
    // Without info.note the kernel has no ctx.note (noting then sends nothing, badNote throws calling it).
    await ex.run(task, () => undefined, new Map());
    const none = await ex.run({ key: "b", kernel: kernelRefOf(badNote)!, args: [{ value: ramp([3]) }], params: { kind: "many" } }, () => undefined, new Map()).catch((e: unknown) => e);
    expect((none as Error).message).toMatch(/not a function/);
    await ex.close();
  });

  it("a result that cannot be cloned fails its task with a ValueError, and the worker goes on", async () => {
    const ex = webWorkers({ workers: 1, worker: fakeWorker });
    const err = await ex.run({ key: "f", kernel: kernelRefOf(notCloneable)!, args: [] }, () => undefined, new Map()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValueError);
    expect((err as Error).message).toMatch(/^webWorkers: a task's message and result must be structured-cloneable; got DataCloneError/);
    const out = (await ex.run({ key: "t", kernel: kernelRefOf(twice)!, args: [{ value: ramp([2]) }] }, () => undefined, new Map())) as Block;
    expect(out.shape).toEqual([2]);
    await ex.close();
  });

  it("an error event fails the tasks the worker held with WorkerLostError; close() waits for running tasks", async () => {
    let w: ReturnType<typeof fakeWorker> | undefined;
    const ex = webWorkers({ workers: 1, worker: () => (w = fakeWorker()) });
    const task = { key: "t", kernel: kernelRefOf(twice)!, args: [{ value: ramp([2]) }] };
    const running = ex.run(task, () => undefined, new Map());
    w!.fail("boom");
    const err = await running.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerLostError);
    expect((err as Error).message).toBe("webWorkers: the Web Worker running a task must stay alive; got an error event (boom). The task runs again on a fresh worker");
    const again = ex.run(task, () => undefined, new Map());
    await ex.close();
    expect(((await again) as Block).shape).toEqual([2]);
    await expect(ex.run(task, () => undefined, new Map())).rejects.toThrow(/after close\(\)/);
  });
});
