/**
 * What a queued task may read and write, checked by `chunkwise worker` after the kernel
 * allow-list and before anything runs. Every chunk write must be a chunk of an existing array
 * inside its store (see `checkChunkWrite`); with `--stores`, every directory store, TIFF file
 * and URL store a task names must lie inside one of the given directories or URL prefixes
 * (a URL store outside them is refused, so a task cannot make the worker fetch an internal
 * address). Kernels that read or write files may only be a task's own kernel, never a function
 * argument of another kernel, whose parameters the worker could not see.
 * @module
 */
import { realpathSync } from "node:fs";
import * as nodePath from "node:path";
import { fileURLToPath } from "node:url";
import { ValueError } from "../../core/errors.js";
import { kernelRefOf, type KernelRef } from "../../graph/kernel.js";
import { isClosureRef, type ClosureRef, type Task } from "../../graph/task.js";
import { imreadBlock } from "../../io/tiff/imread.js";
import { checkChunkWrite, realStoreRoot } from "../../io/zarr/chunk-write-guard.js";
import { readZarrRegion } from "../../io/zarr/read-kernels.js";
import { checkNodePath, fetchStoreElsewhere } from "../../io/zarr/store.js";
import { writeZarrChunk, type WriteChunkParams } from "../../io/zarr/write-kernels.js";
import { DistributedError } from "./distributed-error.js";
import { checkIoParams } from "./io-params.js";

/** Where tasks may read and write: directories (real paths) and URL prefixes; undefined: anywhere. */
export interface StorePolicy {
  readonly dirs: readonly string[];
  readonly urls: readonly URL[];
}

/**
 * The `--stores` entries as a policy: `http(s)://` entries are URL prefixes (origin and path
 * prefix), anything else a directory that must exist (resolved against `cwd`, symbolic links
 * followed).
 * @throws {ValueError} for a directory that does not exist or a malformed URL
 * @example storePolicy(["/data", "https://zarr.example.org/public/"], "/")
 */
export function storePolicy(entries: readonly string[], cwd: string): StorePolicy {
  const dirs: string[] = [];
  const urls: URL[] = [];
  for (const e of entries) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(e)) {
      let url: URL;
      try {
        url = new URL(e);
      } catch {
        throw new ValueError("worker", `every --stores URL must parse; got ${JSON.stringify(e)}. Write e.g. https://host/prefix/`);
      }
      if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
        throw new ValueError("worker", `every --stores URL must be a plain http:// or https:// prefix (no user, query or fragment); got ${JSON.stringify(e)}. Write e.g. https://host/prefix/`);
      }
      urls.push(url);
      continue;
    }
    try {
      dirs.push(realpathSync(nodePath.resolve(cwd, e)));
    } catch {
      throw new ValueError("worker", `every --stores directory must exist; got ${JSON.stringify(e)}. Create it, or pass the directory that holds your stores`);
    }
  }
  return { dirs, urls };
}

/** Whether `text` is a URL inside one of `prefixes` (same origin, path under the prefix's path). */
export function urlAllowed(text: string, prefixes: readonly URL[]): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.username !== "" || url.password !== "") return false;
  return prefixes.some((p) => {
    if (url.origin !== p.origin) return false;
    const base = p.pathname.endsWith("/") ? p.pathname : `${p.pathname}/`;
    return url.pathname === p.pathname || url.pathname.startsWith(base);
  });
}

/** Whether two kernel refs name the same export of the same file (by real path). */
function sameKernel(a: KernelRef, b: KernelRef): boolean {
  if (a.name !== b.name) return false;
  if (a.module === b.module) return true;
  try {
    return realpathSync(fileURLToPath(a.module)) === realpathSync(fileURLToPath(b.module));
  } catch {
    return false;
  }
}

const WRITE = kernelRefOf(writeZarrChunk)!;
const READ = kernelRefOf(readZarrRegion)!;
const IMREAD = kernelRefOf(imreadBlock)!;
const IO_KERNELS = [WRITE, READ, IMREAD];

function refused(message: string, cause?: unknown): DistributedError {
  return new DistributedError("worker", message.replace(/^worker: /, ""), { kind: "refused", ...(cause === undefined ? {} : { cause }) });
}

/**
 * Checks every file and URL a task (with kernels already mapped by the allow-list) would touch.
 * @throws {DistributedError} (kind "refused") naming what is outside, before anything ran
 * @example await checkTaskStores(task, storePolicy(["/data"], process.cwd()));
 */
export async function checkTaskStores(task: Task, policy: StorePolicy | undefined): Promise<void> {
  const key = task.key;
  const dirOk = async (path: unknown, what: string): Promise<void> => {
    if (policy === undefined) return;
    if (typeof path !== "string") throw refused(`${what} must be a path; got ${JSON.stringify(path)} in task '${key}'. This job was crafted or corrupted: it is refused`);
    await realStoreRoot(path, policy.dirs, key).catch((e: unknown) => {
      throw refused((e as Error).message, e);
    });
  };
  const storeOk = async (store: unknown): Promise<void> => {
    const s = store as { fs?: unknown; url?: unknown; local?: unknown; fetchStore?: unknown } | null;
    if (s !== null && typeof s === "object" && typeof s.url === "string") {
      if (policy !== undefined && !urlAllowed(s.url, policy.urls)) {
        throw refused(`URL stores must lie under the URL prefixes this worker was started with (--stores); got ${JSON.stringify(s.url)} in task '${key}'. Start the worker with --stores naming that URL's prefix`);
      }
      return;
    }
    if (s !== null && typeof s === "object" && typeof s.fs === "string") return dirOk(s.fs, "a store");
    if (s !== null && typeof s === "object" && typeof s.local === "string" && typeof s.fetchStore === "string") throw refused(`${fetchStoreElsewhere(s.fetchStore, s.local)} (task '${key}')`);
    throw refused(`stores a worker opens must be a directory ({ fs }) or a URL ({ url }); got ${JSON.stringify(store)} in task '${key}'. Pass a directory path or URL, not a store object, to run on workers`);
  };
  const visit = async (t: Task): Promise<void> => {
    const k = t.kernel as KernelRef | ClosureRef;
    const p = t.params as Record<string, unknown> | undefined;
    if (!isClosureRef(k) && sameKernel(k, WRITE)) {
      await checkChunkWrite(p as unknown as WriteChunkParams, policy?.dirs, key).catch((e: unknown) => {
        throw refused((e as Error).message, e);
      });
    } else if (!isClosureRef(k) && sameKernel(k, READ)) {
      checkIoParams("readZarrRegion", p, key);
      await storeOk(p?.store);
      try {
        checkNodePath("worker", p?.path);
      } catch (e) {
        throw refused(`${(e as Error).message} (task '${key}')`, e);
      }
    } else if (!isClosureRef(k) && sameKernel(k, IMREAD)) {
      checkIoParams("imreadBlock", p, key);
      await dirOk(p?.path, "a TIFF file");
    }
    for (const a of t.args) {
      if ("task" in a) await visit(a.task);
      else if ("fn" in a && !isClosureRef(a.fn) && IO_KERNELS.some((io) => sameKernel(a.fn as KernelRef, io))) {
        throw refused(`kernels that read or write files must be a task's own kernel; got ${a.fn.name} as an argument of another kernel in task '${key}'. This job was crafted or corrupted: it is refused`);
      }
    }
  };
  await visit(task);
}
