/**
 * Zarr metadata as chunkwise reads and writes it. Reading: the raw `.zarray` / `zarr.json` of
 * a node, its dtype mapped to a chunkwise dtype and every codec checked against zarrita's
 * registry before any chunk is touched. Writing: v2 `.zarray` / `.zattrs` / `.zgroup` in the
 * layout zarr-python 2 writes (sorted keys, 4-space indent), and v3 `zarr.json` by the spec.
 * @module
 */
import { isDataType, itemSize, type DataType } from "../../core/dtype.js";
import { ZarrError, reason } from "./errors.js";
import { filterDataType } from "./checked-codecs.js";
import { isV3Draft, v3DraftError } from "./foreign-layouts.js";
import { describeStore, keyOf, readKey, type StoreRef } from "./store.js";

/** What a node at a path is. */
export type NodeInfo =
  | { readonly kind: "array"; readonly format: 2 | 3; readonly meta: Record<string, unknown>; readonly file: string }
  | { readonly kind: "group"; readonly format: 2 | 3; readonly file: string }
  | { readonly kind: "none" };

/** One filter, compressor or v3 codec as the metadata states it. */
interface CodecSpec {
  /** The name zarrita's registry uses (`numcodecs.delta`, `blosc`, ...). */
  readonly name: string;
  /** What the metadata calls it: a v2 filter, the v2 compressor, or a v3 codec. */
  readonly role: "filter" | "compressor" | "codec";
  readonly config: Record<string, unknown>;
}

/** The parts of array metadata chunkwise needs, whatever the format. */
export interface ArrayInfo {
  readonly format: 2 | 3;
  readonly shape: number[];
  readonly chunks: number[];
  /** The Zarr data type as written (`"<f4"` in v2, `"float32"` in v3). */
  readonly zarrDtype: string;
  readonly dtype: DataType | undefined;
  /** Codec names as zarrita's registry knows them (`numcodecs.zlib`, `gzip`, ...). */
  readonly codecs: string[];
  /** Each filter, compressor or v3 codec with its configuration, in metadata order (metadata read from a store). */
  readonly codecSpecs?: CodecSpec[];
  /** How chunk coordinates become keys: v2 `i.j`, v3 default `c/i/j`. */
  readonly keyEncoding: { readonly v2: boolean; readonly separator: string };
  /** Whether chunks are stored inside shards (v3 sharding_indexed). */
  readonly sharded: boolean;
  /** For sharded arrays, the shard shape (the chunk grid's chunk_shape); `chunks` is then the inner chunk shape. */
  readonly shardShape?: number[];
}

const decoder = new TextDecoder();

function parseJson(fn: string, bytes: Uint8Array, file: string, path: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(decoder.decode(bytes));
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    throw new Error("not a JSON object");
  } catch (e) {
    throw new ZarrError(fn, `metadata file ${file} must be a JSON object; got unreadable content (${reason(e)}). Restore it from a backup or re-write the array`, { kind: "metadata", path, cause: e });
  }
}

/** Reads what is at `path`: a v3 `zarr.json`, else v2 `.zarray` / `.zgroup`. */
export async function readNode(fn: string, ref: StoreRef, path: string, signal?: AbortSignal): Promise<NodeInfo> {
  const where = (name: string) => `${describeStore(ref)}${keyOf(path, name)}`;
  const v3 = await readKey(fn, ref, keyOf(path, "zarr.json"), signal);
  if (v3 !== undefined) {
    const meta = parseJson(fn, v3, where("zarr.json"), path);
    if (isV3Draft(meta)) throw v3DraftError(fn, ref, path);
    if (meta.node_type === "array") return { kind: "array", format: 3, meta, file: where("zarr.json") };
    if (meta.node_type === "group") return { kind: "group", format: 3, file: where("zarr.json") };
    throw new ZarrError(fn, `metadata file ${where("zarr.json")} must have node_type "array" or "group"; got ${JSON.stringify(meta.node_type)}. Fix or re-write the node`, { kind: "metadata", path });
  }
  const zarray = await readKey(fn, ref, keyOf(path, ".zarray"), signal);
  if (zarray !== undefined) return { kind: "array", format: 2, meta: parseJson(fn, zarray, where(".zarray"), path), file: where(".zarray") };
  if ((await readKey(fn, ref, keyOf(path, ".zgroup"), signal)) !== undefined) return { kind: "group", format: 2, file: where(".zgroup") };
  return { kind: "none" };
}

const V2_DTYPES: Record<string, DataType> = {
  b1: "bool", i1: "int8", i2: "int16", i4: "int32", u1: "uint8", u2: "uint16", u4: "uint32", f4: "float32", f8: "float64",
};

/** The v2 dtype string of a chunkwise dtype, little-endian as zarr-python writes on x86/ARM. */
export function v2Dtype(dtype: DataType): string {
  const code = Object.keys(V2_DTYPES).find((k) => V2_DTYPES[k] === dtype)!;
  return `${itemSize(dtype) === 1 ? "|" : "<"}${code}`;
}

function numbers(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.every((n) => Number.isSafeInteger(n) && n >= 0) ? (v as number[]) : undefined;
}

/**
 * The largest chunk grid an array may have: chunkwise holds each axis's chunk sizes as a list
 * and one task per chunk, so a grid past these is refused at open (not a heap abort later).
 */
export const MAX_CHUNKS_PER_AXIS = 2 ** 24;
export const MAX_CHUNKS = 2 ** 31;
/** The most elements a chunk may hold: each chunk is decoded into one typed array, whose length Node caps at 2^32. */
export const MAX_CHUNK_ELEMENTS = 2 ** 32;

/** Refuses a chunk grid past {@link MAX_CHUNKS_PER_AXIS} or {@link MAX_CHUNKS}, or a chunk past {@link MAX_CHUNK_ELEMENTS}. */
function checkGrid(fn: string, file: string, path: string, shape: readonly number[], chunks: readonly number[]): void {
  const counts = shape.map((n, ax) => Math.ceil(n / chunks[ax]!));
  const axis = counts.findIndex((c) => c > MAX_CHUNKS_PER_AXIS);
  const total = counts.reduce((a, b) => a * b, 1);
  const elements = chunks.reduce((a, b) => a * b, 1);
  if (axis < 0 && total <= MAX_CHUNKS && elements <= MAX_CHUNK_ELEMENTS) return;
  const what = axis >= 0 ? `at most ${MAX_CHUNKS_PER_AXIS} chunks per axis; got ${counts[axis]} along axis ${axis}`
    : total > MAX_CHUNKS ? `at most ${MAX_CHUNKS} chunks in all; got ${total}`
      : `chunks of at most ${MAX_CHUNK_ELEMENTS} elements (each is decoded into one array; a chunk may be larger than the shape, but not this large); got ${elements}`;
  const fix = axis >= 0 || total > MAX_CHUNKS ? "the chunks are far too small: fix the metadata or re-write the array with larger chunks" : "the chunks are far too large: fix the metadata or re-write the array with smaller chunks";
  throw new ZarrError(fn, `the chunk grid of ${file} (shape ${JSON.stringify(shape)}, chunks ${JSON.stringify(chunks)}) must have ${what}. The metadata is corrupt, or ${fix}`, { kind: "metadata", path });
}

/** Reads shape, chunks, dtype, codecs and key encoding from raw metadata of either format. */
export function arrayInfo(fn: string, node: Extract<NodeInfo, { kind: "array" }>, path: string): ArrayInfo {
  const info = parseArrayInfo(fn, node, path);
  checkGrid(fn, node.file, path, info.shape, info.chunks);
  return info;
}

function parseArrayInfo(fn: string, node: Extract<NodeInfo, { kind: "array" }>, path: string): ArrayInfo {
  const m = node.meta;
  const bad = (what: string, got: unknown): never => {
    throw new ZarrError(fn, `metadata file ${node.file} must have ${what}; got ${JSON.stringify(got)}. Fix the metadata or re-write the array`, { kind: "metadata", path });
  };
  const shape = numbers(m.shape) ?? bad("a shape of non-negative integers", m.shape);
  if (node.format === 2) {
    const chunks = numbers(m.chunks) ?? bad("chunks of positive integers", m.chunks);
    if (chunks.length !== shape.length || chunks.some((c) => c < 1)) bad(`chunks of ${shape.length} positive integers`, m.chunks);
    const zarrDtype = typeof m.dtype === "string" ? m.dtype : bad("a dtype string", m.dtype);
    const match = /^[<>|=]([biuf]\d)$/.exec(zarrDtype);
    const specs: CodecSpec[] = [];
    const filters = m.filters == null ? [] : Array.isArray(m.filters) ? (m.filters as Record<string, unknown>[]) : bad("filters as a list or null", m.filters);
    for (const f of filters) specs.push({ name: `numcodecs.${String(f?.id)}`, role: "filter", config: f ?? {} });
    const comp = m.compressor as Record<string, unknown> | null | undefined;
    if (comp != null) specs.push({ name: `numcodecs.${String(comp.id)}`, role: "compressor", config: comp });
    const separator = m.dimension_separator === "/" ? "/" : ".";
    const dtype = match ? V2_DTYPES[match[1]!] : undefined;
    return { format: 2, shape, chunks, zarrDtype, dtype, codecs: specs.map((c) => c.name), codecSpecs: specs, keyEncoding: { v2: true, separator }, sharded: false };
  }
  const grid = m.chunk_grid as { name?: unknown; configuration?: { chunk_shape?: unknown } } | undefined;
  if (grid?.name !== "regular") bad(`a "regular" chunk_grid`, grid?.name);
  const codecList = (Array.isArray(m.codecs) ? m.codecs : bad("a codecs list", m.codecs)) as { name?: unknown; configuration?: { chunk_shape?: unknown; codecs?: unknown } }[];
  const sharding = codecList.find((c) => c?.name === "sharding_indexed");
  const inner = sharding ? numbers(sharding.configuration?.chunk_shape) : undefined;
  const chunks = inner ?? numbers(grid?.configuration?.chunk_shape) ?? bad("chunk_grid.configuration.chunk_shape", grid?.configuration);
  if (chunks.length !== shape.length || chunks.some((c) => c < 1)) bad(`chunk_shape of ${shape.length} positive integers`, chunks);
  const spec = (c: { name?: unknown; configuration?: unknown }): CodecSpec => ({ name: String(c?.name), role: "codec", config: (c?.configuration ?? {}) as Record<string, unknown> });
  const specs = codecList.map(spec);
  if (sharding && Array.isArray(sharding.configuration?.codecs)) {
    for (const c of sharding.configuration.codecs as { name?: unknown }[]) specs.push(spec(c));
  }
  const names = specs.map((c) => c.name).filter((n) => n !== "sharding_indexed");
  const enc = m.chunk_key_encoding as { name?: unknown; configuration?: { separator?: unknown } } | undefined;
  const v2 = enc?.name === "v2";
  const separator = typeof enc?.configuration?.separator === "string" ? enc.configuration.separator : v2 ? "." : "/";
  const zarrDtype = typeof m.data_type === "string" ? m.data_type : bad("a data_type string", m.data_type);
  return { format: 3, shape, chunks, zarrDtype, dtype: isDataType(zarrDtype) ? zarrDtype : undefined, codecs: names, codecSpecs: specs, keyEncoding: { v2, separator }, sharded: sharding !== undefined, ...(inner ? { shardShape: numbers(grid?.configuration?.chunk_shape) ?? bad("chunk_grid.configuration.chunk_shape", grid?.configuration) } : {}) };
}

/**
 * Checks that chunkwise can hold the dtype and decode every filter and codec, so that an
 * unsupported array is refused when it is opened, never first at compute.
 * @throws {ZarrError} kinds "dtype" and "codec", naming the metadata file, the filter or codec
 *   at fault and what to do
 */
export function checkReadable(fn: string, info: ArrayInfo, file: string, path: string): DataType {
  if (info.dtype === undefined) {
    throw new ZarrError(fn, `array ${JSON.stringify(path)} must have one of the dtypes bool, int8, int16, int32, uint8, uint16, uint32, float32, float64; got ${JSON.stringify(info.zarrDtype)} in ${file}. Convert it first, e.g. in Python: z2 = zarr.array(z[...].astype("float64"))`, { kind: "dtype", path });
  }
  for (const spec of info.codecSpecs ?? []) {
    const problem = codecProblem(spec, info.dtype);
    if (problem !== undefined) {
      throw new ZarrError(fn, `${spec.role} ${JSON.stringify(spec.name.replace(/^numcodecs\./, ""))} of array ${JSON.stringify(path)} (in ${file}) must ${problem}. ${FIX[spec.role]}`, { kind: "codec", path });
    }
  }
  return info.dtype;
}

const FIX: Record<CodecSpec["role"], string> = {
  filter: "The chunks are intact; to read them with chunkwise, re-write the array without that filter, e.g. in Python: zarr.save_array(dst, z[...], chunks=z.chunks, filters=None, compressor=numcodecs.Zstd())",
  compressor: "The chunks are intact; to read them with chunkwise, re-write the array with a supported compressor, e.g. in Python: zarr.save_array(dst, z[...], chunks=z.chunks, compressor=numcodecs.Zstd())",
  codec: "The chunks are intact; to read them with chunkwise, re-write the array with supported codecs (bytes, transpose, blosc, zstd, gzip, crc32c, sharding_indexed)",
};

const FILTERS = ["delta", "fixedscaleoffset", "shuffle", "bitround"];
const COMPRESSORS = ["blosc", "zstd", "lz4", "gzip", "zlib"];
const V3_CODECS = ["bytes", "transpose", "blosc", "zstd", "gzip", "crc32c", "sharding_indexed", "numcodecs.delta", "numcodecs.shuffle", "numcodecs.zlib", "numcodecs.lz4", "numcodecs.blosc", "numcodecs.zstd", "numcodecs.gzip", "numcodecs.bitround"];

/** Why chunkwise cannot decode `spec` (the "must ..." part of the message), or undefined. */
function codecProblem(spec: CodecSpec, dtype: DataType): string | undefined {
  const id = spec.name.replace(/^numcodecs\./, "");
  const c = spec.config;
  const got = `got ${JSON.stringify(id)}`;
  if (spec.role === "filter" && !FILTERS.includes(id)) return `be one chunkwise decodes (${FILTERS.join(", ")}); ${got}`;
  if (spec.role === "compressor" && !COMPRESSORS.includes(id)) return `be one chunkwise decodes (${COMPRESSORS.join(", ")}); ${got}`;
  if (spec.role === "codec" && !V3_CODECS.includes(spec.name)) return `be one chunkwise decodes (${V3_CODECS.join(", ")}); ${got}`;
  if (id === "delta") {
    const own = filterDataType(c.dtype ?? dtype);
    const astype = filterDataType(c.astype ?? c.dtype ?? dtype);
    const kind = (t: string | undefined) => (t === undefined ? "?" : t.startsWith("float") ? "f" : "i");
    const endian = [c.dtype, c.astype].some((t) => typeof t === "string" && t.startsWith(">"));
    if (own !== dtype || astype === undefined || endian || kind(astype) !== kind(dtype) || ["int64", "uint64", "float16", "bool"].includes(astype)) {
      return `have a little-endian dtype equal to the array's (${dtype}) and an astype of the same kind (integer or float, at most 32-bit integers); got dtype ${JSON.stringify(c.dtype ?? null)}, astype ${JSON.stringify(c.astype ?? null)}`;
    }
  }
  if (id === "fixedscaleoffset") {
    const astype = filterDataType(c.astype ?? c.dtype ?? dtype);
    if (typeof c.scale !== "number" || typeof c.offset !== "number" || astype === undefined || astype === "bool" || (typeof c.astype === "string" && c.astype.startsWith(">"))) {
      return `have numeric scale and offset and a little-endian numeric astype; got scale ${JSON.stringify(c.scale)}, offset ${JSON.stringify(c.offset)}, astype ${JSON.stringify(c.astype ?? null)}`;
    }
  }
  if (id === "sharding_indexed" && c.index_location === "start") {
    return `keep its index at the end of each shard (zarrita reads it from there); got index_location "start"`;
  }
  if (id === "blosc" && typeof c.cname === "string" && c.cname === "snappy") return `use a blosc cname chunkwise decodes (lz4, lz4hc, blosclz, zstd, zlib); got cname "snappy"`;
  return undefined;
}

/** The chunk key (relative to the array) of chunk `coords`. */
export function chunkKeyOf(info: Pick<ArrayInfo, "keyEncoding">, coords: readonly number[]): string {
  const { v2, separator } = info.keyEncoding;
  return v2 ? (coords.length === 0 ? "0" : coords.join(separator)) : ["c", ...coords].join(separator);
}

/** JSON with sorted keys and 4-space indent, as zarr-python 2 writes metadata. */
export function metadataJson(value: unknown): Uint8Array {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return new TextEncoder().encode(JSON.stringify(sort(value), null, 4));
}

/** The fill value as JSON for a dtype (`false` for bool). */
export function fillJson(dtype: DataType, fill: number): number | boolean {
  return dtype === "bool" ? fill !== 0 : fill;
}
