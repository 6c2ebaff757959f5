/**
 * The plan of `chunkwise deconvolve`, made before anything runs: every input checked (the
 * image's rank and dtype, the PSF's rank against the image's, the output location), the lazy
 * graph built (the blog's workflow as a gufunc `"(i,j,k),(a,b,c)->(i,j,k)"` over
 * `richardsonLucy`), and the peak memory estimated. Everything here throws
 * {@link UsageError} (exit code 2) and writes nothing.
 *
 * Memory estimate, per running task (one volume of `n` voxels, padded FFT domain `P`): the
 * block as read (`n x itemsize`); its float32 copy (`4 n`) for float64 or 32-bit integer input
 * or with `--background`, none for float32 input without one or integers of at most 16 bits, which the kernel reads as stored (see {@link kernelInput}), or
 * with `--background` their background-subtracted copy (`n x itemsize`); Richardson-Lucy's
 * declared workspace (`richardsonLucyWorkspace`: the resident engine's padded arrays, a
 * staging area of a few image planes, maps and line buffers) and its float32 output (`4 n`);
 * and the PSF; times the tasks running at once. The encoded chunks written to the store are
 * small beside that and are not counted.
 * @module
 */
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, resolve as resolvePath, sep } from "node:path";
import { dtypeKind, gufunc, mapBlocks, maximum, subtract, summarize, type ChunkedArray } from "../index.js";
import { requireFinite, type RequireFiniteParams } from "../graph/block-kernels.js";
import { richardsonLucy, richardsonLucyWorkspace } from "../filters/index.js";
import { defaultFftShape } from "../filters/richardson-lucy-options.js";
import { fromZarr, type CompressorSpec } from "../io/zarr/index.js";
import { readNode } from "../io/zarr/metadata.js";
import { storeRefOf } from "../io/zarr/store.js";
import { arrayIdentity, fingerprintDiff, recordedAttributes, runFingerprint } from "../io/zarr/fingerprint.js";
import { leaseStatus } from "../io/zarr/lease.js";
import { overlaps, realPathOf, type ArrayLocation } from "../io/zarr/overlap.js";
import { checkOutputFolder, checkWritable } from "./job-safety.js";
import { CLI_COMPRESSOR, existingCompressor } from "./job-compressor.js";
import { codecBytesPerWorker } from "./job-codec-memory.js";
import type { ExecutorChoice } from "./job-args.js";
import { messageOf } from "./job-args.js";
import { checkOmeOutput, openOmeInput, type OmeInput, type OmeOutputChoice } from "./job-ome.js";
import { loadPsf, type LoadedPsf, type PsfBackground, type PsfSource } from "./job-psf.js";
import { UsageError } from "./command.js";

/** Richardson-Lucy options the command passes to the kernel (ITK's defaults, the blog's filter). */
export interface RlOptions {
  readonly iterations: number;
  readonly init: "image" | "constant" | number;
  readonly boundary: "neumann" | "zero";
  readonly clip: boolean;
  readonly filterEpsilon: number | null;
  /** The kernel's `acceleration` (absent: none). */
  readonly acceleration?: "none" | "biggs";
  /** The kernel's `tolerance` (absent: run every iteration). */
  readonly tolerance?: number;
  /** The kernel's `stopOn` (absent: "change"). */
  readonly stopOn?: "change" | "divergence";
  /** The kernel's `damping` (absent: none). */
  readonly damping?: number;
  /** The kernel's `regularization.tv` (absent: none). */
  readonly tv?: number;
  /** Threads sharing each volume's transforms (the kernel's `threads`), or "auto" (see {@link threadsPerVolume}). */
  readonly threads?: number | "auto";
}

/** Everything `deconvolve` was asked to do. */
export interface DeconvolveJob {
  readonly input: string;
  readonly path: string;
  readonly psf: PsfSource;
  readonly psfBackground: PsfBackground;
  readonly out: string;
  readonly outPath: string;
  readonly rl: RlOptions;
  /** Counts subtracted from the image before deconvolving (camera offset); 0 for none. */
  readonly background: number;
  readonly overwrite: boolean;
  readonly resume: boolean;
  readonly executor: ExecutorChoice;
  /** Write the result as an OME-Zarr image (`--ome-zarr`); undefined: a plain Zarr array. */
  readonly omeZarr?: OmeOutputChoice;
  /** Zarr format of a plain result (`--zarr-format`, default 2). */
  readonly format?: 2 | 3;
  /**
   * The result's compressor (`--compressor`). Undefined when not given: the plan makes it the
   * existing output's on `--resume`, else {@link CLI_COMPRESSOR}.
   */
  readonly compressor?: CompressorSpec;
}

/** The checked job, ready to run. */
export interface DeconvolvePlan {
  readonly job: DeconvolveJob;
  /** The image as stored (an OME-Zarr input with t and c: viewed as (c, t, ...)). */
  readonly image: ChunkedArray;
  /** The input's OME-Zarr metadata, when it is an OME-Zarr image. */
  readonly ome: OmeInput | undefined;
  readonly psf: LoadedPsf;
  /** The lazy result (float32, the image's shape). */
  readonly result: ChunkedArray;
  /** Volumes deconvolved (one task each). */
  readonly volumes: number;
  /** Voxels of one volume, and of the whole image. */
  readonly volumeVoxels: number;
  readonly voxels: number;
  /** The padded FFT shape of one volume. */
  readonly fftShape: readonly number[];
  /** Estimated peak bytes of one task, and of the run (tasks at once x one task). */
  readonly taskBytes: number;
  readonly peakBytes: number;
  /** Of `taskBytes`: what one worker's codecs hold (WebAssembly heaps and the encoded chunk; see job-codec-memory.ts). */
  readonly codecBytes: number;
  /** What is at the output path now. */
  readonly outputState: "none" | "array";
  /** Whether core axes (z, y, x) were split in chunks and are merged for the kernel. */
  readonly merged: boolean;
  /** What identifies this run for `--resume` (recorded in the output's attributes; see docs/cli.md). */
  readonly fingerprint: Record<string, unknown>;
}

const FN = "deconvolve";
const SIGNATURE = "(i,j,k),(a,b,c)->(i,j,k)";

/**
 * Checks every input and builds the lazy result; reads only metadata and the PSF.
 * @throws {UsageError} for anything wrong with the inputs, the PSF or the output location
 * @example
 * ```ts
 * const plan = await planDeconvolve(job);
 * console.log(formatPlan(plan));
 * ```
 */
export async function planDeconvolve(asked: DeconvolveJob): Promise<DeconvolvePlan> {
  const { image, ome } = await openInput(asked.input, asked.path);
  const outputState = await checkOutput(asked, ome);
  await checkOutputFolder(asked.out, asked.outPath, outputState, asked.omeZarr !== undefined);
  const psf = await loadPsf(asked.psf, asked.psfBackground, image.shape);
  const volumes = image.shape.slice(0, -3).reduce((a, b) => a * b, 1);
  const running = Math.min(asked.executor.workers, volumes);
  const compressor = asked.compressor !== undefined ? asked.compressor : await resumedCompressor(asked, outputState);
  const job: DeconvolveJob = { ...asked, compressor, rl: { ...asked.rl, threads: threadsPerVolume(asked.rl.threads, asked.executor, running) } };
  const fingerprint = {
    input: await arrayIdentity(FN, asked.input, ome?.levelPath ?? asked.path),
    psf: { sha256: psf.sha256, shape: psf.array.shape },
    deconvolve: {
      iterations: job.rl.iterations, init: job.rl.init, boundary: job.rl.boundary, clip: job.rl.clip, filterEpsilon: job.rl.filterEpsilon, background: job.background,
      // Only when set, so plain runs' fingerprints stay as recorded before these options existed.
      ...(job.rl.acceleration === undefined || job.rl.acceleration === "none" ? {} : { acceleration: job.rl.acceleration }),
      ...(job.rl.tolerance === undefined ? {} : { tolerance: job.rl.tolerance }),
      ...(job.rl.stopOn === undefined ? {} : { stopOn: job.rl.stopOn }),
      ...(job.rl.damping === undefined ? {} : { damping: job.rl.damping }),
      ...(job.rl.tv === undefined ? {} : { tv: job.rl.tv }),
    },
  };
  if (job.resume && outputState === "array") await checkSameRun(job, fingerprint);
  const input = kernelInput(checkFinite(image), job.background);
  const threads = job.rl.threads as number;
  const params = {
    iterations: job.rl.iterations, init: job.rl.init, boundary: job.rl.boundary, clip: job.rl.clip, filterEpsilon: job.rl.filterEpsilon,
    ...(job.rl.acceleration === undefined || job.rl.acceleration === "none" ? {} : { acceleration: job.rl.acceleration }),
    ...(job.rl.tolerance === undefined ? {} : { tolerance: job.rl.tolerance }),
    ...(job.rl.stopOn === undefined ? {} : { stopOn: job.rl.stopOn }),
    ...(job.rl.damping === undefined ? {} : { damping: job.rl.damping }),
    ...(job.rl.tv === undefined ? {} : { regularization: { tv: job.rl.tv } }),
    ...(threads > 1 ? { threads } : {}),
  };
  const deconvolve = gufunc(SIGNATURE, richardsonLucy, { params, outputDtypes: "float32", allowRechunk: true, name: "richardsonLucy" });
  const result = deconvolve(input.x, psf.array) as ChunkedArray;
  const core = image.shape.slice(-3);
  const k = psf.array.shape.slice(-3);
  const neumann = job.rl.boundary === "neumann";
  const fftShape = defaultFftShape(core, k, neumann);
  const n = core.reduce((a, b) => a * b, 1);
  // The kernel's own declaration (what the executors' memory plan counts), plus its output.
  const rlBytes = richardsonLucyWorkspace(params, [core, k], [4, 4]) + 4 * n;
  const psfBytes = 4 * k.reduce((a, b) => a * b, 1);
  const item = Math.max(1, summarize(image).bytes / Math.max(1, image.size));
  // The block as read, then what is made of it before the kernel (see kernelInput).
  const copy = input.copy === "float32" ? 4 * n : input.copy === "stored" ? n * item : 0;
  // The codecs' WebAssembly heaps, one per worker thread, grown to the largest chunk (see job-codec-memory.ts).
  const codecBytes = await codecBytesPerWorker(asked.input, ome?.levelPath ?? asked.path, summarize(image).chunkBytes, compressor, 4 * n);
  const taskBytes = n * item + copy + rlBytes + 2 * psfBytes + codecBytes;
  const merged = image.chunks.slice(-3).some((c) => c.length > 1);
  return { job, image, psf, result, volumes, volumeVoxels: n, voxels: image.size, fftShape, taskBytes, codecBytes, peakBytes: running * taskBytes, outputState, merged, fingerprint, ome };
}

/** Integers of at most 16 bits: what Richardson-Lucy computes in float32 exactly (float32 holds every such count). */
const INT_MAX: Partial<Record<string, number>> = { uint8: 255, int8: 127, uint16: 65535, int16: 32767 };

/**
 * The image as the kernel gets it. Integers of at most 16 bits (camera counts) go as stored:
 * the kernel converts them to float32 a few planes at a time, so no float32 copy of the volume
 * is held; `--background B` is then subtracted in the integer dtype as `max(x, B) - B`, which
 * cannot wrap, when B is an integer the dtype holds (the same values as float32's
 * `max(x - B, 0)`, which is exact on such integers). Anything else is cast to float32 and the
 * background subtracted there (float32 input without a background goes as it is). `copy` says
 * what is held beside the block as read.
 */
function kernelInput(image: ChunkedArray, background: number): { x: ChunkedArray; copy: "none" | "stored" | "float32" } {
  const max = INT_MAX[image.dtype];
  if ((max !== undefined || image.dtype === "float32") && background === 0) return { x: image, copy: "none" };
  if (max !== undefined && Number.isInteger(background) && background <= max) return { x: subtract(maximum(image, background), background), copy: "stored" };
  let x: ChunkedArray = image.astype("float32");
  if (background > 0) x = maximum(subtract(x, background), 0).astype("float32");
  return { x, copy: "float32" };
}

/**
 * A float image checked block by block for NaN and infinity as it is read: deconvolution
 * spreads one NaN over its whole volume, so such an image is refused (count, block, first
 * voxel) instead of silently giving NaN volumes. Integer images cannot hold them.
 */
function checkFinite(image: ChunkedArray): ChunkedArray {
  if (dtypeKind(image.dtype) !== "f") return image;
  const params: RequireFiniteParams = {
    op: FN, what: "the image",
    fix: "Replace them in the input (e.g. numpy.nan_to_num), then run again with --overwrite",
  };
  return mapBlocks(requireFinite, image, { params, dtype: image.dtype, name: "requireFinite" }) as ChunkedArray;
}

/** `--resume` continues only the run whose fingerprint the output recorded. */
async function checkSameRun(job: DeconvolveJob, fingerprint: Record<string, unknown>): Promise<void> {
  const ref = storeRefOf(FN, job.out);
  const node = await readNode(FN, ref, job.outPath);
  if (node.kind !== "array") return;
  const recorded = ((await recordedAttributes(FN, ref, job.outPath, node.format, node.meta)).chunkwise as { fingerprint?: unknown } | undefined)?.fingerprint;
  const diffs = fingerprintDiff(recorded, runFingerprint(fingerprint));
  if (diffs.length === 0) return;
  const got = recorded === undefined ? "an output with no recorded fingerprint (written by another tool or an older chunkwise)" : `differences (recorded vs now): ${diffs.join("; ")}`;
  throw new UsageError(`${FN}: --resume must continue the same computation; got ${got}. Re-run with the original input, PSF and options, or pass --overwrite instead of --resume to start again`);
}

/** The compressor of an output being resumed (of its level 0 for an OME-Zarr image), else the CLI's default. */
async function resumedCompressor(job: DeconvolveJob, outputState: "none" | "array"): Promise<CompressorSpec> {
  if (!job.resume || outputState !== "array") return CLI_COMPRESSOR;
  const path = job.omeZarr === undefined ? job.outPath : job.outPath === "" ? "0" : `${job.outPath}/0`;
  return (await existingCompressor(job.out, path)) ?? CLI_COMPRESSOR;
}

/**
 * Threads per volume: the number asked for, or for "auto" the cores this machine has left when
 * `running` volumes run at once (at least 1, at most 8); always 1 for distributed, whose
 * workers' machines this process does not know.
 * @example threadsPerVolume("auto", { kind: "threads", workers: 2 }, 1) // 2 on a 2-core machine
 */
export function threadsPerVolume(asked: number | "auto" | undefined, executor: Pick<ExecutorChoice, "kind">, running: number): number {
  if (typeof asked === "number") return asked;
  if (executor.kind === "distributed") return 1;
  return Math.max(1, Math.min(8, Math.floor(availableParallelism() / Math.max(1, running))));
}

async function openInput(store: string, path: string): Promise<{ image: ChunkedArray; ome: OmeInput | undefined }> {
  let image: ChunkedArray;
  try {
    await stat(store);
  } catch {
    throw new UsageError(`${FN}: the input store must exist; got nothing at ${resolvePath(store)}. Check the path, or make demo data with 'chunkwise demo'`);
  }
  const omeInput = await openOmeInput(store, path);
  try {
    image = omeInput?.image ?? (await fromZarr(store, { path }));
  } catch (e) {
    throw new UsageError(`${FN}: the input could not be opened: ${messageOf(e)}`, { cause: e });
  }
  const where = `${store}${path === "" ? "" : `/${path}`}`;
  if (image.ndim < 3) {
    throw new UsageError(`${FN}: the input must have 3 or more axes (..., z, y, x); got shape (${image.shape.join(", ")}) at ${where}. Pass a (c, t, z, y, x) or (z, y, x) array`);
  }
  const kind = dtypeKind(image.dtype);
  if (kind === "b") {
    throw new UsageError(`${FN}: the input must hold integers or floats; got ${image.dtype} at ${where}. Pass the recorded intensities`);
  }
  if (image.shape.some((s) => s === 0)) throw new UsageError(`${FN}: the input must not be empty; got shape (${image.shape.join(", ")}) at ${where}. Pass an array with data`);
  return { image, ome: omeInput?.ome };
}

/** Refuses an output that is, holds or lies inside the input image or a Zarr PSF (real paths, symlinks resolved). */
function checkNoOverlap(job: DeconvolveJob): void {
  const out: ArrayLocation = { store: { fs: resolvePath(job.out) }, path: job.outPath };
  const reads: [string, ArrayLocation][] = [["the input", { store: { fs: resolvePath(job.input) }, path: job.path }]];
  if (job.psf.kind === "zarr") reads.push(["the PSF", { store: { fs: resolvePath(job.psf.store) }, path: job.psf.path }]);
  for (const [what, loc] of reads) {
    if (!overlaps(out, loc)) continue;
    const a = realPathOf(join(resolvePath(job.out), job.outPath));
    const b = realPathOf(join((loc.store as { fs: string }).fs, loc.path));
    const how = a === b ? "is" : b.startsWith(`${a}${sep}`) ? "holds" : "lies inside";
    throw new UsageError(`${FN}: the output must not overlap ${what}; got --out ${job.out} --out-path ${JSON.stringify(job.outPath)}, which ${how} ${what} ${b} (compared by real path, symlinks resolved). Pass another --out-path, e.g. deconvolved, or another --out`);
  }
}

/** What is at the output location now; refuses a location that would need --overwrite or --resume. */
async function checkOutput(job: DeconvolveJob, ome: OmeInput | undefined): Promise<"none" | "array"> {
  if (job.overwrite && job.resume) throw new UsageError(`${FN}: --overwrite and --resume must not be given together; got both. Pass --resume to finish an interrupted run, --overwrite to start again`);
  // An OME-Zarr input is read from its level-0 array: that is what the output must not overlap.
  checkNoOverlap(ome === undefined ? job : { ...job, path: ome.levelPath });
  if (job.omeZarr !== undefined) return checkOmeOutput(job);
  const info = await stat(job.out).catch(() => undefined);
  if (info !== undefined && !info.isDirectory()) throw new UsageError(`${FN}: --out must be a Zarr store (a directory); got the file ${resolvePath(job.out)}. Pass a directory such as out.zarr`);
  await checkWritable(FN, "--out", join(resolvePath(job.out), ...job.outPath.split("/")), "out.zarr");
  const lease = await leaseStatus(resolvePath(job.out), job.outPath);
  const at = `${resolvePath(job.out)}${job.outPath === "" ? "" : `/${job.outPath}`}`;
  if (lease !== undefined && lease.stale === undefined) {
    throw new UsageError(`${FN}: the output must have one writer at a time; got a run writing ${at} now (${lease.holder}). Wait for it to end, or pass another --out-path`);
  }
  if (lease !== undefined && !job.resume && !job.overwrite) {
    throw new UsageError(`${FN}: the output's last run must have finished; got the lease of a run that stopped (${lease.holder}): ${lease.stale}. Re-run the same command with --resume to take it over and finish, or with --overwrite to start again`);
  }
  if (info === undefined) return "none";
  let node: Awaited<ReturnType<typeof readNode>>;
  try {
    node = await readNode(FN, storeRefOf(FN, job.out), job.outPath);
  } catch (e) {
    throw new UsageError(`${FN}: the output location could not be read: ${messageOf(e)}`, { cause: e });
  }
  const where = `${resolvePath(job.out)}${job.outPath === "" ? "" : `/${job.outPath}`}`;
  if (node.kind === "group") throw new UsageError(`${FN}: the output path must not be a group; got the group ${where}. Pass an --out-path inside it, e.g. ${job.outPath === "" ? "" : `${job.outPath}/`}deconvolved`);
  if (node.kind === "array" && !job.overwrite && !job.resume) {
    throw new UsageError(`${FN}: the output must not exist yet; got an array at ${where}. Pass --overwrite to replace it, --resume to finish an interrupted run, or another --out-path`);
  }
  if (node.kind === "none" && job.resume) return "none";
  return node.kind;
}
