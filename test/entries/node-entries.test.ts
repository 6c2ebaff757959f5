/**
 * The package's Node services and what happens without them: the "node" entries
 * (`src/entries/`) install the FFT's worker-thread teams and the machine's memory size; the
 * browser-safe modules loaded without them run Richardson-Lucy on one thread (with a note,
 * byte-identical results) and take the memory budget from `navigator.deviceMemory` or an
 * assumed 2 GiB, saying so when they refuse a plan.
 */
import { totalmem } from "node:os";
import { afterEach, describe, expect, test, vi } from "vitest";
import { fromArray, zeros } from "../../src/array/creation.js";
import { mapBlocks } from "../../src/array/map-blocks.js";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { cStrides, type Block } from "../../src/core/ndarray.js";
import { ramp } from "../executors/conformance.js";
import { richardsonLucy, richardsonLucyWorkspace } from "../../src/filters/index.js";
import { resolveRlOptions } from "../../src/filters/richardson-lucy-options.js";
import { compute } from "../../src/schedule/compute.js";
import { hostMemory, installHost } from "../../src/schedule/host.js";
import { inline } from "../../src/schedule/inline.js";
import { MemoryError } from "../../src/schedule/memory-plan.js";
import { threads } from "../../src/executors/threads/index.js";
import { threadBudget } from "../executors/kernels.js";
import { availableParallelism } from "node:os";

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  installHost({ memoryBytes: totalmem(), cores: availableParallelism() });
});

const ENTRIES = ["node-index", "node-fft", "node-filters", "node-testing", "node-zarr", "node-tiff"];

/** A 3-D float32 volume and a normalised 5^3 Gaussian-like PSF (5-smooth padded shapes: the resident engine). */
function volume(): { image: Block<"float32">; psf: Block<"float32"> } {
  const shape = [12, 20, 16];
  const data = new Float32Array(shape[0]! * shape[1]! * shape[2]!);
  for (let i = 0; i < data.length; i++) data[i] = 1 + Math.abs(Math.sin(i * 0.173)) * 100;
  const k = new Float32Array(125);
  for (let z = 0; z < 5; z++) for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) k[z * 25 + y * 5 + x] = Math.exp(-((z - 2) ** 2 + (y - 2) ** 2 + (x - 2) ** 2) / 2);
  return {
    image: { dtype: "float32", data, shape, stride: cStrides(shape), offset: 0 },
    psf: { dtype: "float32", data: k, shape: [5, 5, 5], stride: [25, 5, 1], offset: 0 },
  };
}

const bytesOf = (b: Block): Buffer => Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength);

describe("the node entries", () => {
  test.each(ENTRIES)("%s installs the thread-team provider and the machine's memory into fresh modules", async (entry) => {
    vi.resetModules();
    const team = await import("../../src/fft/pass-team.js");
    const host = await import("../../src/schedule/host.js");
    expect(team.passTeams()).toBeUndefined();
    expect(host.hostMemory().source).not.toBe("the machine's memory");
    await import(/* @vite-ignore */ `../../src/entries/${entry}.js`);
    expect(team.passTeams()).toBeDefined();
    expect(host.hostMemory()).toEqual({ bytes: totalmem(), source: "the machine's memory" });
  });
});

describe("the browser-safe modules without Node's services", () => {
  test("richardsonLucy with threads: 2 runs on one thread with one note, byte-identical to two threads", async () => {
    const { image, psf } = volume();
    const options = { iterations: 6, threads: 2 } as const;
    const withTeams = richardsonLucy(image, psf, options);
    vi.resetModules();
    const fresh = await import("../../src/filters/index.js");
    const { passTeams } = await import("../../src/fft/pass-team.js");
    expect(passTeams()).toBeUndefined();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const alone = fresh.richardsonLucy(image, psf, options);
    const again = fresh.richardsonLucy(image, psf, options);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/2 threads asked, running on 1 thread because no thread-team provider is installed.*Results are the same/);
    expect(bytesOf(alone).equals(bytesOf(withTeams))).toBe(true);
    expect(bytesOf(again).equals(bytesOf(withTeams))).toBe(true);
    expect(bytesOf(richardsonLucy(image, psf, { iterations: 6, threads: 1 })).equals(bytesOf(withTeams))).toBe(true);
  });

  test("the memory: the host's figure, else navigator.deviceMemory GiB, else an assumed 2 GiB", () => {
    installHost({ memoryBytes: 3 * 2 ** 30 });
    expect(hostMemory()).toEqual({ bytes: 3 * 2 ** 30, source: "the machine's memory" });
    installHost(undefined);
    vi.stubGlobal("navigator", { deviceMemory: 4 });
    expect(hostMemory()).toEqual({ bytes: 4 * 2 ** 30, source: "navigator.deviceMemory (4 GiB)" });
    vi.stubGlobal("navigator", {});
    expect(hostMemory().bytes).toBe(2 * 2 ** 30);
    expect(hostMemory().source).toMatch(/assumed 2 GiB/);
  });

  test("installHost refuses figures that are not positive and finite", () => {
    expect(() => installHost({ memoryBytes: 0 })).toThrow(/installHost: memoryBytes and cores must be positive finite numbers; got \{"memoryBytes":0\}/);
    expect(() => installHost({ cores: Number.NaN })).toThrow(/positive finite/);
  });

  test("a refusal under the default budget says where the budget came from", async () => {
    const x = fromArray(ramp([1 << 16]), { chunks: 1 << 14 });
    installHost({ memoryBytes: 4096 });
    const e1 = await compute(x).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(MemoryError);
    expect((e1 as Error).message).toMatch(/memoryBudget=3\.07 kB \(the default, 75% of the machine's memory\)/);
    installHost(undefined);
    vi.stubGlobal("navigator", {});
    const big = fromArray(ramp([1 << 16]), { chunks: 1 << 14 });
    await expect(compute(big)).resolves.toBeDefined(); // 512 KiB fits 75% of 2 GiB
    // 2 GiB of float64 zeros, refused by the plan before anything is allocated.
    const e3 = await compute(zeros([2 ** 28], { dtype: "float64", chunks: 2 ** 24 })).catch((e: unknown) => e);
    expect((e3 as Error).message).toMatch(/memoryBudget=1\.61 GB \(the default, 75% of an assumed 2 GiB \(this host reports no memory size\)\)/);
    const e2 = await compute(big, { memoryBudget: 1000 }).catch((e: unknown) => e);
    expect((e2 as Error).message).not.toMatch(/the default/);
  });
});

describe("the thread budget in the kernel's context", () => {
  const x = fromArray(ramp([8]), { chunks: 4 });

  test("inline: the host's cores / concurrency, at least 1", async () => {
    installHost({ cores: 8 });
    const run = async (concurrency: number): Promise<number> =>
      (await compute(mapBlocks(threadBudget, [x]) as ChunkedArray, { executor: inline({ concurrency }) })).data[0] as number;
    expect(await run(1)).toBe(8);
    expect(await run(3)).toBe(2);
    expect(await run(16)).toBe(1);
    installHost(undefined);
    expect(await run(1)).toBe(1);
  });

  test("threads: cores / workers, at least 1", async () => {
    const ex = threads({ workers: 2 });
    try {
      const out = await compute(mapBlocks(threadBudget, [x]) as ChunkedArray, { executor: ex });
      expect(out.data[0]).toBe(Math.max(1, Math.floor(availableParallelism() / 2)));
    } finally {
      await ex.close();
    }
  });

  test("richardsonLucy threads: \"auto\" takes the budget (at most 8, absent: 1) and gives the same bytes", () => {
    const o = (budget?: number) => resolveRlOptions({ threads: "auto" }, [16, 16], [3, 3], budget).threads;
    expect([o(), o(1), o(3), o(2.7), o(64)]).toEqual([1, 1, 3, 2, 8]);
    expect(() => resolveRlOptions({ threads: "max" }, [16, 16], [3, 3])).toThrow(/threads must be an integer from 1 to 8 or "auto"/);
    const { image, psf } = volume();
    const auto = richardsonLucy(image, psf, { iterations: 3, threads: "auto" }, { threads: 3 });
    expect(bytesOf(auto).equals(bytesOf(richardsonLucy(image, psf, { iterations: 3 })))).toBe(true);
    // The memory plan runs before any budget is known: "auto" counts 8 threads' line buffers.
    const shapes = [[12, 20, 16], [5, 5, 5]];
    expect(richardsonLucyWorkspace({ threads: "auto" }, shapes)).toBe(richardsonLucyWorkspace({ threads: 8 }, shapes));
  });
});
