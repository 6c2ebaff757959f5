// threads({ localKernels }): a task whose own kernel is local runs its inner steps on a worker
// and its outer step on the calling thread, so one worker computes the next task's inner step
// while this thread runs the last one's outer step (src/executors/threads/local-steps.ts).
import { isMainThread } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { ValueError } from "../../src/core/errors.js";
import type { Block } from "../../src/core/ndarray.js";
import { kernelRefOf } from "../../src/graph/kernel.js";
import type { Task } from "../../src/graph/task.js";
import { threads } from "../../src/executors/threads/index.js";
import { splitTask, splitsLocally, localKernelKeys } from "../../src/executors/threads/local-steps.js";
import { inline } from "../../src/schedule/inline.js";
import { ramp } from "./conformance.js";
import { countedHeavy, outerStep } from "./kernels.js";
import { failOn, heavy } from "./pure-kernels.js";

const counter = (): Int32Array => new Int32Array(new SharedArrayBuffer(8));

/** outerStep(countedHeavy(block)): the shape of toZarr's fused compute-then-write task. */
function fused(key: string, block: Block, c: Int32Array, outer: { until: number; waitMs: number; fail?: boolean }, innerKernel: unknown = countedHeavy, innerWaitMs?: number): Task {
  const inner: Task = innerKernel === countedHeavy
    ? { key: `${key}-inner`, kernel: kernelRefOf(countedHeavy)!, args: [{ value: block }, { value: c }], params: { rounds: 3, ...(innerWaitMs === undefined ? {} : { waitMs: innerWaitMs }) } }
    : { key: `${key}-inner`, kernel: kernelRefOf(innerKernel)!, args: [{ value: block }], params: { block: [0, 0] }, ctx: { blockIndex: [0, 0] } };
  return { key, kernel: kernelRefOf(outerStep)!, args: [{ task: inner }, { value: c }], params: outer };
}

const run = (ex: ReturnType<typeof threads>, t: Task, lookup: (k: string) => unknown = () => undefined): Promise<Block> =>
  ex.run(t, lookup, new Map(), undefined, { lastUse: new Set() }) as Promise<Block>;

describe("threads({ localKernels })", () => {
  const ex = threads({ workers: 1, localKernels: [outerStep] });
  const plain = threads({ workers: 1 });
  afterAll(async () => {
    await ex.close();
    await plain.close();
  });

  it("runs the outer step on this thread and the inner on a worker, with the values the whole task gives anywhere", async () => {
    expect(isMainThread).toBe(true);
    const block = ramp([8, 16]);
    const c = counter();
    const here = await run(ex, fused("a", block, c, { until: 0, waitMs: 0 }));
    const onWorker = await run(plain, fused("a", block, c, { until: 0, waitMs: 0 }));
    const inl = (await inline().run(fused("a", block, c, { until: 0, waitMs: 0 }), () => undefined, new Map())) as Block;
    const n = 8 * 16;
    expect(here.data[n]).toBe(1); // the outer step ran on the main thread
    expect(onWorker.data[n]).toBe(0); // without localKernels it ran on the worker
    expect([...here.data.subarray(0, n)]).toEqual([...onWorker.data.subarray(0, n)]);
    expect([...here.data.subarray(0, n)]).toEqual([...inl.data.subarray(0, n)]);
    const want = (heavy(block, { rounds: 3 }) as Block).data;
    expect([...here.data.subarray(0, n)]).toEqual([...want]);
    expect(Atomics.load(c, 0)).toBe(3); // the inner step ran once per run
  });

  it("one worker computes the next task's inner step while this thread runs the last one's outer step", async () => {
    // Task 0's outer step waits (without blocking this thread) for task 1's inner step to
    // start, then releases it; task 1's inner step blocks its worker until released. Both
    // flags are set only if task 1's inner step runs on the worker while task 0's outer step
    // runs here: had the whole task run on the worker, task 1 would start after task 0 ended
    // (task 0's wait runs out); had the two inner steps travelled in one message, task 0's
    // outer step would start only after task 1's inner step ended (its wait runs out).
    const c = counter();
    const [first, second] = await Promise.all([
      run(ex, fused("t0", ramp([4, 4]), c, { until: 2, waitMs: 20_000 })),
      run(ex, fused("t1", ramp([4, 4]), c, { until: 0, waitMs: 0 }, countedHeavy, 20_000)),
    ]);
    expect(first!.data[16 + 1]).toBe(1); // task 0's outer step saw task 1's inner step start
    expect(second!.data[16]).toBe(1); // task 1's inner step was released by task 0's outer step
    expect(second!.data[17 + 1]).toBe(1);
  });

  it("an inner step's error and an outer step's error each reject the task with that error", async () => {
    await expect(run(ex, fused("e1", ramp([2, 2]), counter(), { until: 0, waitMs: 0 }, failOn))).rejects.toThrow("bad block 0,0");
    await expect(run(ex, fused("e2", ramp([2, 2]), counter(), { until: 0, waitMs: 0, fail: true }))).rejects.toThrow("outer step failed");
  });

  it("keeps (never moves to a worker) what the outer step reads itself or several inner steps read; moves the rest at its last use", async () => {
    const inner = (key: string, ref: string): Task => ({ key, kernel: kernelRefOf(heavy)!, args: [{ ref }], params: { rounds: 1 } });
    const split = splitTask({ key: "k", kernel: kernelRefOf(outerStep)!, args: [{ task: inner("i0", "a") }, { task: inner("i1", "a") }, { task: inner("i2", "b") }, { ref: "c" }] });
    expect([...split.keep].sort()).toEqual(["a", "c"]);
    expect(split.inner.map((s) => s.task.key)).toEqual(["i0", "i1", "i2"]);
    expect(split.outer.args.every((a) => !("task" in a))).toBe(true);
    // An inner step's own input at its last use is moved as for any task: a worker-made block.
    const c = counter();
    const made = (await plain.run({ key: "src", kernel: kernelRefOf(heavy)!, args: [{ value: ramp([8, 8]) }], params: { rounds: 0 } }, () => undefined, new Map())) as Block;
    const owned = (await ex.run({ key: "src", kernel: kernelRefOf(heavy)!, args: [{ value: made }], params: { rounds: 0 } }, () => undefined, new Map())) as Block;
    const task: Task = { key: "m", kernel: kernelRefOf(outerStep)!, args: [{ task: { key: "m-inner", kernel: kernelRefOf(countedHeavy)!, args: [{ ref: "src" }, { value: c }], params: { rounds: 1 } } }, { value: c }], params: { until: 0, waitMs: 0 } };
    const out = (await ex.run(task, (k) => (k === "src" ? owned : undefined), new Map(), undefined, { lastUse: new Set(["src"]) })) as Block;
    expect(out.data[64]).toBe(1);
    expect(owned.data.byteLength).toBe(0);
  });

  it("splits only tasks whose own kernel is local and that have inner steps; refuses unnamed kernels", () => {
    const keys = localKernelKeys([outerStep]);
    const c = counter();
    expect(splitsLocally(fused("s", ramp([2]), c, { until: 0, waitMs: 0 }), keys)).toBe(true);
    expect(splitsLocally({ key: "x", kernel: kernelRefOf(outerStep)!, args: [{ value: ramp([2]) }, { value: c }] }, keys)).toBe(false);
    expect(splitsLocally({ key: "y", kernel: kernelRefOf(heavy)!, args: [{ task: fused("s", ramp([2]), c, { until: 0, waitMs: 0 }) }] }, keys)).toBe(false);
    expect(splitsLocally(fused("s", ramp([2]), c, { until: 0, waitMs: 0 }), localKernelKeys([]))).toBe(false);
    expect(() => threads({ localKernels: [() => 1] })).toThrow(ValueError);
    expect(() => threads({ localKernels: [() => 1] })).toThrow(/localKernels must hold kernels named with defineKernel/);
  });
});
