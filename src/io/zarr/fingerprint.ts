/**
 * Resume only the same computation. A write records a fingerprint of its run in the output's
 * attributes (`chunkwise.fingerprint`): chunkwise's version plus either the caller's fields
 * (`toZarr`'s `fingerprint` option; the CLI passes its input's identity, the PSF's hash and
 * every parameter that changes values) or, by default, `graph`: the written array's name, a
 * deterministic token of the whole expression (every layer's name hashes its kernel, params
 * and its inputs' names; fromZarr's hashes the store, path and metadata). A resume whose
 * fingerprint differs in any field is refused, listing the fields.
 *
 * Also {@link arrayIdentity}: what identifies an input array on disk cheaply, without reading
 * its chunks: real path, array path, shape, chunks, dtype, the metadata file's SHA-256, and the
 * stored chunk files' count, total bytes and newest modification time (so rewriting, adding or
 * removing chunks changes it, and so does copying the store without keeping times).
 * @module
 */
import { fs, nodePath, packageVersion, sha256Hex } from "./host.js";
import { arrayInfo, readNode } from "./metadata.js";
import { realPathOf } from "./overlap.js";
import { keyOf, readKey, storeRefOf, type StoreRef } from "./store.js";

/** The fingerprint `toZarr` records and compares: the version, then the caller's fields (or the graph's token). */
export function runFingerprint(fields: Readonly<Record<string, unknown>>): Fingerprint {
  return { version: packageVersion(), ...fields };
}

/** The fields that identify a run; nested objects are compared field by field. */
export type Fingerprint = Readonly<Record<string, unknown>>;

function flat(value: unknown, prefix: string, into: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const k of Object.keys(value).sort()) flat((value as Record<string, unknown>)[k], prefix === "" ? k : `${prefix}.${k}`, into);
  } else {
    into.set(prefix, JSON.stringify(value) ?? "undefined");
  }
  return into;
}

/**
 * The fields that differ between a recorded fingerprint and a new one, as `name: old vs new`.
 * @example fingerprintDiff({ iterations: 10 }, { iterations: 20 }) // ["iterations: 10 vs 20"]
 */
export function fingerprintDiff(have: unknown, want: Fingerprint): string[] {
  const a = flat(have ?? {}, "", new Map());
  const b = flat(want, "", new Map());
  const out: string[] = [];
  for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(k) ?? "(none)";
    const y = b.get(k) ?? "(none)";
    if (x !== y) out.push(`${k}: ${x} vs ${y}`);
  }
  return out;
}

/** The recorded attributes of an array (v2 `.zattrs`, v3 `attributes`), or {} when absent or unreadable. */
export async function recordedAttributes(fn: string, ref: StoreRef, path: string, format: 2 | 3, meta: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (format === 3) return (meta.attributes as Record<string, unknown> | undefined) ?? {};
  const bytes = await readKey(fn, ref, keyOf(path, ".zattrs")).catch(() => undefined);
  if (bytes === undefined) return {};
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * What identifies the array `path` of the directory store `store` (see the module notes).
 * @throws {ZarrError} when no array is there
 * @example const id = await arrayIdentity("data.zarr", "data"); // { store: "/abs/data.zarr", path: "data", shape: [...], ... }
 */
export async function arrayIdentity(fn: string, store: string, path: string): Promise<Record<string, unknown>> {
  const ref = storeRefOf(fn, store);
  const node = await readNode(fn, ref, path);
  if (node.kind !== "array") return { store: realPathOf(store), path, kind: node.kind };
  const info = arrayInfo(fn, node, path);
  const metaFile = node.format === 3 ? "zarr.json" : ".zarray";
  const metaBytes = (await readKey(fn, ref, keyOf(path, metaFile))) ?? new Uint8Array();
  const out: Record<string, unknown> = {
    store: realPathOf(store), path, shape: info.shape, chunks: info.chunks, dtype: info.zarrDtype,
    metadata: sha256Hex(metaBytes),
  };
  if ("fs" in ref) {
    const dir = nodePath.join(ref.fs, ...path.split("/").filter((p) => p !== ""));
    const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    let count = 0;
    let bytes = 0;
    let newest = 0;
    for (const e of entries) {
      if (!e.isFile() || /^(\.zarray|\.zattrs|\.zgroup|zarr\.json)$/.test(e.name)) continue;
      const st = await fs.stat(nodePath.join(e.parentPath ?? e.path, e.name)).catch(() => undefined);
      if (st === undefined) continue;
      count++;
      bytes += st.size;
      newest = Math.max(newest, st.mtimeMs);
    }
    out.storedChunks = { count, bytes, newest: new Date(newest).toISOString() };
  }
  return out;
}
