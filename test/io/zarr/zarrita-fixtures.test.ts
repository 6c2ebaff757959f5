/**
 * zarrita.js's own fixture stores (test/fixtures/zarr/zarrita, vendored with provenance in its
 * README.md), read by chunkwise array by array and compared value for value with zarr-python 2
 * (v2 store) or with numpy decoding the raw chunks by the v3 spec (v3 store), as recorded by
 * make_expected.py. Arrays of a dtype chunkwise does not hold (strings, objects, float16) must
 * be refused at open, naming the dtype.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TaskError } from "../../../src/core/errors.js";
import { toFlatArray } from "../../../src/core/ndarray.js";
import { fromZarr, ZarrError } from "../../../src/io/zarr/index.js";
import { FIXTURES, tempDir } from "./helpers.js";

const DIR = join(FIXTURES, "zarrita");
interface Entry { shape: number[]; dtype: string; values: (number | boolean | string)[] | null; reader: string }
const expected = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8")) as Record<"v2" | "v3", Record<string, Entry>>;

/** chunkwise's dtype for a Zarr v2 or v3 data type, or undefined when it holds no such dtype. */
function chunkwiseDtype(zarrDtype: string): string | undefined {
  const v2: Record<string, string> = { b1: "bool", i1: "int8", i2: "int16", i4: "int32", u1: "uint8", u2: "uint16", u4: "uint32", f4: "float32", f8: "float64" };
  const m = /^[<>|]([a-zA-Z]\d+)$/.exec(zarrDtype);
  if (m) return v2[m[1]!];
  return Object.values(v2).includes(zarrDtype) ? zarrDtype : undefined;
}

const all = (["v2", "v3"] as const).flatMap((format) =>
  Object.entries(expected[format]).map(([path, e]) => ({ format, path, e, dtype: chunkwiseDtype(e.dtype) })));
const readable = all.filter((c) => c.dtype !== undefined);
const refused = all.filter((c) => c.dtype === undefined);

describe("zarrita.js fixtures: every array chunkwise can hold reads as zarr-python / the v3 spec say", () => {
  it.each(readable.map((c) => [`${c.format}/${c.path} (${c.e.dtype})`, c] as const))("%s", async (_t, c) => {
    const a = await fromZarr(join(DIR, c.format, "data.zarr"), { path: c.path });
    expect(a.shape).toEqual(c.e.shape);
    expect(a.dtype).toBe(c.dtype);
    const values = toFlatArray(await a.compute()).map((v) => (c.dtype === "bool" ? Boolean(v) : v));
    expect(values).toEqual(c.e.values);
  });

  it("covers v2 and v3, sharded, F-order, big-endian, delta, fixedscaleoffset, bitround and every compressor the stores hold", () => {
    const names = readable.map((c) => `${c.format}/${c.path}`);
    expect(names.length).toBeGreaterThanOrEqual(55);
    for (const n of ["v2/1d.contiguous.fixedscaleoffset.f4", "v2/1d.contiguous.delta.shuffle.i2", "v2/1d.contiguous.f4.be", "v2/3d.chunked.mixed.i2.F", "v2/1d.contiguous.lz4.i2", "v2/1d.contiguous.zstd.i2", "v2/1d.contiguous.bitround.f4", "v3/2d.chunked.ragged.compressed.sharded.i2", "v3/3d.chunked.mixed.i2.F", "v3/3d.contiguous.delta.i4.mixed", "v3/1d.contiguous.f4.be"]) {
      expect(names).toContain(n);
    }
  });
});

describe("zarrita.js fixtures: arrays of a dtype chunkwise does not hold are refused at open", () => {
  it.each(refused.map((c) => [`${c.format}/${c.path} (${c.e.dtype})`, c] as const))("%s", async (_t, c) => {
    const err = await fromZarr(join(DIR, c.format, "data.zarr"), { path: c.path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZarrError);
    expect((err as ZarrError).kind).toBe("dtype");
    expect((err as Error).message).toContain(`got ${JSON.stringify(c.e.dtype)}`);
  });

  it("the refused ones are exactly the string, object and float16 arrays", () => {
    expect(new Set(refused.map((c) => c.e.dtype))).toEqual(new Set(["|S7", ">U13", "<U13", "<U7", "|O", "string", "float16"]));
  });
});

describe("zarrita.js fixtures: groups", () => {
  it.each([["v2", ""], ["v3", ""], ["v3", "consolidated"], ["v3", "my group with spaces"]] as const)("%s group %j -> not-an-array, listing arrays below", async (format, path) => {
    const err = await fromZarr(join(DIR, format, "data.zarr"), { path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZarrError);
    expect((err as ZarrError).kind).toBe("not-an-array");
  });
});

describe("zarrita.js fixtures: damaged shards are refused naming the shard and inner chunk", () => {
  const name = "2d.chunked.compressed.sharded.i2"; // shape [4,4], shards [2,2], inner chunks [1,1], gzip inside, crc32c index
  async function readDamaged(flip: (bytes: Buffer) => number): Promise<ZarrError> {
    const dir = join(tempDir(), "s.zarr");
    cpSync(join(DIR, "v3/data.zarr", name), join(dir, name), { recursive: true });
    const file = join(dir, name, "c/1/0");
    const bytes = readFileSync(file);
    const at = flip(bytes);
    bytes[at] = bytes[at]! ^ 0x21;
    writeFileSync(file, bytes);
    const err = await (await fromZarr(dir, { path: name })).compute().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    const cause = (err as TaskError).cause as ZarrError;
    expect(cause).toBeInstanceOf(ZarrError);
    expect(cause.kind).toBe("corrupt-chunk");
    expect(cause.chunkKey).toBe(`${name}/c/1/0`);
    return cause;
  }

  it("a byte of the shard index changed -> its crc32c no longer matches", async () => {
    const e = await readDamaged((b) => b.length - 10);
    expect(e.message).toMatch(/of shard ".*\/c\/1\/0" .*crc32c checksum is 0x[0-9a-f]+; the data's is 0x[0-9a-f]+/);
  });

  it("a byte inside the first inner chunk's gzip data changed -> gzip refuses it", async () => {
    const e = await readDamaged(() => 12);
    expect(e.message).toMatch(/inner chunk \[2,0\] of shard ".*\/c\/1\/0" .*gzip stream does not decode/);
  });
});
