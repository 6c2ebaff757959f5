/**
 * Richardson-Lucy benchmark (`npm run bench -- rl`): a deterministic synthetic light-sheet
 * volume of shape (101, 512, 384) float32 (beads and filaments blurred by the PSF, plus
 * background and noise) and a PSF of (51, 64, 64), 10 iterations, with ITK's options:
 * estimate from the image, zero-flux Neumann padding, PSF not normalised (the ITK binary's
 * default), no clip, ITK's 1e-5 divide threshold. In the same run it times ITK 5.2's
 * RichardsonLucyDeconvolutionImageFilter (FFTW, float) on 1 and 2 threads
 * (shared/bench/itk-rl, built into /tmp/itk-rl-build when missing and cmake is available) and,
 * when /usr/bin/python3 has it, scikit-image 0.19's richardson_lucy (its own defaults; a
 * different boundary, labelled as such). Each run is a child process, so peak memory (max RSS)
 * is its own. Prints per-iteration seconds (median over iterations 2..N), ratios and peaks.
 *
 * chunkwise runs twice with ITK's options: on one thread, and with `threads: 2` (two threads
 * sharing the one volume's transforms), compared with ITK on 2 threads; and twice more on the
 * camera data as stored, uint16 (`image-u16.npy`: the volume is rounded to counts, so
 * `image.npy`'s float32 values are exactly those counts and every tool sees the same values),
 * where the cast to float32 happens inside the kernel a few planes at a time; and twice on the
 * float32 data with `out: the image` (in place: the result overwrites the caller's input after
 * the last iteration, so no second image-sized buffer is held).
 *
 * Also times chunkwise with its defaults (scikit-image's algorithm, unclipped) against
 * scikit-image, and checks both results against the references' outputs.
 *
 * With `--size full` (201, 1024, 768), PSF (101, 64, 64), 3 iterations: the blog's real chunk
 * (issue 17); ITK needs about 8 GB there. Both sizes also run FFTW's floor
 * (bench/fftw-floor/floor.c: the same four transforms and elementwise steps with FFTW float,
 * preallocated buffers, FFTW_ESTIMATE, on ITK's padded shape) on 1 and 2 threads, and end
 * with a markdown table for docs/deconvolution.md. The data are generated once per size into
 * the work directory (deterministic; never committed) and reused while their stamp matches.
 *
 * Run: npx tsx bench/rl.ts [--size medium|full] [--iterations N] [--shape 101,512,384] [--psf 51,64,64]
 *   [--no-skimage] [--no-itk] [--no-zero] [--no-floor] [--zero] [--skimage] (the last two for full)
 * (exports `main()` for bench/run.ts as well).
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from "node:fs";
import os from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { nextFastLen } from "../src/entries/node-fft.js";
import { fftConvolve, richardsonLucy } from "../src/entries/node-filters.js";
import { median } from "./timing.js";

const here = dirname(fileURLToPath(import.meta.url));

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

/**
 * The sizes: "medium" (the default) is the blog's (101, 512, 384) volume with 10 iterations;
 * "full" the blog's real chunk (201, 1024, 768) with a (101, 64, 64) PSF and 3 iterations
 * (about 8 GB for ITK and several minutes in all), without scikit-image and the "zero" run
 * unless asked for (`--zero`, `--skimage`).
 */
const SIZES = {
  medium: { shape: "101,512,384", psf: "51,64,64", iterations: "10" },
  full: { shape: "201,1024,768", psf: "101,64,64", iterations: "3" },
} as const;
const sizeName = arg("size", "medium");
if (!(sizeName in SIZES)) throw new Error(`bench rl: --size must be one of ${Object.keys(SIZES).join(", ")}; got ${JSON.stringify(sizeName)}. Pass --size medium or --size full.`);
const sizeDefaults = SIZES[sizeName as keyof typeof SIZES];
const full = sizeName === "full";
const iterations = Number(arg("iterations", sizeDefaults.iterations));
const shape = arg("shape", sizeDefaults.shape).split(",").map(Number);
const psfShape = arg("psf", sizeDefaults.psf).split(",").map(Number);
const workDir = arg("dir", `/tmp/chunkwise-rl-bench${full ? "-full" : ""}`);
/** shared/bench/itk-rl from the main checkout (../shared) or a worktree (/work/wt/<name>: ../../shared). */
const itkSrc = [resolve(here, "../../shared/bench/itk-rl"), resolve(here, "../../../shared/bench/itk-rl")].find((d) => existsSync(d)) ?? resolve(here, "../../shared/bench/itk-rl");
const itkBin = "/tmp/itk-rl-build/itk_rl";
const floorSrc = resolve(here, "fftw-floor/floor.c");
const floorBin = "/tmp/chunkwise-fftw-floor/floor";
const ITK_OPTIONS = { init: "image", boundary: "neumann", normalizePsf: false, clip: false, filterEpsilon: 1e-5 } as const;
/** scikit-image's algorithm (chunkwise's defaults), unclipped, to compare like with like. */
const SKIMAGE_OPTIONS = { clip: false } as const;

const size = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/** A deterministic xorshift generator in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

/** A light-sheet-like PSF: a Gaussian elongated along z, with faint side lobes, sum 1. */
export function makePsf(s: readonly number[]): Float32Array {
  const [nz, ny, nx] = s as [number, number, number];
  const out = new Float32Array(size(s));
  let sum = 0;
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const dz = z - (nz - 1) / 2, dy = y - (ny - 1) / 2, dx = x - (nx - 1) / 2;
    const r2 = dy * dy + dx * dx;
    const v = Math.exp(-(dz * dz) / (2 * 6 * 6) - r2 / (2 * 2.2 * 2.2)) + 0.02 * Math.exp(-(dz * dz) / (2 * 12 * 12) - r2 / (2 * 8 * 8));
    out[(z * ny + y) * nx + x] = v;
    sum += v;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/** Beads and filaments (random walks), blurred by the PSF, plus background and noise. */
export function makeVolume(s: readonly number[], psf: Float32Array): Float32Array {
  const [nz, ny, nx] = s as [number, number, number];
  const rand = rng(12345);
  const truth = new Float32Array(size(s));
  const put = (z: number, y: number, x: number, v: number): void => {
    const iz = Math.round(z), iy = Math.round(y), ix = Math.round(x);
    if (iz >= 0 && iz < nz && iy >= 0 && iy < ny && ix >= 0 && ix < nx) truth[(iz * ny + iy) * nx + ix]! += v;
  };
  const beads = Math.round(size(s) / 20000);
  for (let b = 0; b < beads; b++) put(rand() * nz, rand() * ny, rand() * nx, 200 + 800 * rand());
  const filaments = Math.round(size(s) / 400000) + 1;
  for (let f = 0; f < filaments; f++) {
    let z = rand() * nz, y = rand() * ny, x = rand() * nx;
    let dz = rand() - 0.5, dy = rand() - 0.5, dx = rand() - 0.5;
    for (let step = 0; step < 600; step++) {
      put(z, y, x, 60);
      dz += 0.2 * (rand() - 0.5); dy += 0.3 * (rand() - 0.5); dx += 0.3 * (rand() - 0.5);
      const norm = Math.hypot(dz * 3, dy, dx) || 1;
      z += (0.3 * dz) / norm; y += dy / norm; x += dx / norm;
    }
  }
  const blurred = fftConvolve({ data: truth, shape: s }, { data: psf, shape: psfShape }, { mode: "same" }).data as Float32Array;
  for (let i = 0; i < blurred.length; i++) blurred[i] = Math.max(0, blurred[i]! + 10 + 2 * (rand() - 0.5));
  return blurred;
}

/** Writes a float32 or uint16 .npy file (header, then the data straight from the array: no copy of it). */
function writeNpy(path: string, data: Float32Array | Uint16Array, s: readonly number[]): void {
  let header = `{'descr': '${data instanceof Uint16Array ? "<u2" : "<f4"}', 'fortran_order': False, 'shape': (${s.join(", ")}), }`;
  header += " ".repeat((64 - ((10 + header.length + 1) % 64)) % 64) + "\n";
  const head = Buffer.alloc(10);
  head.write("\x93NUMPY", 0, "latin1");
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const fd = openSync(path, "w");
  try {
    writeSync(fd, Buffer.concat([head, Buffer.from(header, "latin1")]));
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, Math.min(1 << 28, bytes.length - at));
  } finally {
    closeSync(fd);
  }
}

/** Reads a float32 (or, with `u16`, uint16) .npy file straight into its array (the child's peak memory is then the filter's and one input). */
function readNpy(path: string): { data: Float32Array; shape: number[] };
function readNpy(path: string, u16: true): { data: Uint16Array; shape: number[] };
function readNpy(path: string, u16 = false): { data: Float32Array | Uint16Array; shape: number[] } {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(10);
    readSync(fd, head, 0, 10, 0);
    const hlen = head.readUInt16LE(8);
    const hbuf = Buffer.alloc(hlen);
    readSync(fd, hbuf, 0, hlen, 10);
    const header = hbuf.toString("latin1");
    const s = /'shape': \(([^)]*)\)/.exec(header)![1]!.split(",").map((v) => v.trim()).filter((v) => v !== "").map(Number);
    if (!header.includes(u16 ? "'<u2'" : "'<f4'")) throw new Error(`bench rl: ${path} must hold ${u16 ? "uint16" : "float32"}; got the header ${header.trim()}`);
    const data = u16 ? new Uint16Array(size(s)) : new Float32Array(size(s));
    const bytes = new Uint8Array(data.buffer);
    for (let at = 0; at < bytes.length;) {
      const got = readSync(fd, bytes, at, Math.min(1 << 28, bytes.length - at), 10 + hlen + at);
      if (got === 0) throw new Error(`bench rl: ${path} is shorter than its header says`);
      at += got;
    }
    return { data, shape: s };
  } finally {
    closeSync(fd);
  }
}

interface RunResult {
  perIter: number[];
  total: number;
  setup?: number;
  peakMiB: number;
  extra?: string;
}

/** Child mode: run chunkwise's richardsonLucy on the files and print one JSON line. */
function child(): void {
  const u16 = process.argv.includes("--u16");
  const inPlace = process.argv.includes("--inplace");
  const img = u16 ? readNpy(`${workDir}/image-u16.npy`, true) : readNpy(`${workDir}/image.npy`);
  const psf = readNpy(`${workDir}/psf.npy`);
  const stamps: number[] = [];
  const zero = process.argv.includes("--zero");
  const threads = Number(arg("threads", "1"));
  const t0 = performance.now();
  const out = richardsonLucy(img, psf, { iterations, threads, ...(zero ? SKIMAGE_OPTIONS : ITK_OPTIONS), onIteration: () => stamps.push(performance.now()), ...(inPlace ? { out: img } : {}) });
  if (inPlace && out.data !== img.data) throw new Error("bench rl: out: the image did not return the image's array");
  const t1 = performance.now();
  writeNpy(`${workDir}/chunkwise-${zero ? "zero" : "neumann"}${u16 ? "-u16" : ""}${inPlace ? "-inplace" : ""}-${threads}-out.npy`, out.data as Float32Array, img.shape);
  const perIter = stamps.map((t, i) => (t - (i === 0 ? t0 : stamps[i - 1]!)) / 1000);
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ perIter, total: (t1 - t0) / 1000, peakMiB }));
}

function runChunkwise(zero: boolean, threads = 1, u16 = false, inPlace = false): RunResult | string {
  const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", ...(zero ? ["--zero"] : []), ...(u16 ? ["--u16"] : []), ...(inPlace ? ["--inplace"] : []), "--iterations", String(iterations), "--threads", String(threads), "--dir", workDir], {
    encoding: "utf8", cwd: resolve(here, ".."), maxBuffer: 1 << 24,
  });
  if (r.status !== 0) return `chunkwise child failed: ${r.stderr.slice(-2000)}`;
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as RunResult;
}

function ensureItk(): string | undefined {
  if (existsSync(itkBin)) return undefined;
  const cmake = spawnSync("cmake", ["--version"], { encoding: "utf8" });
  if (cmake.status !== 0 || !existsSync(itkSrc)) {
    return "ITK unavailable: /tmp/itk-rl-build/itk_rl is missing and cmake (or shared/bench/itk-rl) is not available. Install with: apt-get install -y libinsighttoolkit5-dev libfftw3-dev cmake g++";
  }
  // Debian's ITK config runs FindHDF5, which needs the C language the project does not enable.
  const enableC = "/tmp/itk-rl-enable-c.cmake";
  writeFileSync(enableC, "enable_language(C)\n");
  console.log("building ITK's itk_rl into /tmp/itk-rl-build ...");
  const conf = spawnSync("cmake", ["-S", itkSrc, "-B", "/tmp/itk-rl-build", `-DCMAKE_PROJECT_INCLUDE=${enableC}`], { encoding: "utf8" });
  const build = conf.status === 0 ? spawnSync("cmake", ["--build", "/tmp/itk-rl-build", "-j2"], { encoding: "utf8" }) : conf;
  if (build.status !== 0 || !existsSync(itkBin)) {
    return `ITK unavailable: building shared/bench/itk-rl failed (${(build.stderr || build.stdout).slice(-400)}). Install with: apt-get install -y libinsighttoolkit5-dev libfftw3-dev cmake g++`;
  }
  return undefined;
}

function runItk(threads: number): RunResult | string {
  const args = [`${workDir}/image.npy`, `${workDir}/psf.npy`, String(iterations), String(threads), "float", "fftw"];
  if (threads === 1) args.push(`${workDir}/itk-out.npy`);
  const r = spawnSync(itkBin, args, { encoding: "utf8" });
  if (r.status !== 0) return `ITK failed: ${r.stderr.slice(-1000)}`;
  const j = JSON.parse(r.stdout.trim().split("\n").pop()!) as { per_iter_s: number[]; total_s: number; setup_s: number; peak_rss_mib: number; pad_shape: number[]; last_iter_plus_crop_s: number };
  return { perIter: j.per_iter_s, total: j.total_s, setup: j.setup_s, peakMiB: j.peak_rss_mib, extra: `pad ${j.pad_shape.join("x")}` };
}

function runSkimage(): RunResult | string {
  const py = "/usr/bin/python3";
  if (!existsSync(py)) return "scikit-image: /usr/bin/python3 not found";
  const code = `
import json, resource, time, numpy as np
try:
    import skimage
    from skimage.restoration import richardson_lucy
except ImportError:
    print(json.dumps({"missing": True})); raise SystemExit
img = np.load("${workDir}/image.npy"); psf = np.load("${workDir}/psf.npy")
t = time.perf_counter()
out = richardson_lucy(img, psf, num_iter=${iterations}, clip=False)
total = time.perf_counter() - t
np.save("${workDir}/skimage-out.npy", out.astype(np.float32))
print(json.dumps({"perIter": [total / ${iterations}] * ${iterations}, "total": total,
                  "peakMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "extra": "scikit-image " + skimage.__version__}))
`;
  const r = spawnSync(py, ["-c", code], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" } });
  if (r.status !== 0) return `scikit-image failed: ${r.stderr.slice(-1000)}`;
  const j = JSON.parse(r.stdout.trim().split("\n").pop()!) as RunResult & { missing?: boolean };
  return j.missing ? "scikit-image: not installed for /usr/bin/python3 (apt-get install -y python3-skimage)" : j;
}

/** Per-iteration seconds: the median over iterations 2..N (the first includes setup). */
function perIteration(r: RunResult): number {
  return median(r.perIter.length > 1 ? r.perIter.slice(1) : r.perIter);
}

function line(label: string, r: RunResult | string): void {
  if (typeof r === "string") {
    console.log(`${label}: ${r}`);
    return;
  }
  console.log(`${label}: ${perIteration(r).toFixed(3)} s/iteration (median), total ${r.total.toFixed(2)} s, peak RSS ${r.peakMiB.toFixed(0)} MiB${r.extra ? `, ${r.extra}` : ""}`);
}

/** `max |ours - theirs| / max |theirs|` of two result files. */
function agreement(ours: string, theirs: string): string {
  if (!existsSync(`${workDir}/${ours}`) || !existsSync(`${workDir}/${theirs}`)) return "not available";
  const a = readNpy(`${workDir}/${ours}`).data;
  const b = readNpy(`${workDir}/${theirs}`).data;
  let err = 0, max = 0;
  for (let i = 0; i < b.length; i++) { err = Math.max(err, Math.abs(a[i]! - b[i]!)); max = Math.max(max, Math.abs(b[i]!)); }
  return `max |chunkwise - reference| / max |reference| = ${(err / max).toExponential(2)}`;
}

/** Whether two result files hold the same bytes. */
function sameBytes(a: string, b: string): string {
  if (!existsSync(`${workDir}/${a}`) || !existsSync(`${workDir}/${b}`)) return "not available";
  return readFileSync(`${workDir}/${a}`).equals(readFileSync(`${workDir}/${b}`)) ? "byte-identical outputs" : "outputs DIFFER";
}

/** Builds bench/fftw-floor/floor.c into /tmp/chunkwise-fftw-floor when missing; a reason when it cannot. */
function ensureFloor(): string | undefined {
  if (existsSync(floorBin) && statSync(floorBin).mtimeMs >= statSync(floorSrc).mtimeMs) return undefined;
  mkdirSync(dirname(floorBin), { recursive: true });
  const r = spawnSync("cc", ["-O2", "-fopenmp", floorSrc, "-o", floorBin, "-lfftw3f_threads", "-lfftw3f", "-lm"], { encoding: "utf8" });
  if (r.status !== 0) return `FFTW floor unavailable: building bench/fftw-floor/floor.c failed (${(r.stderr || String(r.error)).slice(-400)}). Install with: apt-get install -y libfftw3-dev gcc`;
  return undefined;
}

/** ITK's pad size: n + k raised until its greatest prime factor is at most 13 (FFTW's). */
function itkPad(n: number, k: number): number {
  const gpf = (v: number): number => {
    let g = 1;
    for (let p = 2; p * p <= v; p++) while (v % p === 0) { g = p; v /= p; }
    return v > 1 ? Math.max(g, v) : g;
  };
  let p = n + k;
  while (gpf(p) > 13) p++;
  return p;
}

/** FFTW's floor (bench/fftw-floor/floor.c) on ITK's padded shape. */
function runFloor(threads: number): RunResult | string {
  const why = ensureFloor();
  if (why !== undefined) return why;
  const pad = shape.map((n, i) => itkPad(n, psfShape[i]!));
  const r = spawnSync(floorBin, [`${workDir}/image.npy`, `${workDir}/psf.npy`, ...pad.map(String), String(iterations), String(threads)], {
    encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: String(threads) },
  });
  if (r.status !== 0) return `FFTW floor failed: ${(r.stderr || String(r.error)).slice(-1000)}`;
  const j = JSON.parse(r.stdout.trim().split("\n").pop()!) as { per_iter_s: number[]; setup_s: number; peak_rss_mib: number };
  return { perIter: j.per_iter_s, total: j.per_iter_s.reduce((a, b) => a + b, 0) + j.setup_s, setup: j.setup_s, peakMiB: j.peak_rss_mib, extra: `pad ${pad.join("x")}` };
}

/** Writes the synthetic data unless the work directory already holds this size's (it is deterministic). */
function ensureData(): void {
  mkdirSync(workDir, { recursive: true });
  const stamp = `${workDir}/data.json`;
  // Generator 2: counts (integers) with their uint16 copy; an older directory is regenerated.
  const want = JSON.stringify({ shape, psfShape, generator: 2 });
  const files = ["image.npy", "image-u16.npy", "psf.npy"].every((f) => existsSync(`${workDir}/${f}`));
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === want && files) {
    console.log(`synthetic data reused from ${workDir}`);
    return;
  }
  // In a child: generating the full size takes about 5 GB this process would keep (V8 does
  // not return it), next to the runs it starts.
  const t = performance.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--generate", "--shape", shape.join(","), "--psf", psfShape.join(","), "--dir", workDir], {
    encoding: "utf8", cwd: resolve(here, ".."), stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) throw new Error(`bench rl: generating the data failed (status ${r.status})`);
  writeFileSync(stamp, want);
  console.log(`synthetic data written to ${workDir} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/** Child mode: writes the synthetic PSF and volume. */
function generate(): void {
  const psf = makePsf(psfShape);
  writeNpy(`${workDir}/psf.npy`, psf, psfShape);
  // Rounded to camera counts: image.npy's float32 values are exactly image-u16.npy's.
  const volume = makeVolume(shape, psf);
  for (let i = 0; i < volume.length; i++) volume[i] = Math.min(65535, Math.round(volume[i]!));
  writeNpy(`${workDir}/image.npy`, volume, shape);
  writeNpy(`${workDir}/image-u16.npy`, Uint16Array.from(volume), shape);
}

/** A row of the markdown table: seconds per iteration and peak for 1 and 2 threads. */
function tableRow(label: string, one: RunResult | string, two: RunResult | string, ref: { one?: number; two?: number; peak?: number; refName: string }): string {
  const cell = (r: RunResult | string, base: number | undefined): string => {
    if (typeof r === "string") return "n/a";
    const s = perIteration(r);
    return `${s.toFixed(2)}${base === undefined ? "" : ` (${(s / base).toFixed(2)}x ${ref.refName})`}`;
  };
  const speedup = typeof one !== "string" && typeof two !== "string" ? ` ${(perIteration(one) / perIteration(two)).toFixed(2)}x speed-up` : "";
  const peaks = [one, two].filter((r): r is RunResult => typeof r !== "string").map((r) => r.peakMiB);
  const peak = peaks.length === 0 ? "n/a" : `${Math.max(...peaks).toFixed(0)} MiB${ref.peak === undefined ? "" : ` (${(Math.max(...peaks) / ref.peak).toFixed(2)}x ITK)`}`;
  return `| ${label} | ${cell(one, ref.one)} | ${cell(two, ref.two)}${speedup ? `;${speedup}` : ""} | ${peak} |`;
}

/** Runs the benchmark and prints its figures and ratios. */
export async function main(): Promise<void> {
  const zeroRun = full ? process.argv.includes("--zero") : !process.argv.includes("--no-zero");
  const skimageRun = full ? process.argv.includes("--skimage") : !process.argv.includes("--no-skimage");
  const floorRun = !process.argv.includes("--no-floor");
  console.log(`size ${sizeName}: volume ${shape.join("x")} float32, PSF ${psfShape.join("x")}, ${iterations} iterations; options ${JSON.stringify(ITK_OPTIONS)}`);
  ensureData();

  const cw = runChunkwise(false);
  line("chunkwise richardsonLucy, ITK's options (1 thread, float32)", cw);
  const cw2 = runChunkwise(false, 2);
  line("chunkwise richardsonLucy, ITK's options (threads: 2 on the one volume, float32)", cw2);
  const cwU16 = runChunkwise(false, 1, true);
  line("chunkwise richardsonLucy, ITK's options, uint16 input (the camera data as stored; the cast happens inside; 1 thread)", cwU16);
  const cwU16two = runChunkwise(false, 2, true);
  line("chunkwise richardsonLucy, ITK's options, uint16 input (threads: 2)", cwU16two);
  const cwIn = runChunkwise(false, 1, false, true);
  line("chunkwise richardsonLucy, ITK's options, float32 input, out: the input (in place; 1 thread)", cwIn);
  const cwIn2 = runChunkwise(false, 2, false, true);
  line("chunkwise richardsonLucy, ITK's options, float32 input, out: the input (in place; threads: 2)", cwIn2);
  const cwZero = zeroRun ? runChunkwise(true) : "skipped";
  line("chunkwise richardsonLucy, scikit-image's algorithm (1 thread, float32)", cwZero);
  const skip = process.argv.includes("--no-itk");
  const why = skip ? "ITK skipped (--no-itk)" : ensureItk();
  const itk1 = why ?? runItk(1);
  line("ITK 5.2 RichardsonLucy (FFTW float, 1 thread)", itk1);
  const itk2 = why ?? runItk(2);
  line("ITK 5.2 RichardsonLucy (FFTW float, 2 threads)", itk2);
  const floor1 = floorRun ? runFloor(1) : "skipped (--no-floor)";
  line("FFTW floor (bench/fftw-floor/floor.c, FFTW_ESTIMATE float, 1 thread)", floor1);
  const floor2 = floorRun ? runFloor(2) : "skipped (--no-floor)";
  line("FFTW floor (2 threads)", floor2);
  const sk = skimageRun ? runSkimage() : "skipped";
  line("scikit-image richardson_lucy (optional; its own zero-padded boundary, float32, 1 thread)", sk);
  if (typeof cw !== "string") {
    const c = perIteration(cw);
    const ratio = (r: RunResult | string, label: string): void => {
      if (typeof r !== "string") console.log(`ratio chunkwise / ${label}: ${(c / perIteration(r)).toFixed(2)} per iteration (below 1 is faster), peak memory ${(cw.peakMiB / r.peakMiB).toFixed(2)}`);
    };
    ratio(itk1, "ITK 1 thread");
    ratio(floor1, "FFTW floor 1 thread");
    if (typeof cw2 !== "string") {
      const ratio2 = (r: RunResult | string, label: string): void => {
        if (typeof r !== "string") console.log(`ratio chunkwise 2 threads / ${label}: ${(perIteration(cw2) / perIteration(r)).toFixed(2)} per iteration (below 1 is faster), peak memory ${(cw2.peakMiB / r.peakMiB).toFixed(2)}`);
      };
      ratio2(itk2, "ITK 2 threads");
      ratio2(floor2, "FFTW floor 2 threads");
      const gain = (one: RunResult | string, two: RunResult | string, name: string): string =>
        (typeof one === "string" || typeof two === "string" ? "" : `, ${name} ${(perIteration(one) / perIteration(two)).toFixed(2)}x`);
      console.log(`speed-up from 1 to 2 threads: chunkwise ${(c / perIteration(cw2)).toFixed(2)}x${gain(itk1, itk2, "ITK")}${gain(floor1, floor2, "FFTW floor")}`);
    }
    if (typeof cwZero !== "string" && typeof sk !== "string") {
      console.log(`ratio chunkwise (scikit-image's algorithm) / scikit-image: ${(perIteration(cwZero) / perIteration(sk)).toFixed(2)} per iteration, peak memory ${(cwZero.peakMiB / sk.peakMiB).toFixed(2)}`);
    }
    if (typeof itk1 !== "string") {
      console.log(`agreement with ITK: ${agreement("chunkwise-neumann-1-out.npy", "itk-out.npy")} (padded shapes differ: chunkwise ${shape.map((n, i) => nextFastLen(n + psfShape[i]!, true)).join("x")} 5-smooth, ITK ${shape.map((n, i) => itkPad(n, psfShape[i]!)).join("x")} 13-smooth)`);
    }
    if (typeof cwU16 !== "string") console.log(`uint16 input against float32 input: ${sameBytes("chunkwise-neumann-u16-1-out.npy", "chunkwise-neumann-1-out.npy")}`);
    if (typeof cwIn !== "string") console.log(`in place against a new result: ${sameBytes("chunkwise-neumann-inplace-1-out.npy", "chunkwise-neumann-1-out.npy")}, threads 2 ${sameBytes("chunkwise-neumann-inplace-2-out.npy", "chunkwise-neumann-2-out.npy")}`);
    if (typeof cwZero !== "string" && typeof sk !== "string") console.log(`agreement with scikit-image: ${agreement("chunkwise-zero-1-out.npy", "skimage-out.npy")}`);
  }
  const ref = { one: typeof itk1 === "string" ? undefined : perIteration(itk1), two: typeof itk2 === "string" ? undefined : perIteration(itk2), refName: "ITK" };
  const itkPeak = [itk1, itk2].filter((r): r is RunResult => typeof r !== "string").map((r) => r.peakMiB);
  const peakRef = itkPeak.length === 0 ? undefined : Math.max(...itkPeak);
  console.log(`\nmarkdown (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores ${os.cpus()[0]?.model ?? ""}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} at the end):\n`);
  console.log(`| ${shape.join("x")}, PSF ${psfShape.join("x")}, ${iterations} iterations | s / iteration, 1 thread | 2 threads | peak RSS |`);
  console.log("|---|---|---|---|");
  console.log(tableRow("ITK 5.2.1, FFTW float", itk1, itk2, { refName: "ITK" }));
  console.log(tableRow(`chunkwise, padded ${shape.map((n, i) => nextFastLen(n + psfShape[i]!, true)).join("x")}`, cw, cw2, { ...ref, peak: peakRef }));
  console.log(tableRow("chunkwise, uint16 input (the camera data as stored; the cast happens inside)", cwU16, cwU16two, { ...ref, peak: peakRef }));
  console.log(tableRow("chunkwise, float32 input, out: the input (in place)", cwIn, cwIn2, { ...ref, peak: peakRef }));
  console.log(tableRow(`FFTW floor, padded ${shape.map((n, i) => itkPad(n, psfShape[i]!)).join("x")}`, floor1, floor2, { ...ref, peak: peakRef }));
  if (typeof floor1 !== "string" && typeof cw !== "string") {
    console.log(`\nchunkwise / FFTW floor: ${(perIteration(cw) / perIteration(floor1)).toFixed(2)}x on 1 thread${typeof floor2 !== "string" && typeof cw2 !== "string" ? `, ${(perIteration(cw2) / perIteration(floor2)).toFixed(2)}x on 2` : ""}`);
  }
  if (!full) console.log("reference (issue 4, this machine): ITK float 2.25 s/iteration on 1 thread, 1.75 s on 2, peak 1.08 GB; scikit-image 3.6 s");
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv.includes("--child")) child();
else if (isMain && process.argv.includes("--generate")) generate();
else if (isMain) await main();
