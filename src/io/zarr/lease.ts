/**
 * One writer per output array: a run holds an exclusive lease on its output while it writes.
 * On a directory store the lease is the file `.chunkwise-lease` in the array's folder, made
 * complete under a temporary name and linked into place (`link` fails when the name exists,
 * so exactly one of two racing writers gets it). It names the holder (host, pid, run id, start
 * time, chunkwise version); the holder touches its mtime every `refreshMs` and removes it when
 * the run ends, fails or is aborted. Zarr readers ignore the file (it is no chunk key).
 *
 * A lease is stale when its holder is on this host and its pid is gone, or on another host and
 * it was not refreshed for `staleMs`. A stale lease is taken over only when the caller says so
 * (`resume` or `overwrite`), by renaming it aside and checking it was the one judged stale. A
 * holder whose lease was taken over (it stalled past `staleMs`) notices at its next refresh and
 * stops writing. In-process stores get the same rule through a registry in this process.
 * @module
 */
import { fs, hostName, nodePath, pidAlive, processId } from "./host.js";
import { randomHex } from "./random-hex.js";
import { ZarrError } from "./errors.js";
import { describeStore, fileOf, keyOf, type StoreRef } from "./store.js";

/** The lease file's name inside the output array's folder. */
export const LEASE_NAME = ".chunkwise-lease";

/** Who holds a lease (the lease file's JSON). */
interface LeaseHolder {
  readonly host: string;
  readonly pid: number;
  readonly runId: string;
  /** ISO time the run took the lease. */
  readonly started: string;
  readonly version: string;
}

/** Lease timing. */
export interface LeaseOptions {
  /** A lease on another host not refreshed for this long is stale (default 10 minutes). */
  readonly staleMs?: number;
  /** How often the holder refreshes its lease (default 10 s). */
  readonly refreshMs?: number;
}

/** A held lease. */
export interface Lease {
  readonly holder: LeaseHolder;
  /** Aborts (with a ZarrError of kind "busy") if another run took the lease over. */
  readonly lost: AbortSignal;
  /** Stops refreshing and removes the lease (only if it is still ours). */
  release(): Promise<void>;
}

const DEFAULT_STALE_MS = 10 * 60_000;
const lostErrors = new WeakSet<object>();
const lost = (e: ZarrError): ZarrError => (lostErrors.add(e), e);

/** Whether `e` says a running write lost its lease (things were written), not that it never got one. */
export function isLeaseLost(e: unknown): boolean {
  return typeof e === "object" && e !== null && lostErrors.has(e);
}
const DEFAULT_REFRESH_MS = 10_000;
const inProcess = new Map<string, LeaseHolder>();

/** Why a lease is stale, or undefined while its holder may still be running. */
function staleReason(holder: Partial<LeaseHolder> | undefined, refreshedMs: number, staleMs: number, now = Date.now()): string | undefined {
  if (holder?.host === hostName() && typeof holder.pid === "number") {
    return pidAlive(holder.pid) ? undefined : `its process ${holder.pid} on this host is gone`;
  }
  const age = now - refreshedMs;
  return age > staleMs ? `it was last refreshed ${Math.round(age / 1000)} s ago, more than ${Math.round(staleMs / 1000)} s` : undefined;
}

function describeHolder(h: Partial<LeaseHolder> | undefined, refreshedMs?: number): string {
  if (h === undefined) return "an unreadable lease";
  const age = refreshedMs === undefined ? "" : `, refreshed ${Math.max(0, Math.round((Date.now() - refreshedMs) / 1000))} s ago`;
  return `host ${h.host ?? "?"}, pid ${h.pid ?? "?"}, run ${h.runId ?? "?"}, started ${h.started ?? "?"}${age}`;
}

async function readHolder(file: string): Promise<{ holder: Partial<LeaseHolder> | undefined; refreshedMs: number } | undefined> {
  try {
    const [text, st] = await Promise.all([fs.readFile(file, "utf8"), fs.stat(file)]);
    let holder: Partial<LeaseHolder> | undefined;
    try {
      const v: unknown = JSON.parse(text);
      holder = typeof v === "object" && v !== null ? (v as Partial<LeaseHolder>) : undefined;
    } catch {
      holder = undefined;
    }
    return { holder, refreshedMs: st.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

function busy(fn: string, where: string, path: string, text: string): ZarrError {
  return new ZarrError(fn, `the output ${where} must have one writer at a time; got ${text}`, { kind: "busy", path });
}

/** Creates `file` holding `json` only if no file has that name (complete content, never a half-written lease). */
async function createExclusive(file: string, json: string): Promise<boolean> {
  const tmp = `${file}.tmp-${randomHex(6)}`;
  await fs.writeFile(tmp, json, { flag: "wx" });
  try {
    await fs.link(tmp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS") throw e;
    // File systems without hard links: O_EXCL create, then the content.
    try {
      await fs.writeFile(file, json, { flag: "wx" });
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw e2;
    }
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** Moves a stale lease aside; false if the file there is no longer the one judged stale. */
async function takeOver(file: string, judged: Partial<LeaseHolder> | undefined): Promise<boolean> {
  const aside = `${file}.stale-${randomHex(6)}`;
  try {
    await fs.rename(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw e;
  }
  const moved = await readHolder(aside);
  if (moved !== undefined && moved.holder?.runId !== judged?.runId) {
    // Another run replaced the stale lease between our read and our rename: put it back.
    await fs.link(aside, file).catch(() => undefined);
    await fs.rm(aside, { force: true });
    return false;
  }
  await fs.rm(aside, { force: true });
  return true;
}

/**
 * Takes the lease on the array `path` of `ref`, creating the array's folder if needed.
 * @param takeOverStale - take over a stale lease (resume or overwrite); a live one is always refused
 * @throws {ZarrError} (kind "busy") naming the holder when another run holds the lease, or
 *   when a stale lease is found and `takeOverStale` is false (the message says to resume)
 * @example
 * ```ts
 * const lease = await acquireLease("toZarr", { fs: "/data/out.zarr" }, "deconvolved", { takeOverStale: false, runId, version });
 * try { ... } finally { await lease.release(); }
 * ```
 */
export async function acquireLease(
  fn: string, ref: StoreRef, path: string, options: LeaseOptions & { takeOverStale: boolean; runId: string; version: string },
): Promise<Lease> {
  const holder: LeaseHolder = { host: hostName(), pid: processId(), runId: options.runId, started: new Date().toISOString(), version: options.version };
  const where = `${describeStore(ref)}${path === "" ? "" : `/${path}`}`;
  const controller = new AbortController();
  if (!("fs" in ref)) {
    const id = JSON.stringify([ref, path]);
    const other = inProcess.get(id);
    if (other !== undefined) throw busy(fn, where, path, `a run in progress in this process (${describeHolder(other)}). Wait for it to end, or write to another path`);
    inProcess.set(id, holder);
    return { holder, lost: controller.signal, release: async () => void (inProcess.get(id) === holder && inProcess.delete(id)) };
  }
  const file = fileOf(fn, ref.fs, keyOf(path, LEASE_NAME));
  const created = await makeFolders(nodePath.dirname(file));
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const json = `${JSON.stringify(holder, null, 2)}\n`;
  for (let attempt = 0; ; attempt++) {
    if (await createExclusive(file, json)) break;
    const seen = await readHolder(file);
    if (seen === undefined) continue;
    const stale = staleReason(seen.holder, seen.refreshedMs, staleMs);
    if (stale === undefined || attempt >= 5) {
      await removeFolders(created);
      throw busy(fn, where, path, `a run in progress (${describeHolder(seen.holder, seen.refreshedMs)}; lease ${file}). Wait for it to end, or write to another path`);
    }
    if (!options.takeOverStale) {
      await removeFolders(created);
      throw busy(fn, where, path, `the lease of a run that stopped (${describeHolder(seen.holder, seen.refreshedMs)}): ${stale}. Pass resume: true (--resume on the command line) to take it over and finish that run, or overwrite: true (--overwrite) to start again`);
    }
    await takeOver(file, seen.holder);
  }
  const refresh = setInterval(() => {
    void readHolder(file).then(async (now) => {
      if (now?.holder?.runId === holder.runId) {
        const t = new Date();
        await fs.utimes(file, t, t);
        return;
      }
      clearInterval(refresh);
      controller.abort(lost(busy(fn, where, path, `the lease taken over by another run (${describeHolder(now?.holder)}) while this one had not refreshed it for more than ${Math.round(staleMs / 1000)} s. This run stopped writing; check which run's chunks the output holds`)));
    }).catch(() => undefined);
  }, options.refreshMs ?? DEFAULT_REFRESH_MS);
  refresh.unref();
  return {
    holder,
    lost: controller.signal,
    release: async () => {
      clearInterval(refresh);
      const now = await readHolder(file).catch(() => undefined);
      if (now?.holder?.runId === holder.runId) await fs.rm(file, { force: true });
      await removeFolders(created);
    },
  };
}

/** mkdir -p, returning the folders it created (deepest last). */
async function makeFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let d = dir; ; d = nodePath.dirname(d)) {
    const exists = await fs.stat(d).then(() => true, () => false);
    if (exists || nodePath.dirname(d) === d) break;
    missing.unshift(d);
  }
  await fs.mkdir(dir, { recursive: true });
  return missing;
}

/** Removes the folders a lease created if nothing else was put in them (a run refused before writing). */
async function removeFolders(created: readonly string[]): Promise<void> {
  for (const d of [...created].reverse()) await fs.rmdir(d).catch(() => undefined);
}

/**
 * The lease on a directory store's array, if any, described for messages: who holds it, and
 * why it is stale (undefined while its holder may be running).
 * @example await leaseStatus("/data/out.zarr", "deconvolved") // { holder: "host a, pid 12, ...", stale: undefined }
 */
export async function leaseStatus(root: string, path: string, staleMs = DEFAULT_STALE_MS): Promise<{ holder: string; stale: string | undefined } | undefined> {
  const seen = await readHolder(fileOf("lease", root, keyOf(path, LEASE_NAME))).catch(() => undefined);
  if (seen === undefined) return undefined;
  return { holder: describeHolder(seen.holder, seen.refreshedMs), stale: staleReason(seen.holder, seen.refreshedMs, staleMs) };
}
