/**
 * Damaged files never crash the reader: fixtures with random bytes overwritten, or cut short,
 * either read (the damage hit pixels) or fail with a TiffError; never another exception.
 */
import { readFileSync } from "node:fs";
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { decodePixels } from "../../../src/io/tiff/decode.js";
import { bufferSource, readHeader } from "../../../src/io/tiff/header.js";
import { fileLayout } from "../../../src/io/tiff/layout.js";
import { TiffError } from "../../../src/io/tiff/index.js";
import { fixture } from "./helpers.js";

const FILES = [
  "grid/uint16-rgba-tiles-lzw_pred-fill2-MM.tif",
  "grid/float32-rgb_planar-strips-deflate_pred-fill1-II.tif",
  "grid/int32-gray-tiles-packbits-fill1-MM.tif",
  "grid/uint8-rgb-strips-lzw-fill1-II.tif",
  "lzw/full_u16.tif",
  "lzw/compat_u8.tif",
  "plain/uint16_stack.tif",
  "foreign/pillow/tiff_tiled_planar_16bit_RGBa.tiff",
].map((rel) => new Uint8Array(readFileSync(fixture(rel))));

async function decode(bytes: Uint8Array): Promise<unknown> {
  const layout = fileLayout(await readHeader(bufferSource(bytes), "fuzz.tif", "readTiff"), "fuzz.tif", "readTiff");
  return decodePixels(bytes, layout, "fuzz.tif", "readTiff");
}

const damaged = fc.tuple(
  fc.integer({ min: 0, max: FILES.length - 1 }),
  fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
  fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
).map(([k, edits, cut]) => {
  const b = FILES[k]!.slice();
  // Headers sit in the first few hundred bytes: aim half the edits there.
  for (const [at, value] of edits) b[Math.floor((at < 0.5 ? at * 2 * Math.min(b.length, 400) : at * b.length))] = value;
  return cut === undefined ? b : b.subarray(0, Math.floor(cut * b.length));
});

describe("damaged TIFF files", () => {
  test.prop([damaged], { numRuns: 400 })("read, or fail with a TiffError", async (bytes) => {
    const err = await decode(bytes).then(() => undefined, (e: unknown) => e);
    if (err !== undefined) expect(err, String((err as Error).stack)).toBeInstanceOf(TiffError);
  });
});
