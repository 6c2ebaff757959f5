/**
 * Properties of the checked Zarr decoders (src/io/zarr/checked-codecs.ts), for every compressor
 * chunkwise writes: decoding what numcodecs.js / node:zlib encoded gives the bytes back, and any
 * strict prefix of an encoded chunk (a truncated file) is refused as corrupt, never decoded.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { registry } from "zarrita";
import { CorruptData } from "../../../src/io/zarr/checked-codecs.js";
import { encoderFor, resolveCompressor, type CompressorConfig } from "../../../src/io/zarr/codecs.js";

const configs: CompressorConfig[] = [
  { id: "blosc", cname: "lz4", shuffle: 1 }, { id: "blosc", cname: "lz4hc", shuffle: 0 }, { id: "blosc", cname: "blosclz", shuffle: 1 },
  { id: "blosc", cname: "zstd", shuffle: 2 }, { id: "blosc", cname: "zlib", shuffle: 1 }, { id: "blosc", cname: "lz4", clevel: 0 },
  { id: "lz4" }, { id: "zstd", level: 3 }, { id: "gzip" }, { id: "zlib" },
];

/** Bytes that compress (runs, a ramp) mixed with noise, so every codec path is exercised. */
const bytesArb = fc.array(
  fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 300 })).map(([b, n]) => new Array<number>(n).fill(b)),
    fc.integer({ min: 1, max: 400 }).map((n) => Array.from({ length: n }, (_, i) => i & 255)),
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((a) => [...a]),
  ),
  { minLength: 1, maxLength: 12 },
).map((parts) => Uint8Array.from(parts.flat()));

async function decoder(id: string, expected: number): Promise<(b: Uint8Array) => Promise<Uint8Array>> {
  const entry = (await registry.get(`chunkwise.${id}`)!()) as unknown as { fromConfig(c: unknown, m: unknown): { decode(b: Uint8Array): Uint8Array | Promise<Uint8Array> } };
  const codec = entry.fromConfig({ _chunkwise_extra: 0 }, { dataType: "uint8", shape: [expected] });
  return async (b) => codec.decode(b);
}

describe("checked codecs", () => {
  test.prop([fc.constantFrom(...configs), bytesArb, fc.double({ min: 0, max: 1, maxExcluded: true })], { numRuns: 150 })(
    "decode(encode(x)) = x, and every truncation of encode(x) is refused as corrupt",
    async (config, data, cut) => {
      const encoded = await (await encoderFor(resolveCompressor(config)))(data);
      const decode = await decoder(config.id, data.length);
      expect(await decode(encoded)).toEqual(data);
      const k = Math.floor(cut * encoded.length);
      await expect(decode(encoded.slice(0, k))).rejects.toBeInstanceOf(CorruptData);
    },
  );
});
