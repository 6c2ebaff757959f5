/**
 * chunkwise's WebAssembly blosc/lz4 codec (src/io/zarr/blosc-encode.ts, blosc-frame.ts,
 * wasm/): against the frames Debian's numcodecs (c-blosc 1.21.3, LZ4 1.9.4) made
 * (test/fixtures/zarr/blosc-lz4, make_fixtures.py), against the TypeScript LZ4 decoder on
 * damaged streams, and by round trips of random arrays.
 */
import { createHash } from "node:crypto";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { decodeBlosc } from "../../../src/io/zarr/blosc-frame.js";
import { bloscBlocksize, encodeBloscLz4 } from "../../../src/io/zarr/blosc-encode.js";
import { bloscWasm } from "../../../src/io/zarr/blosc-wasm.js";
import { CorruptData, lz4Block } from "../../../src/io/zarr/byte-codecs.js";
import { caseData, frameCases } from "./blosc-lz4-data.js";

const helpers = {
  zstd: async (): Promise<Uint8Array> => { throw new Error("no zstd here"); },
  blosc: async (): Promise<Uint8Array> => { throw new Error("no bit shuffle here"); },
};
const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const cases = frameCases();
const label = (c: (typeof cases)[number]): string => `${c.kind} n=${c.n} typesize=${c.typesize} clevel=${c.clevel} shuffle=${c.shuffle}`;

describe("numcodecs' frames", () => {
  it("cover what the task needs: every clevel, shuffle, type size, memcpyed and split frames, several blocks", () => {
    expect(cases.length).toBe(534);
    expect(new Set(cases.map((c) => c.clevel))).toEqual(new Set([0, 1, 5, 9]));
    expect(new Set(cases.map((c) => c.typesize))).toEqual(new Set([1, 2, 3, 4, 8, 16, 32]));
    expect(cases.filter((c) => c.frame !== undefined).length).toBeGreaterThan(400);
    const flags = new Set(cases.filter((c) => c.frame).map((c) => c.frame![2]! & 0x12));
    expect(flags).toEqual(new Set([0, 0x02, 0x10, 0x12])); // split or not, compressed or memcpyed
    expect(cases.some((c) => c.frame && c.frame.length > 16 && new DataView(c.frame.buffer, c.frame.byteOffset).getInt32(8, true) * 2 < c.n * c.typesize && !(c.frame[2]! & 2))).toBe(true);
  });

  it.each(cases.map((c) => [label(c), c] as const))("encoder writes numcodecs' bytes: %s", (_, c) => {
    const ours = encodeBloscLz4(caseData(c), c.typesize, c.clevel, c.shuffle);
    expect(ours.length).toBe(c.size);
    if (c.frame) expect(Buffer.from(ours).equals(Buffer.from(c.frame))).toBe(true);
    expect(sha(ours)).toBe(c.sha256);
  });

  it.each(cases.filter((c) => c.frame).map((c) => [label(c), c] as const))("decoder reads numcodecs' frame: %s", async (_, c) => {
    const want = caseData(c);
    const got = await decodeBlosc(c.frame!, want.length, helpers);
    expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
  });
});

const DTYPES = [Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array] as const;

describe("round trips", () => {
  const arrays = fc.tuple(fc.constantFrom(...DTYPES), fc.integer({ min: 0, max: 40000 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom("noise", "runs", "ramp")).map(([T, n, seed, kind]) => {
    const a = new T(n);
    const bytes = new Uint8Array(a.buffer);
    let s = seed;
    for (let i = 0; i < bytes.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      bytes[i] = kind === "noise" ? s >>> 24 : kind === "runs" ? (i >> 9) & 7 : (i * 7 + (s >>> 30)) & 255;
    }
    return { bytes, typesize: T.BYTES_PER_ELEMENT };
  });
  test.prop([arrays, fc.integer({ min: 0, max: 9 }), fc.constantFrom(0 as const, 1 as const)], { numRuns: 120 })(
    "decode(encode(x)) = x for every dtype, size, clevel and shuffle, and the frame never grows past nbytes + 16",
    async ({ bytes, typesize }, clevel, shuffle) => {
      const frame = encodeBloscLz4(bytes, typesize, clevel, shuffle);
      expect(frame.length).toBeLessThanOrEqual(bytes.length + 16);
      const back = await decodeBlosc(frame, bytes.length, helpers);
      expect(Buffer.from(back).equals(Buffer.from(bytes))).toBe(true);
    },
  );

  test.prop([fc.integer({ min: 1, max: 40 }), fc.uint8Array({ minLength: 0, maxLength: 3000 })], { numRuns: 150 })(
    "any type size (generic and vector paths alike): encode then decode restores the bytes",
    async (typesize, bytes) => {
      const back = await decodeBlosc(encodeBloscLz4(bytes, typesize, 5, 1), bytes.length, helpers);
      expect(Buffer.from(back).equals(Buffer.from(bytes))).toBe(true);
    },
  );

  test.prop([fc.integer({ min: 1, max: 20 }), fc.uint8Array({ minLength: 0, maxLength: 2000 })], { numRuns: 150 })(
    "the wasm unshuffle puts byte b of element i from b * n + i, a tail shorter than an element as is",
    (typesize, bytes) => {
      const w = bloscWasm();
      w.reserve(0, bytes.length, bytes.length);
      w.bytes().set(bytes, w.b);
      w.exports.unshuffle(typesize, bytes.length, w.b, w.c);
      const got = w.bytes().slice(w.c, w.c + bytes.length);
      const n = Math.floor(bytes.length / typesize);
      const want = Uint8Array.from(bytes);
      for (let b = 0; b < typesize; b++) for (let i = 0; i < n; i++) want[i * typesize + b] = bytes[b * n + i]!;
      expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
    },
  );

  it("block sizes follow c-blosc's compute_blocksize for lz4 (the blog's chunks: 512 KiB float32, 256 KiB uint16)", () => {
    expect(bloscBlocksize(5, 4, 632291328)).toBe(512 * 1024);
    expect(bloscBlocksize(5, 2, 316145664)).toBe(256 * 1024);
    expect(bloscBlocksize(9, 8, 10 ** 8)).toBe(1024 * 1024);
    expect(bloscBlocksize(0, 4, 10 ** 6)).toBe(8192);
    expect(bloscBlocksize(5, 4, 3)).toBe(1);
    expect(bloscBlocksize(5, 32, 10 ** 6)).toBe(128 * 1024);
  });
});

/** A one-block, one-stream blosc lz4 frame around `stream` (no shuffle, DONT_SPLIT). */
function frameOf(stream: Uint8Array, nbytes: number): Uint8Array {
  const out = new Uint8Array(24 + stream.length);
  const dv = new DataView(out.buffer);
  out.set([2, 1, 0x30, 1]);
  dv.setInt32(4, nbytes, true);
  dv.setInt32(8, nbytes, true);
  dv.setInt32(12, out.length, true);
  dv.setInt32(16, 20, true);
  dv.setInt32(20, stream.length, true);
  out.set(stream, 24);
  return out;
}

/** What the TypeScript decoder (lz4Block, the reference) makes of a stream: the bytes, or its error message. */
function reference(stream: Uint8Array, nbytes: number): Uint8Array | string {
  const out = new Uint8Array(nbytes);
  try {
    const n = lz4Block(stream, out);
    return n === nbytes ? out : `blosc block 0 stream 0 (lz4) decodes to ${n} bytes; it must be ${nbytes}`;
  } catch (e) {
    return (e as Error).message;
  }
}

describe("damaged lz4 streams: the wasm decoder refuses exactly what the TypeScript one refuses, with its words", () => {
  const streams = fc.tuple(fc.integer({ min: 200, max: 5000 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 16 })).map(([n, seed, period]) => {
    const data = new Uint8Array(n);
    let s = seed;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      data[i] = i % 97 < 60 ? data[Math.max(0, i - period)]! ^ (i < period ? s >>> 24 : 0) : s >>> 24;
    }
    const frame = encodeBloscLz4(data, 1, 9, 0);
    return { data, stream: frame.subarray(24) };
  }).filter(({ data, stream }) => stream.length !== data.length);
  const edits = fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true }), fc.integer({ min: 0, max: 255 })), { minLength: 0, maxLength: 4 });

  test.prop([streams, edits, fc.double({ min: 0, max: 1 }), fc.integer({ min: -3, max: 3 })], { numRuns: 400 })(
    "bytes changed, the stream cut short, the decoded size lying",
    async ({ data, stream }, changes, cut, sizeLie) => {
      const damaged = stream.slice(0, Math.max(0, Math.ceil(cut * stream.length)));
      for (const [at, v] of changes) if (damaged.length > 0) damaged[Math.floor(at * damaged.length)] = v;
      const nbytes = Math.max(1, data.length + sizeLie);
      if (damaged.length === nbytes) return; // stored raw: no decoder involved
      const want = reference(damaged, nbytes);
      const got = await decodeBlosc(frameOf(damaged, nbytes), nbytes, helpers).then((b) => b, (e: unknown) => e);
      if (typeof want === "string") {
        expect(got).toBeInstanceOf(CorruptData);
        expect((got as Error).message).toBe(want);
      } else expect(Buffer.from(got as Uint8Array).equals(Buffer.from(want))).toBe(true);
    },
  );

  it("an offset before the output start is named; an empty stream and a final match are refused", async () => {
    const lying = Uint8Array.from([0x14, 65, 9, 0, 0x10, 67]); // 1 literal, then a match 9 back
    await expect(decodeBlosc(frameOf(lying, 20), 20, helpers)).rejects.toThrow("lz4 match offset 9 points before the start of the output");
    await expect(decodeBlosc(frameOf(new Uint8Array(0), 20), 20, helpers)).rejects.toThrow("lz4 block is empty");
    await expect(decodeBlosc(frameOf(Uint8Array.from([0x10, 65, 1, 0]), 5), 5, helpers)).rejects.toThrow("lz4 block ends with a match; it must end with literals");
  });
});

describe("memory", () => {
  it("the wasm heap holds blocks, never a chunk: 24 MB encoded and decoded leave it at about 3 MiB", async () => {
    const data = caseData({ kind: "smooth", n: 3_000_000, typesize: 8 });
    for (const [ts, clevel] of [[8, 9], [4, 5], [2, 1], [1, 0]] as const) {
      const frame = encodeBloscLz4(data, ts, clevel, 1);
      expect(Buffer.from(await decodeBlosc(frame, data.length, helpers)).equals(Buffer.from(data))).toBe(true);
    }
    expect(bloscWasm().bytes().length).toBeLessThanOrEqual(16384 + 3 * (1 << 20) + 65536 * 2);
  });

  it("the encoder compresses straight into one frame buffer (the chunk plus 16 bytes), not into pieces joined after", () => {
    const data = caseData({ kind: "smooth", n: 3_000_000, typesize: 4 });
    const frame = encodeBloscLz4(data, 4, 5, 1);
    expect(frame.length).toBeLessThan(data.length);
    expect(frame.byteOffset).toBe(0);
    expect(frame.buffer.byteLength).toBe(data.length + 16);
    const stored = encodeBloscLz4(new Uint8Array(1000), 4, 0, 1); // clevel 0: the stored frame is the whole buffer
    expect(stored.buffer.byteLength).toBe(stored.length);
  });

  it("a frame forcing one 40 MB block decodes, and its grown memory is dropped afterwards, not kept for the thread's life", async () => {
    const n = 40 * 1024 * 1024;
    const data = caseData({ kind: "smooth", n: n / 4, typesize: 4 }).subarray(0, n);
    const frame = frameOf(data, n); // the one stream stored raw: csize equals the block
    const before = bloscWasm();
    expect(Buffer.from(await decodeBlosc(frame, n, helpers)).equals(Buffer.from(data))).toBe(true);
    const after = bloscWasm();
    expect(after).not.toBe(before);
    expect(after.bytes().length).toBeLessThan(1 << 20);
  });
});

describe("hostile frames", () => {
  const data = caseData({ kind: "smooth", n: 300000, typesize: 4 });
  const frame = encodeBloscLz4(data, 4, 5, 1);
  const dv = (f: Uint8Array): DataView => new DataView(f.buffer, f.byteOffset, f.byteLength);

  it("is a several-block split frame", () => {
    expect(dv(frame).getInt32(8, true)).toBe(512 * 1024);
    expect(frame[2]! & 0x12).toBe(0);
  });

  it("every truncation is refused as corrupt", async () => {
    for (let k = 0; k < frame.length; k += Math.max(1, Math.floor(frame.length / 300))) {
      await expect(decodeBlosc(frame.slice(0, k), data.length, helpers)).rejects.toBeInstanceOf(CorruptData);
    }
  });

  it("a block offset outside the frame, a stream size past its end, a lying nbytes", async () => {
    const out = frame.slice();
    dv(out).setInt32(20, out.length + 100, true);
    await expect(decodeBlosc(out, data.length, helpers)).rejects.toThrow(`blosc block 1 stream 0 starts at byte ${out.length + 100}, outside the ${out.length}-byte frame`);
    const big = frame.slice();
    const at = dv(big).getInt32(16, true);
    dv(big).setInt32(at, 2 ** 31 - 1, true);
    await expect(decodeBlosc(big, data.length, helpers)).rejects.toThrow(/blosc block 0 stream 0 says 2147483647 bytes; only \d+ remain in the frame/);
    const neg = frame.slice();
    dv(neg).setInt32(16, -5, true);
    await expect(decodeBlosc(neg, data.length, helpers)).rejects.toThrow("blosc block 0 stream 0 starts at byte -5");
    const huge = frame.slice();
    dv(huge).setInt32(4, 2 ** 31 - 1, true);
    await expect(decodeBlosc(huge, data.length, helpers)).rejects.toThrow(`blosc header says 2147483647 decoded bytes; the chunk's shape and dtype need ${data.length}`);
  });

  it("a stream size shrunk by one (its bytes then read as the next stream) is refused, not decoded to other data", async () => {
    const out = frame.slice();
    const at = dv(out).getInt32(16, true);
    dv(out).setInt32(at, dv(out).getInt32(at, true) - 1, true);
    await expect(decodeBlosc(out, data.length, helpers)).rejects.toBeInstanceOf(CorruptData);
  });
});
