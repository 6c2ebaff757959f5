/**
 * `toZarr(array, store, options)`, as `dask.array.to_zarr`: writes metadata first, then
 * appends one store task per block to the array's graph and runs it, so (with fusion) each
 * block is computed, encoded, written and released before the scheduler moves on. Chunks are
 * written under a temporary name and renamed; `resume` skips chunks already present.
 * @module
 */
import { ChunkedArray, isChunkedArray } from "../../array/chunked-array.js";
import { forEachBlockIndex, numBlocks, type Chunks } from "../../chunks/grid.js";
import { itemSize, type DataType } from "../../core/dtype.js";
import { ValueError, show } from "../../core/errors.js";
import { rechunkMeta } from "../../graph/blockwise.js";
import { tokenize } from "../../graph/hash.js";
import { kernelRefOf } from "../../graph/kernel.js";
import { blockKey, type Task } from "../../graph/task.js";
import type { ComputeOptions } from "../../schedule/compute.js";
import { store } from "../../schedule/store.js";
import { resolveCompressor, v2CompressorJson, v3Codecs, type CompressorSpec, type ResolvedCompressor } from "./codecs.js";
import { ZarrError } from "./errors.js";
import { packageVersion } from "./host.js";
import { randomHex } from "./random-hex.js";
import { arrayInfo, chunkKeyOf, fillJson, metadataJson, readNode, v2Dtype, type ArrayInfo, type NodeInfo } from "./metadata.js";
import { fingerprintDiff, recordedAttributes, runFingerprint, type Fingerprint } from "./fingerprint.js";
import { LEASE_NAME, acquireLease, type LeaseOptions } from "./lease.js";
import { checkInsideStore, checkNewOutputFolder, ownKeys } from "./output-folder.js";
import { checkNoOverlap, zarrInputsOf } from "./overlap.js";
import { checkNodePath, deleteNode, describeStore, hasKey, isTempKey, keyOf, listKeys, removeTempFiles, readOnlyUrl, storeRefOf, writeKeyAtomic, type StoreInput, type StoreRef } from "./store.js";
import { writeZarrChunk, type WriteChunkParams, type WrittenChunk } from "./write-kernels.js";

/** Options of {@link toZarr}. */
export interface ToZarrOptions extends ComputeOptions {
  /** Where the array goes inside the store, e.g. `"deconvolved"`; default `""` (the store root). */
  path?: string;
  /** Replace an array already at `path` (default false: refuse). Groups are never replaced. */
  overwrite?: boolean;
  /** Finish an interrupted write: keep the existing metadata (it must match) and skip chunks already written. */
  resume?: boolean;
  /** Zarr format: 2 (default; what zarr-python 2 and dask read) or 3. */
  format?: 2 | 3;
  /** `"zstd"` (default), `"zlib"`, `"gzip"`, `"lz4"`, `"blosc"`, a config such as `{ id: "zstd", level: 5 }`, or `null`. v3 takes gzip, zstd, blosc. */
  compressor?: CompressorSpec;
  /** Chunk key separator: v2 default `"."` (zarr-python 2's default), v3 default `"/"`. */
  dimensionSeparator?: "." | "/";
  /** Fill value recorded in the metadata (and used to pad edge chunks); default 0. */
  fillValue?: number;
  /** User attributes (`.zattrs` in v2, `attributes` in v3); chunkwise adds `chunkwise: { version, created, source }`. */
  attributes?: Record<string, unknown>;
  /** Cancels: no new chunk starts; chunks being written finish (or leave only a temporary file). */
  signal?: AbortSignal;
  /**
   * What identifies this computation, recorded in the attributes (`chunkwise.fingerprint`,
   * with chunkwise's version) and compared on `resume`: any difference is refused. Default
   * `{ graph: <the array's name> }`, a deterministic token of the whole expression. Pass your
   * own fields to resume after changing code that does not change values.
   */
  fingerprint?: Record<string, unknown>;
  /** Timing of the output's lease (one writer at a time): `staleMs` (default 10 min), `refreshMs` (default 10 s). */
  lease?: LeaseOptions;
}

/** What {@link toZarr} did. */
export interface ToZarrResult {
  /** The store (directory, URL or in-memory id) and the array path inside it. */
  readonly store: string;
  readonly path: string;
  readonly format: 2 | 3;
  readonly shape: readonly number[];
  readonly dtype: DataType;
  /** The Zarr chunk shape written. */
  readonly chunks: readonly number[];
  readonly chunksWritten: number;
  /** Chunks already complete and skipped (`resume`). */
  readonly chunksSkipped: number;
  /** Encoded bytes written in this call. */
  readonly bytesWritten: number;
}

const FN = "toZarr";


/**
 * Writes a lazy array to a Zarr array, streaming block by block through the task graph.
 * Irregular chunks are first rechunked to regular ones (Zarr needs one chunk shape). Parent
 * groups are created as needed; other arrays in them are left untouched.
 * @param array - the lazy array to write
 * @param store - a directory path or a writable zarrita store (in-memory stores run inline only)
 * @param options - `path`, `overwrite`, `resume`, `format`, `compressor`, `executor`, `signal`, ...
 * @returns how many chunks were written and skipped
 * @throws {ZarrError} when an array exists at `path` without `overwrite` or `resume`, a group
 *   is there, resumed metadata does not match, or the path would leave the store
 * @throws {TaskError} when computing or writing a block fails (its cause says why)
 * @example
 * ```ts
 * import { toZarr } from "chunkwise/zarr";
 * const result = await toZarr(deconvolved, "AOLLSMData_m4_raw.zarr", { path: "deconvolved", overwrite: true });
 * console.log(`${result.chunksWritten} chunks written`);
 * ```
 */
export async function toZarr(array: ChunkedArray, store: StoreInput, options: ToZarrOptions = {}): Promise<ToZarrResult> {
  if (!isChunkedArray(array)) {
    throw new ValueError(FN, `array must be a ChunkedArray; got ${show(array)}. Wrap a block with fromArray(block, { chunks })`);
  }
  const path = checkNodePath(FN, options.path ?? "");
  const format = options.format ?? 2;
  if (format !== 2 && format !== 3) throw new ValueError(FN, `format must be 2 or 3; got ${show(format)}. Pass format: 2 for zarr-python 2 and dask`);
  const separator = options.dimensionSeparator ?? (format === 2 ? "." : "/");
  if (separator !== "." && separator !== "/") throw new ValueError(FN, `dimensionSeparator must be "." or "/"; got ${show(separator)}. Pass "." or "/"`);
  const fill = options.fillValue ?? 0;
  if (typeof fill !== "number" || !Number.isFinite(fill)) throw new ValueError(FN, `fillValue must be a finite number; got ${show(fill)}. Pass e.g. 0`);
  const compressor = resolveCompressor(options.compressor);
  const ref = storeRefOf(FN, store);
  if ("url" in ref) throw readOnlyUrl(FN, ref.url);
  const x = regularize(array);
  const chunkShape = x.chunks.map((c) => Math.max(1, c[0] ?? 1));
  const info: ArrayInfo = { format, shape: [...x.shape], chunks: chunkShape, zarrDtype: format === 2 ? v2Dtype(x.dtype) : x.dtype, dtype: x.dtype, codecs: [], keyEncoding: { v2: format === 2, separator }, sharded: false };
  if (format === 3) v3Codecs(compressor, itemSize(x.dtype)); // refuses v2-only compressors before touching the store
  options.signal?.throwIfAborted();
  checkNoOverlap(FN, { store: ref, path }, zarrInputsOf(x.graph));
  const fingerprint = runFingerprint(options.fingerprint ?? { graph: x.name });
  // Before the lease file: a refused output folder gets nothing written into it.
  await checkInsideStore(FN, ref, path);
  if ((await readNode(FN, ref, path)).kind === "none") await checkNewOutputFolder(FN, ref, path);
  const lease = await acquireLease(FN, ref, path, {
    takeOverStale: options.resume === true || options.overwrite === true, runId: randomHex(8), version: packageVersion(), ...options.lease,
  });
  try {
    const signal = anySignal(options.signal, lease.lost);
    const prepared = await prepareOutput(ref, path, x, info, compressor, fill, fingerprint, options);
    return await writeChunks(x, ref, path, info, compressor, prepared, { ...options, signal });
  } finally {
    await lease.release();
  }
}

/** What to do before the first chunk: the chunks to skip, and the writes deferred until the memory plan passed. */
interface Prepared {
  readonly present: ReadonlySet<string>;
  readonly beforeRun: () => Promise<void>;
}

/** Checks what is at the output (read-only) and returns what {@link writeChunks} must do. */
async function prepareOutput(
  ref: StoreRef, path: string, x: ChunkedArray, info: ArrayInfo, compressor: ResolvedCompressor, fill: number, fingerprint: Fingerprint, options: ToZarrOptions,
): Promise<Prepared> {
  const existing = await readNode(FN, ref, path);
  const where = `${describeStore(ref)}${path === "" ? "" : `/${path}`}`;
  if (existing.kind === "group") {
    throw new ZarrError(FN, `path ${JSON.stringify(path)} must not be a group; got the group ${existing.file}. Write the array to a path inside it, e.g. "${path === "" ? "" : `${path}/`}result"`, { kind: "exists", path });
  }
  if (options.resume) await removeTempFiles(FN, ref, path, (k) => !k.startsWith(LEASE_NAME));
  if (existing.kind === "array" && options.resume) {
    checkResumable(existing, info, compressor, path, where);
    const recorded = (await recordedAttributes(FN, ref, path, existing.format, existing.meta)).chunkwise as { fingerprint?: unknown } | undefined;
    const diffs = fingerprintDiff(recorded?.fingerprint, fingerprint);
    if (diffs.length > 0) {
      const none = recorded?.fingerprint === undefined;
      throw new ZarrError(FN, `the existing array at ${where} must have been written by the same computation to be resumed; got ${none ? "no recorded fingerprint (written by another tool or an older chunkwise)" : `differences (recorded vs now): ${diffs.join("; ")}`}. Resume with the same inputs and parameters, or pass overwrite: true (without resume) to start again`, { kind: "mismatch", path });
    }
    return { present: await completeChunks(ref, path, x.chunks, info), beforeRun: async () => undefined };
  }
  if (existing.kind === "array" && !options.overwrite) {
    throw new ZarrError(FN, `path ${JSON.stringify(path)} must not hold an array when overwrite is false; got an existing array at ${where}. Pass overwrite: true to replace it, resume: true to finish an interrupted write, or another path`, { kind: "exists", path });
  }
  return {
    present: new Set(),
    // Deferred until the memory plan passed: a refused run deletes nothing and leaves no metadata.
    beforeRun: async () => {
      if (existing.kind === "array") await deleteNode(FN, ref, path, ownKeys(arrayInfo(FN, existing, path), (await listKeys(FN, ref, path)) ?? []));
      await ensureGroups(ref, path, info.format);
      await writeMetadata(ref, path, x, info, compressor, fill, { ...(options.attributes ?? {}) }, fingerprint);
    },
  };
}

/** An AbortSignal that aborts when any of `signals` does (AbortSignal.any needs Node 20.3). */
function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  const controller = new AbortController();
  for (const s of signals) {
    if (s === undefined) continue;
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    s.addEventListener("abort", () => controller.abort(s.reason), { once: true });
  }
  return controller.signal;
}


/** Regular chunks (all equal but a smaller last one) as Zarr needs; else rechunk to the largest. */
function regularize(a: ChunkedArray): ChunkedArray {
  const regular = a.chunks.every((c) => c.length <= 1 || (c.slice(0, -1).every((n) => n === c[0]) && c[c.length - 1]! <= c[0]!));
  if (regular) return a;
  const target = a.chunks.map((c, ax) => {
    const size = Math.max(1, ...c);
    const n = a.shape[ax]!;
    const out: number[] = [];
    for (let s = 0; s < n; s += size) out.push(Math.min(size, n - s));
    return out.length > 0 ? out : [0];
  });
  return new ChunkedArray(rechunkMeta(a, target, "toZarr-regular"));
}

function checkResumable(node: Extract<NodeInfo, { kind: "array" }>, want: ArrayInfo, compressor: ResolvedCompressor, path: string, where: string): void {
  const have = arrayInfo(FN, node, path);
  const diffs: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (have.format !== want.format) diffs.push(`format ${have.format} vs ${want.format}`);
  if (!same(have.shape, want.shape)) diffs.push(`shape ${show(have.shape)} vs ${show(want.shape)}`);
  if (have.dtype !== want.dtype) diffs.push(`dtype ${have.zarrDtype} vs ${want.dtype}`);
  if (!same(have.chunks, want.chunks)) diffs.push(`chunks ${show(have.chunks)} vs ${show(want.chunks)}`);
  if (!same(have.keyEncoding, want.keyEncoding)) diffs.push(`chunk key separator ${JSON.stringify(have.keyEncoding.separator)} vs ${JSON.stringify(want.keyEncoding.separator)}`);
  const haveComp = node.format === 2 ? node.meta.compressor ?? null : (node.meta.codecs as unknown[]).slice(1);
  const wantComp = want.format === 2 ? v2CompressorJson(compressor) : v3Codecs(compressor, itemSize(want.dtype!)).slice(1);
  if (!same(sortKeys(haveComp), sortKeys(wantComp))) diffs.push(`compressor ${JSON.stringify(haveComp)} vs ${JSON.stringify(wantComp)}`);
  if (diffs.length > 0) {
    throw new ZarrError(FN, `the existing array at ${where} must match the array being resumed; got ${diffs.join(", ")} (existing vs new). Resume with the same array and options, or pass overwrite: true (without resume) to start again`, { kind: "mismatch", path });
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/** Chunk keys already complete; removes temporary files a killed writer left behind. */
async function completeChunks(ref: StoreRef, path: string, chunks: Chunks, info: ArrayInfo): Promise<Set<string>> {
  const keys = await listKeys(FN, ref, path);
  const out = new Set<string>();
  if (keys !== undefined) {
    await deleteNode(FN, ref, path, keys.filter((k) => isTempKey(k) && !k.startsWith(LEASE_NAME)));
    for (const k of keys) if (!isTempKey(k)) out.add(k);
    return out;
  }
  const wanted: string[] = [];
  forEachBlockIndex(numBlocks(chunks), (bi) => wanted.push(chunkKeyOf(info, bi)));
  for (const k of wanted) if (await hasKey(FN, ref, keyOf(path, k))) out.add(k);
  return out;
}

/** Writes group metadata for every missing ancestor; refuses an ancestor that is an array. */
async function ensureGroups(ref: StoreRef, path: string, format: 2 | 3): Promise<void> {
  const parts = path === "" ? [] : path.split("/");
  for (let i = 0; i < parts.length; i++) {
    const group = parts.slice(0, i).join("/");
    const node = await readNode(FN, ref, group);
    if (node.kind === "array") {
      throw new ZarrError(FN, `every parent of path ${JSON.stringify(path)} must be a group; got the array ${node.file}. Arrays cannot hold other nodes: choose a path beside it`, { kind: "exists", path: group });
    }
    if (format === 2 && (node.kind === "none" || node.format !== 2)) {
      if (node.kind === "none" || !(await hasKey(FN, ref, keyOf(group, ".zgroup")))) await writeKeyAtomic(FN, ref, keyOf(group, ".zgroup"), metadataJson({ zarr_format: 2 }));
    } else if (format === 3 && (node.kind === "none" || node.format !== 3)) {
      await writeKeyAtomic(FN, ref, keyOf(group, "zarr.json"), metadataJson({ zarr_format: 3, node_type: "group", attributes: {} }));
    }
  }
}

async function writeMetadata(
  ref: StoreRef, path: string, x: ChunkedArray, info: ArrayInfo, compressor: ResolvedCompressor, fill: number, user: Record<string, unknown>, fingerprint: Fingerprint,
): Promise<void> {
  const attributes = { ...user, chunkwise: { version: packageVersion(), created: new Date().toISOString(), source: x.name, fingerprint } };
  if (info.format === 2) {
    await writeKeyAtomic(FN, ref, keyOf(path, ".zattrs"), metadataJson(attributes));
    await writeKeyAtomic(FN, ref, keyOf(path, ".zarray"), metadataJson({
      zarr_format: 2, shape: info.shape, chunks: info.chunks, dtype: info.zarrDtype, compressor: v2CompressorJson(compressor),
      fill_value: fillJson(x.dtype, fill), filters: null, order: "C", dimension_separator: info.keyEncoding.separator,
    }));
    return;
  }
  await writeKeyAtomic(FN, ref, keyOf(path, "zarr.json"), metadataJson({
    zarr_format: 3, node_type: "array", shape: info.shape, data_type: x.dtype,
    chunk_grid: { name: "regular", configuration: { chunk_shape: info.chunks } },
    chunk_key_encoding: { name: "default", configuration: { separator: info.keyEncoding.separator } },
    fill_value: fillJson(x.dtype, fill), codecs: v3Codecs(compressor, itemSize(x.dtype)), attributes,
  }));
}

async function writeChunks(
  x: ChunkedArray, ref: StoreRef, path: string, info: ArrayInfo, compressor: ResolvedCompressor, { present, beforeRun }: Prepared, options: ToZarrOptions,
): Promise<ToZarrResult> {
  const fill = options.fillValue ?? 0;
  const name = `toZarr-${tokenize(ref, path, x.name, info, compressor, fill)}`;
  const tasks = new Map<string, Task>();
  let skipped = 0;
  forEachBlockIndex(numBlocks(x.chunks), (bi) => {
    const blockShape = bi.map((b, ax) => x.chunks[ax]![b]!);
    if (blockShape.some((n) => n === 0)) return; // an empty array has no chunks
    const chunkKey = chunkKeyOf(info, bi);
    if (present.has(chunkKey)) {
      skipped++;
      return;
    }
    const key = blockKey(name, bi);
    const params: WriteChunkParams = { store: ref, key: keyOf(path, chunkKey), dtype: x.dtype, blockShape, chunkShape: info.chunks, fill, compressor };
    tasks.set(key, { key, kernel: kernelRefOf(writeZarrChunk)!, args: [{ ref: x.key(bi) }], params, ctx: { blockIndex: [...bi] } });
  });
  let written = 0;
  let bytes = 0;
  if (tasks.size > 0) {
    await store(x, name, tasks, {
      ...options,
      beforeRun,
      onStored: (_key, value) => {
        written++;
        bytes += (value as WrittenChunk).bytes;
      },
    });
  } else {
    await beforeRun();
  }
  return { store: describeStore(ref), path, format: info.format, shape: x.shape, dtype: x.dtype, chunks: info.chunks, chunksWritten: written, chunksSkipped: skipped, bytesWritten: bytes };
}

