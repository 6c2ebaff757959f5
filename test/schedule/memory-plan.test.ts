import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { ones, zeros } from "../../src/array/creation.js";
import { mapBlocks } from "../../src/array/map-blocks.js";
import { numBlocks, forEachBlockIndex } from "../../src/chunks/grid.js";
import type { Block } from "../../src/core/ndarray.js";
import { compute } from "../../src/schedule/compute.js";
import { inline } from "../../src/schedule/inline.js";
import { MemoryError, withWorkspace, type MemoryPlan } from "../../src/schedule/memory-plan.js";
import { runGraph, type Progress } from "../../src/schedule/scheduler.js";
import { defineKernel, kernelMetaOf } from "../../src/graph/kernel.js";
import { flatten } from "../../src/graph/graph.js";
import { blockKey } from "../../src/graph/task.js";
import { toZarr } from "../../src/io/zarr/to-zarr.js";
import { heavy } from "../executors/pure-kernels.js";
import { threads } from "../../src/executors/threads/index.js";
import { gufunc } from "../../src/array/apply-gufunc.js";
import { richardsonLucy, richardsonLucyWorkspace } from "../../src/filters/index.js";

const MB = 1e6;
let calls = 0;
/** Declares its workspace through defineKernel's metadata: `params.workspace` bytes. */
export const declared = defineKernel(import.meta.url, "declared", (b: Block) => b, { workspaceBytes: (params: { workspace?: number }) => params.workspace ?? 0 });

/** Counts its calls; declares a workspace of `params.workspace` bytes. */
export const counted = withWorkspace(
  defineKernel(import.meta.url, "counted", (b: Block) => {
    calls++;
    return b;
  }),
  (params: { workspace?: number }) => params.workspace ?? 0,
);

/** Declares 1 MB of workspace per row of its block. */
export const perRow = defineKernel(import.meta.url, "perRow", (b: Block) => b, { workspaceBytes: (_params, [shape]) => 1e6 * (shape?.[0] ?? 0) });

const keysOf = (a: ChunkedArray): string[] => {
  const out: string[] = [];
  forEachBlockIndex(numBlocks(a.chunks), (bi) => out.push(blockKey(a.name, bi)));
  return out;
};

async function planOf(a: ChunkedArray, concurrency = 1, computing?: number): Promise<MemoryPlan> {
  let plan: MemoryPlan | undefined;
  await runGraph(flatten(a.graph), keysOf(a), { executor: { ...inline(), concurrency, ...(computing === undefined ? {} : { computing }) }, memoryBudget: Infinity, onPlan: (p) => (plan = p) });
  return plan!;
}

describe("memory plan", () => {
  it("shape=[4000,3000] float64 chunks=[2000,3000], budget 100 MB: refused before any task runs, saying which axis to rechunk", async () => {
    calls = 0;
    const y = mapBlocks(counted, [zeros([4000, 3000], { chunks: [2000, 3000] })]) as ChunkedArray;
    const err = await compute(y, { memoryBudget: 100 * MB }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MemoryError);
    const m = (err as MemoryError).message;
    expect(m).toMatch(/^compute: the memory plan must fit memoryBudget=100\.00 MB; got an estimated peak of /);
    expect(calls).toBe(0);
    // The 96 MB result dominates: the advice is toZarr.
    expect(m).toContain("write it with toZarr instead of compute");
  });

  it("a task too large for the budget: the advice names the block, its shape, and the axis to halve", async () => {
    const y = mapBlocks(counted, [zeros([4000, 3000], { chunks: [2000, 3000] })]) as ChunkedArray;
    let plan: MemoryPlan | undefined;
    const err = await runGraph(flatten(y.graph), keysOf(y), { executor: inline({ concurrency: 2 }), memoryBudget: 100 * MB, onPlan: (p) => (plan = p) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MemoryError);
    // zeros block 48 MB in, mapBlocks block 48 MB out.
    expect(plan!.taskPeakBytes).toBe(2 * 2000 * 3000 * 8);
    expect((err as Error).message).toMatch(/The largest task needs 96\.00 MB for block \(\d,0\) of shape \(2000,3000\) of 'mapBlocks-[0-9a-f]+'; rechunk axis 1 to 1500 to halve it/);
    const ok = await planOf(mapBlocks(counted, [zeros([4000, 3000], { chunks: [2000, 1500] })]) as ChunkedArray, 2);
    expect(ok.taskPeakBytes).toBe(plan!.taskPeakBytes / 2);
  });

  it("withWorkspace: a kernel's declared workspace counts (1 GB workspace refused at 500 MB, runs at 2 GB)", async () => {
    const y = mapBlocks(counted, [ones([8, 8], { chunks: 4 })], { params: { workspace: 1e9 } }) as ChunkedArray;
    await expect(compute(y, { memoryBudget: 500 * MB })).rejects.toBeInstanceOf(MemoryError);
    expect((await compute(y, { memoryBudget: 2000 * MB })).shape).toEqual([8, 8]);
    expect((await planOf(y)).taskPeakBytes).toBeGreaterThanOrEqual(1e9);
  });

  it("a gufunc's user kernel's declared workspace counts: lazy richardsonLucy over a stack plans its FFT volumes (threads: 2 adds line buffers)", async () => {
    const img = ones([2, 24, 40, 36], { chunks: [1, 24, 40, 36], dtype: "float32" });
    const psf = ones([5, 7, 7], { dtype: "float32" });
    const params = { iterations: 1, boundary: "neumann" as const };
    const rl = (p: object) => gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, { params: p, outputDtypes: "float32" })(img, psf) as ChunkedArray;
    const plan = await planOf(rl(params));
    const workspace = richardsonLucyWorkspace(params, [[24, 40, 36], [5, 7, 7]], [4, 4]);
    // Three padded volumes of 30x48x45 float32 (nextFastLen(n + k)) with rows of 2 (45 // 2 + 1) = 46,
    // the image's staging area (16 of its 24 planes) with a row table (30 x 48 rows) and a
    // column map (45, 64-byte aligned: 192 bytes), and three line buffers of the longest batch
    // (48 rows x 64 lanes of complex float32).
    const lines = 3 * 48 * 2 * 64 * 4;
    expect(workspace).toBe(3 * 4 * 30 * 48 * 46 + 4 * 16 * 40 * 36 + 4 * 30 * 48 + 192 + lines);
    expect(plan.taskPeakBytes).toBeGreaterThanOrEqual(workspace + 2 * 24 * 40 * 36 * 4);
    const two = await planOf(rl({ ...params, threads: 2 }));
    expect(two.taskPeakBytes - plan.taskPeakBytes).toBe(lines);
    await expect(compute(rl(params), { memoryBudget: workspace / 2 })).rejects.toBeInstanceOf(MemoryError);
  });

  it("a gufunc's user kernel is planned on its core shapes: a PSF with leading size-1 loop dims (the CLI's (1, 1, z, y, x)) plans as a 3-D one", async () => {
    const img = ones([1, 2, 24, 40, 36], { chunks: [1, 1, 24, 40, 36], dtype: "float32" });
    const params = { iterations: 1, boundary: "neumann" as const };
    const rl = (psf: ReturnType<typeof ones>) => gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, { params, outputDtypes: "float32" })(img, psf) as ChunkedArray;
    const flat = await planOf(rl(ones([5, 7, 7], { dtype: "float32" })));
    const broadcast = await planOf(rl(ones([1, 1, 5, 7, 7], { dtype: "float32" })));
    // Padding the loop dims too would plan (2, 2, 30, 48, 45) volumes: four times the FFT memory.
    expect(broadcast.taskPeakBytes).toBe(flat.taskPeakBytes);
    expect(flat.taskPeakBytes).toBeLessThan(richardsonLucyWorkspace(params, [[1, 1, 24, 40, 36], [1, 1, 5, 7, 7]], [4, 4]));
  });

  it("defineKernel's metadata declares workspace as withWorkspace does; a closure's withWorkspace counts too", async () => {
    const x = ones([8, 8], { chunks: 4 });
    const viaMeta = await planOf(mapBlocks(declared, [x], { params: { workspace: 1e6 } }) as ChunkedArray);
    const viaWith = await planOf(mapBlocks(counted, [x], { params: { workspace: 1e6 } }) as ChunkedArray);
    expect(viaMeta.taskPeakBytes).toBe(viaWith.taskPeakBytes);
    expect(viaMeta.taskPeakBytes).toBe(1e6 + 2 * 4 * 4 * 8);
    const closure = withWorkspace((b: Block) => b, () => 5e5);
    expect((await planOf(mapBlocks(closure, [x]) as ChunkedArray)).taskPeakBytes).toBe(5e5 + 2 * 4 * 4 * 8);
  });

  it("a declared workspace that is not a positive finite number counts as none (NaN, negative, Infinity)", async () => {
    const x = ones([8, 8], { chunks: 4 });
    for (const w of [Number.NaN, -1e9, Infinity]) {
      const k = withWorkspace((b: Block) => b, () => w);
      expect((await planOf(mapBlocks(k, [x]) as ChunkedArray)).taskPeakBytes).toBe(2 * 4 * 4 * 8);
    }
  });

  it("malformed kernel metadata is refused where it is declared", () => {
    const fn = (b: Block): Block => b;
    expect(() => defineKernel(import.meta.url, "bad", fn, { workspaceBytes: 5 as never })).toThrow(
      /^defineKernel: workspaceBytes must be a function \(params, inputShapes, itemSizes\) => bytes; got 5\. Pass a function, or no metadata$/,
    );
    expect(() => defineKernel(import.meta.url, "bad", fn, null as never)).toThrow(/^defineKernel: meta must be an object such as \{ workspaceBytes \}; got null\. Pass the kernel's metadata, or omit it$/);
    expect(() => withWorkspace(fn, "big" as never)).toThrow(/^withWorkspace: workspaceBytes must be a function .*got "big"/);
    expect(kernelMetaOf(fn)).toBeUndefined();
    // withWorkspace on a kernel with metadata replaces its workspace, keeping the rest.
    const k = defineKernel(import.meta.url, "redeclared", (b: Block) => b, { workspaceBytes: () => 3 });
    expect(withWorkspace(k, () => 7)).toBe(k);
    expect(kernelMetaOf(k)!.workspaceBytes!({}, [], [], [])).toBe(7);
  });

  it("concurrency multiplies the task peak", async () => {
    const y = mapBlocks(heavy, [ones([64, 64], { chunks: 16 })], { params: { rounds: 1 } }) as ChunkedArray;
    const [p1, p4] = [await planOf(y, 1), await planOf(y, 4)];
    expect(p4.peakBytes - p1.peakBytes).toBe(3 * p1.taskPeakBytes);
  });

  it("more workers than tasks: idle workers hold nothing (one block on 8 workers plans as on 1)", async () => {
    const y = mapBlocks(declared, [zeros([64, 64], { chunks: 64 })], { params: { workspace: 1e9 } }) as ChunkedArray;
    const [p1, p8] = [await planOf(y, 1), await planOf(y, 8)];
    expect(p8.peakBytes).toBe(p1.peakBytes);
    expect(p8).toMatchObject({ concurrency: 1, computing: 1 });
  });

  it("tasks running beside the largest count their own peaks: a 64-row block and a 1-row block on 2 workers add the small one's", async () => {
    const y = mapBlocks(perRow, [zeros([65, 8], { chunks: [64, 8] })]) as ChunkedArray;
    const [p1, p2] = [await planOf(y, 1), await planOf(y, 2)];
    expect(p1.taskPeakBytes).toBeGreaterThan(64e6);
    // The second task running is the 1-row one: 1 MB of workspace and its 1x8 float64 blocks.
    expect(p2.peakBytes - p1.peakBytes).toBeGreaterThanOrEqual(1e6);
    expect(p2.peakBytes - p1.peakBytes).toBeLessThan(2e6);
  });

  it("tasks in flight beyond those computing (a pool's queued ones) count their inputs only", async () => {
    const y = mapBlocks(counted, [mapBlocks(heavy, [ones([64, 64], { chunks: 16 })], { params: { rounds: 1 } }) as ChunkedArray], { params: { workspace: 1e6 } }) as ChunkedArray;
    // Unfused, so that the workspace task reads its 16x16 float64 input by reference.
    const unfused = async (concurrency: number, computing?: number): Promise<MemoryPlan> => {
      let plan: MemoryPlan | undefined;
      const executor = { ...inline(), concurrency, ...(computing === undefined ? {} : { computing }) };
      await runGraph(flatten(y.graph), keysOf(y), { executor, optimize: false, memoryBudget: Infinity, onPlan: (p) => (plan = p) });
      return plan!;
    };
    const [p2, queued] = [await unfused(2), await unfused(4, 2)];
    expect(queued.computing).toBe(2);
    expect(queued.taskInputBytes).toBe(16 * 16 * 8);
    expect(queued.peakBytes - p2.peakBytes).toBe(2 * queued.taskInputBytes);
    expect(queued.peakBytes).toBeLessThan((await unfused(4)).peakBytes);
    // The threads executor keeps two tasks per worker in flight; one per worker computes.
    const pool = threads({ workers: 3 });
    expect(pool).toMatchObject({ concurrency: 6, computing: 3 });
    await pool.close();
  });
});

describe("streaming toZarr: peak memory does not grow with the number of chunks", () => {
  const dir = mkdtempSync(join(tmpdir(), "chunkwise-stream-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const job = (rows: number): ChunkedArray => mapBlocks(heavy, [ones([rows * 64, 512], { chunks: [64, 512] })], { params: { rounds: 1 } }) as ChunkedArray;

  it.each([[16, 64]])("chunks=%i vs %i (4x): the same planned peak and the same most bytes held by the scheduler", async (n, n4) => {
    const run = async (rows: number): Promise<{ held: number; plan: MemoryPlan; progress: Progress[] }> => {
      const progress: Progress[] = [];
      const result = await toZarr(job(rows), join(dir, `out-${rows}.zarr`), { onProgress: (p) => progress.push(p) });
      expect(result.chunksWritten).toBe(rows);
      expect(progress.at(-1)!.bytesWritten).toBe(result.bytesWritten);
      return { held: Math.max(...progress.map((p) => p.heldBytes)), plan: await planOf(job(rows)), progress };
    };
    const small = await run(n);
    const large = await run(n4);
    const block = 64 * 512 * 8;
    expect(large.held).toBe(small.held);
    expect(large.held).toBeLessThanOrEqual(2 * block);
    expect(large.plan.heldPeakBytes).toBe(small.plan.heldPeakBytes);
    expect(large.plan.taskPeakBytes).toBe(small.plan.taskPeakBytes);
    // Progress: one event per task, in order, with time and an ETA.
    expect(large.progress.map((p) => p.done)).toEqual(Array.from({ length: large.progress.length }, (_, i) => i + 1));
    expect(large.progress.every((p, i) => i === 0 || p.elapsedMs >= large.progress[i - 1]!.elapsedMs)).toBe(true);
    expect(large.progress.at(-1)!.etaMs).toBe(0);
    expect(Number.isFinite(large.progress[0]!.etaMs)).toBe(true);
  });
});
