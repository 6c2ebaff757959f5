/**
 * From a parsed header to what imread needs: the file's array shape and dtype, checked page
 * by page against what chunkwise reads. Shapes follow tifffile.imread: one page is
 * `(height, width)` or `(height, width, samples)`; several pages stack on a leading axis.
 * Reduced-resolution pages (thumbnails, pyramid levels) are skipped, as tifffile's series do.
 * @module
 */
import type { PageInfo, TiffHeader } from "./header.js";
import { show } from "./header.js";
import { TiffError } from "./tiff-error.js";

/** The dtypes a TIFF file can hold for chunkwise. */
export type TiffDataType = "uint8" | "int8" | "uint16" | "int16" | "uint32" | "int32" | "float32";

/** A TIFF file as one array. */
export interface TiffLayout {
  readonly shape: readonly number[];
  readonly dtype: TiffDataType;
  readonly littleEndian: boolean;
  /** The pages that make up the array, and their positions among all the file's pages. */
  readonly pages: readonly PageInfo[];
  readonly pageIndices: readonly number[];
}

/** Compression schemes chunkwise decodes. */
export const COMPRESSIONS: Readonly<Record<number, string>> = { 1: "none", 5: "LZW", 8: "Deflate", 32946: "Deflate" };
const COMPRESSION_NAMES: Readonly<Record<number, string>> = {
  2: "CCITT RLE", 3: "CCITT Group 3", 4: "CCITT Group 4", 6: "old JPEG", 7: "JPEG", 32773: "PackBits",
  33003: "JPEG 2000", 34712: "JPEG 2000", 34887: "LERC", 34925: "LZMA", 50000: "Zstandard", 50001: "WebP",
};
const RESAVE = "Re-save it uncompressed or with Deflate, e.g. tifffile.imwrite(path, data, compression='zlib')";

/**
 * Checks every page and returns the file's shape and dtype.
 * @throws {TiffError} for sample formats, compressions, layouts or pages that disagree
 */
export function fileLayout(header: TiffHeader, path: string, fn: string): TiffLayout {
  const pages: PageInfo[] = [];
  const pageIndices: number[] = [];
  header.pages.forEach((p, i) => {
    if ((p.subfileType & 1) === 0) {
      pages.push(p);
      pageIndices.push(i);
    }
  });
  if (pages.length === 0) {
    throw new TiffError(fn, `${show(path)} must hold at least one full-resolution page; got only reduced-resolution pages. Re-save the full image`, { path });
  }
  const first = pages[0]!;
  const dtype = pageDtype(first, path, fn, pageIndices[0]!);
  pages.forEach((p, k) => {
    const index = pageIndices[k]!;
    checkPage(p, path, fn, index);
    const d = pageDtype(p, path, fn, index);
    if (d !== dtype || p.width !== first.width || p.height !== first.height || p.samplesPerPixel !== first.samplesPerPixel) {
      throw new TiffError(fn, `every page of ${show(path)} must have the shape and dtype of page ${pageIndices[0]} (${describePage(first, dtype)}), since a multi-page file is read as one stack; got page ${index} with ${describePage(p, d)}. Split the file into one file per page shape`, { path, page: index });
    }
  });
  const plane = first.samplesPerPixel > 1 ? [first.height, first.width, first.samplesPerPixel] : [first.height, first.width];
  const shape = pages.length > 1 ? [pages.length, ...plane] : plane;
  return { shape, dtype, littleEndian: header.littleEndian, pages, pageIndices };
}

function describePage(p: PageInfo, dtype: string): string {
  const plane = p.samplesPerPixel > 1 ? [p.height, p.width, p.samplesPerPixel] : [p.height, p.width];
  return `shape (${plane.join(", ")}) ${dtype}`;
}

function pageDtype(p: PageInfo, path: string, fn: string, page: number): TiffDataType {
  const bits = p.bitsPerSample[0]!;
  if (p.bitsPerSample.some((b) => b !== bits)) {
    throw new TiffError(fn, `${show(path)} page ${page} must have the same bits in every sample; got BitsPerSample ${p.bitsPerSample.join(", ")}. Re-save it with one dtype for all channels`, { path, page });
  }
  const format = p.sampleFormat;
  if (format === 3) {
    if (bits === 32) return "float32";
    throw new TiffError(fn, `${show(path)} page ${page} must hold 8-, 16- or 32-bit integer or 32-bit float samples; got ${bits}-bit float. Convert it to float32, e.g. tifffile.imwrite(path, data.astype('float32'))`, { path, page });
  }
  if (format !== 1 && format !== 2 && format !== 4) {
    throw new TiffError(fn, `${show(path)} page ${page} must hold integer or float samples (SampleFormat 1, 2 or 3); got SampleFormat ${format} (complex or unknown). Save real-valued data as float32`, { path, page });
  }
  if (bits !== 8 && bits !== 16 && bits !== 32) {
    throw new TiffError(fn, `${show(path)} page ${page} must hold 8-, 16- or 32-bit integer or 32-bit float samples; got ${bits}-bit ${format === 2 ? "signed" : "unsigned"} integers. Convert it to uint8 or uint16, e.g. tifffile.imwrite(path, data.astype('uint16'))`, { path, page });
  }
  return `${format === 2 ? "int" : "uint"}${bits}` as TiffDataType;
}

function checkPage(p: PageInfo, path: string, fn: string, page: number): void {
  const at = { path, page };
  const where = `${show(path)} page ${page}`;
  if (COMPRESSIONS[p.compression] === undefined) {
    const name = COMPRESSION_NAMES[p.compression] ?? "unknown";
    throw new TiffError(fn, `${where} must be uncompressed or compressed with Deflate or LZW; got compression ${p.compression} (${name}). ${RESAVE}`, at);
  }
  if (p.compression === 5 && p.bitsPerSample[0] === 32 && p.sampleFormat !== 3) {
    throw new TiffError(fn, `${where} must not use LZW for 32-bit integers (the decoder cannot); got LZW. ${RESAVE}`, at);
  }
  if (p.predictor !== 1 && p.predictor !== 2) {
    throw new TiffError(fn, `${where} must use no predictor or horizontal differencing (Predictor 1 or 2); got Predictor ${p.predictor}. Re-save it without predictor=True, or with compression='zlib' alone`, at);
  }
  if (p.predictor === 2 && p.sampleFormat === 3) {
    throw new TiffError(fn, `${where} must not use horizontal differencing on float samples; got Predictor 2 with float32. Re-save it without a predictor`, at);
  }
  if (p.planarConfiguration === 2 && p.samplesPerPixel > 1) {
    throw new TiffError(fn, `${where} must store its ${p.samplesPerPixel} samples interleaved (PlanarConfiguration 1); got separate planes (2). Re-save it with planarconfig='contig', or save each channel as its own page`, at);
  }
  if (p.photometric === 6) {
    throw new TiffError(fn, `${where} must not be YCbCr; got PhotometricInterpretation 6. Re-save it as RGB or grayscale`, at);
  }
  const expected = p.tileWidth !== undefined && p.tileHeight !== undefined
    ? Math.ceil(p.width / p.tileWidth) * Math.ceil(p.height / p.tileHeight)
    : Math.ceil(p.height / Math.max(1, p.rowsPerStrip));
  if (p.offsets.length !== expected || (p.byteCounts !== undefined && p.byteCounts.length !== expected)) {
    throw new TiffError(fn, `${where} must list one offset and byte count per ${p.tileWidth === undefined ? "strip" : "tile"} (${expected}); got ${p.offsets.length} offsets and ${p.byteCounts?.length ?? 0} byte counts. The file is corrupt: re-save it`, at);
  }
}
