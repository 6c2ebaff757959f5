/**
 * One conformance suite for every executor (inline, threads, later distributed): the same
 * graphs give byte-identical results, errors carry the kernel's own error as cause, retries
 * and worker deaths are survived, abort stops scheduling. Call `executorConformance` from a
 * test file with a factory for the executor under test.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelError, TaskError, ValueError } from "../../src/core/errors.js";
import { fromTypedArray, type Block } from "../../src/core/ndarray.js";
import { gufunc } from "../../src/array/apply-gufunc.js";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { fromArray } from "../../src/array/creation.js";
import { add, multiply } from "../../src/array/elementwise.js";
import { mapBlocks } from "../../src/array/map-blocks.js";
import { compute } from "../../src/schedule/compute.js";
import { inline } from "../../src/schedule/inline.js";
import type { Executor } from "../../src/schedule/scheduler.js";
import { crashOnce, flaky, slow } from "./kernels.js";
import { combine, failIo, failOn, heavy, inner } from "./pure-kernels.js";
import { ZarrError } from "../../src/io/zarr/errors.js";
import { TiffError } from "../../src/io/tiff/tiff-error.js";

/** What the suite needs to know about an executor. */
export interface ConformanceTarget {
  /** Title of the suite, e.g. "threads(2)". */
  readonly name: string;
  /** A fresh executor; closed in afterAll when it has `close`. */
  readonly make: () => Executor & { close?: () => Promise<void> };
  /** Tasks run outside the test's thread, so a kernel may kill its worker. */
  readonly isolated: boolean;
  /** A kernel's error comes back with the stack it had where it ran; default true (false: distributed, whose workers keep stacks in their own log). */
  readonly kernelStacks?: boolean;
}

/** A float64 ramp with a fractional pattern, as a block. */
export function ramp(shape: readonly number[]): Block<"float64"> {
  const n = shape.reduce((a, b) => a * b, 1);
  return fromTypedArray("float64", Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 1009) / 113), shape);
}

function bytes(b: Block): Buffer {
  return Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength);
}

/** The suite's graph: a named mapBlocks kernel, elementwise ops, a cast, a rechunk and a gufunc. */
function pipeline(): ChunkedArray[] {
  const x = fromArray(ramp([36, 20]), { chunks: [9, 7] });
  const h = mapBlocks(heavy, [x], { params: { rounds: 20 } }) as ChunkedArray;
  const y = add(multiply(h, 3), x) as ChunkedArray;
  const c = mapBlocks(combine, [y, h], { dtype: "float64" }) as ChunkedArray;
  const w = fromArray(ramp([20]), { chunks: 20 });
  const g = gufunc("(i),(i)->()", inner, { outputDtypes: "float64" })(c.rechunk([12, 20]), w) as ChunkedArray;
  return [c.astype("float32"), g];
}

/** Registers the conformance tests for one executor. */
export function executorConformance(target: ConformanceTarget): void {
  describe(`executor conformance: ${target.name}`, () => {
    let executor: ReturnType<ConformanceTarget["make"]>;
    let reference: Block[];
    let dir: string;
    beforeAll(async () => {
      executor = target.make();
      reference = await compute(pipeline(), { executor: inline() });
      dir = mkdtempSync(join(tmpdir(), "chunkwise-conformance-"));
    });
    afterAll(async () => {
      await executor.close?.();
      rmSync(dir, { recursive: true, force: true });
    });
    const fresh = (name: string): string => mkdtempSync(join(dir, `${name}-`));

    it("mapBlocks + elementwise + astype + rechunk + gufunc shape=[36,20] chunks=[9,7]: byte-identical to inline", async () => {
      const out = await compute(pipeline(), { executor });
      expect(out.map((b) => [b.dtype, b.shape])).toEqual(reference.map((b) => [b.dtype, b.shape]));
      out.forEach((b, k) => expect(bytes(b).equals(bytes(reference[k]!))).toBe(true));
    });

    it("leaves the user's input arrays intact (never moved away)", async () => {
      const src = ramp([16, 16]);
      const before = Buffer.from(bytes(src));
      const x = fromArray(src, { chunks: 8 });
      await compute(mapBlocks(heavy, [x], { params: { rounds: 1 } }) as ChunkedArray, { executor });
      await compute(fromArray(src, { chunks: 16 }), { executor });
      expect(src.data.byteLength).toBe(16 * 16 * 8);
      expect(bytes(src).equals(before)).toBe(true);
    });

    it("a block read by two tasks reads correctly in both", async () => {
      const x = fromArray(ramp([64, 64]), { chunks: 32 });
      const h = mapBlocks(heavy, [x], { params: { rounds: 2 } }) as ChunkedArray;
      const [a, b] = await compute([mapBlocks(combine, [h, x]) as ChunkedArray, mapBlocks(combine, [x, h]) as ChunkedArray], { executor });
      const [ra, rb] = await compute([mapBlocks(combine, [h, x]) as ChunkedArray, mapBlocks(combine, [x, h]) as ChunkedArray], { executor: inline() });
      expect(bytes(a!).equals(bytes(ra!))).toBe(true);
      expect(bytes(b!).equals(bytes(rb!))).toBe(true);
    });

    if (!target.make().acceptsClosures) {
      it("refuses a closure before anything runs, showing defineKernel", async () => {
        const d = fresh("closure");
        const x = fromArray(ramp([8, 8]), { chunks: 4 });
        const started = mapBlocks(slow, [x], { params: { dir: d, ms: 1 } }) as ChunkedArray;
        const myFilter = (b: Block): Block => b;
        const y = mapBlocks(myFilter, [started]) as ChunkedArray;
        const err = await compute(y, { executor }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ValueError);
        expect(String((err as Error).message)).toContain('export const myFilter = defineKernel(import.meta.url, "myFilter", fn)');
        expect(readdirSync(d)).toEqual([]);
      });
    } else {
      it("runs closures", async () => {
        const y = mapBlocks((b: Block) => b, [fromArray(ramp([4, 4]), { chunks: 2 })]) as ChunkedArray;
        expect(bytes(await compute(y, { executor })).equals(bytes(ramp([4, 4])))).toBe(true);
      });
    }

    it("a kernel's ZarrError and TiffError reach the caller as instances of their classes, with their fields", async () => {
      const zarr = await compute(mapBlocks(failIo, [fromArray(ramp([4, 4]), { chunks: 4 })], { params: { error: "zarr" } }) as ChunkedArray, { executor }).catch((e: unknown) => e);
      expect(zarr).toBeInstanceOf(TaskError);
      const z = (zarr as TaskError).cause;
      expect(z).toBeInstanceOf(ZarrError);
      expect(z).toMatchObject({ name: "ZarrError", fn: "readZarr", kind: "corrupt-chunk", path: "image", chunkKey: "image/0.0" });
      const tiff = await compute(mapBlocks(failIo, [fromArray(ramp([4, 4]), { chunks: 4 })], { params: { error: "tiff" } }) as ChunkedArray, { executor }).catch((e: unknown) => e);
      const t = tiff instanceof TaskError ? tiff.cause : tiff;
      expect(t).toBeInstanceOf(TiffError);
      expect(t).toMatchObject({ name: "TiffError", fn: "imread", path: "psf.tif", page: 2 });
    });

    it("a kernel that throws on block [1,0] fails the job with TaskError (key, block index, cause)", async () => {
      const x = fromArray(ramp([8, 8]), { chunks: 4 });
      const err = await compute(mapBlocks(failOn, [x], { params: { block: [1, 0] } }) as ChunkedArray, { executor }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TaskError);
      const te = err as TaskError;
      expect(te.blockIndex).toEqual([1, 0]);
      expect(te.key).toContain("[1,0]");
      expect(te.message).toContain("BlockFailure: bad block 1,0");
      const cause = te.cause as Error & { code?: string };
      expect(cause).toBeInstanceOf(Error);
      expect(cause.name).toBe("BlockFailure");
      expect(cause.message).toBe("bad block 1,0");
      expect(cause.code).toBe("E_BLOCK");
      if (target.kernelStacks === false) expect(cause.stack).not.toContain("kernels.ts");
      else expect(cause.stack).toContain("kernels.ts");
      expect(cause.cause).toBeInstanceOf(RangeError);
      expect((cause.cause as Error).message).toBe("inner reason");
    });

    it("a block of the wrong dtype fails with TaskError caused by chunkwise's KernelError", async () => {
      const x = fromArray(ramp([4, 4]), { chunks: 2 });
      const err = await compute(mapBlocks(heavy, [x], { dtype: "float32", params: { rounds: 1 } }) as ChunkedArray, { executor }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TaskError);
      expect((err as Error).cause).toBeInstanceOf(KernelError);
      expect(((err as Error).cause as Error).message).toContain("must have the declared dtype float32; got float64");
    });

    it("retries=2: a kernel failing twice per block succeeds; retries=1 fails after 2 attempts", async () => {
      const x = fromArray(ramp([8, 8]), { chunks: 4 });
      const ok = await compute(mapBlocks(flaky, [x], { params: { dir: fresh("flaky"), failures: 2 } }) as ChunkedArray, { executor, retries: 2 });
      expect(bytes(ok).equals(bytes(ramp([8, 8])))).toBe(true);
      const err = await compute(mapBlocks(flaky, [x], { params: { dir: fresh("flaky"), failures: 2 } }) as ChunkedArray, { executor, retries: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TaskError);
      expect((err as Error).message).toContain("after 2 attempts");
      expect(((err as Error).cause as Error).message).toMatch(/^transient failure 1 at block/);
    });

    if (target.isolated) {
      it("a worker killed mid-task (process.exit) is replaced; the job completes byte-identically", async () => {
        const make = (d: string): ChunkedArray => {
          const x = fromArray(ramp([24, 24]), { chunks: 8 });
          const h = mapBlocks(heavy, [x], { params: { rounds: 3 } }) as ChunkedArray;
          // The crashing task reads a moved (last-reader) input: its retry must recompute it.
          return mapBlocks(crashOnce, [h], { params: { dir: d, blocks: [[0, 0], [1, 2], [2, 1]], rounds: 5 } }) as ChunkedArray;
        };
        const want = await compute(make(fresh("nocrash")), { executor: inline() });
        const crashes = fresh("crash");
        // optimize: false keeps heavy and crashOnce apart, so crashOnce's input is moved to it.
        const got = await compute(make(crashes), { executor, optimize: false });
        expect(readdirSync(crashes).sort()).toEqual(["crash-0_0", "crash-1_2", "crash-2_1"]);
        expect(bytes(got).equals(bytes(want))).toBe(true);
        expect(bytes(await compute(make(fresh("crash")), { executor })).equals(bytes(want))).toBe(true);
      });
    }

    it("abort: stops scheduling, waits for running tasks, rejects with the reason", async () => {
      const d = fresh("abort");
      const x = fromArray(ramp([8, 8]), { chunks: [1, 8] });
      const y = mapBlocks(slow, [x], { params: { dir: d, ms: 60 } }) as ChunkedArray;
      const controller = new AbortController();
      let doneAtAbort = -1;
      const reason = new Error("user cancelled");
      const err = await compute(y, {
        executor,
        signal: controller.signal,
        // done=1 is fromArray's source; abort once a first slow task has finished.
        onProgress: ({ done }) => {
          if (done >= 2 && doneAtAbort < 0) {
            doneAtAbort = done;
            controller.abort(reason);
          }
        },
      }).catch((e: unknown) => e);
      const rejectedAt = performance.timeOrigin + performance.now();
      expect(err).toBe(reason);
      const files = readdirSync(d);
      const starts = files.filter((f) => f.startsWith("start-"));
      // Only tasks handed out before the abort may start (a worker may begin one a little
      // after the abort, since handing out and starting are asynchronous): at most the
      // finished ones plus one executor's worth in flight. Nothing is scheduled afterwards.
      expect(starts.length).toBeGreaterThan(0);
      expect(starts.length).toBeLessThanOrEqual(doneAtAbort - 1 + executor.concurrency);
      expect(starts.length).toBeLessThan(8);
      for (const s of starts) {
        // Every started task finished before compute rejected: running tasks are waited for.
        const end = join(d, s.replace("start-", "end-"));
        expect(files).toContain(s.replace("start-", "end-"));
        expect(Number(readFileSync(end, "utf8"))).toBeLessThanOrEqual(rejectedAt);
      }
    });

    it("an already-aborted signal runs nothing", async () => {
      const d = fresh("pre-abort");
      const y = mapBlocks(slow, [fromArray(ramp([4, 4]), { chunks: 2 })], { params: { dir: d, ms: 1 } }) as ChunkedArray;
      const reason = new Error("never mind");
      await expect(compute(y, { executor, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(readdirSync(d)).toEqual([]);
    });
  });
}
