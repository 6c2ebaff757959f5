/**
 * What a write may touch in the folder of its output array: `overwrite` deletes only the old
 * array's own files (its metadata, the chunk keys of its grid, chunkwise's temporary files),
 * never other files a user keeps there; a new array is never written into a folder that holds
 * anything but Zarr metadata and Zarr nodes; and no output folder, nor a folder on the way to
 * it, may lead out of the store through a symbolic link.
 * @module
 */
import { coordsOf, isInside, realExistingAncestor } from "./chunk-write-guard.js";
import { ZarrError } from "./errors.js";
import { fs, nodePath } from "./host.js";
import { LEASE_NAME } from "./lease.js";
import type { ArrayInfo } from "./metadata.js";
import { describeStore, fileOf, isTempKey, type StoreRef } from "./store.js";

/** Metadata files of a Zarr node (v2 and v3, with consolidated metadata). */
const METADATA = new Set([".zarray", ".zattrs", ".zgroup", ".zmetadata", "zarr.json"]);
const ARRAY_METADATA = new Set([".zarray", ".zattrs", "zarr.json"]);

/**
 * The keys (relative to the array) that overwriting the array `info` removes: its own
 * metadata, the chunk keys of its grid and temporary files; never the lease, nor anything else.
 * @example ownKeys(info, ["0.0", ".zarray", "notes.txt"]) // ["0.0", ".zarray"]
 */
export function ownKeys(info: ArrayInfo, keys: readonly string[]): string[] {
  // A sharded array's files are its shards, named on the shard grid.
  const grid = info.shardShape === undefined ? info : { ...info, chunks: info.shardShape };
  return keys.filter((k) => !k.startsWith(LEASE_NAME) && (ARRAY_METADATA.has(k) || isTempKey(k) || coordsOf(grid, k) !== undefined));
}

/** Whether directory `dir` is a Zarr node (holds a metadata file). */
async function isZarrNode(dir: string): Promise<boolean> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names.some((n) => METADATA.has(n));
}

/**
 * Refuses a new array at `path` of a directory store when its folder exists and holds
 * anything but Zarr metadata, Zarr nodes, the lease and temporary files.
 * @throws {ZarrError} (kind "exists") naming the first foreign entries; nothing has been written
 */
export async function checkNewOutputFolder(fn: string, ref: StoreRef, path: string): Promise<void> {
  if (!("fs" in ref)) return;
  const dir = fileOf(fn, ref.fs, path === "" ? "/" : `/${path}`);
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const foreign: string[] = [];
  for (const e of entries) {
    if (METADATA.has(e.name) || e.name.startsWith(LEASE_NAME) || isTempKey(e.name)) continue;
    if (e.isDirectory() && (await isZarrNode(nodePath.join(dir, e.name)))) continue;
    foreign.push(e.isDirectory() ? `${e.name}/` : e.name);
  }
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).map((n) => JSON.stringify(n)).join(", ") + (foreign.length > 3 ? ` and ${foreign.length - 3} more` : "");
    throw new ZarrError(fn, `the folder of a new array must be missing, empty or hold only Zarr nodes; got ${dir}, which holds ${shown}. Write the array to another path or store (nothing was written or deleted)`, { kind: "exists", path });
  }
}

/**
 * Refuses an output at `path` whose folder, or a folder on the way to it, leads out of the
 * store's real path through a symbolic link (so neither writing nor `overwrite` touches files
 * outside the store).
 * @throws {ZarrError} (kind "unsafe-path")
 */
export async function checkInsideStore(fn: string, ref: StoreRef, path: string): Promise<void> {
  if (!("fs" in ref)) return;
  const root = await realExistingAncestor(ref.fs);
  const parts = path === "" ? [] : path.split("/");
  for (let i = 1; i <= parts.length; i++) {
    const dir = nodePath.join(ref.fs, ...parts.slice(0, i));
    const real = await realExistingAncestor(dir);
    if (!isInside(real, root)) {
      throw new ZarrError(fn, `the output folder must lie inside its store ${describeStore(ref)}; got ${dir}, which leads to ${real} through a symbolic link. Remove the link or write to another path`, { kind: "unsafe-path", path });
    }
  }
}
