/**
 * Compressors chunkwise can write, as JSON specs that travel in task params, and the encoder a
 * store task builds from one. gzip and zlib use Node's zlib (numcodecs.js cannot encode them);
 * blosc with cname lz4 and byte or no shuffle uses chunkwise's own WebAssembly encoder
 * (blosc-encode.ts: numcodecs' frames byte for byte, with the array's item size as type size);
 * zstd, lz4 and the other blosc settings use numcodecs.js's WebAssembly encoders (through
 * zarrita's registry). numcodecs.js's blosc encodes with a type size of 1, so its shuffle moves
 * bytes, not elements: prefer zstd or blosc lz4 for compression ratio. Every encoder is deterministic (same bytes in, same bytes out), which is
 * what makes a resumed write byte-identical to an uninterrupted one.
 * @module
 */
import { registry } from "zarrita";
import { encodeBloscLz4 } from "./blosc-encode.js";
import { ZarrError } from "./errors.js";
import { gzip, zlibDeflate } from "./host.js";

/** A compressor by name with its default settings. */
export type CompressorName = "zstd" | "zlib" | "gzip" | "lz4" | "blosc";

/** A compressor with settings, as numcodecs' `get_config()` writes it in v2 `.zarray`. */
export type CompressorConfig =
  | { readonly id: "zstd"; readonly level?: number }
  | { readonly id: "zlib"; readonly level?: number }
  | { readonly id: "gzip"; readonly level?: number }
  | { readonly id: "lz4"; readonly acceleration?: number }
  | { readonly id: "blosc"; readonly cname?: "lz4" | "lz4hc" | "blosclz" | "zstd" | "zlib"; readonly clevel?: number; readonly shuffle?: 0 | 1 | 2 };

/** What `toZarr`'s `compressor` option accepts: a name, a config, or `null` for none. */
export type CompressorSpec = CompressorName | CompressorConfig | null;

/** A fully resolved compressor (every setting explicit), JSON. */
export type ResolvedCompressor = Required<CompressorConfig> | null;

const FN = "toZarr";

/**
 * Every setting made explicit.
 * @throws {ZarrError} (kind "codec") for an unknown compressor or a bad level
 */
export function resolveCompressor(spec: CompressorSpec | undefined): ResolvedCompressor {
  if (spec === null) return null;
  const c = typeof spec === "string" ? ({ id: spec } as CompressorConfig) : spec ?? { id: "zstd" };
  const level = (v: unknown, lo: number, hi: number, dflt: number, what: string): number => {
    if (v === undefined) return dflt;
    if (!Number.isInteger(v) || (v as number) < lo || (v as number) > hi) {
      throw new ZarrError(FN, `compressor ${what} must be an integer in [${lo}, ${hi}]; got ${JSON.stringify(v)}. Pass e.g. ${dflt}`, { kind: "codec" });
    }
    return v as number;
  };
  switch (c?.id) {
    case "zstd": return { id: "zstd", level: level(c.level, 1, 22, 3, "level") };
    case "zlib": return { id: "zlib", level: level(c.level, 0, 9, 1, "level") };
    case "gzip": return { id: "gzip", level: level(c.level, 0, 9, 1, "level") };
    case "lz4": return { id: "lz4", acceleration: level(c.acceleration, 1, 65537, 1, "acceleration") };
    case "blosc": {
      const cname = c.cname ?? "lz4";
      if (!["lz4", "lz4hc", "blosclz", "zstd", "zlib"].includes(cname)) {
        throw new ZarrError(FN, `blosc cname must be one of lz4, lz4hc, blosclz, zstd, zlib; got ${JSON.stringify(cname)}. Pass e.g. { id: "blosc", cname: "lz4" }`, { kind: "codec" });
      }
      return { id: "blosc", cname, clevel: level(c.clevel, 0, 9, 5, "clevel"), shuffle: level(c.shuffle, 0, 2, 1, "shuffle") as 0 | 1 | 2 };
    }
    default:
      throw new ZarrError(FN, `compressor must be one of "zstd", "zlib", "gzip", "lz4", "blosc" (or a config such as { id: "zstd", level: 5 }, or null); got ${JSON.stringify(spec)}. These are the codecs chunkwise can encode`, { kind: "codec" });
  }
}

/** The v2 `.zarray` `compressor` entry (numcodecs' config, readable by zarr-python 2). */
export function v2CompressorJson(c: ResolvedCompressor): Record<string, unknown> | null {
  if (c === null) return null;
  if (c.id === "blosc") return { id: "blosc", cname: c.cname, clevel: c.clevel, shuffle: c.shuffle, blocksize: 0 };
  return { ...c };
}

/**
 * The v3 `codecs` list: little-endian bytes, then the compressor.
 * @throws {ZarrError} for zlib and lz4, which are not Zarr v3 codecs
 */
export function v3Codecs(c: ResolvedCompressor, typesize: number): Record<string, unknown>[] {
  const bytes = { name: "bytes", configuration: { endian: "little" } };
  if (c === null) return [bytes];
  switch (c.id) {
    case "gzip": return [bytes, { name: "gzip", configuration: { level: c.level } }];
    case "zstd": return [bytes, { name: "zstd", configuration: { level: c.level, checksum: false } }];
    case "blosc": return [bytes, { name: "blosc", configuration: { cname: c.cname, clevel: c.clevel, shuffle: ["noshuffle", "shuffle", "bitshuffle"][c.shuffle], typesize, blocksize: 0 } }];
    default:
      throw new ZarrError(FN, `compressor for format 3 must be a Zarr v3 codec (gzip, zstd, blosc); got ${JSON.stringify(c.id)}. Pass compressor: "zstd", or format: 2`, { kind: "codec" });
  }
}

type Encode = (bytes: Uint8Array) => Promise<Uint8Array>;
const encoders = new Map<string, Promise<Encode>>();

/**
 * An encoder for a resolved compressor (cached per thread).
 * @param typesize - bytes per element, blosc's type size (numcodecs takes the array's item size)
 */
export function encoderFor(c: ResolvedCompressor, typesize = 1): Promise<Encode> {
  const key = `${JSON.stringify(c)}/${typesize}`;
  let p = encoders.get(key);
  if (p === undefined) {
    p = makeEncoder(c, typesize);
    encoders.set(key, p);
  }
  return p;
}

async function makeEncoder(c: ResolvedCompressor, typesize: number): Promise<Encode> {
  if (c === null) return async (b) => b;
  switch (c.id) {
    case "gzip": return async (b) => gzip(b, c.level);
    case "zlib": return async (b) => zlibDeflate(b, c.level);
    case "zstd": return numcodecsEncoder("zstd", { level: c.level });
    case "lz4": return numcodecsEncoder("lz4", { acceleration: c.acceleration });
    case "blosc":
      if (c.cname === "lz4" && c.shuffle !== 2) return bloscLz4Encoder(typesize, c.clevel, c.shuffle);
      return numcodecsEncoder("blosc", { cname: c.cname, clevel: c.clevel, shuffle: c.shuffle, blocksize: 0 });
  }
}

/** chunkwise's WebAssembly blosc/lz4 encoder (blosc-encode.ts): numcodecs' frames, block by block through a small heap. */
function bloscLz4Encoder(typesize: number, clevel: number, shuffle: 0 | 1): Encode {
  return async (b) => {
    try {
      return encodeBloscLz4(b, typesize, clevel, shuffle);
    } catch (e) {
      throw new ZarrError(FN, `blosc lz4 must encode a chunk of ${b.length} bytes; it failed with ${String(e)}. Write smaller chunks (blosc holds at most 2 GiB)`, { kind: "codec", cause: e });
    }
  };
}

/** numcodecs.js's encoder, reached through zarrita's codec registry (zarrita's own dependency). */
async function numcodecsEncoder(id: string, config: Record<string, unknown>): Promise<Encode> {
  const entry = await registry.get(`numcodecs.${id}`)?.();
  if (entry === undefined) {
    throw new ZarrError(FN, `compressor ${JSON.stringify(id)} must be available in zarrita's codec registry; got none. Reinstall zarrita`, { kind: "codec" });
  }
  const codec = entry.fromConfig(config, { dataType: "uint8", shape: [], codecs: [], fillValue: null }) as unknown as { encode(b: Uint8Array): Uint8Array | Promise<Uint8Array> };
  return async (b) => {
    try {
      return await codec.encode(b);
    } catch (e) {
      // numcodecs.js does not check its allocations: a heap that cannot grow shows as a
      // WebAssembly trap or a nonsense result length.
      throw new ZarrError(FN, `numcodecs.js's ${id} encoder must fit a chunk of ${b.length} bytes (and its compressed bound) in its WebAssembly heap of at most 2 GiB, one per thread and never shrunk; it failed with ${String(e)}. Write smaller chunks`, { kind: "codec", cause: e });
    }
  };
}
