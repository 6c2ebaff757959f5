/**
 * `openOmeZarr(store)` and `fromOmeZarr(store, { level })`: OME-Zarr images (NGFF 0.4 in
 * Zarr v2, 0.5 in Zarr v3) as lazy arrays. Opening reads the group's metadata and every
 * level's array metadata (no chunk), checks that each level has one dimension per axis, and
 * lists levels with their shapes, chunks, scales and translations; a level opens with
 * `fromZarr`, so it reads exactly as any Zarr array does.
 * @module
 */
import type { ChunksInput } from "../../chunks/grid.js";
import type { ChunkedArray } from "../../array/chunked-array.js";
import type { DataType } from "../../core/dtype.js";
import { ValueError, show } from "../../core/errors.js";
import { ZarrError } from "./errors.js";
import { fromZarr } from "./from-zarr.js";
import { arrayInfo, readNode } from "./metadata.js";
import { parseOmeImage, type OmeAxis, type OmeChannel } from "./ome-metadata.js";
import { checkNodePath, describeStore, keyOf, readKey, storeRefOf, type StoreInput, type StoreRef } from "./store.js";

/** One resolution level of an OME-Zarr image. */
export interface OmeLevel {
  /** The level's array path inside the store, e.g. `"image/0"`. */
  readonly path: string;
  readonly shape: readonly number[];
  /** The Zarr chunk shape. */
  readonly chunks: readonly number[];
  readonly dtype: DataType | string;
  /** Physical voxel size per axis. */
  readonly scale: readonly number[];
  /** Physical position of voxel 0 per axis. */
  readonly translation: readonly number[];
}

/** An opened OME-Zarr image: its metadata, and {@link OmeZarrImage.level} to read a level lazily. */
export interface OmeZarrImage {
  /** The store (directory, URL or in-memory id) and the image group's path in it. */
  readonly store: string;
  readonly path: string;
  readonly version: "0.4" | "0.5";
  readonly zarrFormat: 2 | 3;
  readonly name: string | undefined;
  readonly axes: readonly OmeAxis[];
  /** Highest resolution first. */
  readonly levels: readonly OmeLevel[];
  /** The downscaling method and its details, as the writer recorded them. */
  readonly type: string | undefined;
  readonly metadata: unknown;
  /** `omero` rendering channels, when present. */
  readonly channels: readonly OmeChannel[] | undefined;
  /** Opens level `index` (0 = full resolution) as a lazy array; `chunks` as fromZarr's. */
  level(index?: number, options?: { chunks?: ChunksInput }): Promise<ChunkedArray>;
}

/** Options of {@link openOmeZarr}. */
export interface OpenOmeZarrOptions {
  /** The image group inside the store; default `""` (the store root). */
  path?: string;
  /** Cancels opening. */
  signal?: AbortSignal;
}

/** Options of {@link fromOmeZarr}. */
export interface FromOmeZarrOptions extends OpenOmeZarrOptions {
  /** The resolution level, 0 (default, full resolution) to `levels.length - 1`. */
  level?: number;
  /** The chunking of the lazy array, as fromZarr's (default: the level's Zarr chunks). */
  chunks?: ChunksInput;
}

const FN = "openOmeZarr";
const decoder = new TextDecoder();

/** A group's attributes: v2 `.zattrs`, v3 `zarr.json` `attributes`. */
async function groupAttributes(fn: string, ref: StoreRef, path: string, format: 2 | 3, where: string, signal: AbortSignal | undefined): Promise<Record<string, unknown>> {
  const key = keyOf(path, format === 3 ? "zarr.json" : ".zattrs");
  const bytes = await readKey(fn, ref, key, signal);
  if (bytes === undefined) return {};
  let doc: unknown;
  try {
    doc = JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw new ZarrError(fn, `the attributes of ${where} must be JSON; got unreadable content in ${key}. Restore it or re-write the image`, { kind: "metadata", path, cause: e });
  }
  const attrs = format === 3 ? (doc as { attributes?: unknown } | null)?.attributes : doc;
  return typeof attrs === "object" && attrs !== null && !Array.isArray(attrs) ? (attrs as Record<string, unknown>) : {};
}

/**
 * Opens an OME-Zarr image group: reads its multiscales metadata and each level's array
 * metadata, no chunks.
 * @param store - a directory path, an http(s) URL, or a zarrita store
 * @param options - `path` of the image group in the store
 * @returns the image's axes, levels (shapes, chunks, scales, translations) and `level(i)`
 * @throws {ZarrError} when nothing, an array, or a group that is not an OME-Zarr image is at
 *   `path` (kind "not-found" / "not-an-array" / "metadata"), when a level's array is missing
 *   or its dimensions do not match the axes, or the metadata breaks the NGFF rules
 * @example
 * ```ts
 * const img = await openOmeZarr("cells.ome.zarr");
 * console.log(img.axes.map((a) => a.name), img.levels.map((l) => l.shape));
 * const full = await img.level(0);
 * ```
 */
export async function openOmeZarr(store: StoreInput, options: OpenOmeZarrOptions = {}): Promise<OmeZarrImage> {
  const path = checkNodePath(FN, options.path ?? "");
  const ref = storeRefOf(FN, store);
  const { signal } = options;
  signal?.throwIfAborted();
  const where = `${describeStore(ref)}${path === "" ? "" : `/${path}`}`;
  const node = await readNode(FN, ref, path, signal);
  if (node.kind === "none") throw new ZarrError(FN, `path ${JSON.stringify(path)} must hold an OME-Zarr image group; got nothing at ${where}. Check the store and path`, { kind: "not-found", path });
  if (node.kind === "array") throw new ZarrError(FN, `path ${JSON.stringify(path)} must be an OME-Zarr image group; got a plain array (${node.file}). Open it with fromZarr, or pass the path of the image group above it`, { kind: "not-an-array", path });
  const meta = parseOmeImage(FN, await groupAttributes(FN, ref, path, node.format, where, signal), node.format, where);
  const levels: OmeLevel[] = [];
  for (const ds of meta.datasets) {
    const levelPath = checkNodePath(FN, path === "" ? ds.path : `${path}/${ds.path}`);
    const arr = await readNode(FN, ref, levelPath, signal);
    if (arr.kind !== "array") {
      throw new ZarrError(FN, `every dataset listed in the multiscales of ${where} must be a Zarr array; got ${arr.kind === "none" ? "nothing" : "a group"} at "${ds.path}". Finish or re-write the image (an interrupted write resumes with resume: true)`, { kind: "not-found", path: levelPath });
    }
    const info = arrayInfo(FN, arr, levelPath);
    if (info.shape.length !== meta.axes.length) {
      throw new ZarrError(FN, `level "${ds.path}" of ${where} must have one dimension per axis (${meta.axes.length}: ${meta.axes.map((a) => a.name).join(", ")}); got shape ${JSON.stringify(info.shape)}. Fix the axes or re-write the image`, { kind: "metadata", path: levelPath });
    }
    levels.push({ path: levelPath, shape: info.shape, chunks: info.chunks, dtype: info.dtype ?? info.zarrDtype, scale: ds.scale, translation: ds.translation });
  }
  return {
    store: describeStore(ref), path, version: meta.version, zarrFormat: node.format, name: meta.name, axes: meta.axes, levels,
    type: meta.type, metadata: meta.metadata, channels: meta.channels,
    level: (index = 0, opts = {}) => {
      if (!Number.isInteger(index) || index < 0 || index >= levels.length) {
        return Promise.reject(new ValueError("fromOmeZarr", `level must be an integer in [0, ${levels.length - 1}]; got ${show(index)}. The image at ${where} has ${levels.length} levels`));
      }
      return fromZarr(store, { path: levels[index]!.path, ...(opts.chunks === undefined ? {} : { chunks: opts.chunks }), ...(signal ? { signal } : {}) });
    },
  };
}

/**
 * One level of an OME-Zarr image as a lazy array (level 0, full resolution, by default). Use
 * {@link openOmeZarr} for the axes, scales and the other levels.
 * @param store - a directory path, an http(s) URL, or a zarrita store
 * @param options - `path` of the image group, `level`, `chunks`
 * @throws as {@link openOmeZarr}; {@link ValueError} for a level that does not exist
 * @example
 * ```ts
 * const preview = await fromOmeZarr("cells.ome.zarr", { level: 2 });
 * ```
 */
export async function fromOmeZarr(store: StoreInput, options: FromOmeZarrOptions = {}): Promise<ChunkedArray> {
  const image = await openOmeZarr(store, options);
  return image.level(options.level ?? 0, options.chunks === undefined ? {} : { chunks: options.chunks });
}
