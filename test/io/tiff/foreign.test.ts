/**
 * readTiff and imread against other projects' TIFF test files (test/fixtures/tiff/foreign/,
 * vendored by make_foreign.py with tifffile's verdict on each): every file tifffile reads
 * and chunkwise supports is read with tifffile's values (hashed); every file tifffile reads
 * that uses a feature chunkwise does not is refused when it is opened, for that reason; every
 * file tifffile refuses (Pillow's fuzz crashers among them) fails with a TiffError, never
 * another exception and never a hang.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { imread, readTiff, TiffError } from "../../../src/io/tiff/index.js";
import { FIXTURES } from "./helpers.js";

type Verdict = { dtype: string; shape: number[]; sha256: string; via?: string } | { tifffile_error: string };
const files = (JSON.parse(readFileSync(join(FIXTURES, "foreign.json"), "utf8")) as { files: Record<string, Verdict> }).files;

const ONE_BIT = /got 1-bit unsigned integers\. Convert it to uint8/;
const JPEG = /got compression 7 \(JPEG\)\. Re-save it uncompressed or with Deflate/;
/** Files tifffile reads that use what chunkwise documents as unsupported, and the reason given at open. */
const REFUSED: Readonly<Record<string, RegExp>> = {
  "image-js/bw1bit.tif": ONE_BIT,
  "image-js/bwCross.tif": ONE_BIT,
  "image-js/crosshair_tiled.tif": ONE_BIT,
  "image-js/dog.tiff": ONE_BIT,
  "pillow/issue_2278.tif": ONE_BIT,
  "pillow/multipage-lastframe.tif": ONE_BIT,
  "pillow/multipage.tiff": ONE_BIT,
  "pillow/multipage_out_of_order.tiff": ONE_BIT,
  "pillow/hopper_bigtiff.tif": /got a BigTIFF, which chunkwise does not read/,
  "pillow/seek_too_large.tif": /got a BigTIFF, which chunkwise does not read/,
  "pillow/hopper_jpg.tif": JPEG,
  "pillow/tiff_strip_cmyk_jpeg.tif": JPEG,
  "pillow/tiff_tiled_cmyk_jpeg.tif": JPEG,
  "pillow/tiff_strip_ycbcr_jpeg_1x1_sampling.tif": JPEG,
  "pillow/tiff_tiled_ycbcr_jpeg_1x1_sampling.tif": JPEG,
  // A fuzz crasher that libtiff still decodes tile by tile.
  "pillow/crash-86214e58da443d2b80820cff9677a38a33dcbbca.tif": JPEG,
  "pillow/hopper_lzma.tif": /got compression 34925 \(LZMA\)/,
  "pillow/hopper_webp.tif": /got compression 50001 \(WebP\)/,
  // tifffile.imread returns the first series (the two 10 x 10 pages); chunkwise reads every page as one stack.
  "pillow/multipage-mmap.tiff": /must have the shape and dtype of page 0 \(shape \(10, 10\) uint8\).*got page 2 with shape \(20, 20\)/,
};

function sha256(data: ArrayBufferView): string {
  return createHash("sha256").update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest("hex");
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => undefined, (e: unknown) => e);
}

describe("foreign TIFF suites (image-js/tiff, Pillow)", () => {
  it("holds both suites, Pillow's fuzz crashers and files of every outcome", () => {
    const names = Object.keys(files);
    expect(names.filter((n) => n.startsWith("image-js/")).length).toBeGreaterThanOrEqual(30);
    expect(names.filter((n) => n.startsWith("pillow/crash-")).length).toBeGreaterThanOrEqual(12);
    expect(names.filter((n) => "sha256" in files[n]! && REFUSED[n] === undefined).length).toBeGreaterThanOrEqual(69);
    for (const n of Object.keys(REFUSED)) expect(files[n], n).toHaveProperty("sha256");
  });

  for (const [rel, v] of Object.entries(files)) {
    const path = join(FIXTURES, "foreign", rel);
    if ("tifffile_error" in v) {
      it(`${rel} tifffile refuses it; readTiff throws a TiffError`, async () => {
        const err = await failure(readTiff(path));
        expect(err, String(err)).toBeInstanceOf(TiffError);
        expect((err as Error).message).not.toMatch(/please open an issue/i);
      });
    } else if (REFUSED[rel] !== undefined) {
      it(`${rel} tifffile reads ${v.dtype} [${v.shape}]; imread refuses it at open`, async () => {
        const err = await failure(imread(path));
        expect(err).toBeInstanceOf(TiffError);
        expect((err as Error).message).toMatch(REFUSED[rel]!);
      });
    } else {
      it(`${rel} dtype=${v.dtype} shape=[${v.shape}]${v.via === undefined ? "" : ` (reference via ${v.via})`}`, async () => {
        await expect(imread(path)).resolves.toBeDefined();
        const block = await readTiff(path);
        expect(block.dtype).toBe(v.dtype);
        expect(block.shape).toEqual(v.shape);
        expect(sha256(block.data), "values differ from tifffile's").toBe(v.sha256);
      });
    }
  }
});
