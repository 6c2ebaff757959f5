/**
 * The compressor of `deconvolve`'s output: `--compressor`, its default, and on `--resume` the
 * one the existing output was written with (a resumed output keeps its codec: toZarr refuses a
 * different one, and a run that finishes an output started by an older chunkwise, whose
 * default was zstd level 3, must not need the option to say so).
 *
 * The default is blosc with lz4 at clevel 5 and shuffle, zarr-python 2's default compressor:
 * chunkwise's own WebAssembly codec encodes a deconvolved float32 volume of the blog's size
 * (632 MB) in about 0.45 s of CPU, byte for byte as c-blosc does, and decodes block by block
 * on a heap of about 3 MiB (docs/io.md, "Blosc with lz4"); zstd level 3 took 3.2 s through
 * numcodecs.js and compresses less (ratio 0.81 against 0.75).
 * @module
 */
import type { CompressorConfig, CompressorSpec } from "../io/zarr/index.js";
import { readNode } from "../io/zarr/metadata.js";
import { storeRefOf } from "../io/zarr/store.js";
import { UsageError } from "./command.js";

const NAME = "deconvolve";

/** The CLI's output compressor when neither `--compressor` nor an output to resume says otherwise. */
export const CLI_COMPRESSOR: CompressorConfig = { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1 };

/** `--compressor` values: name, the level's setting and its range (undefined: no level). */
const CHOICES: Record<string, { make: (level: number | undefined) => CompressorConfig | null; range?: readonly [number, number]; v2Only?: boolean }> = {
  "blosc-lz4": { make: (l) => ({ ...CLI_COMPRESSOR, ...(l === undefined ? {} : { clevel: l }) }), range: [0, 9] },
  "blosc-zstd": { make: (l) => ({ id: "blosc", cname: "zstd", clevel: l ?? 5, shuffle: 1 }), range: [0, 9] },
  zstd: { make: (l) => ({ id: "zstd", level: l ?? 3 }), range: [1, 22] },
  gzip: { make: (l) => ({ id: "gzip", level: l ?? 1 }), range: [0, 9] },
  zlib: { make: (l) => ({ id: "zlib", level: l ?? 1 }), range: [0, 9], v2Only: true },
  lz4: { make: () => ({ id: "lz4" }), v2Only: true },
  none: { make: () => null },
};

/**
 * Reads `--compressor NAME[:LEVEL]` (undefined when not given).
 * @throws {UsageError} for an unknown name, a bad level, or a v2-only codec with `--zarr-format 3`
 * @example parseCompressor("zstd:5", 2) // { id: "zstd", level: 5 }
 */
export function parseCompressor(text: string | undefined, format: 2 | 3): CompressorSpec | undefined {
  if (text === undefined) return undefined;
  const [name = "", level, ...rest] = text.split(":");
  const choice = Object.hasOwn(CHOICES, name) ? CHOICES[name]! : undefined;
  if (choice === undefined || rest.length > 0) {
    throw new UsageError(`${NAME}: --compressor must be one of ${Object.keys(CHOICES).join(", ")}, with :LEVEL after blosc-lz4, blosc-zstd, zstd, gzip or zlib; got ${JSON.stringify(text)}. Pass e.g. --compressor blosc-lz4 (the default) or --compressor zstd:3`);
  }
  let n: number | undefined;
  if (level !== undefined) {
    n = Number(level);
    const range = choice.range;
    if (range === undefined || level === "" || !Number.isInteger(n) || n < range[0] || n > range[1]) {
      const rule = range === undefined ? `take no level` : `take an integer level in [${range[0]}, ${range[1]}]`;
      throw new UsageError(`${NAME}: --compressor ${name} must ${rule}; got ${JSON.stringify(text)}. Pass e.g. --compressor ${range === undefined ? name : `${name}:${range[1] > 9 ? 3 : 5}`}`);
    }
  }
  if (format === 3 && choice.v2Only === true) {
    throw new UsageError(`${NAME}: --compressor must be a Zarr v3 codec (blosc-lz4, blosc-zstd, zstd, gzip, none) with --zarr-format 3; got ${JSON.stringify(text)}. Pass another compressor, or --zarr-format 2`);
  }
  return choice.make(n);
}

/**
 * The compressor of the array at `path` in `store` as toZarr takes it, or undefined when there
 * is no array there or chunkwise cannot write its codec (toZarr then refuses to resume it).
 */
export async function existingCompressor(store: string, path: string): Promise<CompressorSpec | undefined> {
  const node = await readNode(NAME, storeRefOf(NAME, store), path);
  if (node.kind !== "array") return undefined;
  if (node.format === 2) {
    const c = node.meta.compressor as Record<string, unknown> | null | undefined;
    return c === null ? null : (c as CompressorConfig | undefined);
  }
  const codecs = (node.meta.codecs as { name?: string; configuration?: Record<string, unknown> }[] | undefined) ?? [];
  const after = codecs.filter((c) => c.name !== "bytes");
  if (after.length === 0) return null;
  if (after.length > 1) return undefined;
  const { name, configuration: conf = {} } = after[0]!;
  if (name === "zstd" || name === "gzip") return { id: name, level: conf.level as number };
  if (name === "blosc") {
    const shuffle = ["noshuffle", "shuffle", "bitshuffle"].indexOf(conf.shuffle as string);
    return { id: "blosc", cname: conf.cname as "lz4", clevel: conf.clevel as number, shuffle: Math.max(0, shuffle) as 0 | 1 | 2 };
  }
  return undefined;
}
