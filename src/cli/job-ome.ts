/**
 * OME-Zarr in `chunkwise deconvolve`: an input that is an OME-Zarr image group (found at the
 * store root or `--path`, no array path needed) is read at full resolution with its axes,
 * units, scales and channels; with `--ome-zarr` the result is written by `toOmeZarr` as a
 * multiscale image (NGFF 0.4 in Zarr v2, 0.5 with `--zarr-format 3`) keeping them.
 *
 * Axis order: NGFF puts time before channel (t, c, z, y, x); the command's plain-Zarr layout
 * is the blog's (c, t, z, y, x), which its per-channel PSFs assume. An OME input with both is
 * viewed as (c, t, ...) for the deconvolution (a lazy transpose; each volume is independent)
 * and the result turned back; a plain 5-D input's result is written as (t, c, z, y, x).
 * @module
 */
import { stat } from "node:fs/promises";
import { isAbsolute, relative, resolve as resolvePath, sep } from "node:path";
import { moveaxis, type ChunkedArray } from "../index.js";
import { openOmeZarr, toOmeZarr, type OmeAxis, type OmeChannel, type ToOmeZarrOptions, type ToOmeZarrResult, type ToZarrResult } from "../io/zarr/index.js";
import { readNode } from "../io/zarr/metadata.js";
import { storeRefOf } from "../io/zarr/store.js";
import { messageOf } from "./job-args.js";
import type { DeconvolveJob } from "./job-plan.js";
import { UsageError } from "./command.js";

const FN = "deconvolve";

/** What an OME-Zarr input tells about its image. */
export interface OmeInput {
  readonly version: "0.4" | "0.5";
  readonly axes: readonly OmeAxis[];
  readonly scale: readonly number[];
  readonly translation: readonly number[];
  readonly channels: readonly OmeChannel[] | undefined;
  readonly levels: number;
  /** The level-0 array's path in the store (what the command reads). */
  readonly levelPath: string;
  /** Whether the image was moved from (t, c, ...) to (c, t, ...) for the deconvolution. */
  readonly swappedTimeChannel: boolean;
}

/** How `--ome-zarr` writes the result. */
export interface OmeOutputChoice {
  /** 2 writes NGFF 0.4, 3 writes NGFF 0.5. */
  readonly format: 2 | 3;
  /** Voxel size (z, y, x) in micrometres for a plain-Zarr input (the demo knows it). */
  readonly voxelSize?: readonly number[];
}

/**
 * The OME-Zarr image at `path`, as the command deconvolves it, or undefined when `path` holds
 * no image group (a plain array, or nothing: the caller reports those).
 * @throws {UsageError} for an image group whose metadata is broken or whose last three axes are not space
 */
export async function openOmeInput(store: string, path: string): Promise<{ image: ChunkedArray; ome: OmeInput } | undefined> {
  let node;
  try {
    node = await readNode(FN, storeRefOf(FN, store), path);
  } catch {
    return undefined;
  }
  if (node.kind !== "group") return undefined;
  try {
    const img = await openOmeZarr(store, { path });
    const spaceLast = img.axes.length >= 3 && img.axes.slice(-3).every((a) => a.type === "space");
    if (!spaceLast) {
      throw new UsageError(`${FN}: the OME-Zarr input's last three axes must be space axes (z, y, x); got ${img.axes.map((a) => `${a.name}:${a.type ?? "-"}`).join(", ")} at ${resolvePath(store)}${path === "" ? "" : `/${path}`}. Deconvolve 3-D stacks`);
    }
    let image = await img.level(0);
    const t = img.axes.findIndex((a) => a.type === "time");
    const c = img.axes.findIndex((a) => a.type === "channel");
    const swapped = t >= 0 && c === t + 1;
    if (swapped) image = moveaxis(image, c, t);
    return { image, ome: { version: img.version, axes: img.axes, scale: img.levels[0]!.scale, translation: img.levels[0]!.translation, channels: img.channels, levels: img.levels.length, levelPath: img.levels[0]!.path, swappedTimeChannel: swapped } };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (/must have "multiscales" \(an image\); got no "multiscales"|must have an "ome" attribute/.test(messageOf(e))) return undefined;
    throw new UsageError(`${FN}: the OME-Zarr input could not be opened: ${messageOf(e)}`, { cause: e });
  }
}

/** The NGFF axes, scale and channels of the result, and the result in NGFF axis order. */
function omeOutput(result: ChunkedArray, input: OmeInput | undefined, choice: OmeOutputChoice): { array: ChunkedArray; options: ToOmeZarrOptions } {
  if (input !== undefined) {
    const array = input.swappedTimeChannel ? moveaxis(result, 0, 1) : result;
    // Labels and colours carry over; display windows do not (deconvolution changes intensities).
    const count = array.shape[input.axes.findIndex((a) => a.type === "channel")] ?? 1;
    const channels = input.channels !== undefined && input.channels.length === count ? input.channels.map(({ window: _w, ...c }) => c) : undefined;
    return { array, options: { format: choice.format, axes: input.axes, scale: input.scale, translation: input.translation, ...(channels ? { channels } : {}) } };
  }
  const n = result.ndim;
  if (n > 5) throw new UsageError(`${FN}: --ome-zarr needs an image of at most 5 axes (t, c, z, y, x); got ${n}. Write plain Zarr (drop --ome-zarr)`);
  const um = choice.voxelSize?.length === 3 ? "micrometer" : undefined;
  const space = ["z", "y", "x"].map((name) => ({ name, ...(um ? { unit: um } : {}) }));
  const lead = n === 5 ? ["t", "c"] : n === 4 ? ["c"] : [];
  const array = n === 5 ? moveaxis(result, 1, 0) : result;
  const scale = choice.voxelSize?.length === 3 ? [...lead.map(() => 1), ...choice.voxelSize] : undefined;
  return { array, options: { format: choice.format, axes: [...lead, ...space], ...(scale ? { scale } : {}) } };
}

/**
 * Writes the result as an OME-Zarr image and sums its levels into the shape `formatResult`
 * reports (level 0's array facts; chunk and byte counts over all levels).
 */
export async function writeOmeResult(result: ChunkedArray, out: string, outPath: string, input: OmeInput | undefined, choice: OmeOutputChoice, run: ToOmeZarrOptions): Promise<{ summary: ToZarrResult; image: ToOmeZarrResult }> {
  // The run's fingerprint goes to level 0 (the computed level); the others follow from it.
  const { array, options } = omeOutput(result, input, choice);
  const image = await toOmeZarr(array, out, { ...options, ...run, path: outPath });
  const level0 = image.levels[0]!;
  return { summary: { ...level0, chunksWritten: image.chunksWritten, chunksSkipped: image.chunksSkipped, bytesWritten: image.bytesWritten }, image };
}

/** The text lines about the written image: levels, and how to open it in napari. */
export function omeResultText(image: ToOmeZarrResult, out: string, outPath: string): string {
  const where = `${resolvePath(out)}${outPath === "" ? "" : `/${outPath}`}`;
  return [
    `OME-Zarr ${image.version} image, axes ${image.axes.map((a) => a.name).join("")}, ${image.levels.length} level${image.levels.length === 1 ? "" : "s"}: ${image.levels.map((l) => `(${l.shape.join(", ")})`).join(", ")}`,
    `open it in napari: napari --plugin napari-ome-zarr ${where}`,
    "",
  ].join("\n");
}

/**
 * What is at the `--ome-zarr` output location: "none", or "array" when an image is there (to
 * replace with --overwrite or finish with --resume). Refuses an output image group that would
 * hold the input (the input at the image's own path or inside one of its level paths `0`,
 * `1`, ...: writing the levels would replace it) and a plain array at the output path.
 * @throws {UsageError} as above, and for an existing image without --overwrite or --resume
 */
export async function checkOmeOutput(job: Pick<DeconvolveJob, "input" | "path" | "out" | "outPath" | "overwrite" | "resume">): Promise<"none" | "array"> {
  const where = `${resolvePath(job.out)}${job.outPath === "" ? "" : `/${job.outPath}`}`;
  const rel = relative(resolvePath(job.out, job.outPath), resolvePath(job.input, job.path)).split(sep).join("/");
  if (rel === "" || (!rel.startsWith("..") && !isAbsolute(rel) && /^\d+(\/|$)/.test(rel))) {
    throw new UsageError(`${FN}: the OME-Zarr output must not contain the input; got the output image ${where} holding the input ${job.path === "" ? "(the store root)" : job.path}. Pass another --out store, or an --out-path beside the input, e.g. deconvolved`);
  }
  const info = await stat(job.out).catch(() => undefined);
  if (info !== undefined && !info.isDirectory()) throw new UsageError(`${FN}: --out must be a Zarr store (a directory); got the file ${resolvePath(job.out)}. Pass a directory such as out.ome.zarr`);
  if (info === undefined) return "none";
  let node;
  try {
    node = await readNode(FN, storeRefOf(FN, job.out), job.outPath);
  } catch (e) {
    throw new UsageError(`${FN}: the output location could not be read: ${messageOf(e)}`, { cause: e });
  }
  if (node.kind === "array") {
    throw new UsageError(`${FN}: the OME-Zarr output path must be new or an image group; got the array ${where}. Pass another --out-path, or --out a new store`);
  }
  if (node.kind === "none") return "none";
  const isImage = await openOmeZarr(job.out, { path: job.outPath }).then(() => true, (e: unknown) => !/got no "multiscales"|must have an "ome" attribute/.test(messageOf(e)));
  if (isImage && !job.overwrite && !job.resume) {
    throw new UsageError(`${FN}: the output must not exist yet; got an OME-Zarr image at ${where}. Pass --overwrite to replace it, --resume to finish an interrupted run, or another --out-path`);
  }
  return isImage ? "array" : "none";
}

/** One plan line about an OME-Zarr input: version, axes with units, voxel size, and the axis order used. */
export function omeInputText(ome: OmeInput, omeOutput: boolean): string {
  const axes = ome.axes.map((a) => `${a.name}${a.unit ? ` (${a.unit})` : ""}`).join(", ");
  const order = !ome.swappedTimeChannel ? "" : omeOutput ? "; deconvolved as (c, t, z, y, x), written back as (t, c, z, y, x)" : "; deconvolved and written as (c, t, z, y, x)";
  return `input is an OME-Zarr ${ome.version} image (${ome.levels} level${ome.levels === 1 ? "" : "s"}, full resolution read): axes ${axes}, voxel size (${ome.scale.map((s) => +s.toPrecision(6)).join(", ")})${order}\n`;
}
