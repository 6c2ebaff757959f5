/**
 * A Zarr store over a folder the user picked in a browser (the File System Access API's
 * `FileSystemDirectoryHandle`, from `showDirectoryPicker()` or the origin-private file system
 * `navigator.storage.getDirectory()`), and a zip of any listable store for a download.
 * Both are plain code over structural types, so they load on Node.js too.
 * @module
 */
import { zipSync, type Zippable } from "fflate";
import { ZarrError } from "./errors.js";
import type { StoreKey, ZarrStore } from "./store.js";

/** What {@link fileSystemAccessStore} needs of a `FileSystemDirectoryHandle` (declared structurally: chunkwise's types need no DOM library). */
export interface DirectoryHandleLike {
  readonly kind: "directory";
  readonly name: string;
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirectoryHandleLike>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandleLike>;
  removeEntry(name: string, options?: { recursive?: boolean }): Promise<void>;
  entries(): AsyncIterable<[string, { readonly kind: string }]>;
}

/** What {@link fileSystemAccessStore} needs of a `FileSystemFileHandle`. */
export interface FileHandleLike {
  readonly kind: "file";
  getFile(): Promise<{ arrayBuffer(): Promise<ArrayBuffer> }>;
  createWritable(): Promise<{ write(data: Uint8Array<ArrayBuffer>): Promise<void>; close(): Promise<void>; abort(reason?: unknown): Promise<void> }>;
}

/** A store over a picked folder: {@link ZarrStore} plus listing (for overwrite) and `has`. */
export interface FolderStore extends ZarrStore {
  readonly folder: DirectoryHandleLike;
  get(key: StoreKey): Promise<Uint8Array | undefined>;
  set(key: StoreKey, value: Uint8Array): Promise<void>;
  delete(key: StoreKey): Promise<void>;
  has(key: StoreKey): Promise<boolean>;
  keys(): AsyncIterable<StoreKey>;
}

const FN = "fileSystemAccessStore";

function partsOf(key: string): string[] {
  const parts = key.replace(/^\//, "").split("/");
  for (const p of parts) {
    if (p === "" || p === "." || p === ".." || p.includes("\\") || p.includes("\0")) {
      throw new ZarrError(FN, `keys must be "/"-separated names with no empty, "." or ".." parts; got ${JSON.stringify(key)}. This key was crafted or corrupted; check the array path`, { kind: "unsafe-path", chunkKey: key });
    }
  }
  return parts;
}

/** Whether `e` is the DOMException a missing entry (or a file where a folder was expected) throws. */
function isAbsent(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === "NotFoundError" || name === "TypeMismatchError";
}

async function folderOf(root: DirectoryHandleLike, parts: readonly string[], create: boolean): Promise<DirectoryHandleLike | undefined> {
  let dir = root;
  for (const p of parts) {
    try {
      dir = await dir.getDirectoryHandle(p, { create });
    } catch (e) {
      if (!create && isAbsent(e)) return undefined;
      throw e;
    }
  }
  return dir;
}

async function fileOf(root: DirectoryHandleLike, key: string): Promise<FileHandleLike | undefined> {
  const parts = partsOf(key);
  const dir = await folderOf(root, parts.slice(0, -1), false);
  if (dir === undefined) return undefined;
  try {
    return await dir.getFileHandle(parts[parts.length - 1]!);
  } catch (e) {
    if (isAbsent(e)) return undefined;
    throw e;
  }
}

async function* walk(dir: DirectoryHandleLike, prefix: string): AsyncGenerator<StoreKey> {
  for await (const [name, handle] of dir.entries()) {
    if (handle.kind === "directory") yield* walk(handle as DirectoryHandleLike, `${prefix}/${name}`);
    else yield `${prefix}/${name}` as StoreKey;
  }
}

/**
 * A Zarr store over a folder chosen with the File System Access API, for `fromZarr`,
 * `toZarr` and `toOmeZarr` in a browser. Each key is a file under the folder (`/a/b/c` is
 * `a/b/c`, folders made on write); a write goes through `createWritable()`, which browsers
 * commit only on `close()`, so a reader never sees half a chunk.
 * @throws {ZarrError} (kind "store") when `folder` is not a directory handle
 * @example
 * const folder = await showDirectoryPicker({ mode: "readwrite" });
 * await toZarr(result, fileSystemAccessStore(folder), { path: "deconvolved" });
 */
export function fileSystemAccessStore(folder: DirectoryHandleLike): FolderStore {
  if (typeof folder !== "object" || folder === null || folder.kind !== "directory" || typeof folder.getFileHandle !== "function") {
    throw new ZarrError(FN, `folder must be a FileSystemDirectoryHandle; got ${folder === null ? "null" : typeof folder}. Pass the handle showDirectoryPicker() or navigator.storage.getDirectory() gives`, { kind: "store" });
  }
  return {
    folder,
    async get(key) {
      const file = await fileOf(folder, key);
      if (file === undefined) return undefined;
      return new Uint8Array(await (await file.getFile()).arrayBuffer());
    },
    async set(key, value) {
      const parts = partsOf(key);
      const dir = (await folderOf(folder, parts.slice(0, -1), true))!;
      const writable = await (await dir.getFileHandle(parts[parts.length - 1]!, { create: true })).createWritable();
      try {
        // The File System Access API takes no view of shared memory: copy one out first.
        await writable.write(value.buffer instanceof ArrayBuffer ? (value as Uint8Array<ArrayBuffer>) : value.slice());
      } catch (e) {
        await writable.abort(e).catch(() => undefined);
        throw e;
      }
      await writable.close();
    },
    async delete(key) {
      const parts = partsOf(key);
      const dir = await folderOf(folder, parts.slice(0, -1), false);
      await dir?.removeEntry(parts[parts.length - 1]!).catch((e: unknown) => {
        if (!isAbsent(e)) throw e;
      });
    },
    async has(key) {
      return (await fileOf(folder, key)) !== undefined;
    },
    keys: () => walk(folder, ""),
  };
}

/**
 * The keys of a listable store (a Map, or {@link fileSystemAccessStore}) as a zip archive, the
 * way to hand an in-memory Zarr to the user as one download. Entries are stored, not deflated
 * (Zarr chunks are compressed already); zarr-python opens the file with `zarr.ZipStore`.
 * @throws {ZarrError} (kind "store") when the store cannot list its keys or a value is not
 *   bytes; (kind "unsafe-path") for a key whose entry could land outside the folder it is
 *   unzipped into (a ".." part, an absolute or drive path, a backslash), an empty or over-long
 *   key, or two keys that would be the same entry (`/a` and `a`)
 * @example
 * const bytes = await zipStore(store);
 * const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(new Blob([bytes])), download: "result.zarr.zip" });
 */
export async function zipStore(store: ZarrStore & { keys?(): Iterable<string> | AsyncIterable<string> }): Promise<Uint8Array> {
  if (typeof store?.keys !== "function") {
    throw new ZarrError(ZIP, `store must list its keys (have keys(), as a Map does); got ${store === null ? "null" : typeof store}. Write to a Map or a fileSystemAccessStore, then zip it`, { kind: "store" });
  }
  const files: Zippable = {};
  const keys: unknown[] = [];
  for await (const k of store.keys()) keys.push(k);
  const names = new Map<string, string>();
  for (const key of keys) {
    const name = zipEntryName(key);
    const before = names.get(name);
    if (before !== undefined) {
      throw new ZarrError(ZIP, `keys must name distinct entries; got ${JSON.stringify(before)} and ${JSON.stringify(key)}, which are both the entry ${JSON.stringify(name)} (one would be lost). Keep one of the two keys in the store`, { kind: "unsafe-path", chunkKey: String(key) });
    }
    names.set(name, key as string);
  }
  for (const [name, key] of [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const bytes = await store.get(key as StoreKey);
    if (bytes === undefined) continue;
    if (!(bytes instanceof Uint8Array)) {
      throw new ZarrError(ZIP, `the value of key ${JSON.stringify(key)} must be bytes (a Uint8Array); got ${bytes === null ? "null" : Array.isArray(bytes) ? "an array" : typeof bytes}. Put only encoded chunks and metadata in the store (toZarr writes Uint8Arrays)`, { kind: "store", chunkKey: key });
    }
    files[name] = [bytes, { level: 0 }];
  }
  return zipSync(files);
}

const ZIP = "zipStore";
/** The longest entry name a zip holds: its length field is 16 bits (bytes of UTF-8). */
const MAX_ZIP_NAME_BYTES = 0xffff;

/**
 * The zip entry name of a store key (the key without its leading "/"), refusing a name an
 * unzip tool could write outside its target folder (".." parts, absolute or drive paths,
 * backslashes), an empty one, or one too long for the format.
 */
function zipEntryName(key: unknown): string {
  if (typeof key !== "string") {
    throw new ZarrError(ZIP, `keys must be strings such as "/data/zarr.json"; got ${typeof key}. List only string keys from keys()`, { kind: "unsafe-path" });
  }
  const name = key.replace(/^\//, "");
  const bad = (why: string): never => {
    throw new ZarrError(ZIP, `keys must be "/"-separated relative names with no empty, "." or ".." parts, backslashes, NUL or drive letters, so unzipping stays inside its folder; got ${JSON.stringify(key.length > 200 ? `${key.slice(0, 200)}...` : key)}, which ${why}. Remove or rename that key in the store`, { kind: "unsafe-path", chunkKey: key });
  };
  if (name.includes("\\")) bad("contains a backslash");
  if (name.includes("\0")) bad("contains a NUL character");
  if (/^[A-Za-z]:/.test(name)) bad("starts with a drive letter");
  if (name.startsWith("/")) bad("is absolute");
  for (const p of name.split("/")) if (p === "" || p === "." || p === "..") bad(name === "" ? "is empty" : `has the part ${JSON.stringify(p)}`);
  const bytes = new TextEncoder().encode(name).length;
  if (bytes > MAX_ZIP_NAME_BYTES) bad(`is ${bytes} bytes long (a zip entry name holds at most ${MAX_ZIP_NAME_BYTES})`);
  return name;
}
