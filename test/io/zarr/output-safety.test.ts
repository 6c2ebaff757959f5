/**
 * Data safety of toZarr (issue 11): an output never overlaps an array the graph reads, whatever
 * the spelling of its path; one writer per output array (an exclusive lease, stale leases
 * taken over only by resume or overwrite); resume only the same computation (a recorded
 * fingerprint); a memory-plan refusal writes and deletes nothing; resume clears temporary
 * metadata files. Real files in temporary folders; concurrency with real processes.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { add, fromArray, mapBlocks, multiply, type Block, type ChunkedArray } from "../../../src/index.js";
import { MemoryError } from "../../../src/schedule/memory-plan.js";
import { fromZarr, toZarr, ZarrError } from "../../../src/io/zarr/index.js";
import { LEASE_NAME, isLeaseLost } from "../../../src/io/zarr/lease.js";
import { normalizeArrayPath, overlaps } from "../../../src/io/zarr/overlap.js";
import { seededBlock } from "../../../src/testing/gufunc-cases.js";
import { listFiles, tempDir } from "./helpers.js";
import { slowSource } from "./slow-writer.js";

const here = dirname(fileURLToPath(import.meta.url));
const source = (k = 2): ChunkedArray => add(multiply(fromArray(seededBlock([12, 10], 3), { chunks: [4, 5] }), k), 1);

/** sha256 of every file under `dir`, by relative name. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, createHash("sha256").update(readFileSync(join(dir, f))).digest("hex")]));
}

async function kindOf(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  return e instanceof ZarrError ? e.kind : e === undefined ? undefined : String(e);
}

describe("an output never overlaps an array it reads", () => {
  async function storeWithInput(path = "data"): Promise<string> {
    const dir = join(tempDir(), "s.zarr");
    await toZarr(source(), dir, { path });
    return dir;
  }

  it.each([
    ["the input's path", "data"],
    ["a trailing slash", "data/"],
    ["a doubled trailing slash", "data//"],
    ["an array inside the input", "data/sub"],
    ["the store root (a group holding the input)", ""],
  ])("output = %s (%j) with overwrite: refused, input byte-identical", async (_what, outPath) => {
    const dir = await storeWithInput();
    const before = snapshot(dir);
    const input = await fromZarr(dir, { path: "data" });
    const err = await toZarr(add(input, 1), dir, { path: outPath, overwrite: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZarrError);
    expect((err as ZarrError).kind).toBe("overlap");
    expect((err as Error).message).toMatch(/the output must not overlap an array it reads; got the output .* (is|holds|lies inside) the input .*s\.zarr\/data/);
    expect(snapshot(dir)).toEqual(before);
  });

  it("output = the input store through a symlink, and a group around the input: refused, input intact", async () => {
    const dir = await storeWithInput("g/data");
    const link = join(tempDir(), "link.zarr");
    symlinkSync(dir, link);
    const before = snapshot(dir);
    const input = await fromZarr(dir, { path: "g/data" });
    expect(await kindOf(toZarr(add(input, 1), link, { path: "g/data", overwrite: true }))).toBe("overlap");
    expect(await kindOf(toZarr(add(input, 1), link, { path: "g", overwrite: true }))).toBe("overlap");
    // read through the link, written through the real path: the same
    const viaLink = await fromZarr(link, { path: "g/data" });
    expect(await kindOf(toZarr(add(viaLink, 1), dir, { path: "g/data/x", resume: true }))).toBe("overlap");
    expect(snapshot(dir)).toEqual(before);
  });

  it("a symlinked array folder inside another store pointing at the input: refused", async () => {
    const dir = await storeWithInput();
    const out = join(tempDir(), "out.zarr");
    mkdirSync(out);
    symlinkSync(join(dir, "data"), join(out, "result"));
    const before = snapshot(dir);
    expect(await kindOf(toZarr(add(await fromZarr(dir, { path: "data" }), 1), out, { path: "result", overwrite: true }))).toBe("overlap");
    expect(snapshot(dir)).toEqual(before);
  });

  it("beside the input (data2 next to data, a sibling group) is allowed", async () => {
    const dir = await storeWithInput("g/data");
    const input = await fromZarr(dir, { path: "g/data" });
    await toZarr(add(input, 1), dir, { path: "g/data2" });
    await toZarr(add(input, 1), dir, { path: "h/data" });
    expect(listFiles(dir)).toEqual(expect.arrayContaining(["g/data2/.zarray", "h/data/.zarray"]));
  });

  it("in-memory stores: the same Map and nested paths overlap; another Map does not", async () => {
    const store = new Map<string, Uint8Array>();
    await toZarr(source(), store, { path: "a/b" });
    const input = await fromZarr(store, { path: "a/b" });
    expect(await kindOf(toZarr(add(input, 1), store, { path: "a", overwrite: true }))).toBe("overlap");
    expect(await kindOf(toZarr(add(input, 1), store, { path: "a/b/", overwrite: true }))).toBe("overlap");
    await toZarr(add(input, 1), new Map<string, Uint8Array>(), { path: "a/b" });
  });

  it("property: any spelling of a path (extra, doubled, trailing slashes, '.' parts) overlaps it; paths overlap iff one's parts prefix the other's", () => {
    const part = fc.stringMatching(/^[a-z0-9]{1,3}$/);
    const parts = fc.array(part, { maxLength: 4 });
    const spelled = (ps: string[], noise: number[]): string => ps.map((p, i) => `${p}${"/".repeat(1 + (noise[i] ?? 0) % 3)}${(noise[i] ?? 0) % 2 === 1 ? "./" : ""}`).join("");
    const at = (path: string) => ({ store: { fs: "/nonexistent-root/s.zarr" }, path });
    fc.assert(fc.property(parts, fc.array(fc.nat(5), { maxLength: 4 }), (ps, noise) => {
      expect(normalizeArrayPath(spelled(ps, noise))).toBe(ps.join("/"));
      expect(overlaps(at(ps.join("/")), at(spelled(ps, noise)))).toBe(true);
    }));
    fc.assert(fc.property(parts, parts, (a, b) => {
      const n = Math.min(a.length, b.length);
      const nested = a.slice(0, n).every((p, i) => p === b[i]);
      expect(overlaps(at(a.join("/")), at(b.join("/")))).toBe(nested);
    }));
  });

  it("path normalisation and nesting, either way round", () => {
    expect(normalizeArrayPath("a//b/./c/")).toBe("a/b/c");
    const at = (fs: string, path: string) => ({ store: { fs }, path });
    expect(overlaps(at("/x/s.zarr", "data"), at("/x/s.zarr", "./data//"))).toBe(true);
    expect(overlaps(at("/x/s.zarr", "data/sub"), at("/x/s.zarr", "data"))).toBe(true);
    expect(overlaps(at("/x/s.zarr", "data"), at("/x/s.zarr", "data/sub"))).toBe(true);
    expect(overlaps(at("/x/s.zarr", "data"), at("/x/s.zarr", "data2"))).toBe(false);
    expect(overlaps(at("/x/s.zarr", ""), at("/x/s.zarr/", "a"))).toBe(true);
    expect(overlaps(at("/x/s.zarr", "a"), at("/x/s.zarr2", "a"))).toBe(false);
    expect(overlaps({ store: { url: "http://h/s.zarr" }, path: "a" }, at("/x/s.zarr", "a"))).toBe(false);
  });
});

describe("one writer per output array", () => {
  const lease = (dir: string, path = "g/out"): string => join(dir, path, LEASE_NAME);

  it("two processes writing the same output at once: exactly one proceeds, the other is refused naming the holder", async () => {
    const dir = tempDir();
    const run = () => new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", join(here, "slow-writer.ts"), dir], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SLOW_WRITER_MS: "250" } });
      let err = "";
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("exit", (code) => resolve({ code, err }));
    });
    const results = await Promise.all([run(), run()]);
    const ok = results.filter((r) => r.code === 0);
    const refused = results.filter((r) => r.code !== 0);
    expect(ok.length, results.map((r) => r.err).join("\n")).toBe(1);
    expect(refused[0]!.err).toMatch(/the output .*g\/out must have one writer at a time; got a run in progress \(host .*, pid \d+, run [0-9a-f]+, started /);
    expect(existsSync(lease(dir))).toBe(false);
    const back = await (await fromZarr(dir, { path: "g/out" })).compute();
    expect(back.data).toEqual((await slowSource().compute()).data);
  }, 120_000);

  it("two processes resuming over a dead run's lease at once: exactly one takes it over, the other is refused", async () => {
    const dir = tempDir();
    const controller = new AbortController();
    await toZarr(slowSource(), dir, { path: "g/out", compressor: "zstd", signal: controller.signal, onProgress: ({ done }) => done === 4 && controller.abort(new Error("stop")) }).catch(() => undefined);
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    writeFileSync(lease(dir), JSON.stringify({ host: hostname(), pid: Number(dead.stdout), runId: "deadbeef", started: "2026-01-01T00:00:00Z", version: "0" }));
    const run = () => new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", join(here, "slow-writer.ts"), dir, "--resume"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SLOW_WRITER_MS: "250" } });
      let err = "";
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("exit", (code) => resolve({ code, err }));
    });
    const results = await Promise.all([run(), run()]);
    expect(results.map((r) => r.code).sort(), results.map((r) => r.err).join("\n")).toEqual([0, 1]);
    expect(results.find((r) => r.code === 1)!.err).toMatch(/must have one writer at a time; got a run in progress \(host .*, pid \d+, run (?!deadbeef)[0-9a-f]+/);
    expect(existsSync(lease(dir))).toBe(false);
    const back = await (await fromZarr(dir, { path: "g/out" })).compute();
    expect(back.data).toEqual((await slowSource().compute()).data);
  }, 120_000);

  it("two toZarr calls in one process: one proceeds, the other is refused; both without and with resume", async () => {
    const dir = tempDir();
    const slow = () => mapBlocks(async (b: Block) => (await new Promise((r) => setTimeout(r, 100)), b), source(), { dtype: "float64" }) as ChunkedArray;
    const first = toZarr(slow(), dir, { path: "g/out" });
    first.catch(() => undefined);
    for (let i = 0; i < 2000 && !existsSync(lease(dir)); i++) await new Promise((r) => setTimeout(r, 5));
    expect(await kindOf(toZarr(slow(), dir, { path: "g/out" }))).toBe("busy");
    expect(await kindOf(toZarr(slow(), dir, { path: "g/out", resume: true }))).toBe("busy");
    expect(await kindOf(toZarr(slow(), dir, { path: "g/out", overwrite: true }))).toBe("busy");
    await first;
    expect(existsSync(lease(dir))).toBe(false);
  });

  it("the lease is removed after a failure and after an abort", async () => {
    const dir = tempDir();
    const failing = mapBlocks(() => {
      throw new Error("boom");
    }, source()) as ChunkedArray;
    await expect(toZarr(failing, dir, { path: "g/out" })).rejects.toThrow(/boom/);
    expect(existsSync(lease(dir))).toBe(false);
    const controller = new AbortController();
    await expect(toZarr(source(), dir, { path: "g/out", overwrite: true, signal: controller.signal, onProgress: () => controller.abort(new Error("stop")) })).rejects.toThrow("stop");
    expect(existsSync(lease(dir))).toBe(false);
  });

  it("a lease left by a dead process on this host: refused without resume (the message says --resume); resume takes it over", async () => {
    const dir = tempDir();
    const controller = new AbortController();
    await toZarr(source(), dir, { path: "g/out", signal: controller.signal, onProgress: ({ done }) => done === 3 && controller.abort(new Error("killed")) }).catch(() => undefined);
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    writeFileSync(lease(dir), JSON.stringify({ host: hostname(), pid: Number(dead.stdout), runId: "deadbeef", started: "2026-01-01T00:00:00Z", version: "0" }));
    const err = await toZarr(source(), dir, { path: "g/out" }).then(() => new Error("resolved"), (e: unknown) => e as Error);
    expect((err as ZarrError).kind).toBe("busy");
    expect(err.message).toMatch(new RegExp(`the lease of a run that stopped \\(host ${hostname()}, pid ${dead.stdout}, run deadbeef.*its process ${dead.stdout} on this host is gone\\. Pass resume: true \\(--resume on the command line\\)`));
    const r = await toZarr(source(), dir, { path: "g/out", resume: true });
    expect(r.chunksSkipped).toBeGreaterThan(0);
    expect(existsSync(lease(dir))).toBe(false);
  });

  it("a lease from another host: live while refreshed, stale after staleMs", async () => {
    const dir = tempDir();
    await toZarr(source(), dir, { path: "g/out" });
    writeFileSync(lease(dir), JSON.stringify({ host: "other-host.example", pid: 1, runId: "0ther", started: "2026-01-01T00:00:00Z", version: "0" }));
    expect(await kindOf(toZarr(source(), dir, { path: "g/out", resume: true, lease: { staleMs: 60_000 } }))).toBe("busy");
    const old = new Date(Date.now() - 120_000);
    utimesSync(lease(dir), old, old);
    const err = await toZarr(source(), dir, { path: "g/out", lease: { staleMs: 60_000 } }).then(() => new Error("resolved"), (e: unknown) => e as Error);
    expect(err.message).toMatch(/run that stopped \(host other-host\.example, pid 1, run 0ther.*last refreshed 12\d s ago, more than 60 s/);
    await toZarr(source(), dir, { path: "g/out", resume: true, lease: { staleMs: 60_000 } });
    expect(existsSync(lease(dir))).toBe(false);
  });

  it("a holder whose lease was taken over stops writing at its next refresh", async () => {
    const dir = tempDir();
    const slow = mapBlocks(async (b: Block) => (await new Promise((r) => setTimeout(r, 150)), b), source(), { dtype: "float64" }) as ChunkedArray;
    const run = toZarr(slow, dir, { path: "g/out", lease: { refreshMs: 20 } });
    for (let i = 0; i < 200 && !existsSync(lease(dir)); i++) await new Promise((r) => setTimeout(r, 5));
    writeFileSync(lease(dir), JSON.stringify({ host: "other-host.example", pid: 1, runId: "thief", started: "2026-01-01T00:00:00Z", version: "0" }));
    const err = await run.then(() => new Error("resolved"), (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(ZarrError);
    expect(err.message).toMatch(/lease taken over by another run \(host other-host\.example, pid 1, run thief/);
    expect(isLeaseLost(err)).toBe(true);
    // the thief's lease is left alone
    expect(JSON.parse(readFileSync(lease(dir), "utf8")).runId).toBe("thief");
  });
});

describe("resume only the same computation", () => {
  it("resume with another computation is refused, listing what differs; nothing is written", async () => {
    const dir = tempDir();
    const controller = new AbortController();
    await toZarr(source(2), dir, { path: "g/out", signal: controller.signal, onProgress: ({ done }) => done === 3 && controller.abort(new Error("stop")) }).catch(() => undefined);
    const before = snapshot(dir);
    const err = await toZarr(source(3), dir, { path: "g/out", resume: true }).then(() => new Error("resolved"), (e: unknown) => e as Error);
    expect((err as ZarrError).kind).toBe("mismatch");
    expect(err.message).toMatch(/must have been written by the same computation to be resumed; got differences \(recorded vs now\): graph: "add-[0-9a-f]+" vs "add-[0-9a-f]+"/);
    expect(snapshot(dir)).toEqual(before);
  });

  it("fields of the caller's fingerprint: each difference named; an array with no fingerprint is refused", async () => {
    const dir = tempDir();
    await toZarr(source(), dir, { path: "g/out", fingerprint: { input: { path: "data", shape: [12, 10] }, iterations: 10 } });
    await expect(toZarr(source(), dir, { path: "g/out", resume: true, fingerprint: { input: { path: "data", shape: [12, 11] }, iterations: 20 } })).rejects.toThrow(
      /input\.shape: \[12,10\] vs \[12,11\]; iterations: 10 vs 20\./,
    );
    const attrsFile = join(dir, "g/out/.zattrs");
    const attrs = JSON.parse(readFileSync(attrsFile, "utf8"));
    delete attrs.chunkwise.fingerprint;
    writeFileSync(attrsFile, JSON.stringify(attrs));
    await expect(toZarr(source(), dir, { path: "g/out", resume: true })).rejects.toThrow(/got no recorded fingerprint \(written by another tool or an older chunkwise\)/);
  });

  it("the fingerprint is recorded in v3 attributes too, and the same graph resumes", async () => {
    const dir = tempDir();
    await toZarr(source(), dir, { path: "out", format: 3 });
    const meta = JSON.parse(readFileSync(join(dir, "out/zarr.json"), "utf8"));
    expect(meta.attributes.chunkwise.fingerprint).toEqual({ version: expect.any(String), graph: source().name });
    expect((await toZarr(source(), dir, { path: "out", format: 3, resume: true })).chunksSkipped).toBe(6);
  });
});

describe("nothing written or deleted before the plan passed; resume clears temporary files", () => {
  it("a memory-plan refusal leaves no metadata, no folder and no lease; over an existing array it deletes nothing", async () => {
    const dir = tempDir();
    await expect(toZarr(source(), join(dir, "s.zarr"), { path: "g/out", memoryBudget: 1 })).rejects.toBeInstanceOf(MemoryError);
    expect(listFiles(dir)).toEqual([]);
    expect(existsSync(join(dir, "s.zarr"))).toBe(false);
    await toZarr(source(), dir, { path: "g/out" });
    const before = snapshot(dir);
    await expect(toZarr(source(3), dir, { path: "g/out", overwrite: true, memoryBudget: 1 })).rejects.toBeInstanceOf(MemoryError);
    expect(snapshot(dir)).toEqual(before);
  });

  it("resume removes temporary metadata files of the array and its parent groups", async () => {
    const dir = tempDir();
    await toZarr(source(), dir, { path: "g/out" });
    writeFileSync(join(dir, "g/out/.zarray.tmp-0123abcd"), "{");
    writeFileSync(join(dir, "g/.zgroup.tmp-4567ef01"), "{");
    writeFileSync(join(dir, ".zgroup.tmp-89abcdef"), "{");
    await toZarr(source(), dir, { path: "g/out", resume: true });
    expect(listFiles(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("resume where a killed run left only temporary metadata (no .zarray): starts the array, temp files gone", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "g/out"), { recursive: true });
    writeFileSync(join(dir, "g/out/.zarray.tmp-0123abcd"), "{");
    const r = await toZarr(source(), dir, { path: "g/out", resume: true });
    expect(r.chunksWritten).toBe(6);
    expect(listFiles(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });
});
