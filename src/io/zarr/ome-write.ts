/**
 * `toOmeZarr(array, store, options)`: writes a lazy array as an OME-Zarr image group (NGFF
 * 0.4 in Zarr v2 by default, 0.5 in Zarr v3 with `format: 3`) that napari, neuroglancer,
 * vizarr, MoBIE and BigDataViewer open: level `0` is the array in viewing chunks, levels
 * `1, 2, ...` a pyramid of block means (see pyramid.ts for the rule), each with its scale
 * and translation, then the group's `multiscales` (and `omero` channels) metadata.
 *
 * Streaming: every level is one `toZarr` run through the caller's executor, with its atomic
 * chunk writes and `resume`. Level k+1 is computed from level k as written (re-opened with
 * `fromZarr` in blocks of whole windows), never from the source graph, so an expensive source
 * (a deconvolution) is computed once and memory stays bounded by a few chunks per task. The
 * image metadata goes last: a reader never sees an image listing a level still being written;
 * `overwrite` first removes the old metadata, then each level's own files (never other files, nor anything a symbolic link leads to outside the store).
 * @module
 */
import { astype } from "../../array/elementwise.js";
import { ChunkedArray, isChunkedArray } from "../../array/chunked-array.js";
import { coarsen } from "../../array/coarsen.js";
import { mapBlocks } from "../../array/map-blocks.js";
import { max, min } from "../../array/reduce.js";
import { rechunk } from "../../array/rechunk.js";
import { dtypeKind, itemSize } from "../../core/dtype.js";
import type { Progress } from "../../schedule/scheduler.js";
import { ValueError, show } from "../../core/errors.js";
import { ZarrError } from "./errors.js";
import { fromZarr } from "./from-zarr.js";
import { arrayInfo, metadataJson, readNode } from "./metadata.js";
import { checkInsideStore, checkNewOutputFolder, ownKeys } from "./output-folder.js";
import { checkAxes, checkChannels, checkPerAxis, completeChannel, type OmeAxisInput } from "./ome-axes.js";
import { buildOmeAttributes, type OmeAxis, type OmeChannel } from "./ome-metadata.js";
import { maxLevels, planPyramid, viewingChunks, type PyramidLevel } from "./pyramid.js";
import { roundToDtype } from "./pyramid-kernels.js";
import { checkNodePath, deleteNode, describeStore, keyOf, listKeys, readKey, readOnlyUrl, storeRefOf, writeKeyAtomic, type StoreInput, type StoreRef } from "./store.js";
import { toZarr, type ToZarrOptions, type ToZarrResult } from "./to-zarr.js";

/** Progress of one level's write: toZarr's, plus which level (0 first) of how many. */
export type OmeProgress = Progress & { readonly level: number; readonly levels: number };

/** Options of {@link toOmeZarr}. */
export interface ToOmeZarrOptions extends Pick<ToZarrOptions, "overwrite" | "resume" | "compressor" | "executor" | "signal" | "retries" | "memoryBudget" | "fingerprint" | "onNote"> {
  /** Called after every task of every level (each level is one run: `done`/`total` restart at each). */
  onProgress?: (progress: OmeProgress) => void;
  /** The image group inside the store; default `""` (the store root). */
  path?: string;
  /** Zarr format: 2 (default) writes NGFF 0.4, 3 writes NGFF 0.5. */
  format?: 2 | 3;
  /** Axis names or objects; default by dimension count `yx`, `zyx`, `czyx`, `tczyx`. Units: `{ name: "z", unit: "micrometer" }` (or `"um"`). */
  axes?: string | readonly OmeAxisInput[];
  /** Physical voxel size of level 0 per axis (default all 1). */
  scale?: readonly number[];
  /** Physical position of level 0's first voxel per axis (default all 0). */
  translation?: readonly number[];
  /** Number of levels including level 0 (default: until y and x fit one chunk). */
  levels?: number;
  /** Zarr chunk shape of level 0, clipped per level (default 1 on time/channel axes, 64 per space axis in 3-D, 256 in 2-D). */
  chunks?: readonly number[];
  /** The image name in the metadata (default `"image"`). */
  name?: string;
  /** `omero` channel labels, colours, windows; windows default to the data range of the coarsest level. Omitted: no `omero`. */
  channels?: readonly OmeChannel[];
  /** User attributes of the image group (beside the OME keys, which they cannot replace). */
  attributes?: Record<string, unknown>;
}

/** What {@link toOmeZarr} wrote. */
export interface ToOmeZarrResult {
  readonly store: string;
  readonly path: string;
  readonly version: "0.4" | "0.5";
  readonly axes: readonly OmeAxis[];
  /** One per level, level 0 first, with the level's scale and translation. */
  readonly levels: readonly (ToZarrResult & { readonly scale: readonly number[]; readonly translation: readonly number[] })[];
  readonly chunksWritten: number;
  readonly chunksSkipped: number;
  readonly bytesWritten: number;
}

const FN = "toOmeZarr";

/**
 * Writes `array` as a multiscale OME-Zarr image.
 * @param array - the image at full resolution (2 to 5 dimensions)
 * @param store - a directory path or a writable zarrita store
 * @param options - `axes`, `scale`, `translation`, `levels`, `chunks`, `format`, `channels`, `overwrite`, `resume`, `executor`, ...
 * @returns each level's write result with its scale
 * @throws {ValueError} for axes, scales, levels, chunks or channels the specification or the shape rule out
 * @throws {ZarrError} when an image or array is already at `path` without `overwrite`/`resume`
 * @throws {TaskError} when computing or writing a block fails
 * @example
 * ```ts
 * await toOmeZarr(deconvolved, "result.ome.zarr", {
 *   axes: [{ name: "c" }, { name: "z", unit: "micrometer" }, { name: "y", unit: "micrometer" }, { name: "x", unit: "micrometer" }],
 *   scale: [1, 0.2, 0.104, 0.104],
 * });
 * ```
 */
export async function toOmeZarr(array: ChunkedArray, store: StoreInput, options: ToOmeZarrOptions = {}): Promise<ToOmeZarrResult> {
  if (!isChunkedArray(array)) throw new ValueError(FN, `array must be a ChunkedArray; got ${show(array)}. Wrap a block with fromArray(block, { chunks })`);
  const path = checkNodePath(FN, options.path ?? "");
  const format = options.format ?? 2;
  if (format !== 2 && format !== 3) throw new ValueError(FN, `format must be 2 (NGFF 0.4) or 3 (NGFF 0.5); got ${show(format)}. Pass 2 or 3`);
  const axes = checkAxes(FN, options.axes, array.ndim);
  const scale = checkPerAxis(FN, "scale", options.scale, axes, 1);
  const translation = checkPerAxis(FN, "translation", options.translation, axes, 0);
  const chunks = checkChunks(options.chunks, array.shape, axes);
  const most = maxLevels(array.shape, axes);
  if (options.levels !== undefined && (!Number.isInteger(options.levels) || options.levels < 1 || options.levels > most)) {
    throw new ValueError(FN, `levels must be an integer from 1 to ${most} for shape ${show(array.shape)} (y and x halve each level); got ${show(options.levels)}. Pass fewer levels, or leave it out`);
  }
  const channelAxis = axes.findIndex((a) => a.type === "channel");
  const channelCount = channelAxis < 0 ? 1 : array.shape[channelAxis]!;
  if (options.channels !== undefined) checkChannels(FN, options.channels, channelCount);
  const name = options.name ?? "image";
  if (typeof name !== "string") throw new ValueError(FN, `name must be a string; got ${show(name)}. Pass e.g. "deconvolved"`);
  const source = options.chunks === undefined ? keepSourceBlocks(array, chunks) : undefined;
  const plan = planPyramid({
    shape: array.shape, axes, scale, translation, chunks: source ?? chunks,
    ...(source === undefined ? {} : { shrinkTo: chunks }),
    ...(options.levels === undefined ? {} : { levels: options.levels }),
  });
  const ref = storeRefOf(FN, store);
  if ("url" in ref) throw readOnlyUrl(FN, ref.url);
  options.signal?.throwIfAborted();

  await prepareGroup(ref, path, format, options, plan.length);
  const levelOptions: ToZarrOptions = {
    format, overwrite: options.overwrite ?? false, resume: options.resume ?? false,
    ...pick(options, ["compressor", "executor", "signal", "retries", "memoryBudget", "onNote"]),
  };
  const results: ToOmeZarrResult["levels"][number][] = [];
  for (const [k, level] of plan.entries()) {
    const x = k === 0 ? levelZero(array, level) : await downsampled(store, levelPath(path, k - 1), level, array);
    const onProgress = options.onProgress;
    const fingerprint = k === 0 && options.fingerprint !== undefined ? { fingerprint: options.fingerprint } : {};
    const r = await toZarr(x, store, { ...levelOptions, ...fingerprint, path: levelPath(path, k), ...(onProgress ? { onProgress: (p: Progress) => onProgress({ ...p, level: k, levels: plan.length }) } : {}) });
    results.push({ ...r, scale: level.scale, translation: level.translation });
  }
  const channels = options.channels === undefined ? undefined : await channelWindows(store, levelPath(path, plan.length - 1), options.channels, channelAxis);
  const attributes = imageAttributes(format, name, axes, plan, channels);
  const { multiscales: _m, omero: _o, ome: _ome, ...own } = await readAttributes(ref, path, format);
  await writeGroupAttributes(ref, path, format, { ...own, ...options.attributes, ...attributes });
  const sum = (f: (r: ToZarrResult) => number) => results.reduce((s, r) => s + f(r), 0);
  return {
    store: describeStore(ref), path, version: format === 2 ? "0.4" : "0.5", axes, levels: results,
    chunksWritten: sum((r) => r.chunksWritten), chunksSkipped: sum((r) => r.chunksSkipped), bytesWritten: sum((r) => r.bytesWritten),
  };
}

/** The OME keys of the image group: multiscales naming the method, and omero when given. */
function imageAttributes(format: 2 | 3, name: string, axes: readonly OmeAxis[], plan: readonly PyramidLevel[], channels: readonly OmeChannel[] | undefined): Record<string, unknown> {
  return buildOmeAttributes({
    version: format === 2 ? "0.4" : "0.5", name, axes,
    datasets: plan.map((l, k) => ({ path: String(k), scale: l.scale, translation: l.translation })),
    type: "local_mean",
    metadata: {
      description: "2x block means (y, x each level; z while its voxel size is at most x's); odd lengths drop their last voxel",
      method: "chunkwise.coarsen", kwargs: { reduction: "mean", trimExcess: true }, factors: plan.slice(1).map((l) => l.factors),
    },
    ...(channels === undefined ? {} : { channels }),
  });
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Pick<T, K>;
}

const levelPath = (path: string, k: number) => (path === "" ? String(k) : `${path}/${k}`);

function checkChunks(chunks: readonly number[] | undefined, shape: readonly number[], axes: readonly OmeAxis[]): number[] {
  if (chunks === undefined) return viewingChunks(shape, axes);
  if (!Array.isArray(chunks) || chunks.length !== shape.length || chunks.some((c) => !Number.isInteger(c) || c < 1)) {
    throw new ValueError(FN, `chunks must have one positive integer per axis (${axes.map((a) => a.name).join(", ")}); got ${show(chunks)}. Pass e.g. [${viewingChunks(shape, axes).join(", ")}] or leave it out`);
  }
  return [...chunks];
}

/** Above this, a block split into viewing chunks is kept whole instead (see {@link keepSourceBlocks}). */
const SPLIT_BYTES = 32 * 2 ** 20;
const SPLIT_PIECES = 8;

/**
 * The array's own (regular) block shape as level 0's chunks when splitting its blocks into
 * viewing chunks would be costly, else undefined. A rechunk task receives the whole block it
 * cuts from: splitting a 600 MB deconvolved volume into 1 MiB chunks would copy (threads) or
 * re-read (distributed) that volume hundreds of times. So a block over 32 MiB that would
 * become more than 8 chunks is written as one chunk, and the levels above shrink their chunks
 * by the same factors down to the viewing chunks.
 */
function keepSourceBlocks(array: ChunkedArray, viewing: readonly number[]): number[] | undefined {
  const block = array.chunks.map((c) => Math.max(1, ...c));
  const pieces = block.reduce((n, b, a) => n * Math.ceil(b / viewing[a]!), 1);
  const bytes = block.reduce((n, b) => n * b, itemSize(array.dtype));
  return pieces > SPLIT_PIECES && bytes > SPLIT_BYTES ? block : undefined;
}

/** Level 0 in its Zarr chunks (a rechunk only when the array's blocks differ from them). */
function levelZero(array: ChunkedArray, level: PyramidLevel): ChunkedArray {
  const same = array.chunks.every((c, a) => c.every((n, i) => n === level.chunks[a]! || (i === c.length - 1 && n <= level.chunks[a]!)));
  return same ? array : rechunk(array, level.chunks);
}

/** Level k from level k-1 as written: read in whole windows, block means, back to the dtype. */
async function downsampled(store: StoreInput, below: string, level: PyramidLevel, source: ChunkedArray): Promise<ChunkedArray> {
  const read = level.chunks.map((c, a) => c * level.factors[a]!);
  const prev = await fromZarr(store, { path: below, chunks: read });
  const factors = Object.fromEntries(level.factors.map((f, a) => [a, f]));
  const means = coarsen(prev, factors, { reduction: "mean", trimExcess: true });
  if (means.dtype === source.dtype) return means;
  if (dtypeKind(source.dtype) === "f") return astype(means, source.dtype);
  return mapBlocks(roundToDtype, [means], { name: "toOmeZarr-round", dtype: source.dtype, params: { dtype: source.dtype } }) as ChunkedArray;
}

/** Windows for channels without one: min and max per channel of the coarsest level (cheap: it is the smallest). */
async function channelWindows(store: StoreInput, top: string, channels: readonly OmeChannel[], channelAxis: number): Promise<OmeChannel[]> {
  const level = await fromZarr(store, { path: top });
  const axis = level.shape.map((_, a) => a).filter((a) => a !== channelAxis);
  const need = channels.some((c) => c.window === undefined);
  const [lo, hi] = need ? await Promise.all([min(level, { axis }).compute(), max(level, { axis }).compute()]) : [undefined, undefined];
  return channels.map((c, i) => completeChannel(c, i, channels.length, {
    min: lo === undefined ? 0 : Number(lo.data[lo.offset + (channelAxis < 0 ? 0 : i * (lo.stride[0] ?? 1))]),
    max: hi === undefined ? 0 : Number(hi.data[hi.offset + (channelAxis < 0 ? 0 : i * (hi.stride[0] ?? 1))]),
  }));
}

/** The group's own attributes (without the OME ones), or undefined when no group is there. */
async function readAttributes(ref: StoreRef, path: string, format: 2 | 3): Promise<Record<string, unknown>> {
  const bytes = await readKey(FN, ref, keyOf(path, format === 2 ? ".zattrs" : "zarr.json"));
  if (bytes === undefined) return {};
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const attrs = (format === 2 ? doc : doc.attributes) as Record<string, unknown> | undefined;
    return typeof attrs === "object" && attrs !== null ? attrs : {};
  } catch {
    return {};
  }
}

/**
 * Refuses an image or array already at `path` (unless `overwrite`/`resume`), or a level
 * folder leading out of the store through a symbolic link; with `overwrite`, removes the old
 * image's metadata first and then the own files of old levels the new image does not write.
 */
async function prepareGroup(ref: StoreRef, path: string, format: 2 | 3, options: ToOmeZarrOptions, levels: number): Promise<void> {
  const node = await readNode(FN, ref, path);
  const where = `${describeStore(ref)}${path === "" ? "" : `/${path}`}`;
  if (node.kind === "array") {
    throw new ZarrError(FN, `path ${JSON.stringify(path)} must be empty or a group; got the array ${node.file}. Write the image to another path, or delete the array first`, { kind: "exists", path });
  }
  await checkInsideStore(FN, ref, path);
  if (node.kind === "none") {
    await checkNewOutputFolder(FN, ref, path);
    return;
  }
  const attrs = await readAttributes(ref, path, node.format);
  const old = (node.format === 2 ? attrs.multiscales : (attrs.ome as { multiscales?: unknown } | undefined)?.multiscales) as { datasets?: { path?: unknown }[] }[] | undefined;
  if (old === undefined) return;
  if (options.resume) return;
  if (!options.overwrite) {
    throw new ZarrError(FN, `path ${JSON.stringify(path)} must not hold an OME-Zarr image when overwrite is false; got an image at ${where}. Pass overwrite: true to replace it, resume: true to finish an interrupted write, or another path`, { kind: "exists", path });
  }
  const { multiscales: _m, omero: _o, ome: _ome, ...rest } = attrs;
  await writeGroupAttributes(ref, path, node.format, rest);
  for (const ds of old[0]?.datasets ?? []) {
    if (typeof ds.path !== "string") continue;
    const p = checkNodePath(FN, path === "" ? ds.path : `${path}/${ds.path}`);
    await checkInsideStore(FN, ref, p);
    // A level the new image writes again is replaced by toZarr's overwrite (its own files only).
    if (Array.from({ length: levels }, (_, k) => levelPath(path, k)).includes(p)) continue;
    const level = await readNode(FN, ref, p);
    const keys = await listKeys(FN, ref, p);
    if (level.kind === "array" && keys !== undefined) await deleteNode(FN, ref, p, ownKeys(arrayInfo(FN, level, p), keys));
  }
  if (node.format !== format) await deleteNode(FN, ref, path, [node.format === 2 ? ".zgroup" : "zarr.json", ".zattrs"]);
}

/** Writes the group's metadata with `attributes` (v2: `.zgroup` + `.zattrs`; v3: `zarr.json`). */
async function writeGroupAttributes(ref: StoreRef, path: string, format: 2 | 3, attributes: Record<string, unknown>): Promise<void> {
  if (format === 2) {
    await writeKeyAtomic(FN, ref, keyOf(path, ".zgroup"), metadataJson({ zarr_format: 2 }));
    await writeKeyAtomic(FN, ref, keyOf(path, ".zattrs"), metadataJson(attributes));
    return;
  }
  await writeKeyAtomic(FN, ref, keyOf(path, "zarr.json"), metadataJson({ zarr_format: 3, node_type: "group", attributes }));
}
