/**
 * The codecs chunkwise decodes Zarr chunks with: zarrita's pipeline, with each compressor,
 * crc32c and delta swapped for a checked version registered under a `chunkwise.` name.
 * {@link checkedMetadata} rewrites a node's metadata on its way from the store to zarrita so
 * that the pipeline picks them; nothing of zarrita's own registry entries changes.
 *
 * Each checked codec enforces its format's consistency rules (see `blosc-frame.ts` and
 * `byte-codecs.ts`) and, when the chunk's shape and dtype fix the decoded size, that size
 * before anything is allocated: a lying length field is refused, never trusted. A failure
 * throws {@link CorruptData}; `read-kernels.ts` adds the chunk key. Matches numcodecs'
 * verdicts (zarr-python raises for each refused case; test/io/zarr/corrupt-chunks.test.ts).
 *
 * Delta is chunkwise's own because zarrita's ignores `astype`: numcodecs stores the
 * differences as `astype` and decodes with `np.cumsum(enc, out=dec)`, which accumulates in the
 * promoted type of `astype` and `dtype` and stores in `dtype`.
 * @module
 */
import { registry } from "zarrita";
import { decodeBlosc } from "./blosc-frame.js";
import { CorruptData, crc32c, lz4Block, zstdFrames } from "./byte-codecs.js";
import { gunzip, zlibInflate } from "./host.js";
import { zstdDecode } from "./zstd-decode.js";

export { CorruptData } from "./byte-codecs.js";

/** Bytes per element of zarrita's data type names. */
const ITEM: Record<string, number> = { bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, float16: 2, int32: 4, uint32: 4, float32: 4, int64: 8, uint64: 8, float64: 8 };

interface ChunkMeta { dataType: string; shape: number[] }
/** The config key carrying the bytes added by bytes-to-bytes codecs applied before this one (null: unknown). */
const EXTRA = "_chunkwise_extra";

/** The decoded byte length a bytes-to-bytes codec must produce, when the metadata fixes it. */
function expectedBytes(config: Record<string, unknown>, meta: ChunkMeta): number | undefined {
  const extra = config[EXTRA];
  const item = ITEM[meta.dataType];
  if (typeof extra !== "number" || item === undefined) return undefined;
  return meta.shape.reduce((a, b) => a * b, 1) * item + extra;
}

function checkLength(codec: string, got: number, expected: number | undefined, verb = "decodes to"): void {
  if (expected !== undefined && got !== expected) throw new CorruptData(`${codec} ${verb} ${got} bytes; the chunk's shape and dtype need ${expected}`);
}

type Decode = (bytes: Uint8Array) => Promise<Uint8Array>;

/** numcodecs.js's own decoder for `id` (from zarrita's registry). */
async function numcodecs(id: string): Promise<Decode> {
  const entry = await registry.get(`numcodecs.${id}`)!();
  const codec = entry.fromConfig({}, { dataType: "uint8", shape: [], codecs: [], fillValue: null }) as unknown as { decode(b: Uint8Array): Promise<Uint8Array> };
  return (b) => codec.decode(b);
}

/** Runs a zlib-family decoder of the host, capped so a lying stream cannot inflate without bound. */
function zlibDecode(name: string, fn: typeof zlibInflate, bytes: Uint8Array, expected: number | undefined): Uint8Array {
  let out: Uint8Array;
  try {
    out = fn(bytes, expected === undefined ? undefined : Math.max(expected, 1));
  } catch (e) {
    throw new CorruptData(`${name} stream does not decode: ${(e as Error).message}`);
  }
  checkLength(name, out.length, expected);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

function bytesCodec(name: string, decode: (bytes: Uint8Array, expected: number | undefined) => Uint8Array | Promise<Uint8Array>, encodedSize?: (n: number) => number) {
  return class {
    readonly kind = "bytes_to_bytes";
    readonly #expected: number | undefined;
    constructor(expected: number | undefined) {
      this.#expected = expected;
    }
    static fromConfig(config: Record<string, unknown> | undefined, meta: ChunkMeta) {
      return new this(expectedBytes(config ?? {}, meta));
    }
    encode(): never {
      throw new Error(`chunkwise's checked ${name} codec only decodes`);
    }
    decode(bytes: Uint8Array): Uint8Array | Promise<Uint8Array> {
      return decode(bytes, this.#expected);
    }
    computeEncodedSize(n: number): number {
      if (encodedSize === undefined) throw new Error(`${name} has no fixed encoded size`);
      return encodedSize(n);
    }
  };
}

const blosc = bytesCodec("blosc", async (bytes, expected) => decodeBlosc(bytes, expected, { zstd: zstdDecode, blosc: await numcodecs("blosc") }));

const lz4 = bytesCodec("lz4", (bytes, expected) => {
  if (bytes.length < 4) throw new CorruptData(`lz4 chunk is ${bytes.length} bytes, shorter than its 4-byte size header`);
  const size = new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, true);
  if (size < 0) throw new CorruptData(`lz4 size header says ${size} bytes`);
  checkLength("lz4 size header", size, expected, "says");
  const out = new Uint8Array(size);
  const n = lz4Block(bytes.subarray(4), out);
  if (n !== size) throw new CorruptData(`lz4 block decodes to ${n} bytes; its size header says ${size}`);
  return out;
});

const zstd = bytesCodec("zstd", async (bytes, expected) => {
  const { stated, atLeast, atMost } = zstdFrames(bytes);
  if (stated !== undefined) checkLength("zstd frame header", stated, expected, "says");
  if (expected !== undefined && atLeast > expected) throw new CorruptData(`zstd raw and RLE blocks alone decode to ${atLeast} bytes; the chunk's shape and dtype need ${expected}`);
  // Room for one byte more than the chunk needs, so that frames decoding to more show as a
  // wrong length (a stated size is checked by the decoder itself).
  const capacity = stated ?? Math.min(atMost, expected === undefined ? atMost : expected + 1);
  const out = await zstdDecode(bytes, capacity);
  if (stated !== undefined && out.length !== stated) throw new CorruptData(`zstd frames do not decode to the ${stated} bytes their headers state (the decoder refused them or stopped at ${out.length})`);
  checkLength("zstd", out.length, expected);
  return out;
});

const gzip = bytesCodec("gzip", (bytes, expected) => zlibDecode("gzip", gunzip, bytes, expected));
const zlib = bytesCodec("zlib", (bytes, expected) => zlibDecode("zlib", zlibInflate, bytes, expected));

const crc = bytesCodec("crc32c", (bytes) => {
  if (bytes.length < 4) throw new CorruptData(`crc32c data is ${bytes.length} bytes, shorter than its 4-byte checksum`);
  const body = bytes.subarray(0, bytes.length - 4);
  const stored = new DataView(bytes.buffer, bytes.byteOffset + body.length, 4).getUint32(0, true);
  const actual = crc32c(body);
  if (stored !== actual) throw new CorruptData(`crc32c checksum is 0x${stored.toString(16)}; the data's is 0x${actual.toString(16)}`);
  return body;
}, (n) => n + 4);

/** Zarr dtype spellings of a numcodecs filter (`"<u2"`, `"|u1"`, `"uint16"`) as zarrita names, or undefined. */
export function filterDataType(spec: unknown): string | undefined {
  if (typeof spec !== "string") return undefined;
  if (spec in ITEM) return spec;
  const m = /^([<|])([biuf])(\d)$/.exec(spec);
  if (!m) return undefined;
  const name = { b: "bool", i: "int", u: "uint", f: "float" }[m[2]!]!;
  const bits = Number(m[3]) * 8;
  const t = name === "bool" ? (bits === 8 ? "bool" : "") : `${name}${bits}`;
  return t in ITEM ? t : undefined;
}

type Numeric = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
const CTORS: Record<string, new (n: number) => Numeric> = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array,
};

/** numcodecs' Delta, `astype` included. `checkReadable` admits only dtype/astype pairs this decodes. */
class DeltaCodec {
  readonly kind = "array_to_array";
  readonly #dtype: string;
  readonly #astype: string;
  constructor(dtype: string, astype: string) {
    this.#dtype = dtype;
    this.#astype = astype;
  }
  static fromConfig(config: Record<string, unknown> | undefined, meta: ChunkMeta): DeltaCodec {
    const astype = filterDataType(config?.astype) ?? meta.dataType;
    return new DeltaCodec(meta.dataType, astype);
  }
  getEncodedMeta<M extends ChunkMeta>(meta: M): M {
    return { ...meta, dataType: this.#astype };
  }
  encode(): never {
    throw new Error("chunkwise's delta codec only decodes");
  }
  decode(chunk: { data: Numeric; shape: number[]; stride: number[] }): { data: Numeric; shape: number[]; stride: number[] } {
    const src = chunk.data;
    const out = new CTORS[this.#dtype]!(src.length);
    // Integers: adding in the output type wraps exactly as numpy's promoted-type sum cast back.
    // Floats: numpy accumulates in float64 unless both types are float32, and rounds each sum
    // to the output type only on store.
    if (!this.#dtype.startsWith("float")) {
      for (let i = 0; i < src.length; i++) out[i] = (i === 0 ? 0 : out[i - 1]!) + src[i]!;
    } else {
      const f32 = this.#dtype === "float32" && this.#astype === "float32";
      let acc = 0;
      for (let i = 0; i < src.length; i++) {
        acc = f32 ? Math.fround(acc + src[i]!) : acc + src[i]!;
        out[i] = acc;
      }
    }
    return { data: out, shape: chunk.shape, stride: chunk.stride };
  }
}

const CHECKED: Record<string, unknown> = { blosc, lz4, zstd, gzip, zlib, crc32c: crc, delta: DeltaCodec };
for (const [name, codec] of Object.entries(CHECKED)) {
  registry.set(`chunkwise.${name}`, () => codec as never);
  registry.set(`numcodecs.chunkwise.${name}`, () => codec as never);
}

/** The checked codec name for a Zarr codec or numcodecs id, if chunkwise swaps it. */
function checkedName(name: string): string | undefined {
  const id = name.replace(/^numcodecs\./, "");
  return id in CHECKED ? `chunkwise.${id}` : undefined;
}

/** Bytes a bytes-to-bytes codec adds on encode (null: unknown, so sizes downstream are not checked). */
function addedBytes(name: string): number | null {
  const id = name.replace(/^numcodecs\./, "");
  return id === "crc32c" ? 4 : id === "shuffle" ? 0 : null;
}

/** A v3 codec list with the checked codecs swapped in (sharding's inner and index lists too). */
function rewriteV3(codecs: unknown): unknown {
  if (!Array.isArray(codecs)) return codecs;
  let extra: number | null = 0;
  let afterBytes = false;
  return codecs.map((c: { name?: unknown; configuration?: Record<string, unknown> }) => {
    const name = String(c?.name);
    if (name === "sharding_indexed") {
      afterBytes = true;
      const conf = c.configuration ?? {};
      return { ...c, configuration: { ...conf, codecs: rewriteV3(conf.codecs), index_codecs: rewriteV3(conf.index_codecs) } };
    }
    const swapped = checkedName(name);
    const out = swapped === undefined ? c : { ...c, name: swapped, configuration: { ...c.configuration, [EXTRA]: extra } };
    if (afterBytes) {
      const added = addedBytes(name);
      extra = extra === null || added === null ? null : extra + added;
    }
    if (name === "bytes" || name === "vlen-utf8") afterBytes = true;
    return out;
  });
}

/** v2 `.zarray` with the compressor and delta swapped for the checked codecs. */
function rewriteV2(meta: Record<string, unknown>): Record<string, unknown> {
  const comp = meta.compressor as { id?: unknown } | null | undefined;
  const filters = Array.isArray(meta.filters) ? (meta.filters as { id?: unknown }[]) : meta.filters;
  return {
    ...meta,
    filters: Array.isArray(filters) ? filters.map((f) => (f?.id === "delta" ? { ...f, id: "chunkwise.delta" } : f)) : filters,
    compressor: comp != null && checkedName(String(comp.id)) !== undefined ? { ...comp, id: `chunkwise.${String(comp.id)}`, [EXTRA]: 0 } : comp,
  };
}

/**
 * The metadata bytes zarrita should see for `key`: `.zarray` and `zarr.json` with checked
 * codecs swapped in; any other key unchanged.
 */
export function checkedMetadata(key: string, bytes: Uint8Array): Uint8Array {
  const v2 = key.endsWith("/.zarray") || key === ".zarray";
  if (!v2 && !(key.endsWith("/zarr.json") || key === "zarr.json")) return bytes;
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return bytes;
  }
  const out = v2 ? rewriteV2(meta) : meta.node_type === "array" ? { ...meta, codecs: rewriteV3(meta.codecs) } : meta;
  return new TextEncoder().encode(JSON.stringify(out));
}
