/**
 * The output-safety helpers of `chunkwise deconvolve`: array paths read from the command line
 * (relative, inside their store, normalised so comparing paths compares arrays), the command's
 * wording of a memory-plan refusal, a check that an output folder can be made and written
 * (before the plan, before anything is written), (its own flags, never the library's options), and reading
 * an error's cause chain.
 * @module
 */
import { constants as fsConstants } from "node:fs";
import { access, readdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { MemoryError } from "../schedule/memory-plan.js";
import { formatBytes } from "../index.js";
import { checkInsideStore, checkNewOutputFolder } from "../io/zarr/output-folder.js";
import { normalizeArrayPath } from "../io/zarr/overlap.js";
import { checkNodePath, storeRefOf } from "../io/zarr/store.js";
import { messageOf, stringOption, type Values } from "./job-args.js";
import type { DeconvolveJob } from "./job-plan.js";
import { UsageError } from "./command.js";

const NAME = "deconvolve";

/**
 * An array path inside a store (`--path`, `--out-path`): relative, no `..`, normalised
 * (`data/`, `data//` and `./data` are `data`), so comparing paths compares arrays.
 * @throws {UsageError} for an absolute path or one leaving the store
 * @example arrayPathOption({ "out-path": "data/" }, "out-path", "deconvolved") // "data"
 */
export function arrayPathOption(values: Values, name: string, fallback: string): string {
  const raw = stringOption(values, name, fallback);
  const store = name === "out-path" ? "--out" : "the <input.zarr> argument";
  if (raw.startsWith("/") || /^[A-Za-z]:/.test(raw)) {
    throw new UsageError(`${NAME}: --${name} must be a path inside the store, relative to it; got ${JSON.stringify(raw)}, which is absolute. Name the store with ${store} and the array with e.g. --${name} ${name === "out-path" ? "deconvolved" : "data"}`);
  }
  if (raw.split(/[/\\]/).includes("..")) {
    throw new UsageError(`${NAME}: --${name} must stay inside the store; got ${JSON.stringify(raw)}, which has a ".." part. Name another store with ${store} instead`);
  }
  try {
    return checkNodePath(NAME, normalizeArrayPath(raw));
  } catch (e) {
    throw new UsageError(messageOf(e).replace(/^deconvolve: path /, `${NAME}: --${name} `), { cause: e });
  }
}

/** `e` and the errors in its cause chain. */
export function causes(e: unknown): Error[] {
  const out: Error[] = [];
  for (let x = e; x instanceof Error && out.length < 10; x = x.cause) out.push(x);
  return out;
}

/** A memory-plan refusal in the command's terms: the flags that make the run fit. */
export function memoryAdvice(e: MemoryError, job: DeconvolveJob): string {
  const { plan, budget } = e;
  // Fewer than now, even when the budget holds this many volumes alone: the held blocks and the
  // queued tasks' inputs are what tipped it over.
  const fit = Math.min(plan.computing - 1, Math.floor(budget / Math.max(1, plan.taskPeakBytes)));
  const fix = fit >= 1 && fit < plan.computing
    ? `Pass --workers ${fit} to deconvolve fewer volumes at once`
    : `One volume needs about ${formatBytes(plan.taskPeakBytes)}: run where there is more memory (--executor distributed, with 'chunkwise worker' on bigger machines), or split the image into smaller volumes`;
  return `the run must fit in memory; got an estimated peak of ${formatBytes(plan.peakBytes)} (${plan.computing} volume${plan.computing === 1 ? "" : "s"} at once${job.executor.kind === "inline" ? "" : ` with --workers ${job.executor.workers}`}) for a budget of ${formatBytes(budget)} (75% of this machine's memory). ${fix}. Nothing was written`;
}

/**
 * Refuses, before anything is written, an output `target` (absolute) that cannot be made and
 * written: its nearest existing folder must be a writable folder, not a file.
 * @throws {UsageError} naming the flag, the target and the blocking path
 * @example await checkWritable("demo", "--out", "/data/chunkwise-demo", "chunkwise-demo");
 */
export async function checkWritable(command: string, flag: string, target: string, example: string): Promise<void> {
  let at = target;
  while ((await stat(at).catch(() => undefined)) === undefined && dirname(at) !== at) at = dirname(at);
  if (!(await stat(at)).isDirectory()) {
    throw new UsageError(`${command}: ${flag} must be a folder that can be created; got ${target}, below the file ${at}. Pass ${flag} a folder such as ${example}`);
  }
  try {
    await access(at, fsConstants.W_OK | fsConstants.X_OK);
  } catch (e) {
    throw new UsageError(`${command}: ${flag} must be writable; got ${at} (${(e as NodeJS.ErrnoException).code ?? "not writable"}), where ${target} would be written. Choose another ${flag} or fix the folder's permissions`);
  }
}

/**
 * Refuses, before the plan, an output folder that leads out of its store through a symbolic
 * link (for an OME-Zarr image, each level folder too), and a new output (`kind` "none") whose folder holds anything but Zarr nodes: the
 * library would refuse both at write time; the command says so before printing its plan.
 * @throws {UsageError} with the library's one-line reason
 */
export async function checkOutputFolder(out: string, outPath: string, kind: "none" | "array", ome: boolean): Promise<void> {
  const ref = storeRefOf(NAME, out);
  try {
    await checkInsideStore(NAME, ref, outPath);
    // An OME-Zarr image's levels are the folders 0, 1, ... inside it: --overwrite replaces them.
    const levels = ome ? (await readdir(join(resolve(out), ...outPath.split("/"))).catch(() => [] as string[])).filter((n) => /^\d+$/.test(n)) : [];
    for (const level of levels) await checkInsideStore(NAME, ref, outPath === "" ? level : `${outPath}/${level}`);
    if (kind === "none") await checkNewOutputFolder(NAME, ref, outPath);
  } catch (e) {
    throw new UsageError(`${NAME}: ${messageOf(e)}`, { cause: e });
  }
}
