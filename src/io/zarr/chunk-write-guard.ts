/**
 * What a chunk write named by someone else (a queued task) may touch: a `chunkwise worker`
 * checks every `writeZarrChunk` task with {@link checkChunkWrite} before it runs, so even a
 * signed task can write nothing but a chunk of an existing array. The key must split into the
 * path of an array whose metadata is in that store and a chunk key that the array's key
 * encoding gives for a chunk inside its grid (never `.zarray`, `.bashrc`, `..`, an absolute
 * path or a temporary file's name); the chunk shape and dtype must be the array's; the
 * directory the chunk lands in must lie inside the store once symbolic links are resolved;
 * and the store itself inside one of the allowed roots, when roots are given.
 * @module
 */
import { ZarrError } from "./errors.js";
import { fs, nodePath } from "./host.js";
import { arrayInfo, chunkKeyOf, readNode, type ArrayInfo } from "./metadata.js";
import { checkNodePath, type StoreRef } from "./store.js";
import type { WriteChunkParams } from "./write-kernels.js";

const FN = "worker";
const COORD = /^(0|[1-9][0-9]{0,15})$/;

function refuse(message: string, key?: string): never {
  throw new ZarrError(FN, message, { kind: "unsafe-path", ...(key === undefined ? {} : { chunkKey: key }) });
}

/** Whether `p` is `root` or inside it (both real paths). */
export function isInside(p: string, root: string): boolean {
  const rel = nodePath.relative(root, p);
  return rel === "" || (!rel.startsWith("..") && !nodePath.isAbsolute(rel));
}

/**
 * The real path of a store directory, which must exist and lie inside one of `roots` (real
 * paths) when given.
 * @throws {ZarrError} (kind "unsafe-path") otherwise
 */
export async function realStoreRoot(fs_: string, roots: readonly string[] | undefined, task: string): Promise<string> {
  let real: string;
  try {
    real = await fs.realpath(fs_);
  } catch {
    return refuse(`stores and files a task names must exist on this worker; got ${JSON.stringify(fs_)} in task '${task}'. Check the path, and that the store was created (its metadata written) first`);
  }
  if (roots !== undefined && !roots.some((r) => isInside(real, r))) {
    refuse(`stores must lie inside the directories this worker was started with (--stores); got ${JSON.stringify(fs_)}${real === fs_ ? "" : ` (really ${JSON.stringify(real)})`} in task '${task}'. Start the worker with --stores naming a directory that holds it`);
  }
  return real;
}

/** The coordinates `chunk` names in `info`'s key encoding and grid, or undefined. */
export function coordsOf(info: ArrayInfo, chunk: string): number[] | undefined {
  const { v2, separator } = info.keyEncoding;
  const ndim = info.shape.length;
  let parts = chunk.split(separator);
  if (!v2) {
    if (parts[0] !== "c") return undefined;
    parts = parts.slice(1);
  } else if (ndim === 0) {
    parts = chunk === "0" ? [] : ["x"];
  }
  if (parts.length !== ndim || !parts.every((p) => COORD.test(p))) return undefined;
  const coords = parts.map(Number);
  if (coords.some((c, ax) => c >= Math.max(1, Math.ceil(info.shape[ax]! / info.chunks[ax]!)))) return undefined;
  // Re-encoding must give the same key: no other spelling of the same chunk gets through.
  return chunkKeyOf(info, coords) === chunk ? coords : undefined;
}

/** The deepest existing directory on the way to `dir`, resolved. */
export async function realExistingAncestor(dir: string): Promise<string> {
  for (let d = dir; ; d = nodePath.dirname(d)) {
    try {
      return await fs.realpath(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT" || nodePath.dirname(d) === d) throw e;
    }
  }
}

/** Refuses when `dir` (or its deepest existing ancestor) leads out of `root` through a symbolic link. */
async function insideStore(root: string, dir: string, key: string, task: string): Promise<void> {
  const real = await realExistingAncestor(dir);
  if (!isInside(real, root)) {
    refuse(`a chunk must be written inside its store ${root}; got ${JSON.stringify(key)}, whose directory leads to ${JSON.stringify(real)} through a symbolic link, in task '${task}'. Remove the link`, key);
  }
}

/**
 * Checks that the chunk write `params` of task `task` writes only a chunk of an existing array
 * of its store, inside the store and inside `roots` (real paths), when given.
 * @throws {ZarrError} (kind "unsafe-path") naming what is wrong; nothing has been written
 * @example await checkChunkWrite(task.params as WriteChunkParams, ["/data"], task.key);
 */
export async function checkChunkWrite(params: WriteChunkParams, roots: readonly string[] | undefined, task: string): Promise<void> {
  const store = (params as { store?: StoreRef } | undefined)?.store;
  if (store === undefined || typeof store !== "object" || typeof (store as { fs?: unknown }).fs !== "string") {
    refuse(`a chunk write must name a directory store ({ fs }); got ${JSON.stringify(store)} in task '${task}'. Write to a directory path`);
  }
  const storeDir = (store as { fs: string }).fs;
  const key = params.key;
  if (typeof key !== "string" || !key.startsWith("/") || key.includes("\\") || key.includes("\0")) {
    refuse(`a chunk key must be an absolute store key such as "/array/0.0"; got ${JSON.stringify(key)} in task '${task}'. This task was crafted or corrupted: it is refused`, String(key));
  }
  const segments = key.slice(1).split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) {
    refuse(`a chunk key must stay inside its store (no empty, "." or ".." parts); got ${JSON.stringify(key)} in task '${task}'. This task was crafted or corrupted: it is refused`, key);
  }
  const root = await realStoreRoot(storeDir, roots, task);
  const ref = { fs: root };
  // The longest prefix of the key that is an array; the rest must be one of its chunk keys.
  for (let i = segments.length - 1; i >= 0; i--) {
    const path = segments.slice(0, i).join("/");
    try {
      checkNodePath(FN, path);
    } catch {
      continue;
    }
    // Never read metadata (or write) through a link out of the store.
    await insideStore(root, nodePath.join(root, ...segments.slice(0, i)), key, task);
    const node = await readNode(FN, ref, path).catch(() => ({ kind: "none" }) as const);
    if (node.kind !== "array") continue;
    const info = arrayInfo(FN, node, path);
    if (info.sharded || coordsOf(info, segments.slice(i).join("/")) === undefined) break;
    const chunks = params.chunkShape;
    if (!Array.isArray(chunks) || chunks.length !== info.chunks.length || chunks.some((c, ax) => c !== info.chunks[ax]) || (info.dtype !== undefined && params.dtype !== info.dtype)) {
      refuse(`a chunk write must match its array's chunk shape ${JSON.stringify(info.chunks)} and dtype ${info.zarrDtype}; got ${JSON.stringify(chunks)} ${JSON.stringify(params.dtype)} for ${JSON.stringify(key)} in task '${task}'. This task was crafted or corrupted: it is refused`, key);
    }
    await insideStore(root, nodePath.dirname(nodePath.join(root, ...segments)), key, task);
    return;
  }
  refuse(`a chunk write must name a chunk of an array whose metadata is in the store; got ${JSON.stringify(key)} in ${JSON.stringify(storeDir)} in task '${task}', which is no chunk of any array there. Write the array's metadata first (toZarr does)`, key);
}
