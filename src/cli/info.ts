/**
 * `chunkwise info`: what is in a Zarr store, from its metadata alone. For an array, dask's
 * summary table (bytes, shape, chunk shape, chunk count, dtype) plus the format, codecs, how
 * many chunks are stored and the attribute names; for a group, one line per array below it
 * (shape, dtype, chunks, bytes) and its subgroups.
 * @module
 */
import { stat } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { formatBytes, itemSize } from "../index.js";
import { arrayInfo, readNode, type NodeInfo } from "../io/zarr/metadata.js";
import { LEASE_NAME, leaseStatus } from "../io/zarr/lease.js";
import { checkNodePath, isTempKey, keyOf, listKeys, readKey, storeRefOf, type StoreRef } from "../io/zarr/store.js";
import { omeImageJson, omeImageOf, omeImageText } from "./info-ome.js";
import { Printer, messageOf, positionalArgs, stringOption } from "./job-args.js";
import { UsageError, type Command } from "./command.js";

const NAME = "info";

const HELP = `Usage: chunkwise info <store> [--path P] [--json]

Shows what a Zarr store (v2 or v3) holds, from its metadata alone (no chunk is read).
An array: dask's summary table (bytes, shape, chunk shape, chunk count, dtype), the format,
codecs, how many chunks are stored, and its attributes. A group: every array below it with
shape, dtype and chunks, and its subgroups; an OME-Zarr image group (NGFF 0.4/0.5) first
shows its axes (types, units) and levels with their voxel sizes.

Options:
  --path P        the array or group inside the store (default: the root)
  --json          print one JSON object instead of text (an error too, on stdout)
  --verbose       stack traces with errors
  -h, --help      show this help

Exit codes: 0 ok; 2 no store or nothing at the path; 1 unreadable metadata (in a group, the
readable arrays are still listed and each unreadable one is marked BROKEN with why).

Examples:
  chunkwise info demo/demo.zarr
  chunkwise info demo/demo.zarr --path deconvolved --json
`;

/** One array's facts. */
interface ArrayFacts {
  path: string;
  format: 2 | 3;
  shape: number[];
  chunks: number[];
  dtype: string;
  bytes: number | null;
  chunkBytes: number | null;
  chunkCount: number;
  storedChunks: number | null;
  codecs: string[];
  attributes: Record<string, unknown>;
  /** The run writing it now (its lease), or the lease a stopped run left. */
  lease: { holder: string; stale: string | null } | null;
}

/** An array below a group whose metadata could not be read. */
interface BrokenArray {
  path: string;
  error: string;
}

const tuple = (s: readonly number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(", ")})`);
const decoder = new TextDecoder();

async function attributesOf(ref: StoreRef, path: string, node: Extract<NodeInfo, { kind: "array" }>): Promise<Record<string, unknown>> {
  if (node.format === 3) return (node.meta.attributes as Record<string, unknown> | undefined) ?? {};
  const bytes = await readKey(NAME, ref, keyOf(path, ".zattrs")).catch(() => undefined);
  if (bytes === undefined) return {};
  try {
    return JSON.parse(decoder.decode(bytes)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

async function arrayFacts(ref: StoreRef, path: string, node: Extract<NodeInfo, { kind: "array" }>): Promise<ArrayFacts> {
  const info = arrayInfo(NAME, node, path);
  const size = info.shape.reduce((a, b) => a * b, 1);
  const item = info.dtype === undefined ? undefined : itemSize(info.dtype);
  const chunkCount = info.shape.reduce((n, s, ax) => n * Math.ceil(s / info.chunks[ax]!), 1);
  const keys = await listKeys(NAME, ref, path);
  const meta = new Set([".zarray", ".zattrs", "zarr.json", ".zgroup"]);
  const stored = keys === undefined ? null : keys.filter((k) => !meta.has(k) && !isTempKey(k) && !k.startsWith(LEASE_NAME)).length;
  const lease = "fs" in ref ? await leaseStatus(ref.fs, path) : undefined;
  return {
    path,
    format: info.format,
    shape: info.shape,
    chunks: info.chunks,
    dtype: info.dtype ?? info.zarrDtype,
    bytes: item === undefined ? null : size * item,
    chunkBytes: item === undefined ? null : info.chunks.reduce((a, b) => a * b, 1) * item,
    chunkCount,
    storedChunks: info.sharded ? null : stored,
    codecs: info.codecs.map((c) => c.replace(/^numcodecs\./, "")),
    attributes: await attributesOf(ref, path, node),
    lease: lease === undefined ? null : { holder: lease.holder, stale: lease.stale ?? null },
  };
}

function arrayText(f: ArrayFacts, where: string): string {
  const rows: [string, string, string][] = [
    ["", "Array", "Chunk"],
    ["Bytes", f.bytes === null ? "?" : formatBytes(f.bytes), f.chunkBytes === null ? "?" : formatBytes(f.chunkBytes)],
    ["Shape", tuple(f.shape), tuple(f.chunks)],
    ["Count", `${f.chunkCount} Chunks`, f.storedChunks === null ? "" : `${f.storedChunks} stored`],
    ["Type", f.dtype, `zarr v${f.format}`],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const table = rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd()).join("\n");
  const attrs = Object.keys(f.attributes);
  return [
    `array ${where}`,
    table,
    `codecs: ${f.codecs.length === 0 ? "none" : f.codecs.join(", ")}`,
    ...(attrs.length > 0 ? [`attributes: ${attrs.join(", ")}`] : []),
    ...(f.lease === null ? [] : [f.lease.stale === null ? `being written by: ${f.lease.holder}` : `left unfinished by: ${f.lease.holder} (${f.lease.stale}; resume it with --resume)`]),
    "",
  ].join("\n");
}

/** Paths of every node below `path` (relative to the store root), from the keys the store lists. */
async function nodesBelow(ref: StoreRef, path: string): Promise<string[]> {
  const keys = (await listKeys(NAME, ref, path)) ?? [];
  const found = new Set<string>();
  for (const k of keys) {
    const m = /^(.*?)\/?(\.zarray|\.zgroup|zarr\.json)$/.exec(k);
    if (m && m[1] !== "") found.add(path === "" ? m[1]! : `${path}/${m[1]}`);
  }
  return [...found].sort();
}

/** The `info` command. */
export const infoCommand: Command = {
  name: NAME,
  summary: "show the arrays in a Zarr store: shape, chunks, dtype, bytes (dask's summary table)",
  help: HELP,
  options: { path: { type: "string" }, json: { type: "boolean" } },
  async run(values, positionals, io) {
    const [store] = positionalArgs(NAME, positionals, ["<store>"]) as [string];
    const out = new Printer(io, values.json === true);
    let path: string;
    try {
      path = checkNodePath(NAME, stringOption(values, "path", ""));
    } catch (e) {
      throw new UsageError(`${NAME}: ${messageOf(e)}`, { cause: e });
    }
    if (!/^https?:\/\//.test(store) && (await stat(store).catch(() => undefined)) === undefined) {
      throw new UsageError(`${NAME}: the store must exist; got nothing at ${resolvePath(store)}. Check the path`);
    }
    const ref = storeRefOf(NAME, store);
    const where = `${/^https?:/.test(store) ? store : resolvePath(store)}${path === "" ? "" : `/${path}`}`;
    const node = await readNode(NAME, ref, path);
    if (node.kind === "none") {
      const below = await nodesBelow(ref, path);
      throw new UsageError(`${NAME}: the path must hold a Zarr array or group; got nothing at ${where}${below.length > 0 ? ` (nodes below it: ${below.slice(0, 8).join(", ")})` : ""}. Check the store and --path`);
    }
    if (node.kind === "array") {
      const facts = await arrayFacts(ref, path, node);
      out.text(arrayText(facts, where));
      out.event("info", { kind: "array", store: where.slice(0, where.length - (path === "" ? 0 : path.length + 1)), ...facts });
      return 0;
    }
    const arrays: ArrayFacts[] = [];
    const groups: string[] = [];
    const broken: BrokenArray[] = [];
    for (const p of await nodesBelow(ref, path)) {
      // One unreadable array must not hide the others: it is listed as broken, with why.
      try {
        const n = await readNode(NAME, ref, p);
        if (n.kind === "array") arrays.push(await arrayFacts(ref, p, n));
        else if (n.kind === "group") groups.push(p);
      } catch (e) {
        broken.push({ path: p, error: messageOf(e).replace(/^info: /, "") });
      }
    }
    const lines = [`group ${where} (zarr v${node.format}): ${arrays.length} array${arrays.length === 1 ? "" : "s"}${groups.length > 0 ? `, ${groups.length} group${groups.length === 1 ? "" : "s"}` : ""}`];
    const rows = [["path", "shape", "chunks", "dtype", "bytes", "stored"], ...arrays.map((a) => [
      path === "" ? a.path : a.path.slice(path.length + 1), tuple(a.shape), tuple(a.chunks), a.dtype, a.bytes === null ? "?" : formatBytes(a.bytes), a.storedChunks === null ? "?" : `${a.storedChunks}/${a.chunkCount}`,
    ])];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    if (arrays.length > 0) lines.push(...rows.map((r) => `  ${r.map((v, c) => v.padEnd(widths[c]!)).join("  ")}`.trimEnd()));
    if (groups.length > 0) lines.push(`groups: ${groups.map((g) => (path === "" ? g : g.slice(path.length + 1))).join(", ")}`);
    for (const b of broken) lines.push(`BROKEN ${path === "" ? b.path : b.path.slice(path.length + 1)}: ${b.error}`);
    const ome = await omeImageOf(store, path);
    if (ome !== undefined && "image" in ome) out.text(omeImageText(ome.image));
    if (ome !== undefined && "problem" in ome) out.text(`not a readable OME-Zarr image: ${ome.problem}\n`);
    out.text(`${lines.join("\n")}\n`);
    out.event("info", { kind: "group", store: resolvePath(store), path, format: node.format, arrays, groups, broken, ...(ome !== undefined && "image" in ome ? { ome: omeImageJson(ome.image) } : {}) });
    if (broken.length > 0) out.note(`chunkwise: info: ${broken.length} array${broken.length === 1 ? "" : "s"} below ${where} could not be read (marked BROKEN); the others are listed`);
    return broken.length > 0 ? 1 : 0;
  },
};
