/**
 * readTiff against every fixture tifffile wrote (values, dtype and shape exactly), and the
 * bad-input table: each refusal names the file and says what to do.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toFlatArray } from "../../../src/core/ndarray.js";
import { bufferSource, readHeader } from "../../../src/io/tiff/header.js";
import { imread, readTiff, TiffError } from "../../../src/io/tiff/index.js";
import { BAD, EXPECTED, fixture, scratch } from "./helpers.js";

const { dir, cleanup } = scratch("read");
afterAll(cleanup);

describe("readTiff reads what tifffile wrote", () => {
  for (const [rel, e] of Object.entries(EXPECTED)) {
    it(`${rel} dtype=${e.dtype} shape=[${e.shape}]`, async () => {
      const block = await readTiff(fixture(rel));
      expect(block.dtype).toBe(e.dtype);
      expect(block.shape).toEqual(e.shape);
      // Object.is keeps -0 apart from 0 and compares float32 extremes exactly.
      const got = toFlatArray(block);
      expect(got.length).toBe(e.values.length);
      const wrong = got.findIndex((v, i) => !Object.is(v, e.values[i]));
      expect(wrong, `first wrong value at flat index ${wrong}`).toBe(-1);
    });
  }

  it("covers every dtype, single- and multi-page, every codec, tiles, strips, samples and big-endian", () => {
    const names = Object.keys(EXPECTED).join(" ");
    for (const dt of ["uint8", "int8", "uint16", "int16", "uint32", "int32", "float32"]) {
      expect(names).toContain(`plain/${dt}_2d.tif`);
      expect(names).toContain(`plain/${dt}_stack.tif`);
      expect(names).toContain(`compressed/${dt}_zlib.tif`);
    }
    for (const part of ["_lzw", "_predictor", "_tiled", "_strips", "_rgb", "_bigendian"]) expect(names).toContain(part);
  });
});

/** Copies a fixture into the scratch folder with its bytes changed by `edit`. */
function variant(rel: string, name: string, edit: (bytes: Uint8Array) => Uint8Array): string {
  const out = join(dir, name);
  writeFileSync(out, edit(new Uint8Array(readFileSync(fixture(rel)))));
  return out;
}

async function firstStrip(rel: string, pageIndex = 0): Promise<{ offset: number; count: number; size: number }> {
  const bytes = new Uint8Array(readFileSync(fixture(rel)));
  const header = await readHeader(bufferSource(bytes), rel, "test");
  const page = header.pages[pageIndex]!;
  return { offset: page.offsets[0]!, count: page.byteCounts![0]!, size: bytes.length };
}

describe("readTiff refuses bad input with the file and a fix", () => {
  const cases: [string, () => Promise<string> | string, RegExp][] = [
    ["missing file", () => join(dir, "nope.tif"), /no such file\. Check the path/],
    ["a directory", () => dir, /a directory\. Pass a file/],
    ["an empty file", () => variant("plain/uint8_2d.tif", "empty.tif", () => new Uint8Array(0)), /must be a TIFF file .*got an empty file/],
    ["header cut at 5 bytes", () => variant("plain/uint16_stack.tif", "cut5.tif", (b) => b.subarray(0, 5)), /truncated/],
    ["cut inside the first page's tags", () => variant("plain/uint16_stack.tif", "cut-ifd.tif", (b) => b.subarray(0, 40)), /must be a complete TIFF file \(page 0\).*truncated/],
    // tifffile puts page 0's tags first, then every page's pixels, then the other pages' tags.
    ["cut inside page 1's tags", () => variant("plain/uint16_stack.tif", "cut-ifd1.tif", (b) => b.subarray(0, 500)), /\(page 1\); got 500 bytes where at least \d+ are needed\. The file is truncated/],
    ["cut inside the pixels", () => variant("plain/uint16_2d.tif", "cut-pixels.tif", (b) => b.subarray(0, b.length - 10)), /\(page 0\); got 316 bytes where at least 326 are needed\. The file is truncated: copy or write it again/],
    ["cut inside a Deflate strip", async () => {
      const s = await firstStrip("compressed/uint16_zlib.tif");
      return variant("compressed/uint16_zlib.tif", "cut-zlib.tif", (b) => b.subarray(0, s.offset + Math.floor(s.count / 2)));
    }, /truncated/],
    // The last page's strip: every page's tags are still there, so the pixels are what is cut.
    ["cut inside an LZW strip", async () => {
      const s = await firstStrip("compressed/uint8_lzw.tif", 1);
      return variant("compressed/uint8_lzw.tif", "cut-lzw.tif", (b) => b.subarray(0, s.offset + Math.floor(s.count / 2)));
    }, /\(page 1\); got \d+ bytes where at least \d+ are needed\. The file is truncated/],
    ["a corrupt Deflate strip", async () => {
      const s = await firstStrip("compressed/uint16_zlib.tif");
      return variant("compressed/uint16_zlib.tif", "corrupt-zlib.tif", (b) => {
        const c = b.slice();
        c.fill(0x55, s.offset, s.offset + s.count);
        return c;
      });
    }, /page 0 must hold valid Deflate data in strip 0; got a Deflate stream that does not inflate.*damaged or truncated/],
    ...Object.entries(BAD).map(([rel, reason]): [string, () => string, RegExp] => [reason, () => fixture(rel), FIX[rel]!]),
  ];
  for (const [what, make, message] of cases) {
    it(`${what}`, async () => {
      const path = await make();
      const err = await readTiff(path).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TiffError);
      expect((err as TiffError).path).toBe(path);
      expect((err as Error).message).toContain(`readTiff: ${JSON.stringify(path)}`);
      expect((err as Error).message).toMatch(message);
    });
  }

  it("names the page of a stack whose pages differ", async () => {
    // Page 1 of a 3-page stack claims a different width: patch its ImageWidth tag.
    const bytes = new Uint8Array(readFileSync(fixture("plain/uint8_stack.tif")));
    const header = await readHeader(bufferSource(bytes), "x", "test");
    expect(header.pages.length).toBe(3);
    const path = variant("plain/uint8_stack.tif", "ragged-pages.tif", (b) => patchTag(b, 1, 256, 5));
    await expect(readTiff(path)).rejects.toThrow(/every page of .*ragged-pages\.tif" must have the shape and dtype of page 0 \(shape \(4, 6\) uint8\).*got page 1 with shape \(4, 5\) uint8/);
  });

  it("rejects a path that is not a string", async () => {
    await expect(readTiff(undefined as unknown as string)).rejects.toThrow(/readTiff: path must be a non-empty string/);
  });

  it("reads a copy with a .tiff extension and unusual name", async () => {
    mkdirSync(join(dir, "odd name (1)"), { recursive: true });
    const path = join(dir, "odd name (1)", "x.tiff");
    copyFileSync(fixture("plain/int16_2d.tif"), path);
    expect((await readTiff(path)).shape).toEqual(EXPECTED["plain/int16_2d.tif"]!.shape);
  });
});

describe("forged headers are refused when the file is opened, garbage strips when read", () => {
  const patched = (rel: string, name: string, tags: [number, number][]): string =>
    variant(rel, name, (b) => tags.reduce((bytes, [tag, value]) => patchTag(bytes, 0, tag, value), b));
  const atOpen: [string, () => string, RegExp][] = [
    // 60000 x 60000 uint8 in one 35-byte strip: no scheme stores that, so nothing is allocated.
    ["a huge page in a tiny strip", () => patched("plain/uint8_2d.tif", "huge.tif", [[256, 60000], [257, 60000], [278, 60000]]), /page 0 must store at least 3600000000 bytes in strip 0 \(3600000000 bytes uncompressed\); got 35\. The file is truncated or damaged/],
    ["a huge LZW page in a small strip", () => patched("lzw/full_u16.tif", "huge-lzw.tif", [[256, 65535], [257, 65535], [278, 65535]]), /must store at least 3145249 bytes in strip 0 \(8589672450 bytes LZW-compressed\); got \d+\./],
    ["a page 0 pixels wide", () => patched("plain/uint8_2d.tif", "zero-width.tif", [[256, 0]]), /must have a width, height, samples per pixel and tile size of at least 1; got ImageWidth 0/],
    ["tiles 0 pixels wide", () => patched("plain/uint16_tiled.tif", "zero-tile.tif", [[322, 0]]), /got tiles of 0 x 16\. The file is damaged/],
    ["the floating-point predictor on integers", () => patched("compressed/uint16_zlib_predictor.tif", "pred3-int.tif", [[317, 3]]), /must use the floating-point predictor \(Predictor 3\) only on float samples; got it with uint16/],
    ["an unknown predictor", () => patched("compressed/uint16_zlib_predictor.tif", "pred9.tif", [[317, 9]]), /got Predictor 9\. Re-save it without a predictor/],
  ];
  for (const [what, make, message] of atOpen) {
    it(`${what}: imread refuses it at open`, async () => {
      const path = make();
      const err = await imread(path).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TiffError);
      expect((err as Error).message).toMatch(message);
    });
  }

  it("an LZW strip of garbage: a TiffError naming the strip, from readTiff", async () => {
    const s = await firstStrip("compressed/uint16_lzw.tif");
    const path = variant("compressed/uint16_lzw.tif", "garbage-lzw.tif", (b) => {
      const c = b.slice();
      c.fill(0xff, s.offset, s.offset + s.count);
      return c;
    });
    await expect(imread(path)).resolves.toBeDefined();
    const err = await readTiff(path).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TiffError);
    expect((err as Error).message).toMatch(/page 0 must hold valid LZW data in strip 0; got an LZW stream with code 511 right after a Clear.*The file is damaged or truncated/);
  });
});

/** The fix each bad fixture's message must suggest. */
const FIX: Readonly<Record<string, RegExp>> = {
  "bad/float64.tif": /got 64-bit float\. Convert it to float32/,
  "bad/bilevel.tif": /got 1-bit unsigned integers\. Convert it to uint8 or uint16/,
  "bad/twelve_bit.tif": /got 12-bit unsigned integers\. Convert it/,
  "bad/lzma.tif": /got compression 34925 \(LZMA\)\. Re-save it uncompressed or with Deflate/,
  "bad/bigtiff.tif": /got a BigTIFF.*Re-save it without bigtiff=True/,
  "bad/not_a_tiff.tif": /must be a TIFF file .*got bytes 74 68 69 73\. Check the path/,
};

/** Sets a SHORT or LONG tag's inline value in page `page` of a little-endian TIFF. */
function patchTag(bytes: Uint8Array, page: number, tag: number, value: number): Uint8Array {
  const out = bytes.slice();
  const v = new DataView(out.buffer);
  let ifd = v.getUint32(4, true);
  for (let p = 0; p < page; p++) ifd = v.getUint32(ifd + 2 + 12 * v.getUint16(ifd, true), true);
  const n = v.getUint16(ifd, true);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + 12 * i;
    if (v.getUint16(e, true) !== tag) continue;
    if (v.getUint16(e + 2, true) === 3) v.setUint16(e + 8, value, true);
    else v.setUint32(e + 8, value, true);
    return out;
  }
  throw new Error(`tag ${tag} not found`);
}
