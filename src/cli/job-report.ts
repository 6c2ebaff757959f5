/**
 * What `chunkwise deconvolve` prints: the plan before running (dask's summary tables of input
 * and output, tasks, estimated peak memory, executor) and the result after (time, throughput,
 * where the output is), as text or as one JSON object each.
 * @module
 */
import { resolve as resolvePath } from "node:path";
import { describe, formatBytes, summarize, type ChunkedArray } from "../index.js";
import { forEachBlockIndex, numBlocks } from "../chunks/grid.js";
import { flatten, graphWith } from "../graph/graph.js";
import { blockKey, type Task } from "../graph/task.js";
import { identity } from "../graph/block-kernels.js";
import { kernelRefOf } from "../graph/kernel.js";
import { scheduledTasks } from "../schedule/scheduler.js";
import type { CompressorSpec, ToZarrResult } from "../io/zarr/index.js";
import type { DeconvolvePlan } from "./job-plan.js";

const indent = (text: string): string => text.split("\n").map((l) => `  ${l}`).join("\n");

/** Where the output goes, as a user would type it. */
function outputLocation(plan: DeconvolvePlan): string {
  return `${resolvePath(plan.job.out)}${plan.job.outPath === "" ? "" : ` (path ${plan.job.outPath})`}`;
}

/**
 * The tasks writing `x` to a store runs, as the progress bar counts them, and how many of them
 * write a chunk: the graph's tasks plus one write per chunk, culled and with linear chains
 * fused as the scheduler does (so a volume's read, cast, deconvolution and write are one task).
 * toZarr's write tasks each read one block of `x`, which is all that fusing depends on.
 * @example tasksToRun(plan.result) // { tasks: 7, writes: 4 } for 4 volumes and 3 PSF tasks
 */
function tasksToRun(x: ChunkedArray): { tasks: number; writes: number } {
  const name = "cli-plan-writes";
  const writes = new Map<string, Task>();
  forEachBlockIndex(numBlocks(x.chunks), (bi) => {
    if (bi.some((b, ax) => x.chunks[ax]![b] === 0)) return;
    const key = blockKey(name, bi);
    writes.set(key, { key, kernel: kernelRefOf(identity)!, args: [{ ref: x.key(bi) }] });
  });
  return { tasks: scheduledTasks(flatten(graphWith({ name, tasks: writes }, x.graph)), [...writes.keys()]).size, writes: writes.size };
}

/** "7 tasks to run (...)": the progress bar's count, and what it counts. */
function workTasks(plan: DeconvolvePlan): string {
  const { tasks, writes } = tasksToRun(plan.result);
  const resuming = plan.outputState === "array" && plan.job.resume;
  return `${resuming ? "at most " : ""}${tasks} task${tasks === 1 ? "" : "s"} to run (the progress bar's count: the output's ${summarize(plan.result).tasks} graph tasks and ${writes} chunk write${writes === 1 ? "" : "s"}, each volume's chain of steps fused into one task${resuming ? "; chunks already written are skipped" : ""})`;
}

/** "blosc lz4 clevel 5 shuffle 1", "zstd level 3", "none". */
function compressorText(c: CompressorSpec | undefined): string {
  if (c === undefined) return "toZarr's default";
  if (c === null) return "none";
  if (typeof c === "string") return c;
  return Object.entries(c).map(([k, v]) => (k === "id" ? String(v) : `${k} ${String(v)}`)).join(" ");
}

/**
 * The plan as text.
 * @example io.stdout.write(formatPlan(plan, "threads (2 workers)"));
 */
export function formatPlan(plan: DeconvolvePlan, executor: string): string {
  const { job, psf } = plan;
  const rl = job.rl;
  const init = typeof rl.init === "number" ? `constant ${rl.init}` : rl.init === "image" ? "the image" : "0.5";
  const bg = psf.backgrounds.length > 0 && psf.backgrounds.some((b) => b !== 0) ? `, background ${[...new Set(psf.backgrounds.map((b) => +b.toFixed(2)))].join("/")} subtracted` : "";
  const resume = plan.outputState === "array" ? (job.resume ? " (resuming: chunks already written are kept)" : " (replacing the existing array)") : "";
  return [
    `chunkwise deconvolve: plan`,
    `input ${resolvePath(job.input)}${job.path === "" ? "" : ` (path ${job.path})`}, ${plan.image.dtype}`,
    indent(describe(plan.image)),
    `psf from ${psf.description}: (${psf.rawShape.join(", ")}) ${psf.rawDtype} -> (${psf.array.shape.join(", ")}) float32, each 3-D PSF summing to 1${bg}`,
    `output ${outputLocation(plan)}${resume}, compressor ${compressorText(job.compressor)}`,
    indent(describe(plan.result)),
    `richardson-lucy: ${rl.tolerance === undefined ? "" : "at most "}${rl.iterations} iteration${rl.iterations === 1 ? "" : "s"}${rl.tolerance === undefined ? "" : ` (each volume stops once ${rl.stopOn === "divergence" ? "its I-divergence falls by a fraction" : "its relative change is"} at most ${rl.tolerance})`}${rl.acceleration === "biggs" ? ", Biggs-Andrews acceleration" : ""}${rl.damping === undefined ? "" : `, damping ${rl.damping}`}${rl.tv === undefined ? "" : `, total-variation lambda ${rl.tv}`}, ${rl.boundary} boundary, estimate starts from ${init}${rl.clip ? ", clipped to [-1, 1]" : ""}${rl.filterEpsilon ? `, filter epsilon ${rl.filterEpsilon}` : ""}${typeof rl.threads === "number" && rl.threads > 1 ? `, ${rl.threads} threads per volume` : ""}${job.background > 0 ? `; ${job.background} counts subtracted from the image first` : ""}`,
    `work: ${plan.volumes} volume${plan.volumes === 1 ? "" : "s"} of (${plan.image.shape.slice(-3).join(", ")}) voxels, FFT domain (${plan.fftShape.join(", ")}); ${workTasks(plan)}${plan.merged ? " (the input's z, y, x chunks are merged: each task reads a whole volume)" : ""}`,
    `memory: about ${formatBytes(plan.taskBytes)} per task (${formatBytes(plan.codecBytes)} of it the codecs' buffers), ${formatBytes(plan.peakBytes)} peak with ${Math.min(plan.job.executor.workers, plan.volumes)} at once${job.executor.kind === "distributed" ? " (on each worker: per task times its --concurrency)" : ""}`,
    `executor: ${executor}`,
    "",
  ].join("\n");
}

/**
 * The plan as a JSON-ready object (the `plan` event of `--json`).
 * @example JSON.stringify(planJson(plan, "inline"))
 */
export function planJson(plan: DeconvolvePlan, executor: string): Record<string, unknown> {
  const s = (x: Parameters<typeof summarize>[0]) => {
    const v = summarize(x);
    return { shape: v.shape, dtype: v.dtype, chunks: v.chunkShape, bytes: v.bytes, chunkBytes: v.chunkBytes, tasks: v.tasks, blocks: v.chunks };
  };
  return {
    input: { store: resolvePath(plan.job.input), path: plan.job.path, ...s(plan.image) },
    psf: { source: plan.psf.description, rawShape: plan.psf.rawShape, rawDtype: plan.psf.rawDtype, shape: plan.psf.array.shape, backgrounds: plan.psf.backgrounds },
    output: { store: resolvePath(plan.job.out), path: plan.job.outPath, exists: plan.outputState === "array", compressor: plan.job.compressor ?? null, ...s(plan.result) },
    richardsonLucy: plan.job.rl,
    background: plan.job.background,
    volumes: plan.volumes,
    tasksToRun: tasksToRun(plan.result).tasks,
    fftShape: plan.fftShape,
    taskBytes: plan.taskBytes,
    codecBytes: plan.codecBytes,
    peakBytes: plan.peakBytes,
    executor: { kind: plan.job.executor.kind, workers: plan.job.executor.workers, label: executor },
  };
}

/** Seconds as "12.3 s" or "2 min 05 s". */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, "0")} s`;
}

/** A count with SI prefix: 1.23 M. */
function formatCount(n: number): string {
  const units = ["", " k", " M", " G", " T"];
  let u = 0;
  let v = n;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v.toFixed(0) : v.toFixed(2)}${units[u]}`;
}

/**
 * The result line(s) and the `done` event. `meanIterations`, the mean iterations the volumes
 * used (given with --tolerance), replaces `--iterations` in the voxel-iterations rate.
 */
export function formatResult(plan: DeconvolvePlan, result: ToZarrResult, seconds: number, meanIterations?: number): { text: string; json: Record<string, unknown> } {
  const done = result.chunksWritten;
  const voxelsDone = plan.volumes > 0 ? (plan.voxels * done) / Math.max(1, done + result.chunksSkipped) : 0;
  const rate = voxelsDone / Math.max(seconds, 1e-9);
  const skipped = result.chunksSkipped > 0 ? `, ${result.chunksSkipped} already there (resumed)` : "";
  const text = [
    `done in ${formatSeconds(seconds)}: ${done} chunk${done === 1 ? "" : "s"} written${skipped}, ${formatBytes(result.bytesWritten)} on disk`,
    `throughput: ${formatCount(rate)} voxels/s (${formatCount(rate * (meanIterations ?? plan.job.rl.iterations))} voxel-iterations/s${meanIterations === undefined ? "" : ", at the iterations used"})`,
    `output: ${outputLocation(plan)}  (chunkwise info ${plan.job.out}${plan.job.outPath === "" ? "" : ` --path ${plan.job.outPath}`})`,
    "",
  ].join("\n");
  const json = {
    seconds,
    chunksWritten: done,
    chunksSkipped: result.chunksSkipped,
    bytesWritten: result.bytesWritten,
    voxelsPerSecond: rate,
    output: { store: resolvePath(result.store), path: result.path, shape: result.shape, dtype: result.dtype, chunks: result.chunks, format: result.format },
  };
  return { text, json };
}
