/**
 * `chunkwise deconvolve` in process on the tiny demo dataset (2, 1, 16, 48, 48) uint16 with
 * two measured-looking 9x15x15 PSF TIFFs: with the inline, threads and distributed executors
 * the Zarr output equals the eager gufunc result computed here by hand; every bad input is a
 * one-line error with exit code 2 that leaves the file system as it was.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cStrides, fromArray, gufunc, index, type Block } from "../../src/index.js";
import { richardsonLucy } from "../../src/filters/index.js";
import { fromZarr, toZarr } from "../../src/io/zarr/index.js";
import { writeDemoData, type DemoData } from "../../src/cli/demo.js";
import { threadsPerVolume } from "../../src/cli/job-plan.js";
import { closedPort, makeCertificates, spawnWorker, startRedis, TEST_TASK_KEY, type Certificates, type RedisFixture, type WorkerProcess } from "../executors/redis-fixture.js";
import { cli, cliWith, jsonLines, snapshot, tempDir } from "./job-helpers.js";

let dir: string;
let demo: DemoData;
const ITERATIONS = 3;
const RL = { iterations: ITERATIONS, init: "image", boundary: "neumann", clip: false, filterEpsilon: 1e-5 } as const;

beforeAll(async () => {
  dir = await tempDir("deconvolve");
  demo = await writeDemoData(dir, "tiny", 1);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A file holding the test workers' task key (what `--task-key-file` reads). */
function keyFile(): string {
  const file = join(dir, "task.key");
  if (!existsSync(file)) writeFileSync(file, `${TEST_TASK_KEY}\n`, { mode: 0o600 });
  return file;
}

/** The PSF as the command prepares it, computed independently: shell median off, clamp, sum 1. */
function preparedPsf(measured: Block): Block<"float32"> {
  const [n, a, b, c] = measured.shape as [number, number, number, number];
  const frame = a * b * c;
  const out = new Float32Array(n * frame);
  for (let k = 0; k < n; k++) {
    const v = Array.from({ length: frame }, (_, i) => Number(measured.data[k * frame + i]));
    const shell = v.filter((_, i) => {
      const z = Math.floor(i / (b * c));
      const y = Math.floor(i / c) % b;
      const x = i % c;
      return z === 0 || z === a - 1 || y === 0 || y === b - 1 || x === 0 || x === c - 1;
    }).sort((p, q) => p - q);
    const m = shell.length >> 1;
    const bg = shell.length % 2 ? shell[m]! : (shell[m - 1]! + shell[m]!) / 2;
    const w = v.map((x) => Math.max(0, x - bg));
    const sum = w.reduce((s, x) => s + x, 0);
    w.forEach((x, i) => (out[k * frame + i] = x / sum));
  }
  const shape = [n, 1, a, b, c];
  return { dtype: "float32", data: out, shape, stride: cStrides(shape), offset: 0 };
}

/** The blog's computation done eagerly: the gufunc over in-memory blocks. */
function expected(): Block {
  const noisy = demo.data.noisy;
  const image = Float32Array.from(noisy.data as Uint16Array, (v) => Math.max(0, v - demo.data.background));
  const img: Block<"float32"> = { dtype: "float32", data: image, shape: noisy.shape, stride: cStrides(noisy.shape), offset: 0 };
  const deconvolve = gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, { params: RL, outputDtypes: "float32" });
  return deconvolve(img, preparedPsf(demo.data.measuredPsfs)) as Block;
}

function maxRelativeDiff(a: Block, b: Block): number {
  expect(a.shape).toEqual(b.shape);
  let peak = 0;
  let diff = 0;
  for (let i = 0; i < a.data.length; i++) {
    peak = Math.max(peak, Math.abs(Number(b.data[i])));
    diff = Math.max(diff, Math.abs(Number(a.data[i]) - Number(b.data[i])));
  }
  return diff / peak;
}

const baseArgs = (out: string, ...more: string[]): string[] => [
  "deconvolve", demo.store, "--path", "data", "--psf", demo.psfPattern, "--out", out, "--out-path", "result",
  "--iterations", String(ITERATIONS), "--background", String(demo.data.background), ...more,
];

describe("deconvolve: runs", () => {
  it.each([["inline"], ["threads"]])("executor=%s on (2, 1, 16, 48, 48): output readable with fromZarr and equal to the eager gufunc", async (executor) => {
    const out = join(dir, `out-${executor}.zarr`);
    const extra = executor === "threads" ? ["--executor", "threads", "--workers", "2"] : ["--executor", "inline"];
    const r = await cli(...baseArgs(out, ...extra));
    expect(r.err.split("\n").filter((l) => l.startsWith("chunkwise:"))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("chunkwise deconvolve: plan");
    expect(r.out).toMatch(/Shape\s+\(2, 1, 16, 48, 48\)\s+\(1, 1, 16, 48, 48\)/);
    expect(r.out).toContain("psf from 2 TIFF files");
    expect(r.out).toMatch(/memory: about .* per task/);
    expect(r.out).toMatch(/throughput: .* voxels\/s/);
    const result = await (await fromZarr(out, { path: "result" })).compute();
    expect(result.dtype).toBe("float32");
    expect(maxRelativeDiff(result, expected())).toBeLessThan(1e-6);
  });

  it("--json: every stdout line is JSON (plan, progress, done); --resume skips every chunk already written", async () => {
    const out = join(dir, "out-json.zarr");
    const r = await cli(...baseArgs(out, "--executor", "inline", "--json"));
    expect(r.code).toBe(0);
    const events = jsonLines(r.out);
    expect(events[0]!.event).toBe("plan");
    const plan = events[0] as { input: { shape: number[]; dtype: string }; psf: { shape: number[] }; volumes: number; peakBytes: number };
    expect(plan.input).toMatchObject({ shape: [2, 1, 16, 48, 48], dtype: "uint16" });
    expect(plan.psf.shape).toEqual([2, 1, 9, 15, 15]);
    expect(plan.volumes).toBe(2);
    expect(plan.peakBytes).toBeGreaterThan(0);
    const done = events[events.length - 1] as { event: string; chunksWritten: number; output: { shape: number[] } };
    expect(done.event).toBe("done");
    expect(done.chunksWritten).toBe(2);
    expect(done.output.shape).toEqual([2, 1, 16, 48, 48]);
    const again = await cli(...baseArgs(out, "--executor", "inline", "--json", "--resume"));
    expect(again.code).toBe(0);
    expect(jsonLines(again.out).at(-1)).toMatchObject({ event: "done", chunksWritten: 0, chunksSkipped: 2 });
  });

  it("interrupted (the stop signal right after the plan): exit 130, one line saying --resume; --resume then finishes", async () => {
    const out = join(dir, "out-interrupted.zarr");
    const stop = new AbortController();
    const r = await cliWith({ signal: stop.signal, onStdout: (t) => t.includes('"event":"plan"') && stop.abort() }, ...baseArgs(out, "--executor", "inline", "--json"));
    expect(r.code).toBe(130);
    expect(r.err.trimEnd().split("\n").filter((l) => l.startsWith("chunkwise:"))).toEqual([expect.stringMatching(/interrupted after \d+ of \d+ tasks.*--resume/)]);
    expect(jsonLines(r.out).at(-1)).toMatchObject({ event: "interrupted" });
    const again = await cli(...baseArgs(out, "--executor", "inline", "--resume"));
    expect(again.code).toBe(0);
    const result = await (await fromZarr(out, { path: "result" })).compute();
    expect(maxRelativeDiff(result, expected())).toBeLessThan(1e-6);
  });

  it("a generated PSF (--psf-model gaussian --sigma 1.5,1,1) broadcast to every volume; output (2, 1, 16, 48, 48) float32", async () => {
    const out = join(dir, "out-model.zarr");
    const r = await cli("deconvolve", demo.store, "--path", "data", "--psf-model", "gaussian", "--sigma", "1.5,1,1", "--out", out, "--iterations", "2", "--executor", "inline", "--json");
    expect(r.code).toBe(0);
    expect((jsonLines(r.out)[0] as { psf: { shape: number[] } }).psf.shape).toEqual([1, 1, 11, 7, 7]);
    const a = await fromZarr(out, { path: "deconvolved" });
    expect([a.shape, a.dtype]).toEqual([[2, 1, 16, 48, 48], "float32"]);
  });

  it("--threads-per-volume 2: two threads share each volume; the same bytes as one thread", async () => {
    const one = join(dir, "out-t1.zarr"), two = join(dir, "out-t2.zarr");
    const args = ["deconvolve", demo.store, "--path", "data", "--psf", demo.psfPattern, "--iterations", "2", "--executor", "inline"];
    expect((await cli(...args, "--out", one, "--threads-per-volume", "1")).code).toBe(0);
    const r = await cli(...args, "--out", two, "--threads-per-volume", "2");
    expect(r.code).toBe(0);
    expect(r.out).toContain("2 threads per volume");
    const a = await (await fromZarr(one, { path: "deconvolved" })).compute();
    const b = await (await fromZarr(two, { path: "deconvolved" })).compute();
    expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
  });

  it("--acceleration biggs --tolerance 1e-3: the kernel's options; the plan says so; the output is the eager gufunc's with them", async () => {
    const out = join(dir, "out-biggs.zarr");
    const r = await cli(...baseArgs(out, "--executor", "inline", "--acceleration", "biggs", "--tolerance", "1e-3"));
    expect(r.code).toBe(0);
    expect(r.out).toContain("richardson-lucy: at most 3 iterations (each volume stops once its relative change is at most 0.001), Biggs-Andrews acceleration, neumann boundary");
    const noisy = demo.data.noisy;
    const image = Float32Array.from(noisy.data as Uint16Array, (v) => Math.max(0, v - demo.data.background));
    const img: Block<"float32"> = { dtype: "float32", data: image, shape: noisy.shape, stride: cStrides(noisy.shape), offset: 0 };
    const deconvolve = gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, { params: { ...RL, acceleration: "biggs", tolerance: 1e-3 }, outputDtypes: "float32" });
    const want = deconvolve(img, preparedPsf(demo.data.measuredPsfs)) as Block;
    const result = await (await fromZarr(out, { path: "result" })).compute();
    expect(maxRelativeDiff(result, want)).toBeLessThan(1e-6);
    expect(maxRelativeDiff(result, expected())).toBeGreaterThan(1e-3);
  });

  it("--tolerance: one line per volume with the iterations it used, printed as the volume finishes (before the last progress line), then min/median/max; --json: volume events and iterationsUsed", async () => {
    // The eager gufunc's notes, { index, note } per volume, are what the command must report.
    const noisy = demo.data.noisy;
    const image = Float32Array.from(noisy.data as Uint16Array, (v) => Math.max(0, v - demo.data.background));
    const img: Block<"float32"> = { dtype: "float32", data: image, shape: noisy.shape, stride: cStrides(noisy.shape), offset: 0 };
    const params = { ...RL, iterations: 12, tolerance: 0.05 };
    const notes: { index: number[]; note: { iterations: number; converged: boolean; change: number } }[] = [];
    gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, { params, outputDtypes: "float32" }).apply([img, preparedPsf(demo.data.measuredPsfs)], { note: (n) => void notes.push(n as (typeof notes)[number]) });
    expect(notes.map((n) => n.index)).toEqual([[0, 0], [1, 0]]);
    const lines = notes.map(({ index, note: v }) => `volume (${index.join(", ")}): ${v.iterations} of 12 iterations (${v.converged ? "converged" : "not converged"}: change ${v.change.toExponential(1)} ${v.converged ? "<=" : ">"} 0.05)`);
    const its = notes.map((n) => n.note.iterations).sort((a, b) => a - b);
    expect(its[0]).toBeLessThan(12); // the tolerance stops at least one volume early
    const summary = `iterations used per volume: min ${its[0]}, median ${(its[0]! + its[1]!) / 2}, max ${its[1]} (of at most 12; 2 volumes)`;
    for (const executor of [["--executor", "threads", "--workers", "2"], ["--executor", "threads", "--workers", "1"], ["--executor", "inline"]]) {
      const out = join(dir, `out-tol-${executor[1]}-${executor[3] ?? ""}.zarr`);
      // stdout and stderr (the progress lines) in the order they were written.
      const both: string[] = [];
      const r = await cliWith({ onStdout: (t) => both.push(t), onStderr: (t) => both.push(t) }, ...baseArgs(out, ...executor, "--iterations", "12", "--tolerance", "0.05"));
      expect(r.code).toBe(0);
      const transcript = both.join("");
      // The last progress line (every task done) comes after every volume's line: printed live.
      const finished = transcript.search(/deconvolve: (\d+)\/\1 tasks \(100%\)/);
      expect(finished).toBeGreaterThan(0);
      for (const line of lines) {
        expect(r.out.split(`${line}\n`).length, line).toBe(2);
        expect(transcript.indexOf(`${line}\n`), line).toBeLessThan(finished);
      }
      expect(r.out).toContain(`\n${summary}\ndone in `);
      expect(r.out.indexOf(summary)).toBeGreaterThan(Math.max(...lines.map((l) => r.out.indexOf(l))));
      expect(r.out).toMatch(/voxel-iterations\/s, at the iterations used\)/);
    }
    const r = await cli(...baseArgs(join(dir, "out-tol-json.zarr"), "--executor", "threads", "--workers", "2", "--iterations", "12", "--tolerance", "0.05", "--json"));
    expect(r.code).toBe(0);
    const events = jsonLines(r.out);
    const volumes = events.filter((e) => e.event === "volume").sort((a, b) => (a.index as number[])[0]! - (b.index as number[])[0]!);
    expect(volumes).toEqual(notes.map(({ index, note: v }) => ({ event: "volume", index, iterations: v.iterations, converged: v.converged, change: v.change })));
    expect(events.find((e) => e.event === "done")!.iterationsUsed).toEqual({ min: its[0], median: (its[0]! + its[1]!) / 2, max: its[1], volumes: 2 });
  });

  it("--tolerance --resume: only the volumes recomputed get a line (none twice, none lost), the summary counts them, the output is the uninterrupted run's", async () => {
    const out = join(dir, "out-tol-resume.zarr");
    const args = [...baseArgs(out, "--executor", "threads", "--workers", "2", "--iterations", "12", "--tolerance", "0.05")];
    const first = await cli(...args);
    expect(first.code).toBe(0);
    const line = (index: string): string => first.out.split("\n").find((l) => l.startsWith(`volume (${index}): `))!;
    expect(line("1, 0")).toBeDefined();
    const chunk = join(out, "result", "1.0.0.0.0");
    const bytes = readFileSync(chunk);
    // As a run interrupted after volume (0, 0)'s write leaves it: the other chunk never written.
    rmSync(chunk);
    const resumed = await cli(...args, "--resume");
    expect(resumed.code).toBe(0);
    expect(resumed.out.split("\n").filter((l) => l.startsWith("volume ("))).toEqual([line("1, 0")]);
    expect(resumed.out).toMatch(/iterations used per volume: min (\d+), median \1, max \1 \(of at most 12; 1 volume\)/);
    expect(resumed.out).toContain("1 chunk written, 1 already there (resumed)");
    expect(readFileSync(chunk).equals(bytes)).toBe(true);
  });

  it("without --tolerance: no per-volume lines and no iterationsUsed (the report is as before)", async () => {
    const r = await cli(...baseArgs(join(dir, "out-plain-json.zarr"), "--executor", "inline", "--json"));
    expect(r.code).toBe(0);
    const events = jsonLines(r.out);
    expect(events.some((e) => e.event === "volume")).toBe(false);
    expect(events.find((e) => e.event === "done")).not.toHaveProperty("iterationsUsed");
    const text = await cli(...baseArgs(join(dir, "out-plain.zarr"), "--executor", "inline"));
    expect(text.out).not.toMatch(/iterations used|volume \(/);
  });

  it("--tv 0.01: the kernel's regularization { tv }; the plan says so; the output is the eager gufunc's with it", async () => {
    const out = join(dir, "out-tv.zarr");
    const r = await cli(...baseArgs(out, "--executor", "inline", "--tv", "0.01"));
    expect(r.code).toBe(0);
    expect(r.out).toContain(`richardson-lucy: ${ITERATIONS} iterations, total-variation lambda 0.01, neumann boundary`);
    const noisy = demo.data.noisy;
    const image = Float32Array.from(noisy.data as Uint16Array, (v) => Math.max(0, v - demo.data.background));
    const img: Block<"float32"> = { dtype: "float32", data: image, shape: noisy.shape, stride: cStrides(noisy.shape), offset: 0 };
    const deconvolve = gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, { params: { ...RL, regularization: { tv: 0.01 } }, outputDtypes: "float32" });
    const want = deconvolve(img, preparedPsf(demo.data.measuredPsfs)) as Block;
    const result = await (await fromZarr(out, { path: "result" })).compute();
    expect(maxRelativeDiff(result, want)).toBeLessThan(1e-6);
    expect(maxRelativeDiff(result, expected())).toBeGreaterThan(1e-4);
  });

  it("--threads-per-volume auto (the default): the cores left over by the volumes running at once; 1 for distributed", () => {
    const cores = availableParallelism();
    expect(threadsPerVolume("auto", { kind: "inline" }, 1)).toBe(Math.min(8, cores));
    expect(threadsPerVolume(undefined, { kind: "threads" }, cores)).toBe(1);
    expect(threadsPerVolume("auto", { kind: "threads" }, 1)).toBe(Math.min(8, cores));
    expect(threadsPerVolume("auto", { kind: "distributed" }, 1)).toBe(1);
    expect(threadsPerVolume(3, { kind: "distributed" }, 1)).toBe(3);
  });
});

describe("deconvolve: bad input is one line, exit 2, nothing touched", () => {
  let bad: string;
  beforeAll(async () => {
    bad = join(dir, "bad.zarr");
    const psf2d = fromArray({ dtype: "float32", data: new Float32Array(15 * 15).fill(1), shape: [15, 15], stride: [15, 1], offset: 0 }, { chunks: [15, 15] });
    await toZarr(psf2d, bad, { path: "psf2d" });
    const threeChannels = fromArray({ dtype: "float32", data: new Float32Array(3 * 9 * 15 * 15).fill(1), shape: [3, 9, 15, 15], stride: cStrides([3, 9, 15, 15]), offset: 0 }, { chunks: [1, 9, 15, 15] });
    await toZarr(threeChannels, bad, { path: "psf3c" });
  });

  const cases: [string, () => string[], RegExp][] = [
    ["missing input store", () => ["deconvolve", join(dir, "nope.zarr"), "--psf", demo.psfPattern, "--out", join(dir, "x.zarr")], /the input store must exist; got nothing at .*nope\.zarr/],
    ["input path not an array", () => ["deconvolve", demo.store, "--path", "nothing", "--psf", demo.psfPattern, "--out", join(dir, "x.zarr")], /the input could not be opened: .*got nothing/],
    ["no PSF files match", () => ["deconvolve", demo.store, "--path", "data", "--psf", join(dir, "nopsfs", "*.tif"), "--out", join(dir, "x.zarr")], /the PSF could not be read/],
    ["2-D PSF (wrong rank)", () => ["deconvolve", demo.store, "--path", "data", "--psf", bad, "--psf-path", "psf2d", "--out", join(dir, "x.zarr")], /the PSF must have 3 or more axes .*got shape \(15, 15\)/],
    ["3 PSFs for 2 channels", () => ["deconvolve", demo.store, "--path", "data", "--psf", bad, "--psf-path", "psf3c", "--out", join(dir, "x.zarr")], /the PSF's axis 0 must be 1 or 2 \(the image's\); got 3/],
    ["output exists without --overwrite", () => ["deconvolve", demo.store, "--path", "data", "--psf", demo.psfPattern, "--out-path", "truth"], /the output must not exist yet; got an array at .*truth\. Pass --overwrite/],
    ["output is the input", () => ["deconvolve", demo.store, "--path", "data", "--psf", demo.psfPattern, "--out-path", "data", "--overwrite"], /the output must not overlap the input; got --out .* --out-path "data", which is the input/],
    ["--overwrite with --resume", () => [...baseArgs(join(dir, "x.zarr")), "--overwrite", "--resume"], /--overwrite and --resume must not be given together/],
    ["--iterations 0", () => [...baseArgs(join(dir, "x.zarr")), "--iterations", "0"], /--iterations must be an integer from 1 to 100000; got "0"/],
    ["--executor gpu", () => [...baseArgs(join(dir, "x.zarr")), "--executor", "gpu"], /--executor must be one of inline, threads, distributed; got "gpu"/],
    ["no PSF", () => ["deconvolve", demo.store, "--out", join(dir, "x.zarr")], /exactly one of --psf and --psf-model must be given; got neither/],
    ["gaussian without sigma", () => ["deconvolve", demo.store, "--path", "data", "--psf-model", "gaussian", "--out", join(dir, "x.zarr")], /--sigma must be given with --psf-model gaussian/],
    ["bad --sigma", () => ["deconvolve", demo.store, "--path", "data", "--psf-model", "gaussian", "--sigma", "1,2", "--out", join(dir, "x.zarr")], /--sigma must be 3 comma-separated positive numbers/],
    ["no input", () => ["deconvolve", "--psf", demo.psfPattern], /the <input\.zarr> argument is required/],
    ["unknown option", () => [...baseArgs(join(dir, "x.zarr")), "--iterashuns", "3"], /deconvolve: Unknown option '--iterashuns'/],
    ["bad --acceleration", () => [...baseArgs(join(dir, "x.zarr")), "--acceleration", "momentum"], /--acceleration must be one of none, biggs; got "momentum"/],
    ["bad --damping", () => [...baseArgs(join(dir, "x.zarr")), "--damping", "lots"], /--damping must be a number >= 0; got "lots"/],
    ["bad --tv", () => [...baseArgs(join(dir, "x.zarr")), "--tv", "0.2"], /--tv must be a number from 0 to 0\.16; got "0\.2"\. Pass e\.g\. --tv 0\.002/],
    ["bad --stop-on", () => [...baseArgs(join(dir, "x.zarr")), "--stop-on", "likelihood"], /--stop-on must be one of change, divergence; got "likelihood"/],
    ["bad --tolerance", () => [...baseArgs(join(dir, "x.zarr")), "--tolerance", "lots"], /--tolerance must be a number >= 0; got "lots"/],
    // Number() alone reads these as 16, 2, 5 and 0: a numeral is decimal or it is refused.
    ["hex --background", () => [...baseArgs(join(dir, "x.zarr")), "--background", "0x10"], /--background must be a number >= 0; got "0x10"/],
    ["binary --iterations", () => [...baseArgs(join(dir, "x.zarr")), "--iterations", "0b10"], /--iterations must be an integer .*; got "0b10"/],
    ["padded --workers", () => [...baseArgs(join(dir, "x.zarr")), "--workers", " 5"], /--workers must be an integer .*; got " 5"/],
    ["hex --psf-background", () => [...baseArgs(join(dir, "x.zarr")), "--psf-background", "0x10"], /--psf-background must be auto, none or a count >= 0; got "0x10"/],
    ["hex --init", () => [...baseArgs(join(dir, "x.zarr")), "--init", "0x1"], /--init must be image, constant or a positive number; got "0x1"/],
    ["hex --sigma", () => [...baseArgs(join(dir, "x.zarr")).filter((a, i, all) => a !== "--psf" && all[i - 1] !== "--psf"), "--psf-model", "gaussian", "--sigma", "0x2,1,1"], /--sigma must be 3 comma-separated positive numbers \(z,y,x\); got "0x2,1,1"/],
    ["bad --threads-per-volume", () => [...baseArgs(join(dir, "x.zarr")), "--threads-per-volume", "0"], /--threads-per-volume must be an integer from 1 to 8/],
    ["--redis-cert without distributed", () => [...baseArgs(join(dir, "x.zarr")), "--redis-cert", "client.crt"], /--redis-cert must come with --executor distributed; got --executor threads/],
    ["--redis-cert without --redis-key", () => [...baseArgs(join(dir, "x.zarr")), "--executor", "distributed", "--redis", "rediss://127.0.0.1:1", "--redis-cert", "client.crt"], /--redis-cert and --redis-key must be given together; got --redis-cert without --redis-key/],
    ["distributed without a task key", () => [...baseArgs(join(dir, "x.zarr")), "--executor", "distributed", "--redis", "redis://127.0.0.1:1"], /a task key must be given to sign the tasks the workers run; got neither --task-key-file nor CHUNKWISE_TASK_KEY/],
    ["--task-key-file without distributed", () => [...baseArgs(join(dir, "x.zarr")), "--task-key-file", "task.key"], /--task-key-file must come with --executor distributed; got --executor threads/],
    ["--redis-ca with redis://", () => [...baseArgs(join(dir, "x.zarr")), "--executor", "distributed", "--redis", "redis://127.0.0.1:1", "--redis-ca", "ca.pem"], /--redis-ca must come with a rediss:\/\/ URL \(TLS\)/],
  ];

  it.each(cases)("%s", async (_name, argv, message) => {
    const before = await snapshot(dir);
    const r = await cli(...argv());
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/^chunkwise: deconvolve: /);
    expect(r.err).toMatch(message);
    expect(await snapshot(dir)).toEqual(before);
  });

  it("--verbose adds the stack to the one line", async () => {
    const r = await cli("deconvolve", demo.store, "--path", "data", "--psf", bad, "--psf-path", "psf2d", "--out", join(dir, "x.zarr"), "--verbose");
    expect(r.code).toBe(2);
    expect(r.err.split("\n").length).toBeGreaterThan(2);
    expect(r.err).toMatch(/at .*job-psf\.ts/);
  });

  it("unreachable Redis (a closed port on 127.0.0.1): exit 2, nothing written", async () => {
    const port = await closedPort();
    const out = join(dir, "never.zarr");
    const r = await cli(...baseArgs(out, "--executor", "distributed", "--redis", `redis://user:secret@127.0.0.1:${port}`, "--task-key-file", keyFile()));
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/^chunkwise: deconvolve: /);
    expect(r.err).not.toContain("secret");
    expect(existsSync(out)).toBe(false);
  });
});

describe("deconvolve: distributed over mutual TLS (--redis-ca, --redis-cert, --redis-key)", () => {
  let redis: RedisFixture;
  let worker: WorkerProcess;
  let certs: Certificates;
  let scratch: string;
  beforeAll(async () => {
    const certDir = join(dir, "certs");
    await mkdir(certDir);
    certs = makeCertificates(certDir);
    redis = await startRedis([], { tls: certs, authClients: true });
    scratch = join(dir, "scratch-tls");
    await mkdir(scratch);
    worker = await spawnWorker(["--redis", redis.url, "--redis-ca", certs.ca, "--redis-cert", certs.clientCert, "--redis-key", certs.clientKey, "--scratch", scratch, "--queue", "job-tls"]);
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await redis?.stop();
  });

  it("a Redis that requires client certificates: the job runs with the flags, and equals the eager gufunc", async () => {
    const out = join(dir, "out-tls.zarr");
    const r = await cli(...baseArgs(out, "--executor", "distributed", "--redis", redis.url, "--redis-ca", certs.ca, "--redis-cert", certs.clientCert, "--redis-key", certs.clientKey, "--scratch", scratch, "--queue", "job-tls", "--workers", "2", "--task-key-file", keyFile()));
    expect(r.err.split("\n").filter((l) => l.startsWith("chunkwise:"))).toEqual([]);
    expect(r.code).toBe(0);
    const result = await (await fromZarr(out, { path: "result" })).compute();
    expect(maxRelativeDiff(result, expected())).toBeLessThan(1e-6);
  }, 60_000);

  it("without the client certificate: exit 2 with one line saying the server requires one, nothing written", async () => {
    const out = join(dir, "out-tls-refused.zarr");
    const r = await cli(...baseArgs(out, "--executor", "distributed", "--redis", redis.url, "--redis-ca", certs.ca, "--task-key-file", keyFile()));
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/requires a client certificate/);
    expect(existsSync(out)).toBe(false);
  });
});

describe("deconvolve: distributed (redis-server and two chunkwise worker processes)", () => {
  let redis: RedisFixture;
  let scratch: string;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    scratch = join(dir, "scratch");
    await mkdir(scratch);
    const args = ["--redis", redis.url, "--concurrency", "1", "--scratch", scratch, "--queue", "job-cli"];
    workers.push(...(await Promise.all([spawnWorker(args), spawnWorker(args)])));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
  });

  it("executor=distributed: output equals the eager gufunc", async () => {
    const out = join(dir, "out-distributed.zarr");
    const r = await cli(...baseArgs(out, "--executor", "distributed", "--redis", redis.url, "--scratch", scratch, "--queue", "job-cli", "--workers", "2", "--task-key-file", keyFile()));
    expect(r.err.split("\n").filter((l) => l.startsWith("chunkwise:"))).toEqual([]);
    expect(r.code).toBe(0);
    const result = await (await fromZarr(out, { path: "result" })).compute();
    expect(maxRelativeDiff(result, expected())).toBeLessThan(1e-6);
    expect(index(result, [0, 0]).shape).toEqual([16, 48, 48]);
  });
});
