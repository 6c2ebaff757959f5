/**
 * The whole job, not only the kernel (`npm run bench -- rl-job`, issue 17): `chunkwise
 * deconvolve` on a Zarr store of several full-size uint16 volumes, run as a user runs it (the
 * CLI from source through tsx, as a child process, threads executor, the plan's own choice of
 * workers and threads per volume), against the kernel's own time per volume measured in the
 * same run.
 *
 * Data (deterministic, generated once per size under the work directory, never committed): an
 * image of shape (1, V, z, y, x) uint16 chunked one volume per chunk, blosc-lz4 as zarr-python
 * writes by default, written by chunkwise's own `toZarr`; each volume is bench/rl.ts's synthetic
 * light-sheet volume (beads and filaments blurred by the PSF) in camera counts with its own
 * noise; the PSF is a (z, y, x) float32 Zarr array next to it (`--psf STORE --psf-path psf`).
 * Sizes: `--size full` (default; the blog's chunk, 201x1024x768, PSF 101x64x64) or `--size
 * medium` (101x512x384, PSF 51x64x64); `--volumes N` (default 4), `--iterations N` (default 3).
 * ITK's options: `--init image --boundary neumann` (the CLI's defaults), no clip, filter epsilon 1e-5.
 *
 * Measured:
 * - the job: the CLI's own run time (its `done` event's `seconds`: from the first task to the
 *   last chunk written, after the plan) and the process's wall time (start-up, plan and PSF
 *   included); its peak memory, the maximum resident set of the CLI process, read by
 *   `/usr/bin/time -v` (worker threads live in that process, so this is all of the job's memory);
 * - the kernel's own time per volume: `richardsonLucy` on volumes read from the same store
 *   beforehand (uint16, as the CLI passes it), in child processes with the plan's threads per volume, as
 *   many at once as the plan runs volumes at once (so they share the cores and the memory
 *   bandwidth as the job's do), each running its share of the volumes one after another as a
 *   worker does (the engine made once, then reused); the mean of their kernel times, measured
 *   before and after the job and averaged (a loaded machine's load drifts);
 * - CPU seconds (user + system): the job's per volume (the CLI process, every thread, start-up
 *   included) and the kernel's alone; unlike wall times they hardly depend on the machine's
 *   other load;
 * - per-volume wall time: the job's run time x volumes at once / volumes, compared with the
 *   kernel's: the overhead is what reading, decoding, encoding and writing add when they
 *   do not overlap with compute (goal: at most 10%). With volumes not a multiple of the volumes
 *   at once, the last round runs part-empty: that shows up as overhead too (use a multiple);
 * - the steps around the kernel, each alone in a child, on volume 0: read and decode, encode
 *   the result chunk (with the CLI's output compressor, CLI_COMPRESSOR), write and
 *   sync it. With every core computing, what is CPU work cannot overlap with compute: the
 *   overhead is then about these steps' share of the kernel's time.
 *
 * - the job's threads, sampled from /proc while it runs (thread-sampler.ts): each one's CPU,
 *   system time, faults and busy timeline, and the idle core-seconds.
 *
 * Run: npx tsx bench/rl-job.ts [--size full|medium] [--volumes N] [--iterations N] [--dir D]
 *   [--workers N] [--threads-per-volume N] (the last two passed to the CLI; default: its plan)
 *   [--compressor C] (the CLI's output codec) [--input-compressor none] (the image stored raw)
 *   [--job-only] (the job and its thread profile, no kernel or steps alone)
 * (exports `main()` for bench/run.ts as well).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os, { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { fromArray, type ChunkedArray } from "../src/entries/node-index.js";
import { fromZarr, toZarr } from "../src/entries/node-zarr.js";
import { richardsonLucy } from "../src/entries/node-filters.js";
import { fromTypedArray } from "../src/core/ndarray.js";
import { encoderFor, resolveCompressor } from "../src/io/zarr/codecs.js";
import { writeFileAtomically } from "../src/io/atomic-write.js";
import { threadsPerVolume } from "../src/cli/job-plan.js";
import { CLI_COMPRESSOR, parseCompressor } from "../src/cli/job-compressor.js";
import { makePsf, makeVolume } from "./rl.js";
import { ThreadSampler, describeProfile, type ThreadProfile } from "./thread-sampler.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

const SIZES = {
  medium: { shape: [101, 512, 384], psf: [51, 64, 64] },
  full: { shape: [201, 1024, 768], psf: [101, 64, 64] },
} as const;
const sizeName = arg("size", "full");
if (!(sizeName in SIZES)) throw new Error(`bench rl-job: --size must be one of ${Object.keys(SIZES).join(", ")}; got ${JSON.stringify(sizeName)}. Pass --size full or --size medium.`);
const { shape, psf: psfShape } = SIZES[sizeName as keyof typeof SIZES];
const volumes = Number(arg("volumes", "4"));
if (!Number.isInteger(volumes) || volumes < 1) throw new Error(`bench rl-job: --volumes must be a positive integer; got ${arg("volumes", "")}. Pass e.g. --volumes 4.`);
const iterations = Number(arg("iterations", "3"));
const workDir = arg("dir", `/tmp/chunkwise-rl-job-${sizeName}`);
// The input's and the output's codecs: `--input-compressor none` stores the image raw (in
// data-none.zarr), `--compressor X` is passed to the CLI (and its encode timed alone): with
// both `none`, the job's cost beyond the kernel and the codecs shows alone.
const inputCompressorName = arg("input-compressor", "blosc-lz4");
const INPUT_COMPRESSOR = parseCompressor(inputCompressorName, 2) ?? null;
const OUTPUT_COMPRESSOR = process.argv.includes("--compressor") ? parseCompressor(arg("compressor", ""), 2) ?? null : CLI_COMPRESSOR;
const store = `${workDir}/${inputCompressorName === "blosc-lz4" ? "data" : `data-${inputCompressorName.replace(/[^a-z0-9-]/g, "_")}`}.zarr`;
const outStore = `${workDir}/out.zarr`;
const COMPRESSOR_LABEL = OUTPUT_COMPRESSOR === null ? "none" : Object.values(OUTPUT_COMPRESSOR).join(" ");
const RL = { iterations, init: "image", boundary: "neumann", clip: false, filterEpsilon: 1e-5 } as const;
const MiB = 1024 * 1024;

/** What every child process is passed: the data's size, place and codecs. */
const childArgs = ["--size", sizeName, "--volumes", String(volumes), "--dir", workDir, "--input-compressor", inputCompressorName, ...(process.argv.includes("--compressor") ? ["--compressor", arg("compressor", "")] : [])];

const voxels = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/** Child mode: writes the image (1, V, z, y, x) uint16 and the PSF into the store. */
async function generate(): Promise<void> {
  const psf = makePsf(psfShape);
  const base = makeVolume(shape, psf);
  const n = voxels(shape);
  const data = new Uint16Array(volumes * n);
  for (let v = 0; v < volumes; v++) {
    // Camera counts: an offset, the signal scaled, and noise of each volume's own (xorshift).
    let s = (0x9e3779b9 ^ (v + 1) * 0x85ebca6b) >>> 0 || 1;
    for (let i = 0; i < n; i++) {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      data[v * n + i] = Math.min(65535, Math.round(100 + 20 * base[i]! + 6 * (s / 2 ** 32)));
    }
  }
  const image = fromArray(fromTypedArray("uint16", data, [1, volumes, ...shape]), { chunks: [1, 1, ...shape] }) as ChunkedArray;
  await toZarr(image, store, { path: "image", overwrite: true, compressor: INPUT_COMPRESSOR });
  await toZarr(fromArray(fromTypedArray("float32", psf, [...psfShape])) as ChunkedArray, store, { path: "psf", overwrite: true });
}

/** Writes the data unless the work directory already holds these (they are deterministic). */
function ensureData(): void {
  mkdirSync(workDir, { recursive: true });
  const stamp = inputCompressorName === "blosc-lz4" ? `${workDir}/data.json` : `${store}.json`;
  const want = JSON.stringify({ shape, psfShape, volumes, generator: 1, ...(inputCompressorName === "blosc-lz4" ? {} : { input: inputCompressorName }) });
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === want && existsSync(`${store}/image/.zarray`)) {
    console.log(`data reused from ${store}`);
    return;
  }
  // In a child: generating a full volume takes about 5 GB, which V8 would keep here.
  const t = performance.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--generate", ...childArgs], {
    cwd: root, stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) throw new Error(`bench rl-job: generating the data failed (status ${r.status})`);
  writeFileSync(stamp, want);
  console.log(`data written to ${store} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/**
 * Child mode: the kernel alone, as one of the job's workers runs it: on volumes `--volume`,
 * `--volume + --stride`, ... (`--calls` of them, one after another in this process, so the
 * engine made by the first call is reused by the next as in a worker), uint16 as stored (as the
 * CLI passes it), each read before its clock starts. Prints the mean time and CPU of the calls
 * and the first call's apart (it grows and faults in the engine).
 */
async function kernelChild(): Promise<void> {
  const first = Number(arg("volume", "0"));
  const stride = Number(arg("stride", "1"));
  const calls = Number(arg("calls", "1"));
  const threads = Number(arg("threads", "1"));
  const image = await fromZarr(store, { path: "image" });
  const psf = await (await fromZarr(store, { path: "psf" })).compute();
  const times: { seconds: number; cpu: number }[] = [];
  for (let c = 0; c < calls; c++) {
    const v = (first + c * stride) % volumes;
    const vol = await image.index([0, v]).compute();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const out = richardsonLucy(vol, psf, { ...RL, ...(threads > 1 ? { threads } : {}) });
    const used = process.cpuUsage(c0);
    times.push({ seconds: (performance.now() - t0) / 1000, cpu: (used.user + used.system) / 1e6 });
    // The result as raw bytes, for the I/O child's encode (see ioChild).
    if (v === 0) writeFileSync(`${workDir}/kernel-out-0.raw`, new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength));
  }
  const mean = (f: (t: { seconds: number; cpu: number }) => number): number => times.reduce((a, t) => a + f(t), 0) / times.length;
  console.log(JSON.stringify({ seconds: mean((t) => t.seconds), cpu: mean((t) => t.cpu), first: times[0]!.seconds, peakMiB: process.resourceUsage().maxRSS / 1024 }));
}

/**
 * Child mode: the job's steps around the kernel, one at a time, on volume 0: reading and
 * decoding the input chunk (the kernel takes it as stored), encoding the kernel's result with the
 * output compressor and writing it durably with the writer toZarr uses for a chunk
 * (`writeFileAtomically`, durable: a temporary file written, synced and renamed). Each step's
 * wall time and CPU (this process, every thread: libuv's pool does the file I/O).
 */
async function ioChild(): Promise<void> {
  const image = await fromZarr(store, { path: "image" });
  const step = async <T>(f: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> => {
    const t0 = performance.now(), c0 = process.cpuUsage();
    const value = await f();
    const c = process.cpuUsage(c0);
    return { value, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
  };
  const read = await step(() => image.index([0, 0]).compute());
  if (read.value.dtype !== "uint16") throw new Error(`bench rl-job: the image must be uint16; got ${read.value.dtype}`);
  // The kernel child's result of volume 0, raw (the job's output is removed between runs).
  const raw = readFileSync(`${workDir}/kernel-out-0.raw`);
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const encoder = await encoderFor(resolveCompressor(OUTPUT_COMPRESSOR), 4); // the result is float32
  const encode = await step(() => encoder(bytes));
  const file = `${workDir}/io-child.raw`;
  const write = await step(() => writeFileAtomically(file, encode.value, { durable: true }));
  rmSync(file, { force: true });
  const out = (s: { wall: number; cpu: number }): { wall: number; cpu: number } => ({ wall: s.wall, cpu: s.cpu });
  console.log(JSON.stringify({ read: out(read), encode: out(encode), write: out(write), ratio: encode.value.length / bytes.length }));
}

/** Runs `argv` as a child process; resolves with its stdout, stderr, status and wall time. */
function run(cmd: string, argv: readonly string[], onSpawn?: (pid: number) => void): Promise<{ stdout: string; stderr: string; status: number | null; wall: number }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    if (child.pid !== undefined) onSpawn?.(child.pid);
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", fail);
    child.on("close", (status) => done({ stdout, stderr, status, wall: (performance.now() - t0) / 1000 }));
  });
}

interface JobResult {
  wall: number;
  seconds: number;
  workers: number;
  threads: number;
  peakMiB: number | undefined;
  estimateMiB: number;
  /** CPU seconds of the CLI process, all its threads (user + system, by /usr/bin/time). */
  cpu: number | undefined;
  /** Each thread's CPU over time (Linux only). */
  profile: ThreadProfile | undefined;
  /** Seconds from the start when each task ended, by the CLI's progress events, in order. */
  ends: number[];
}

/** The CLI on the store, under `/usr/bin/time -v` when there is one (for the peak resident set). */
async function runJob(): Promise<JobResult | string> {
  rmSync(outStore, { recursive: true, force: true });
  const timeFile = `${workDir}/time.txt`;
  rmSync(timeFile, { force: true });
  const cli = ["--import", "tsx", resolve(root, "src/cli/main.ts"), "deconvolve", store, "--path", "image", "--psf", store, "--psf-path", "psf", "--psf-background", "none",
    "--out", outStore, "--iterations", String(iterations), "--boundary", "neumann", "--init", "image", "--executor", "threads", "--json",
    ...["workers", "threads-per-volume", "compressor"].flatMap((o) => (process.argv.includes(`--${o}`) ? [`--${o}`, arg(o, "")] : []))];
  const timed = existsSync("/usr/bin/time");
  let sampler: ThreadSampler | undefined;
  const sample = existsSync("/proc/self/task") ? (pid: number) => (sampler = new ThreadSampler(pid)) : undefined;
  const r = timed ? await run("/usr/bin/time", ["-v", "-o", timeFile, process.execPath, ...cli], sample) : await run(process.execPath, cli, sample);
  const profile = sampler?.stop();
  if (r.status !== 0) return `the CLI failed (status ${r.status}): ${r.stderr.slice(-2000)}`;
  const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  const plan = events.find((e) => e.event === "plan") as { executor: { workers: number }; richardsonLucy: { threads: number }; peakBytes: number } | undefined;
  const done = events.find((e) => e.event === "done") as { seconds: number } | undefined;
  if (plan === undefined || done === undefined) return `the CLI printed no plan or done event: ${r.stdout.slice(-1000)}`;
  // A task's end, as the progress events count them (each volume's steps are one fused task).
  const ends: number[] = [];
  let counted = 0;
  for (const e of events) {
    if (e.event !== "progress") continue;
    const p = e as { done: number; elapsedMs: number };
    for (; counted < p.done; counted++) ends.push(p.elapsedMs / 1000);
  }
  const timeText = timed ? readFileSync(timeFile, "utf8") : "";
  const rss = timed ? /Maximum resident set size \(kbytes\): (\d+)/.exec(timeText) : null;
  const user = /User time \(seconds\): ([\d.]+)/.exec(timeText), system = /System time \(seconds\): ([\d.]+)/.exec(timeText);
  return {
    wall: r.wall, seconds: done.seconds, workers: plan.executor.workers, threads: plan.richardsonLucy.threads,
    peakMiB: rss === null ? undefined : Number(rss[1]) / 1024, estimateMiB: plan.peakBytes / MiB,
    cpu: user === null || system === null ? undefined : Number(user[1]) + Number(system[1]),
    profile,
    ends,
  };
}

/**
 * The kernel alone as the job runs it: `atOnce` children at once (as many volumes as the plan
 * runs at once, so they share cores and memory bandwidth as the job's workers do), each with
 * `threads` and each running its share of the volumes one after another (as a worker does: the
 * first call makes the engine, the next reuse it); the mean time per call.
 */
async function runKernels(atOnce: number, threads: number): Promise<{ seconds: number; cpu: number; first: number; peakMiB: number } | string> {
  const calls = Math.ceil(volumes / atOnce);
  const runs = await Promise.all(Array.from({ length: atOnce }, (_, i) =>
    run(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--kernel-child", ...childArgs, "--iterations", String(iterations), "--threads", String(threads), "--volume", String(i % volumes), "--stride", String(atOnce), "--calls", String(calls)])));
  const failed = runs.find((r) => r.status !== 0);
  if (failed !== undefined) return `the kernel child failed (status ${failed.status}): ${failed.stderr.slice(-2000)}`;
  const results = runs.map((r) => JSON.parse(r.stdout.trim().split("\n").pop()!) as { seconds: number; cpu: number; first: number; peakMiB: number });
  const mean = (f: (r: { seconds: number; cpu: number; first: number }) => number): number => results.reduce((a, b) => a + f(b), 0) / results.length;
  return { seconds: mean((r) => r.seconds), cpu: mean((r) => r.cpu), first: mean((r) => r.first), peakMiB: Math.max(...results.map((r) => r.peakMiB)) };
}

interface Step {
  readonly wall: number;
  readonly cpu: number;
}
interface Steps {
  readonly read: Step;
  readonly encode: Step;
  readonly write: Step;
  readonly ratio: number;
}

/** The steps around the kernel, timed one by one in a child (see {@link ioChild}). */
async function runIo(): Promise<Steps | string> {
  const r = await run(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--io-child", ...childArgs]);
  if (r.status !== 0) return `the I/O child failed (status ${r.status}): ${r.stderr.slice(-2000)}`;
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Steps;
}

/** Runs the benchmark and prints its figures and a markdown table. */
export async function main(): Promise<void> {
  console.log(`size ${sizeName}: ${volumes} volume${volumes === 1 ? "" : "s"} of ${shape.join("x")} uint16 (${inputCompressorName}), PSF ${psfShape.join("x")} float32, ${iterations} iterations, ITK's options`);
  ensureData();
  // The kernel alone runs before and after the job (the same plan: its workers and threads per
  // volume, as the CLI picks them), and the two are averaged, so that a machine whose load
  // changes during the run biases the comparison less; both are printed.
  const cliWorkers = process.argv.includes("--workers") ? Number(arg("workers", "")) : availableParallelism();
  const planned = { atOnce: Math.min(cliWorkers, volumes), threads: process.argv.includes("--threads-per-volume") ? Number(arg("threads-per-volume", "")) : threadsPerVolume("auto", { kind: "threads" }, Math.min(cliWorkers, volumes)) };
  const jobOnly = process.argv.includes("--job-only");
  const before = jobOnly ? { seconds: NaN, cpu: NaN, first: NaN, peakMiB: NaN } : await runKernels(planned.atOnce, planned.threads);
  const job = await runJob();
  if (typeof job === "string" || typeof before === "string") {
    console.log(typeof job === "string" ? job : before);
    return;
  }
  const atOnce = Math.min(job.workers, volumes);
  if (atOnce !== planned.atOnce || job.threads !== planned.threads) console.log(`note: the CLI planned ${atOnce} x ${job.threads}, the kernel ran ${planned.atOnce} x ${planned.threads} before the job`);
  console.log(`job: plan ${job.workers} worker${job.workers === 1 ? "" : "s"} x ${job.threads} thread${job.threads === 1 ? "" : "s"} per volume; run ${job.seconds.toFixed(1)} s (process ${job.wall.toFixed(1)} s); peak RSS ${job.peakMiB === undefined ? "n/a (no /usr/bin/time)" : `${job.peakMiB.toFixed(0)} MiB`} (plan's estimate ${job.estimateMiB.toFixed(0)} MiB)`);
  if (job.profile !== undefined) console.log(describeProfile(job.profile, availableParallelism()));
  // --job-only: the job and its threads' profile, no kernel or steps alone (quicker, for tracing).
  if (jobOnly) return;
  const after = await runKernels(atOnce, job.threads);
  if (typeof after === "string") {
    console.log(after);
    return;
  }
  const kernel = { seconds: (before.seconds + after.seconds) / 2, cpu: (before.cpu + after.cpu) / 2, first: (before.first + after.first) / 2, peakMiB: Math.max(before.peakMiB, after.peakMiB) };
  const calls = Math.ceil(volumes / atOnce);
  console.log(`kernel alone: ${kernel.seconds.toFixed(1)} s per volume (${before.seconds.toFixed(1)} before the job, ${after.seconds.toFixed(1)} after; ${atOnce} at once, ${job.threads} thread${job.threads === 1 ? "" : "s"} each, ${calls} call${calls === 1 ? "" : "s"} each as a worker makes them; the first, which makes the engine, ${kernel.first.toFixed(1)} s); CPU ${kernel.cpu.toFixed(1)} s per call; peak RSS ${kernel.peakMiB.toFixed(0)} MiB each`);
  const io = await runIo();
  if (typeof io === "string") console.log(io);
  const stepWall = typeof io === "string" ? NaN : io.read.wall + io.encode.wall + io.write.wall;
  const stepCpu = typeof io === "string" ? NaN : io.read.cpu + io.encode.cpu + io.write.cpu;
  if (typeof io !== "string") {
    const f = (s: Step): string => `${s.wall.toFixed(2)} s (CPU ${s.cpu.toFixed(2)})`;
    console.log(`the steps around the kernel, alone, volume 0: read and decode ${f(io.read)}, encode (${COMPRESSOR_LABEL}, ratio ${io.ratio.toFixed(2)}) ${f(io.encode)}, write and sync ${f(io.write)}: ${stepWall.toFixed(1)} s, ${((stepWall / kernel.seconds) * 100).toFixed(0)}% of the kernel's time`);
  }
  // What issue 17's goal needs, in three lines: wall per volume against the kernel's, the peak
  // against the plan's estimate, and CPU (which unlike wall times hardly depends on the machine's
  // other load: a loaded 2-core machine gives a job's threads half a core each) against the
  // kernel's plus the steps'. The job's CPU includes its start-up and plan.
  const perVolume = (job.seconds * atOnce) / volumes;
  const overhead = (perVolume / kernel.seconds - 1) * 100;
  const pct = (x: number): string => `${x >= 0 ? "+" : ""}${x.toFixed(0)}%`;
  console.log(`\ngoal (issue 17): wall per volume ${perVolume.toFixed(1)} s against the kernel's ${kernel.seconds.toFixed(1)} s: ${pct(overhead)} (at most +10%)`);
  // The tail: the last round of volumes ends unevenly, so the workers that finish first wait for
  // the last one; a job of many volumes (the blog's has 597) spreads that over all of them. The
  // steady state counts each worker up to its own last volume's end: the mean of the last
  // `atOnce` ends, instead of the last.
  const lastEnds = job.ends.slice(-atOnce);
  if (lastEnds.length === atOnce && volumes % atOnce === 0) {
    const tail = job.ends.at(-1)! - lastEnds.reduce((a, b) => a + b, 0) / atOnce;
    const steady = ((job.seconds - tail) * atOnce) / volumes;
    console.log(`the tail (workers waiting for the last volume): ${tail.toFixed(1)} s; without it, per volume ${steady.toFixed(1)} s: ${pct((steady / kernel.seconds - 1) * 100)}`);
  }
  console.log(`peak RSS ${job.peakMiB === undefined ? "n/a" : `${job.peakMiB.toFixed(0)} MiB`} against the plan's estimate ${job.estimateMiB.toFixed(0)} MiB`);
  if (job.cpu !== undefined) {
    const parts = kernel.cpu + (Number.isNaN(stepCpu) ? 0 : stepCpu);
    console.log(`CPU per volume: the job ${(job.cpu / volumes).toFixed(1)} s (${job.cpu.toFixed(1)} s in all) against the kernel's ${kernel.cpu.toFixed(1)} s + the steps' ${stepCpu.toFixed(1)} s = ${parts.toFixed(1)} s: ${pct((job.cpu / volumes / parts - 1) * 100)}; against the kernel's alone ${pct((job.cpu / volumes / kernel.cpu - 1) * 100)}`);
  }
  const peak = job.peakMiB === undefined ? "n/a" : `${(job.peakMiB / 1024).toFixed(2)} GiB (${(job.estimateMiB / 1024).toFixed(2)})`;
  console.log(`\nmarkdown (${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${os.cpus().length} cores ${os.cpus()[0]?.model ?? ""}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} at the end):\n`);
  console.log(`| ${shape.join("x")} uint16 (${inputCompressorName}) to ${COMPRESSOR_LABEL}, PSF ${psfShape.join("x")}, ${iterations} iterations | plan | job (run / process) | per volume | kernel per volume | overhead | steps around the kernel, alone (CPU) | job CPU per volume (kernel + steps) | peak RSS (plan's estimate) |`);
  console.log("|---|---|---|---|---|---|---|---|---|");
  const steps = typeof io === "string" ? "n/a" : `${stepWall.toFixed(1)} s (${stepCpu.toFixed(1)}): read ${io.read.wall.toFixed(1)}, encode ${io.encode.wall.toFixed(1)}, write ${io.write.wall.toFixed(1)}`;
  const cpu = job.cpu === undefined ? "n/a" : `${(job.cpu / volumes).toFixed(1)} s (${kernel.cpu.toFixed(1)} + ${stepCpu.toFixed(1)})`;
  console.log(`| ${volumes} volumes | ${job.workers} workers x ${job.threads} thread${job.threads === 1 ? "" : "s"} | ${job.seconds.toFixed(1)} s / ${job.wall.toFixed(1)} s | ${perVolume.toFixed(1)} s | ${kernel.seconds.toFixed(1)} s (${before.seconds.toFixed(1)}, ${after.seconds.toFixed(1)}) | ${pct(overhead)} | ${steps} | ${cpu} | ${peak} |`);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv.includes("--generate")) await generate();
else if (isMain && process.argv.includes("--kernel-child")) await kernelChild();
else if (isMain && process.argv.includes("--io-child")) await ioChild();
else if (isMain) await main();
