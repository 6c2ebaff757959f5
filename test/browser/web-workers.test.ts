// The Web Workers executor in Chromium: the executor conformance suite's cases (see
// test/executors/conformance.ts), on 1 and 2 workers, in a cross-origin isolated page
// (SharedArrayBuffer: shared inputs, abort by a shared flag) and in one without isolation
// (copies, abort by message). The pipeline's bytes equal Node's inline result.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compute } from "../../src/schedule/compute.js";
import { inline } from "../../src/schedule/inline.js";
import * as nodePath from "node:path";
import { ROOT } from "./harness/bundle.js";
import { startSession, type Session, type TestPage } from "./harness/session.js";
import { digest, pipeline } from "./web-workers/pipeline.js";
import { gaussianPsf, volumes } from "./web-workers/rl-data.js";
import { richardsonLucy } from "../../src/filters/index.js";
import { fromArray } from "../../src/array/creation.js";
import { gufunc } from "../../src/array/apply-gufunc.js";
import type { ChunkedArray } from "../../src/array/chunked-array.js";

type ErrorInfo = {
  name: string; message: string; isTaskError: boolean; isValueError: boolean; isKernelError: boolean; isRangeError: boolean;
  key?: string; blockIndex?: number[]; code?: string; stack?: string; cause?: ErrorInfo;
};

let session: Session;
let nodeReference: ReturnType<typeof digest>[];
let rlReference: ReturnType<typeof digest>;
const RL_ITERATIONS = 6;
beforeAll(async () => {
  session = await startSession({
    pages: ["web-workers"],
    extraEntries: { "web-workers-worker": nodePath.join(ROOT, "test/browser/web-workers/worker.ts") },
  });
  nodeReference = (await compute(pipeline(), { executor: inline() })).map(digest);
  const rl = gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, { params: { iterations: RL_ITERATIONS, clip: false } });
  rlReference = digest(await compute(rl(fromArray(volumes(), { chunks: [1, 24, 40, 36] }), gaussianPsf()) as ChunkedArray, { executor: inline() }));
});
afterAll(async () => {
  await session?.close();
});

for (const [workers, isolated] of [[1, true], [2, true], [2, false]] as const) {
  describe(`webWorkers(${workers}) in Chromium, ${isolated ? "cross-origin isolated" : "not isolated (no SharedArrayBuffer)"}`, () => {
    let page: TestPage;
    beforeAll(async () => {
      page = await session.open("web-workers", { isolated });
      expect(await page.run("start", { workers })).toEqual({ name: `webWorkers(${workers})`, concurrency: 2 * workers, isolated });
    });
    afterAll(async () => {
      await page?.run("close");
      await page?.page.close();
    });

    it("mapBlocks + elementwise + astype + rechunk + gufunc shape=[36,20] chunks=[9,7]: byte-identical to inline in the page and in Node", async () => {
      const { out, inline: ref } = await page.run<{ out: unknown[]; inline: unknown[] }>("pipeline");
      expect(out).toEqual(ref);
      expect(out).toEqual(nodeReference);
    });

    it("leaves the user's input arrays intact (never moved away)", async () => {
      expect(await page.run("inputsIntact")).toEqual({ byteLength: 16 * 16 * 8, same: true });
    });

    it("a block read by two tasks reads correctly in both", async () => {
      const { got, want } = await page.run<{ got: unknown[]; want: unknown[] }>("twoReaders");
      expect(got).toEqual(want);
    });

    it(`a block of 128 KiB read by two tasks: ${isolated ? "one shared copy, then moved to the last reader" : "copied (no SharedArrayBuffer), then moved"}`, async () => {
      expect(await page.run("sharing")).toEqual(isolated ? [0, 1] : [0, 0]);
    });

    it("refuses a closure before anything runs, showing defineKernel", async () => {
      const { error, markers } = await page.run<{ error: ErrorInfo; markers: string[] }>("closure");
      expect(error.isValueError).toBe(true);
      expect(error.message).toContain('export const myFilter = defineKernel(import.meta.url, "myFilter", fn)');
      expect(markers).toEqual([]);
    });

    it("a kernel that throws on block [1,0] fails the job with TaskError (key, block index, cause with its class name, code, stack and cause)", async () => {
      const te = await page.run<ErrorInfo>("failOn");
      expect(te.isTaskError).toBe(true);
      expect(te.blockIndex).toEqual([1, 0]);
      expect(te.key).toContain("[1,0]");
      expect(te.message).toContain("BlockFailure: bad block 1,0");
      const cause = te.cause!;
      expect(cause.name).toBe("BlockFailure");
      expect(cause.message).toBe("bad block 1,0");
      expect(cause.code).toBe("E_BLOCK");
      // The worker's stack: its frames are in the worker bundle.
      expect(cause.stack).toContain("web-workers-worker.js");
      expect(cause.cause!.isRangeError).toBe(true);
      expect(cause.cause!.message).toBe("inner reason");
    });

    it("a block of the wrong dtype fails with TaskError caused by chunkwise's KernelError", async () => {
      const err = await page.run<ErrorInfo>("wrongDtype");
      expect(err.isTaskError).toBe(true);
      expect(err.cause!.isKernelError).toBe(true);
      expect(err.cause!.message).toContain("must have the declared dtype float32; got float64");
    });

    it("retries=2: a kernel failing twice per block succeeds; retries=1 fails after 2 attempts", async () => {
      const { ok, error } = await page.run<{ ok: boolean; error: ErrorInfo }>("retries");
      expect(ok).toBe(true);
      expect(error.isTaskError).toBe(true);
      expect(error.message).toContain("after 2 attempts");
      expect(error.cause!.message).toMatch(/^transient failure 1 at block/);
    });

    it("abort: stops scheduling, waits for running tasks, rejects with the reason", async () => {
      const r = await page.run<{ isReason: boolean; doneAtAbort: number; rejectedAt: number; concurrency: number; markers: Record<string, string> }>("abort");
      expect(r.isReason).toBe(true);
      const starts = Object.keys(r.markers).filter((f) => f.startsWith("start-"));
      expect(starts.length).toBeGreaterThan(0);
      expect(starts.length).toBeLessThanOrEqual(r.doneAtAbort - 1 + r.concurrency);
      expect(starts.length).toBeLessThan(8);
      for (const s of starts) {
        const end = r.markers[s.replace("start-", "end-")];
        expect(end).toBeDefined();
        expect(Number(end)).toBeLessThanOrEqual(r.rejectedAt);
      }
    });

    it("an already-aborted signal runs nothing", async () => {
      expect(await page.run("preAborted")).toEqual({ isReason: true, markers: [] });
    });

    it("a kernel the worker script does not register fails with how to register it", async () => {
      const err = await page.run<ErrorInfo>("unregistered");
      expect(err.isTaskError).toBe(true);
      expect(err.cause!.isValueError).toBe(true);
      expect(err.cause!.message).toContain("webWorkers: kernel 'notInWorker' must be registered in the Web Worker");
      expect(err.cause!.message).toContain('import "./kernels.js"; import "chunkwise/web-workers/worker"');
    });

    it("a worker script that fails to load: WorkerLostError, retried faultRetries times, then TaskError", async () => {
      const err = await page.run<ErrorInfo>("brokenWorkerScript");
      expect(err.isTaskError).toBe(true);
      expect(err.cause!.name).toBe("WorkerLostError");
      expect(err.cause!.message).toContain("webWorkers: the Web Worker running a task must stay alive; got an error event");
      expect(page.errors.filter((e) => !e.includes("no-such-worker.js"))).toEqual([]);
    });
  });
}

describe("Richardson-Lucy on webWorkers(2) in Chromium: byte-identical to Node's inline result", () => {
  for (const [threads, isolated] of [[1, true], [2, true], [2, false]] as const) {
    it(`volumes [2,24,40,36], PSF [7,9,9], ${RL_ITERATIONS} iterations, threads: ${threads}${isolated ? "" : ", page not isolated (runs on 1 thread with a note)"}`, async () => {
      const page = await session.open("web-workers", { isolated });
      const warnings: string[] = [];
      page.page.on("console", (m) => {
        if (m.type() === "warning") warnings.push(m.text());
      });
      try {
        await page.run("start", { workers: 2, threadsPerTask: threads });
        const got = await page.run<ReturnType<typeof digest>>("deconvolve", { threads, iterations: RL_ITERATIONS });
        expect(got[0]).toBe("float32");
        expect(got[1]).toEqual([2, 24, 40, 36]);
        expect(got[2] === rlReference[2]).toBe(true);
        expect(page.errors).toEqual([]);
        if (!isolated) expect(warnings).toContain("chunkwise FFT: 2 threads asked, running on 1 thread because SharedArrayBuffer is unavailable here (a page that is not cross-origin isolated: serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp). Results are the same, only slower.");
        else expect(warnings).toEqual([]);
      } finally {
        await page.run("close");
        await page.page.close();
      }
    });
  }
});
