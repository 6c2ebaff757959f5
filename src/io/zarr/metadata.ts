/**
 * Zarr metadata as chunkwise reads and writes it. Reading: the raw `.zarray` / `zarr.json` of
 * a node, its dtype mapped to a chunkwise dtype and every codec checked against zarrita's
 * registry before any chunk is touched. Writing: v2 `.zarray` / `.zattrs` / `.zgroup` in the
 * layout zarr-python 2 writes (sorted keys, 4-space indent), and v3 `zarr.json` by the spec.
 * @module
 */
import { registry } from "zarrita";
import { isDataType, itemSize, type DataType } from "../../core/dtype.js";
import { ZarrError, reason } from "./errors.js";
import { describeStore, keyOf, readKey, type StoreRef } from "./store.js";

/** What a node at a path is. */
export type NodeInfo =
  | { readonly kind: "array"; readonly format: 2 | 3; readonly meta: Record<string, unknown>; readonly file: string }
  | { readonly kind: "group"; readonly format: 2 | 3; readonly file: string }
  | { readonly kind: "none" };

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
  /** How chunk coordinates become keys: v2 `i.j`, v3 default `c/i/j`. */
  readonly keyEncoding: { readonly v2: boolean; readonly separator: string };
  /** Whether chunks are stored inside shards (v3 sharding_indexed). */
  readonly sharded: boolean;
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
export async function readNode(fn: string, ref: StoreRef, path: string): Promise<NodeInfo> {
  const where = (name: string) => `${describeStore(ref)}${keyOf(path, name)}`;
  const v3 = await readKey(fn, ref, keyOf(path, "zarr.json"));
  if (v3 !== undefined) {
    const meta = parseJson(fn, v3, where("zarr.json"), path);
    if (meta.node_type === "array") return { kind: "array", format: 3, meta, file: where("zarr.json") };
    if (meta.node_type === "group") return { kind: "group", format: 3, file: where("zarr.json") };
    throw new ZarrError(fn, `metadata file ${where("zarr.json")} must have node_type "array" or "group"; got ${JSON.stringify(meta.node_type)}. Fix or re-write the node`, { kind: "metadata", path });
  }
  const zarray = await readKey(fn, ref, keyOf(path, ".zarray"));
  if (zarray !== undefined) return { kind: "array", format: 2, meta: parseJson(fn, zarray, where(".zarray"), path), file: where(".zarray") };
  if ((await readKey(fn, ref, keyOf(path, ".zgroup"))) !== undefined) return { kind: "group", format: 2, file: where(".zgroup") };
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

/** Reads shape, chunks, dtype, codecs and key encoding from raw metadata of either format. */
export function arrayInfo(fn: string, node: Extract<NodeInfo, { kind: "array" }>, path: string): ArrayInfo {
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
    const codecs: string[] = [];
    for (const f of (m.filters as { id?: unknown }[] | null | undefined) ?? []) codecs.push(`numcodecs.${String(f?.id)}`);
    const comp = m.compressor as { id?: unknown } | null | undefined;
    if (comp != null) codecs.push(`numcodecs.${String(comp.id)}`);
    const separator = m.dimension_separator === "/" ? "/" : ".";
    return { format: 2, shape, chunks, zarrDtype, dtype: match ? V2_DTYPES[match[1]!] : undefined, codecs, keyEncoding: { v2: true, separator }, sharded: false };
  }
  const grid = m.chunk_grid as { name?: unknown; configuration?: { chunk_shape?: unknown } } | undefined;
  if (grid?.name !== "regular") bad(`a "regular" chunk_grid`, grid?.name);
  const codecList = (Array.isArray(m.codecs) ? m.codecs : bad("a codecs list", m.codecs)) as { name?: unknown; configuration?: { chunk_shape?: unknown; codecs?: unknown } }[];
  const sharding = codecList.find((c) => c?.name === "sharding_indexed");
  const inner = sharding ? numbers(sharding.configuration?.chunk_shape) : undefined;
  const chunks = inner ?? numbers(grid?.configuration?.chunk_shape) ?? bad("chunk_grid.configuration.chunk_shape", grid?.configuration);
  if (chunks.length !== shape.length || chunks.some((c) => c < 1)) bad(`chunk_shape of ${shape.length} positive integers`, chunks);
  const names = codecList.filter((c) => c?.name !== "sharding_indexed").map((c) => String(c?.name));
  if (sharding && Array.isArray(sharding.configuration?.codecs)) {
    for (const c of sharding.configuration.codecs as { name?: unknown }[]) names.push(String(c?.name));
  }
  const enc = m.chunk_key_encoding as { name?: unknown; configuration?: { separator?: unknown } } | undefined;
  const v2 = enc?.name === "v2";
  const separator = typeof enc?.configuration?.separator === "string" ? enc.configuration.separator : v2 ? "." : "/";
  const zarrDtype = typeof m.data_type === "string" ? m.data_type : bad("a data_type string", m.data_type);
  return { format: 3, shape, chunks, zarrDtype, dtype: isDataType(zarrDtype) ? zarrDtype : undefined, codecs: names, keyEncoding: { v2, separator }, sharded: sharding !== undefined };
}

/**
 * Checks that chunkwise can hold the dtype and zarrita can decode every codec.
 * @throws {ZarrError} kinds "dtype" and "codec", naming the metadata file and what to do
 */
export function checkReadable(fn: string, info: ArrayInfo, file: string, path: string): DataType {
  if (info.dtype === undefined) {
    throw new ZarrError(fn, `array ${JSON.stringify(path)} must have one of the dtypes bool, int8, int16, int32, uint8, uint16, uint32, float32, float64; got ${JSON.stringify(info.zarrDtype)} in ${file}. Convert it first, e.g. in Python: z2 = zarr.array(z[...].astype("float64"))`, { kind: "dtype", path });
  }
  for (const name of info.codecs) {
    if (!registry.has(name)) {
      const id = name.replace(/^numcodecs\./, "");
      throw new ZarrError(fn, `codec ${JSON.stringify(id)} of array ${JSON.stringify(path)} (in ${file}) must be one zarrita decodes (blosc, zstd, lz4, gzip, zlib, shuffle, delta, transpose, bytes, crc32c, sharding); got ${JSON.stringify(id)}. Re-write the array with a supported compressor, e.g. in Python: zarr.copy_store or zarr.array(z[...], compressor=numcodecs.Zstd())`, { kind: "codec", path });
    }
  }
  return info.dtype;
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
