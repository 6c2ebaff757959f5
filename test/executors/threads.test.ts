import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TaskError, ValueError } from "../../src/core/errors.js";
import type { Block } from "../../src/core/ndarray.js";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { fromArray } from "../../src/array/creation.js";
import { mapBlocks } from "../../src/array/map-blocks.js";
import { compute } from "../../src/schedule/compute.js";
import { inline } from "../../src/schedule/inline.js";
import { TaskTimeoutError, WorkerLostError } from "../../src/schedule/faults.js";
import { threads } from "../../src/executors/threads/index.js";
import { kernelRefOf } from "../../src/graph/kernel.js";
import type { Task } from "../../src/graph/task.js";
import { executorConformance, ramp } from "./conformance.js";
import { crashOnce, teamIdleMs } from "./kernels.js";
import { WORKER_TEAM_IDLE_MS } from "../../src/executors/node-host.js";
import { heavy, sharedness } from "./pure-kernels.js";

executorConformance({ name: "inline", make: () => inline(), isolated: false });
executorConformance({ name: "threads(1)", make: () => threads({ workers: 1 }), isolated: true });
executorConformance({ name: "threads(2)", make: () => threads({ workers: 2 }), isolated: true });

describe("threads: buffers", () => {
  const ex = threads({ workers: 1, shareMinBytes: 1024 });
  afterAll(() => ex.close());
  const task = (key: string, kernel: (...a: any[]) => unknown, ref: string): Task => ({ key, kernel: kernelRefOf(kernel)!, args: [{ ref }], params: { rounds: 1 } });

  it("a worker's result arrives transferred (usable, not detached) and is moved on to its last reader only", async () => {
    const src = ramp([64, 64]);
    const made = (await ex.run({ key: "h", kernel: kernelRefOf(heavy)!, args: [{ value: src }], params: { rounds: 1 } }, () => undefined, new Map())) as Block;
    expect(made.data.byteLength).toBe(64 * 64 * 8);
    expect(src.data.byteLength).toBe(64 * 64 * 8);
    const lookup = (): unknown => made;
    // Another reader follows: shared (a SharedArrayBuffer), and the main thread keeps its block.
    const a = (await ex.run(task("a", sharedness, "h"), lookup, new Map(), undefined, { lastUse: new Set() })) as Block;
    expect(a.data[0]).toBe(1);
    expect(made.data.byteLength).toBe(64 * 64 * 8);
    // The last reader: moved (transferred) to the worker, so detached here.
    const b = (await ex.run(task("b", sharedness, "h"), lookup, new Map(), undefined, { lastUse: new Set(["h"]) })) as Block;
    expect(b.data[0]).toBe(0);
    expect(made.data.byteLength).toBe(0);
  });

  it("a user's array (not made by a worker) is copied even to its last reader", async () => {
    const src = ramp([64, 64]);
    const out = (await ex.run(task("c", sharedness, "src"), () => src, new Map(), undefined, { lastUse: new Set(["src"]) })) as Block;
    expect(out.data[0]).toBe(0);
    expect(src.data.byteLength).toBe(64 * 64 * 8);
  });

  it("a block read by two tasks: shared then moved when large, copied when small (shareMinBytes=1024)", async () => {
    const x = fromArray(ramp([64, 64]), { chunks: 64 });
    const [s1, s2] = await compute([mapBlocks(sharedness, [x]) as ChunkedArray, mapBlocks(sharedness, [x], { name: "again" }) as ChunkedArray], { executor: ex });
    // The first reader gets the shared copy; the last one the block itself, moved.
    expect([s1!.data[0], s2!.data[0]].sort()).toEqual([0, 1]);
    const tiny = fromArray(ramp([4, 4]), { chunks: 4 });
    const [t1, t2] = await compute([mapBlocks(sharedness, [tiny]) as ChunkedArray, mapBlocks(sharedness, [tiny], { name: "again" }) as ChunkedArray], { executor: ex });
    expect([t1!.data[0], t2!.data[0]]).toEqual([0, 0]);
  });
});

describe("threads: the FFT teams of a worker", () => {
  it("a worker keeps its idle FFT team (and engine) for its next task longer than the steps between two volumes' kernels", async () => {
    const ex = threads({ workers: 1 });
    try {
      const [idle] = await compute([mapBlocks(teamIdleMs, [fromArray(ramp([2]), { chunks: 2 })], { chunks: [1] }) as ChunkedArray], { executor: ex });
      expect(idle!.data[0]).toBe(WORKER_TEAM_IDLE_MS);
      expect(WORKER_TEAM_IDLE_MS).toBeGreaterThanOrEqual(30_000);
    } finally {
      await ex.close();
    }
  });
});

describe("threads: faults and options", () => {
  const dir = mkdtempSync(join(tmpdir(), "chunkwise-threads-"));
  const ex = threads({ workers: 1, faultRetries: 0 });
  afterAll(async () => {
    await ex.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("faultRetries=0: a dead worker fails the job with TaskError caused by WorkerLostError", async () => {
    const x = fromArray(ramp([4, 4]), { chunks: 4 });
    const y = mapBlocks(crashOnce, [x], { params: { dir, blocks: [[0, 0]], rounds: 1 } }) as ChunkedArray;
    const err = await compute(y, { executor: ex }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect((err as Error).cause).toBeInstanceOf(WorkerLostError);
    expect(((err as Error).cause as Error).message).toContain("worker exited with code: 1");
    // The pool replaced the worker: the next job runs.
    const ok = await compute(y, { executor: ex });
    expect(ok.shape).toEqual([4, 4]);
  });

  it.each([0, -1, 1.5, Number.NaN])("workers=%s is refused", (workers) => {
    expect(() => threads({ workers })).toThrow(ValueError);
    expect(() => threads({ workers })).toThrow(/threads: workers must be a positive integer/);
  });

  it("faultRetries=-1 is refused", () => {
    expect(() => threads({ faultRetries: -1 })).toThrow(/faultRetries must be a non-negative integer/);
  });

  it("a closed executor refuses work", async () => {
    const t = threads({ workers: 1 });
    await t.close();
    const err = await compute(mapBlocks(heavy, [fromArray(ramp([2, 2]), { chunks: 2 })], { params: { rounds: 1 } }) as ChunkedArray, { executor: t }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect(String(((err as Error).cause as Error).message)).toContain("after close()");
  });
});

describe("threads: timeouts (what chunkwise worker bounds each task with)", () => {
  const ref = (rel: string, name: string): Task["kernel"] => ({ module: new URL(rel, import.meta.url).href, name });

  it("a kernel over runMs=1500: its thread is stopped, TaskTimeoutError (phase run), and the pool runs the next task", async () => {
    const pool = threads({ workers: 1, timeouts: { importMs: 0, runMs: 1500 } });
    try {
      const err = await pool.run({ key: "stall[0]", kernel: ref("../security/attack-kernels.ts", "stall"), args: [], params: {} }, () => undefined, new Map()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TaskTimeoutError);
      expect((err as TaskTimeoutError).phase).toBe("run");
      expect((err as Error).message).toBe("threads: task 'stall[0]' must finish within 1500 ms; got no answer. The thread was stopped; raise the task timeout (chunkwise worker --task-timeout-ms) for kernels that legitimately run longer");
      const block = ramp([4, 4]);
      const next = (await pool.run({ key: "h[0]", kernel: kernelRefOf(heavy)!, args: [{ value: block }], params: { rounds: 1 } }, () => undefined, new Map())) as Block;
      expect(next.shape).toEqual([4, 4]);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it.each([[{ importMs: -1, runMs: 0 }], [{ importMs: 0, runMs: Number.NaN }], [{ importMs: 0 }]])("timeouts %j are refused", (timeouts) => {
    expect(() => threads({ timeouts: timeouts as { importMs: number; runMs: number } })).toThrow("threads: timeouts must be { importMs, runMs } in ms, each >= 0 (0: no bound)");
  });

  it("a module that never finishes importing on a thread, over importMs=1500: TaskTimeoutError (phase import)", async () => {
    const pool = threads({ workers: 1, timeouts: { importMs: 1500, runMs: 0 } });
    try {
      const err = await pool.run({ key: "h[0]", kernel: ref("../security/hang-in-thread.ts", "neverImported"), args: [] }, () => undefined, new Map()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TaskTimeoutError);
      expect((err as TaskTimeoutError).phase).toBe("import");
      expect((err as Error).message).toContain("the kernel modules of task 'h[0]' must finish importing within 1500 ms");
    } finally {
      await pool.close();
    }
  }, 60_000);
});
