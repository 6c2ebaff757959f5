/**
 * chunkwise's Zarr decoders against zarr-python's verdicts (test/fixtures/zarr/codecs, written
 * by make_codec_cases.py): every compressor setting and filter read value for value; filters
 * and compressors chunkwise cannot decode refused at open naming them; damaged chunks (header
 * intact and payload scrambled, truncated, length fields lying, padded, empty) refused with an
 * error naming the chunk wherever zarr-python raises, and never returned as other data.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { typedArrayConstructor, type DataType } from "../../../src/core/dtype.js";
import { TaskError } from "../../../src/core/errors.js";
import { toFlatArray, type Block } from "../../../src/core/ndarray.js";
import { fromZarr, ZarrError } from "../../../src/io/zarr/index.js";
import { FIXTURES, tempDir } from "./helpers.js";

const DIR = join(FIXTURES, "codecs");
const STORE = join(DIR, "codecs.zarr");

interface Digest { crc32: number; head: number[] }
interface Damaged { array: string; chunk: string; codec: string; case: string; crc32: number; length: number; python: Digest | { raises: string } }
const cases = JSON.parse(readFileSync(join(DIR, "cases.json"), "utf8")) as {
  healthy: Record<string, Digest & { shape: number[]; dtype: string }>;
  refused: Record<string, string[]>;
  damaged: Damaged[];
};

const DTYPES: Record<string, DataType> = { "<u2": "uint16", "<f4": "float32", "|u1": "uint8", "<i4": "int32", "<f8": "float64", "<i2": "int16" };

/** CRC-32 of a block's values in C order, little-endian, as the fixture script digests them. */
function digest(block: Block): number {
  const values = toFlatArray(block);
  const flat = new (typedArrayConstructor(block.dtype))(values.length) as unknown as ArrayBufferView & number[];
  values.forEach((v, i) => (flat[i] = Number(v)));
  return crc32(new Uint8Array(flat.buffer, flat.byteOffset, flat.byteLength));
}

describe("fromZarr reads every compressor setting and filter as zarr-python does", () => {
  it.each(Object.entries(cases.healthy))("%s", async (name, e) => {
    const a = await fromZarr(STORE, { path: name });
    expect(a.shape).toEqual(e.shape);
    expect(a.dtype).toBe(DTYPES[e.dtype]);
    const block = await a.compute();
    expect(toFlatArray(block).slice(0, 6)).toEqual(e.head);
    expect(digest(block)).toBe(e.crc32);
  });
});

describe("fromZarr refuses at open what it cannot decode, naming the filter or compressor", () => {
  it.each(Object.entries(cases.refused))("%s -> names %j, no delete/restore advice", async (name, names) => {
    const err = await fromZarr(STORE, { path: name }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZarrError);
    expect((err as ZarrError).kind).toBe("codec");
    const msg = (err as Error).message;
    expect(msg.startsWith(`fromZarr: ${names[0]} "${names[1]}" of array "${name}"`)).toBe(true);
    for (const n of names) expect(msg).toContain(n);
    expect(msg).toContain("The chunks are intact");
    expect(msg).not.toMatch(/delete|restore|corrupt|truncated/i);
  });
});

/** The TS twin of make_codec_cases.py's damage(): the same damaged bytes from the healthy chunk. */
function damage(codec: string, raw: Uint8Array, kind: string): Uint8Array {
  const h = { blosc: 16, lz4: 4, zstd: 6, gzip: 10, zlib: 2 }[codec]!;
  const n = raw.length;
  const b = Uint8Array.from(raw);
  const u32 = (at: number, f: (v: number) => number): Uint8Array => {
    const dv = new DataView(b.buffer);
    dv.setUint32(at, f(dv.getUint32(at, true)) >>> 0, true);
    return b;
  };
  switch (kind) {
    case "truncated-half": return raw.slice(0, Math.floor(n / 2));
    case "truncated-last-byte": return raw.slice(0, n - 1);
    case "payload-scrambled":
      for (let i = h; i < n; i++) b[i] = b[i]! ^ (((i - h) * 131 + 7) & 0xff);
      return b;
    case "payload-bytes-flipped":
      for (const i of [h, Math.floor((h + n) / 2), n - 5]) b[i] = b[i]! ^ 0x5a;
      return b;
    case "trailing-bytes": return Uint8Array.from([...raw, 0, 0, 0, 0, 0, 0, 0, 0]);
    case "empty": return new Uint8Array(0);
    case "nbytes-doubled": return u32(codec === "blosc" ? 4 : 0, (v) => v * 2);
    case "nbytes-minus-2": return u32(codec === "blosc" ? 4 : 0, (v) => v - 2);
    case "cbytes-minus-1": return u32(12, (v) => v - 1);
    case "blocksize-halved": return u32(8, (v) => Math.floor(v / 2));
    case "gzip-crc-wrong": return u32(n - 8, (v) => v ^ 1);
    case "gzip-isize-wrong": return u32(n - 4, (v) => v + 2);
    default: throw new Error(kind);
  }
}

/**
 * Where chunkwise refuses a chunk zarr-python accepts, and why that is right:
 * - blosc frames whose header `cbytes` differs from the chunk's length: padded, or cut short
 *   (c-blosc trusts `cbytes` and reads past the end of the buffer it was given);
 * - an empty gzip chunk, which zarr-python returns as uninitialised memory.
 */
function stricter(d: Damaged): boolean {
  if (d.codec === "blosc" && (d.case === "trailing-bytes" || d.case.startsWith("truncated"))) return true;
  return d.codec === "gzip" && d.case === "empty";
}

describe("damaged chunks: refused naming the chunk wherever zarr-python raises, never other data", () => {
  const copies = new Map<string, string>();
  function copyOf(array: string): string {
    let dir = copies.get(array);
    if (dir === undefined) {
      dir = join(tempDir(), "s.zarr");
      cpSync(join(STORE, array), join(dir, array), { recursive: true });
      copies.set(array, dir);
    }
    return dir;
  }

  it.each(cases.damaged.map((d) => [`${d.array} ${d.case} (zarr-python: ${"raises" in d.python ? "raises" : "returns values"})`, d] as const))("%s", async (_title, d) => {
    const dir = copyOf(d.array);
    const file = join(dir, d.array, d.chunk);
    const bad = damage(d.codec, new Uint8Array(readFileSync(join(STORE, d.array, d.chunk))), d.case);
    expect([bad.length, crc32(bad)]).toEqual([d.length, d.crc32]);
    writeFileSync(file, bad);
    const a = await fromZarr(dir, { path: d.array });
    const got = await a.blocks([0, 0]).compute().catch((e: unknown) => e);
    if ("raises" in d.python || stricter(d)) {
      expect(got).toBeInstanceOf(TaskError);
      const cause = (got as TaskError).cause as ZarrError;
      expect(cause).toBeInstanceOf(ZarrError);
      expect(cause.kind).toBe("corrupt-chunk");
      expect(cause.chunkKey).toBe(`${d.array}/${d.chunk}`);
      expect(cause.message).toMatch(new RegExp(`chunk "${d.array}/${d.chunk}" .*corrupt`));
    } else {
      expect(got).not.toBeInstanceOf(Error);
      expect(digest(got as Block)).toBe(d.python.crc32);
    }
  });

  it("every codec chunkwise decodes has damaged cases, and zarr-python raises for most", () => {
    const codecs = new Set(cases.damaged.map((d) => d.codec));
    expect([...codecs].sort()).toEqual(["blosc", "gzip", "lz4", "zlib", "zstd"]);
    expect(cases.damaged.filter((d) => "raises" in d.python).length).toBeGreaterThan(200);
  });
});

describe("foreign layouts are named at open", () => {
  it("an N5 container (zarr.N5Store) -> 'an N5 container', for the root and for a dataset", async () => {
    for (const path of ["", "vol"]) {
      const err = await fromZarr(join(DIR, "foreign/a.n5"), { path }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ZarrError);
      expect((err as Error).message).toMatch(/got an N5 container .*"n5": "2\.0\.0".*chunkwise reads Zarr v2 and v3, not N5; convert each array first/);
    }
  });

  it("the Zarr v3 draft layout (zarr-python 2 with ZARR_V3_EXPERIMENTAL_API) -> named, for the root and for an array", async () => {
    for (const path of ["", "vol"]) {
      const err = await fromZarr(join(DIR, "foreign/draft.zarr"), { path }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ZarrError);
      expect((err as Error).message).toMatch(/got the pre-release Zarr v3 draft layout .*protocol\/core\/3\.0.*chunkwise reads Zarr v2 and v3 \(the final 2023 spec\)/);
    }
  });
});

describe("forged or foreign metadata is refused at open, naming the codec", () => {
  const v3 = (codecs: unknown[]) => ({
    zarr_format: 3, node_type: "array", shape: [4], data_type: "uint16", chunk_grid: { name: "regular", configuration: { chunk_shape: [4] } },
    chunk_key_encoding: { name: "default", configuration: { separator: "/" } }, fill_value: 0, codecs,
  });
  const bytes = { name: "bytes", configuration: { endian: "little" } };
  it.each([
    ["v3 codec zfpy", v3([bytes, { name: "zfpy" }]), /^fromZarr: codec "zfpy" of array "a" .*must be one chunkwise decodes .*got "zfpy"/],
    ["v3 shard index at the start", v3([{ name: "sharding_indexed", configuration: { chunk_shape: [2], codecs: [bytes], index_codecs: [bytes, { name: "crc32c" }], index_location: "start" } }]), /keep its index at the end of each shard/],
    ["v3 codec named like a checked one", v3([bytes, { name: "chunkwise.blosc" }]), /got "chunkwise\.blosc"/],
  ] as const)("%s", async (_t, meta, message) => {
    const dir = join(tempDir(), "f.zarr");
    cpSync(join(STORE, "lz4"), join(dir, "a"), { recursive: true });
    writeFileSync(join(dir, "a", "zarr.json"), JSON.stringify(meta));
    const err = await fromZarr(dir, { path: "a" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZarrError);
    expect((err as ZarrError).kind).toBe("codec");
    expect((err as Error).message).toMatch(message);
  });

  it.each([
    ["compressor", { id: "chunkwise.zstd", _chunkwise_extra: 99 }, /compressor "chunkwise\.zstd"/],
    ["filters", [{ id: "chunkwise.delta", dtype: "<u2" }], /filter "chunkwise\.delta"/],
  ] as const)("v2 %s naming chunkwise's internal codec -> refused (settings cannot be forged)", async (key, value, message) => {
    const dir = join(tempDir(), "f.zarr");
    cpSync(join(STORE, "lz4"), join(dir, "a"), { recursive: true });
    const meta = JSON.parse(readFileSync(join(dir, "a", ".zarray"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(dir, "a", ".zarray"), JSON.stringify({ ...meta, [key]: value }));
    const err = await fromZarr(dir, { path: "a" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZarrError);
    expect((err as Error).message).toMatch(message);
  });

  it("a forged size setting on a real compressor is ignored: the chunk is still checked against its shape", async () => {
    const dir = join(tempDir(), "f.zarr");
    cpSync(join(STORE, "lz4"), join(dir, "a"), { recursive: true });
    const meta = JSON.parse(readFileSync(join(dir, "a", ".zarray"), "utf8")) as { compressor: Record<string, unknown> };
    writeFileSync(join(dir, "a", ".zarray"), JSON.stringify({ ...meta, compressor: { ...meta.compressor, _chunkwise_extra: 2 } }));
    const chunk = join(dir, "a", "0.0");
    const raw = new Uint8Array(readFileSync(chunk));
    writeFileSync(chunk, damage("lz4", raw, "nbytes-minus-2"));
    const err = await (await fromZarr(dir, { path: "a" })).blocks([0, 0]).compute().catch((e: unknown) => e);
    expect(((err as TaskError).cause as ZarrError).message).toMatch(/lz4 size header says 2046 bytes; the chunk's shape and dtype need 2048/);
  });

  /** A zstd frame that states no content size, made of RLE blocks of `size` copies of `byte` each. */
  function zstdRle(blocks: number, size: number, byte: number): Uint8Array {
    const out = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58];
    for (let i = 0; i < blocks; i++) {
      const h = (size << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
      out.push(h & 255, (h >>> 8) & 255, h >>> 16, byte);
    }
    return Uint8Array.from(out);
  }

  it("a zstd chunk without a stated size that would inflate to 128 MiB is refused before decoding", async () => {
    const dir = join(tempDir(), "f.zarr");
    cpSync(join(STORE, "zstd"), join(dir, "a"), { recursive: true });
    writeFileSync(join(dir, "a", "0.0"), zstdRle(1024, 131072, 7));
    const err = await (await fromZarr(dir, { path: "a" })).blocks([0, 0]).compute().catch((e: unknown) => e);
    expect(((err as TaskError).cause as ZarrError).message).toMatch(/zstd raw and RLE blocks alone decode to 134217728 bytes; the chunk's shape and dtype need 4096/);
  });

  it("a zstd chunk without a stated size but of the right size decodes (its blocks bound the output)", async () => {
    const dir = join(tempDir(), "f.zarr");
    cpSync(join(STORE, "zstd"), join(dir, "a"), { recursive: true });
    writeFileSync(join(dir, "a", "0.0"), zstdRle(2, 2048, 1));
    const block = await (await fromZarr(dir, { path: "a" })).blocks([0, 0]).compute();
    expect(new Set(toFlatArray(block))).toEqual(new Set([0x01010101]));
  });
});
