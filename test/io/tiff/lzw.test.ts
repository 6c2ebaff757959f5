/**
 * The LZW decoder against an encoder written here from the TIFF 6.0 rules (libtiff's code
 * widths), for random data with long runs: as libtiff writes (Clear before the table is
 * full), with a full table kept at 12 bits with and without a later Clear, and old-style
 * LSB-first codes. Plus PackBits on the TIFF 6.0 example and bit reversal.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { deflateSync } from "node:zlib";
import { decompress, packBitsDecode, reverseBits, SegmentError } from "../../../src/io/tiff/codecs.js";
import { LzwError, lzwDecode } from "../../../src/io/tiff/lzw.js";

interface EncodeOptions {
  /** Let the table reach 4096 entries and keep 12-bit codes (Clear `clearAfter` codes later, or never). */
  fill?: boolean;
  clearAfter?: number;
  /** Old-style: LSB-first codes, no early change. */
  compat?: boolean;
  /** Leave out EndOfInformation. */
  noEoi?: boolean;
}

/** TIFF LZW, as libtiff writes it unless told otherwise. */
function lzwEncode(data: Uint8Array, o: EncodeOptions = {}): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let nacc = 0;
  let width = 9;
  let next = 258;
  let atFull = 0;
  let table = new Map<string, number>();
  const emit = (code: number): void => {
    if (o.compat) {
      acc |= code << nacc;
      nacc += width;
      while (nacc >= 8) {
        out.push(acc & 0xff);
        acc >>>= 8;
        nacc -= 8;
      }
    } else {
      acc = ((acc << width) | code) & 0xffffff;
      nacc += width;
      while (nacc >= 8) {
        nacc -= 8;
        out.push((acc >>> nacc) & 0xff);
      }
    }
  };
  const reset = (): void => {
    emit(256);
    table = new Map();
    width = 9;
    next = 258;
    atFull = 0;
  };
  const code = (s: string): number => (s.length === 1 ? s.charCodeAt(0) : table.get(s)!);
  const step = (wc: string): void => {
    if (next === 4096) {
      atFull++;
      if (o.clearAfter !== undefined && atFull === o.clearAfter) reset();
      return;
    }
    table.set(wc, next++);
    if (!o.fill && next === 4094) reset();
    else if (width < 12 && (o.compat ? next > 1 << width : next > (1 << width) - 1)) width++;
  };
  reset();
  let w = "";
  for (const b of data) {
    const wc = w + String.fromCharCode(b);
    if (w === "" || wc.length === 1 || table.has(wc)) {
      w = wc;
      continue;
    }
    emit(code(w));
    step(wc);
    w = String.fromCharCode(b);
  }
  if (w !== "") {
    emit(code(w));
    step(`${w}\0`);
  }
  if (!o.noEoi) emit(257);
  if (nacc > 0) out.push(o.compat ? acc & 0xff : (acc << (8 - nacc)) & 0xff);
  return new Uint8Array(out);
}

/** Bytes with long runs and repeats (long strings, KwKwK codes) or noise (a table that fills fast). */
const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 12000 }),
  fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 300 })), { maxLength: 200 })
    .map((runs) => Uint8Array.from(runs.flatMap(([b, n]) => Array<number>(n).fill(b)))),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 400 }))
    .map(([unit, n]) => Uint8Array.from(Array.from({ length: n }, () => [...unit]).flat())),
);

describe("lzwDecode", () => {
  test.prop([bytesArb])("decodes what libtiff's rules encode (Clear at 4094 entries)", (data) => {
    expect(lzwDecode(lzwEncode(data), data.length)).toEqual(data);
  });
  test.prop([bytesArb, fc.option(fc.integer({ min: 1, max: 3000 }), { nil: undefined })])("decodes full tables: 12-bit codes until a Clear, or to the end", (data, clearAfter) => {
    expect(lzwDecode(lzwEncode(data, { fill: true, clearAfter }), data.length)).toEqual(data);
  });
  test.prop([bytesArb])("decodes old-style LSB-first streams", (data) => {
    fc.pre(data.length > 0);
    expect(lzwDecode(lzwEncode(data, { compat: true }), data.length)).toEqual(data);
  });

  it("fills the table on 8 KiB of random bytes (what imagecodecs writes for noisy 16-bit data)", () => {
    const data = Uint8Array.from({ length: 8192 }, (_, i) => (Math.imul(i + 1, 2654435761) >>> 13) & 0xff);
    const stream = lzwEncode(data, { fill: true });
    expect(lzwDecode(stream, data.length)).toEqual(data);
  });

  it("stops at the bytes wanted and returns fewer when the stream ends early or lacks EOI", () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => i % 7);
    expect(lzwDecode(lzwEncode(data), 10)).toEqual(data.subarray(0, 10));
    expect(lzwDecode(lzwEncode(data, { noEoi: true }), 1000)).toEqual(data);
    const cut = lzwDecode(lzwEncode(data).subarray(0, 20), 1000);
    expect(cut.length).toBeLessThan(1000);
    expect(cut).toEqual(data.subarray(0, cut.length));
  });

  it("refuses a code not yet in the table, and a long code right after a Clear", () => {
    // 9-bit codes: Clear, 65, then 300 (no entry is made before the second code).
    const bits = [256, 65, 300].map((c) => c.toString(2).padStart(9, "0")).join("").padEnd(32, "0");
    const stream = Uint8Array.from({ length: 4 }, (_, i) => parseInt(bits.slice(8 * i, 8 * i + 8), 2));
    expect(() => lzwDecode(stream, 10)).toThrow(LzwError);
    expect(() => lzwDecode(stream, 10)).toThrow(/code 300 when the table holds codes up to 257/);
    const afterClear = [256, 258].map((c) => c.toString(2).padStart(9, "0")).join("").padEnd(24, "0");
    const s2 = Uint8Array.from({ length: 3 }, (_, i) => parseInt(afterClear.slice(8 * i, 8 * i + 8), 2));
    expect(() => lzwDecode(s2, 10)).toThrow(/code 258 right after a Clear/);
  });
});

describe("packBitsDecode", () => {
  it("decodes the TIFF 6.0 example", () => {
    const packed = Uint8Array.from([0xfe, 0xaa, 0x02, 0x80, 0x00, 0x2a, 0xfd, 0xaa, 0x03, 0x80, 0x00, 0x2a, 0x22, 0xf7, 0xaa]);
    const unpacked = [0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x2a, 0xaa, 0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x2a, 0x22, ...Array<number>(10).fill(0xaa)];
    expect([...packBitsDecode(packed, unpacked.length)]).toEqual(unpacked);
    expect([...packBitsDecode(packed, 5)]).toEqual(unpacked.slice(0, 5));
    expect(packBitsDecode(packed.subarray(0, 4), 24).length).toBe(4);
    expect([...packBitsDecode(Uint8Array.from([0x80, 0x00, 0x07]), 1)]).toEqual([7]);
  });
});

describe("reverseBits", () => {
  test.prop([fc.uint8Array({ maxLength: 64 })])("reverses each byte's bits and is its own inverse", (bytes) => {
    const r = reverseBits(bytes);
    r.forEach((b, i) => expect(b.toString(2).padStart(8, "0")).toBe([...bytes[i]!.toString(2).padStart(8, "0")].reverse().join("")));
    expect(reverseBits(r)).toEqual(bytes);
  });
});

describe("decompress", () => {
  it("stops a Deflate stream that inflates far past the segment (a bomb) with a SegmentError", () => {
    const bomb = deflateSync(Buffer.alloc(8 << 20));
    expect(() => decompress(bomb, 8, 1, 100)).toThrow(SegmentError);
    expect(() => decompress(bomb, 8, 1, 100)).toThrow(/a Deflate stream that inflates to over 1048676 bytes, where 100 are needed/);
    expect([...decompress(deflateSync(Buffer.alloc(300, 7)), 8, 1, 100)]).toEqual(Array<number>(100).fill(7));
  });
  it("reverses bits before decompressing (FillOrder 2)", () => {
    const packed = Uint8Array.from([0x02, 0x01, 0x02, 0x03]);
    expect([...decompress(reverseBits(packed), 32773, 2, 3)]).toEqual([1, 2, 3]);
  });
});
