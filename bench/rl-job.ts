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
 * - the kernel's own time per volume: `richardsonLucy` on one volume read from the same store
 *   beforehand (uint16, as the CLI passes it), in child processes with the plan's threads per volume, as
 *   many at once as the plan runs volumes at once (so they share the cores and the memory
 *   bandwidth as the job's do); the mean of their kernel times, measured before and after the
 *   job and averaged (a loaded machine's load drifts);
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
 * Run: npx tsx bench/rl-job.ts [--size full|medium] [--volumes N] [--iterations N] [--dir D]
 *   [--workers N] [--threads-per-volume N] (the last two passed to the CLI; default: its plan)
 * (exports `main()` for bench/run.ts as well).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import os, { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { fromArray, type ChunkedArray } from "../src/entries/node-index.js";
import { fromZarr, toZarr } from "../src/entries/node-zarr.js";
import { richardsonLucy } from "../src/entries/node-filters.js";
import { fromTypedArray } from "../src/core/ndarray.js";
import { encoderFor, resolveCompressor } from "../src/io/zarr/codecs.js";
import { threadsPerVolume } from "../src/cli/job-plan.js";
import { CLI_COMPRESSOR } from "../src/cli/job-compressor.js";
import { makePsf, makeVolume } from "./rl.js";

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
const store = `${workDir}/data.zarr`;
const outStore = `${workDir}/out.zarr`;
const COMPRESSOR_LABEL = Object.values(CLI_COMPRESSOR).join(" ");
const RL = { iterations, init: "image", boundary: "neumann", clip: false, filterEpsilon: 1e-5 } as const;
const MiB = 1024 * 1024;

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
  await toZarr(image, store, { path: "image", overwrite: true, compressor: { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1 } });
  await toZarr(fromArray(fromTypedArray("float32", psf, [...psfShape])) as ChunkedArray, store, { path: "psf", overwrite: true });
}

/** Writes the data unless the work directory already holds these (they are deterministic). */
function ensureData(): void {
  mkdirSync(workDir, { recursive: true });
  const stamp = `${workDir}/data.json`;
  const want = JSON.stringify({ shape, psfShape, volumes, generator: 1 });
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === want && existsSync(`${store}/image/.zarray`)) {
    console.log(`data reused from ${store}`);
    return;
  }
  // In a child: generating a full volume takes about 5 GB, which V8 would keep here.
  const t = performance.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--generate", "--size", sizeName, "--volumes", String(volumes), "--dir", workDir], {
    cwd: root, stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) throw new Error(`bench rl-job: generating the data failed (status ${r.status})`);
  writeFileSync(stamp, want);
  console.log(`data written to ${store} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/** Child mode: the kernel alone on volume `--volume`, uint16 as stored (as the CLI passes it), read before the clock starts. */
async function kernelChild(): Promise<void> {
  const v = Number(arg("volume", "0"));
  const threads = Number(arg("threads", "1"));
  const image = await fromZarr(store, { path: "image" });
  const vol = await image.index([0, v]).compute();
  const psf = await (await fromZarr(store, { path: "psf" })).compute();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = richardsonLucy(vol, psf, { ...RL, ...(threads > 1 ? { threads } : {}) });
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(c0);
  const cpu = (used.user + used.system) / 1e6;
  // The result as raw bytes, for the I/O child's encode (see ioChild).
  writeFileSync(`${workDir}/kernel-out-${v}.raw`, new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength));
  console.log(JSON.stringify({ seconds, cpu, peakMiB: process.resourceUsage().maxRSS / 1024 }));
}

/**
 * Child mode: the job's steps around the kernel, one at a time, on volume 0: reading and
 * decoding the input chunk (the kernel takes it as stored), encoding the kernel's result with the
 * CLI's output compressor (CLI_COMPRESSOR) and writing it durably (a temporary
 * file, written and synced as toZarr writes chunks).
 */
async function ioChild(): Promise<void> {
  const image = await fromZarr(store, { path: "image" });
  let t0 = performance.now();
  const vol = await image.index([0, 0]).compute();
  const read = (performance.now() - t0) / 1000;
  if (vol.dtype !== "uint16") throw new Error(`bench rl-job: the image must be uint16; got ${vol.dtype}`);
  // The kernel child's result of volume 0, raw (the job's output is removed between runs).
  const raw = readFileSync(`${workDir}/kernel-out-0.raw`);
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const encode = await encoderFor(resolveCompressor(CLI_COMPRESSOR), 4); // the result is float32
  t0 = performance.now();
  const encoded = await encode(bytes);
  const enc = (performance.now() - t0) / 1000;
  const file = `${workDir}/io-child.tmp`;
  t0 = performance.now();
  const handle = await open(file, "w");
  await handle.writeFile(encoded);
  await handle.datasync();
  await handle.close();
  const write = (performance.now() - t0) / 1000;
  rmSync(file, { force: true });
  console.log(JSON.stringify({ read, encode: enc, write, ratio: encoded.length / bytes.length }));
}

/** Runs `argv` as a child process; resolves with its stdout, stderr, status and wall time. */
function run(cmd: string, argv: readonly string[]): Promise<{ stdout: string; stderr: string; status: number | null; wall: number }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
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
}

/** The CLI on the store, under `/usr/bin/time -v` when there is one (for the peak resident set). */
async function runJob(): Promise<JobResult | string> {
  rmSync(outStore, { recursive: true, force: true });
  const timeFile = `${workDir}/time.txt`;
  rmSync(timeFile, { force: true });
  const cli = ["--import", "tsx", resolve(root, "src/cli/main.ts"), "deconvolve", store, "--path", "image", "--psf", store, "--psf-path", "psf", "--psf-background", "none",
    "--out", outStore, "--iterations", String(iterations), "--boundary", "neumann", "--init", "image", "--executor", "threads", "--json",
    ...["workers", "threads-per-volume"].flatMap((o) => (process.argv.includes(`--${o}`) ? [`--${o}`, arg(o, "")] : []))];
  const timed = existsSync("/usr/bin/time");
  const r = timed ? await run("/usr/bin/time", ["-v", "-o", timeFile, process.execPath, ...cli]) : await run(process.execPath, cli);
  if (r.status !== 0) return `the CLI failed (status ${r.status}): ${r.stderr.slice(-2000)}`;
  const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  const plan = events.find((e) => e.event === "plan") as { executor: { workers: number }; richardsonLucy: { threads: number }; peakBytes: number } | undefined;
  const done = events.find((e) => e.event === "done") as { seconds: number } | undefined;
  if (plan === undefined || done === undefined) return `the CLI printed no plan or done event: ${r.stdout.slice(-1000)}`;
  const timeText = timed ? readFileSync(timeFile, "utf8") : "";
  const rss = timed ? /Maximum resident set size \(kbytes\): (\d+)/.exec(timeText) : null;
  const user = /User time \(seconds\): ([\d.]+)/.exec(timeText), system = /System time \(seconds\): ([\d.]+)/.exec(timeText);
  return {
    wall: r.wall, seconds: done.seconds, workers: plan.executor.workers, threads: plan.richardsonLucy.threads,
    peakMiB: rss === null ? undefined : Number(rss[1]) / 1024, estimateMiB: plan.peakBytes / MiB,
    cpu: user === null || system === null ? undefined : Number(user[1]) + Number(system[1]),
  };
}

/** The kernel alone: `atOnce` children at once, each on its own volume with `threads`; their mean time. */
async function runKernels(atOnce: number, threads: number): Promise<{ seconds: number; cpu: number; peakMiB: number } | string> {
  const runs = await Promise.all(Array.from({ length: atOnce }, (_, i) =>
    run(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--kernel-child", "--size", sizeName, "--volumes", String(volumes), "--dir", workDir, "--iterations", String(iterations), "--threads", String(threads), "--volume", String(i % volumes)])));
  const failed = runs.find((r) => r.status !== 0);
  if (failed !== undefined) return `the kernel child failed (status ${failed.status}): ${failed.stderr.slice(-2000)}`;
  const results = runs.map((r) => JSON.parse(r.stdout.trim().split("\n").pop()!) as { seconds: number; cpu: number; peakMiB: number });
  const mean = (f: (r: { seconds: number; cpu: number }) => number): number => results.reduce((a, b) => a + f(b), 0) / results.length;
  return { seconds: mean((r) => r.seconds), cpu: mean((r) => r.cpu), peakMiB: Math.max(...results.map((r) => r.peakMiB)) };
}

/** The steps around the kernel, timed one by one in a child (see {@link ioChild}). */
async function runIo(): Promise<{ read: number; encode: number; write: number; ratio: number } | string> {
  const r = await run(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--io-child", "--size", sizeName, "--volumes", String(volumes), "--dir", workDir]);
  if (r.status !== 0) return `the I/O child failed (status ${r.status}): ${r.stderr.slice(-2000)}`;
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as { read: number; encode: number; write: number; ratio: number };
}

/** Runs the benchmark and prints its figures and a markdown table. */
export async function main(): Promise<void> {
  console.log(`size ${sizeName}: ${volumes} volume${volumes === 1 ? "" : "s"} of ${shape.join("x")} uint16 (blosc-lz4), PSF ${psfShape.join("x")} float32, ${iterations} iterations, ITK's options`);
  ensureData();
  // The kernel alone runs before and after the job (the same plan: its workers and threads per
  // volume, as the CLI picks them), and the two are averaged, so that a machine whose load
  // changes during the run biases the comparison less; both are printed.
  const cliWorkers = process.argv.includes("--workers") ? Number(arg("workers", "")) : availableParallelism();
  const planned = { atOnce: Math.min(cliWorkers, volumes), threads: process.argv.includes("--threads-per-volume") ? Number(arg("threads-per-volume", "")) : threadsPerVolume("auto", { kind: "threads" }, Math.min(cliWorkers, volumes)) };
  const before = await runKernels(planned.atOnce, planned.threads);
  const job = await runJob();
  if (typeof job === "string" || typeof before === "string") {
    console.log(typeof job === "string" ? job : before);
    return;
  }
  const atOnce = Math.min(job.workers, volumes);
  if (atOnce !== planned.atOnce || job.threads !== planned.threads) console.log(`note: the CLI planned ${atOnce} x ${job.threads}, the kernel ran ${planned.atOnce} x ${planned.threads} before the job`);
  console.log(`job: plan ${job.workers} worker${job.workers === 1 ? "" : "s"} x ${job.threads} thread${job.threads === 1 ? "" : "s"} per volume; run ${job.seconds.toFixed(1)} s (process ${job.wall.toFixed(1)} s); peak RSS ${job.peakMiB === undefined ? "n/a (no /usr/bin/time)" : `${job.peakMiB.toFixed(0)} MiB`} (plan's estimate ${job.estimateMiB.toFixed(0)} MiB)`);
  const after = await runKernels(atOnce, job.threads);
  if (typeof after === "string") {
    console.log(after);
    return;
  }
  const kernel = { seconds: (before.seconds + after.seconds) / 2, cpu: (before.cpu + after.cpu) / 2, peakMiB: Math.max(before.peakMiB, after.peakMiB) };
  console.log(`kernel alone: ${kernel.seconds.toFixed(1)} s per volume (${before.seconds.toFixed(1)} before the job, ${after.seconds.toFixed(1)} after; ${atOnce} at once, ${job.threads} thread${job.threads === 1 ? "" : "s"} each; peak RSS ${kernel.peakMiB.toFixed(0)} MiB each)`);
  const io = await runIo();
  const ioTotal = typeof io === "string" ? undefined : io.read + io.encode + io.write;
  if (typeof io === "string") console.log(io);
  else {
    console.log(`the steps around the kernel, alone, volume 0: read and decode ${io.read.toFixed(2)} s, encode (${COMPRESSOR_LABEL}, ratio ${io.ratio.toFixed(2)}) ${io.encode.toFixed(2)} s, write and sync ${io.write.toFixed(2)} s: ${ioTotal!.toFixed(1)} s, ${((ioTotal! / kernel.seconds) * 100).toFixed(0)}% of the kernel's time`);
  }
  // CPU seconds do not depend on the machine's other load as wall times do (a loaded 2-core
  // machine gave a job's threads half a core each): the job's CPU per volume (start-up and plan
  // included) against the kernel's and the steps' own.
  if (job.cpu !== undefined) {
    const steps = ioTotal === undefined ? "" : ` + the steps' ${ioTotal.toFixed(1)} s (wall, alone)`;
    console.log(`CPU: the job ${(job.cpu / volumes).toFixed(1)} s per volume (${job.cpu.toFixed(1)} s in all) against the kernel's ${kernel.cpu.toFixed(1)} s${steps}`);
  }
  const perVolume = (job.seconds * atOnce) / volumes;
  const overhead = (perVolume / kernel.seconds - 1) * 100;
  const peak = job.peakMiB === undefined ? "n/a" : `${(job.peakMiB / 1024).toFixed(2)} GiB (${(job.peakMiB / 1024 / atOnce).toFixed(2)} per volume in flight)`;
  console.log(`\nmarkdown (${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${os.cpus().length} cores ${os.cpus()[0]?.model ?? ""}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} at the end):\n`);
  console.log(`| ${shape.join("x")} uint16, PSF ${psfShape.join("x")}, ${iterations} iterations | plan | job (run / process) | per volume | kernel per volume | overhead | steps around the kernel, alone | peak RSS |`);
  console.log("|---|---|---|---|---|---|---|---|");
  const steps = typeof io === "string" ? "n/a" : `${ioTotal!.toFixed(1)} s (${((ioTotal! / kernel.seconds) * 100).toFixed(0)}%): read ${io.read.toFixed(1)}, encode ${io.encode.toFixed(1)}, write ${io.write.toFixed(1)}`;
  console.log(`| ${volumes} volumes | ${job.workers} workers x ${job.threads} thread${job.threads === 1 ? "" : "s"} | ${job.seconds.toFixed(1)} s / ${job.wall.toFixed(1)} s | ${perVolume.toFixed(1)} s | ${kernel.seconds.toFixed(1)} s (${before.seconds.toFixed(1)}, ${after.seconds.toFixed(1)}) | ${overhead >= 0 ? "+" : ""}${overhead.toFixed(0)}% (goal <= 10%) | ${steps} | ${peak} |`);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv.includes("--generate")) await generate();
else if (isMain && process.argv.includes("--kernel-child")) await kernelChild();
else if (isMain && process.argv.includes("--io-child")) await ioChild();
else if (isMain) await main();
