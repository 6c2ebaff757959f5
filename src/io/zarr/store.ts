/**
 * Stores as JSON: every read or write task names its store by a plain-data {@link StoreRef}
 * (a directory, a URL, or a process-local id) so any worker can re-open it by itself. Also the
 * path rules (no `..`, no absolute paths: a key can never escape the store) and the atomic
 * file write (temporary name, then rename) behind the no-half-written-chunk guarantee.
 * @module
 */
import { FetchStore } from "zarrita";
import { ZarrError, reason } from "./errors.js";
import { FileSystemStore, HAS_FILE_SYSTEM, fs, nodePath, writeFileAtomically } from "./host.js";
import { HttpStore } from "./http-store.js";

/** A key inside a store: `/` then the key, e.g. `/data/.zarray` (zarrita's `AbsolutePath`). */
export type StoreKey = `/${string}`;

/**
 * A zarrita store: anything with `get(key)`; writing also needs `set(key, bytes)`. Declared
 * structurally (zarrita's `Readable`, sync or async, with optional writes) so chunkwise's
 * published types never import zarrita's, which do not compile in every strict project.
 */
export interface ZarrStore {
  get(key: StoreKey, options?: { signal?: AbortSignal }): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  getRange?(key: StoreKey, range: { offset: number; length: number } | { suffixLength: number }, options?: { signal?: AbortSignal }): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  set?(key: StoreKey, value: Uint8Array): unknown;
  delete?(key: StoreKey): unknown;
}

/** Where an array lives, as a file-system path or URL string, or a zarrita store object. */
export type StoreInput = string | URL | ZarrStore;

/**
 * A store named by JSON: a directory on the file system, an HTTP(S) URL (read-only), or a
 * store object that lives only in this process (usable by the inline executor only). A
 * zarrita `FetchStore` is such an object: `fetchStore` is its URL, for messages only.
 */
export type StoreRef = { readonly fs: string } | { readonly url: string } | { readonly local: string; readonly fetchStore?: string };

const localStores = new Map<string, WeakRef<ZarrStore>>();
const localIds = new WeakMap<object, string>();
let localCounter = 0;
const opened = new Map<string, ZarrStore>();

/** Names a store input by a {@link StoreRef} (registering in-process stores). */
export function storeRefOf(fn: string, input: StoreInput): StoreRef {
  if (input instanceof URL) input = input.href;
  if (typeof input === "string" && /^file:/i.test(input)) {
    if (!HAS_FILE_SYSTEM) {
      throw new ZarrError(fn, `store must be an http(s) URL, an in-memory store (e.g. a Map) or fileSystemAccessStore(folder) in a browser; got the file: URL ${JSON.stringify(input)}, and a web page cannot read files by URL. Serve the Zarr over HTTP and pass its http(s) URL, or pass fileSystemAccessStore() of a folder the user picked with showDirectoryPicker()`, { kind: "store" });
    }
    input = decodeURIComponent(new URL(input).pathname);
  }
  if (typeof input === "string") {
    if (input === "") {
      throw new ZarrError(fn, `store must be a directory path, a URL or a zarrita store; got an empty string. Pass e.g. "data.zarr"`, { kind: "store" });
    }
    if (/^https?:\/\//i.test(input)) return { url: input };
    if (!HAS_FILE_SYSTEM) {
      throw new ZarrError(fn, `store must be an http(s) URL, an in-memory store (e.g. a Map) or fileSystemAccessStore(folder) in a browser; got the path ${JSON.stringify(input)}, and a web page has no file system. Serve the Zarr over HTTP and pass its absolute URL (new URL(path, location.href) for a relative one), or pass fileSystemAccessStore() of a folder the user picked with showDirectoryPicker()`, { kind: "store" });
    }
    return { fs: nodePath.resolve(input) };
  }
  if (input instanceof FileSystemStore) return { fs: nodePath.resolve(input.root) };
  // A FetchStore's request options (overrides such as auth headers or credentials, a custom
  // fetch, useSuffixRequest) are private to it: re-opening its URL would read without them.
  if (input instanceof FetchStore) return { local: localIdOf(input), fetchStore: String(input.url) };
  if (typeof input !== "object" || input === null || typeof (input as { get?: unknown }).get !== "function") {
    throw new ZarrError(fn, `store must be a directory path, a URL or a zarrita store (an object with get(key)); got ${typeof input}. Pass e.g. "data.zarr" or new FileSystemStore("data.zarr")`, { kind: "store" });
  }
  return { local: localIdOf(input) };
}

/** The process-local id of a store object (registered on first use). */
function localIdOf(input: ZarrStore): string {
  let id = localIds.get(input);
  if (id === undefined) {
    id = `local-${++localCounter}`;
    localIds.set(input, id);
    localStores.set(id, new WeakRef(input));
  }
  return id;
}

/**
 * Why a FetchStore cannot be opened by another thread or process, and the ways out: its
 * request options cannot travel, and reading its URL without them could go out without the
 * user's headers (or, worse, succeed against another resource).
 */
export function fetchStoreElsewhere(url: string, id: string): string {
  return `stores a worker opens must be a directory path or a URL string; got the zarrita FetchStore ${id} of ${url}, whose request options (overrides such as headers or credentials, a custom fetch, useSuffixRequest) live only in the process that made it, and chunkwise never reads its URL without them. Compute with the inline executor; or copy the array first with the inline executor (toZarr(await fromZarr(store), "copy.zarr")) and compute from the copy; or, if the server needs no request options, pass the URL string ${JSON.stringify(url)} instead of the FetchStore`;
}

/** A short description of a store for messages, e.g. `/data/out.zarr`. */
export function describeStore(ref: StoreRef): string {
  if ("fs" in ref) return ref.fs;
  if ("url" in ref) return ref.url;
  if (ref.fetchStore !== undefined) return `the FetchStore of ${ref.fetchStore} (${ref.local})`;
  const store = localStores.get(ref.local)?.deref() as { folder?: { name?: unknown } } | undefined;
  // fileSystemAccessStore's stores carry the picked folder's handle.
  if (typeof store?.folder?.name === "string") return `the picked folder ${JSON.stringify(store.folder.name)} (${ref.local})`;
  return `the in-memory store ${ref.local}`;
}

/** The store a ref names (one instance per ref per thread). */
export function openStore(fn: string, ref: StoreRef): ZarrStore {
  if ("local" in ref) {
    const store = localStores.get(ref.local)?.deref();
    if (store === undefined && ref.fetchStore !== undefined) throw new ZarrError(fn, fetchStoreElsewhere(ref.fetchStore, ref.local), { kind: "store" });
    if (store === undefined) {
      throw new ZarrError(fn, `store ${ref.local} must live in this process; got a task from another thread or process. Pass a directory path or URL instead of a store object when using a threaded or distributed executor`, { kind: "store" });
    }
    return store;
  }
  const key = JSON.stringify(ref);
  let store = opened.get(key);
  if (store === undefined) {
    store = "fs" in ref ? new FileSystemStore(ref.fs) : new HttpStore(ref.url);
    opened.set(key, store);
  }
  return store;
}

const FN_PATH = /^[A-Za-z]:/;

/**
 * Checks an array or group path inside a store and returns it without slashes at either end
 * (`""` is the store root). Paths are relative, `/`-separated, and never contain `.` or `..`
 * segments, so no key built from them can leave the store.
 * @throws {ZarrError} (kind "unsafe-path") otherwise
 */
export function checkNodePath(fn: string, path: unknown): string {
  if (typeof path !== "string") {
    throw new ZarrError(fn, `path must be a string naming the array inside the store; got ${typeof path}. Pass e.g. { path: "data" } ("" for the store root)`, { kind: "unsafe-path" });
  }
  const bad = (why: string): never => {
    throw new ZarrError(fn, `path must stay inside the store (relative, "/"-separated, no "." or ".." parts); got ${JSON.stringify(path)}, which ${why}. Pass a path such as "group/array"`, { kind: "unsafe-path", path });
  };
  if (path.startsWith("/") || FN_PATH.test(path)) bad("is absolute");
  if (path.includes("\\")) bad("contains a backslash");
  if (path.includes("\0")) bad("contains a NUL character");
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") return "";
  for (const part of trimmed.split("/")) {
    if (part === "" || part === "." || part === "..") bad(`has the part ${JSON.stringify(part)}`);
    if (/\.tmp-[0-9a-f]+$/.test(part)) bad("looks like one of chunkwise's temporary files");
  }
  return trimmed;
}

/** The store key of `name` inside node `path`: `/path/name` (zarrita's absolute keys). */
export function keyOf(path: string, name: string): StoreKey {
  return (path === "" ? `/${name}` : `/${path}/${name}`) as StoreKey;
}

/** The file behind a key of a directory store, refusing any key that resolves outside `root`. */
export function fileOf(fn: string, root: string, key: string): string {
  const file = nodePath.resolve(root, `.${key.startsWith("/") ? key : `/${key}`}`);
  const rel = nodePath.relative(root, file);
  if (rel.startsWith("..") || nodePath.isAbsolute(rel)) {
    throw new ZarrError(fn, `chunk and metadata keys must stay inside the store ${root}; got ${JSON.stringify(key)}. This key was crafted or corrupted; check the array path`, { kind: "unsafe-path", chunkKey: key });
  }
  return file;
}

/**
 * Reads a key, or undefined when absent. With a signal, the read is given it (a URL store
 * aborts its request) and is also raced against it, so a store that ignores signals, or a
 * server that never answers, cannot hold the caller past an abort: it rejects with the
 * signal's reason (an AbortError).
 */
export async function readKey(fn: string, ref: StoreRef, key: StoreKey, signal?: AbortSignal): Promise<Uint8Array | undefined> {
  const store = openStore(fn, ref);
  if ("fs" in ref) fileOf(fn, ref.fs, key);
  signal?.throwIfAborted();
  try {
    const read = Promise.resolve(store.get(key, signal ? { signal } : {}));
    return (await (signal ? raceAbort(read, signal) : read)) ?? undefined;
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    if (e instanceof ZarrError) throw e;
    throw new ZarrError(fn, `key ${JSON.stringify(key)} of ${describeStore(ref)} must be readable; got ${reason(e)}. Check the store's permissions or connection`, { kind: "store", chunkKey: key, cause: e });
  }
}

/** `work`, or the signal's reason as soon as it aborts (the work is left to settle unobserved). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** The refusal of a URL as an output, with the way out on this host (a page has no directory paths). */
export function readOnlyUrl(fn: string, url: string): ZarrError {
  const fix = HAS_FILE_SYSTEM ? "Write to a directory path instead" : "In a web page, write to a Map (then zipStore(map) for a download) or to fileSystemAccessStore(folder) of a folder the user picked";
  return new ZarrError(fn, `store must be writable; got the URL ${url}, which is read-only. ${fix}`, { kind: "store" });
}

/**
 * Writes a key so readers never see part of it: on a directory store the bytes go to
 * `<file>.tmp-<random>`, are flushed, then renamed over the final name (atomic on POSIX).
 * In-process stores are written with one `set` call.
 * @throws {ZarrError} (kind "store") for read-only stores or file-system failures
 */
export async function writeKeyAtomic(fn: string, ref: StoreRef, key: StoreKey, bytes: Uint8Array): Promise<void> {
  if ("url" in ref) throw readOnlyUrl(fn, ref.url);
  if ("local" in ref) {
    const store = openStore(fn, ref);
    if (typeof store.set !== "function") {
      throw new ZarrError(fn, `store must be writable (have set(key, bytes)); got a read-only store. Pass ${HAS_FILE_SYSTEM ? "a directory path" : "fileSystemAccessStore(folder)"} or a Map`, { kind: "store" });
    }
    await store.set(key, bytes);
    return;
  }
  const file = fileOf(fn, ref.fs, key);
  try {
    await fs.mkdir(nodePath.dirname(file), { recursive: true });
    await writeFileAtomically(file, bytes, { durable: true });
  } catch (e) {
    throw new ZarrError(fn, `key ${JSON.stringify(key)} must be written to ${ref.fs}; got ${reason(e)}. Check free space and permissions`, { kind: "store", chunkKey: key, cause: e });
  }
}

/** Whether a key is present (a complete file on directory stores; temporary files never count). */
export async function hasKey(fn: string, ref: StoreRef, key: StoreKey): Promise<boolean> {
  if ("fs" in ref) {
    return fs.stat(fileOf(fn, ref.fs, key)).then((s) => s.isFile(), () => false);
  }
  const store = openStore(fn, ref) as ZarrStore & { has?(k: StoreKey): unknown };
  if (typeof store.has === "function") return Boolean(await store.has(key));
  return (await store.get(key)) !== undefined;
}

/**
 * Every key under node `path` (relative to it, "/"-separated), or undefined when the store
 * cannot list (URL stores, stores without `keys()`).
 */
export async function listKeys(fn: string, ref: StoreRef, path: string): Promise<string[] | undefined> {
  if ("fs" in ref) {
    const dir = fileOf(fn, ref.fs, path === "" ? "/" : `/${path}`);
    const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isFile()).map((e) => nodePath.relative(dir, nodePath.join(e.parentPath ?? e.path, e.name)).split(nodePath.sep).join("/"));
  }
  if ("url" in ref) return undefined;
  const store = openStore(fn, ref) as ZarrStore & { keys?(): Iterable<string> | AsyncIterable<string> };
  if (typeof store.keys !== "function") return undefined;
  const prefix = path === "" ? "/" : `/${path}/`;
  const out: string[] = [];
  // Maps list synchronously; a folder store (fileSystemAccessStore) lists asynchronously.
  for await (const k of store.keys()) if (k.startsWith(prefix)) out.push(k.slice(prefix.length));
  return out;
}

/** Deletes the keys under node `path` (its metadata and chunks). */
export async function deleteNode(fn: string, ref: StoreRef, path: string, keys: readonly string[]): Promise<void> {
  if ("fs" in ref) {
    for (const k of keys) await fs.rm(fileOf(fn, ref.fs, keyOf(path, k)), { force: true });
    return;
  }
  const store = openStore(fn, ref);
  for (const k of keys) {
    if (typeof store.delete === "function") await store.delete(keyOf(path, k));
    else if (store instanceof Map) store.delete(keyOf(path, k));
  }
}

/** Whether a relative key is one of chunkwise's temporary files (left by a killed writer). */
export function isTempKey(key: string): boolean {
  return /\.tmp-[0-9a-f]+$/.test(key);
}

/**
 * Removes temporary files a killed writer left: under the array (chunks and metadata) and the
 * metadata of its parent groups. `leftover` says which temporary-looking keys under the array
 * are leftovers (not, say, another writer's lease being created).
 */
export async function removeTempFiles(fn: string, ref: StoreRef, path: string, leftover: (key: string) => boolean = () => true): Promise<void> {
  const keys = (await listKeys(fn, ref, path)) ?? [];
  await deleteNode(fn, ref, path, keys.filter((k) => isTempKey(k) && leftover(k)));
  if (!("fs" in ref)) return;
  const parts = path === "" ? [] : path.split("/");
  for (let i = 0; i < parts.length; i++) {
    const group = parts.slice(0, i).join("/");
    const dir = fileOf(fn, ref.fs, group === "" ? "/" : `/${group}`);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const n of names) if (isTempKey(n) && /^(\.zgroup|\.zattrs|\.zarray|zarr\.json)\.tmp-/.test(n)) await fs.rm(nodePath.join(dir, n), { force: true });
  }
}
