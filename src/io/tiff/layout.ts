/**
 * From a parsed header to what imread needs: the file's array shape and dtype, checked page
 * by page against what chunkwise reads, so that every refusal comes when the file is opened.
 * Shapes follow tifffile.imread: one page is `(height, width)`, `(height, width, samples)`,
 * or `(samples, height, width)` for separate sample planes; several pages stack on a
 * leading axis.
 * Reduced-resolution pages (thumbnails, pyramid levels) are skipped, as tifffile's series do.
 * @module
 */
import type { PageInfo, TiffHeader } from "./header.js";
import { show } from "./header.js";
import { MAX_RATIO } from "./codecs.js";
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
export const COMPRESSIONS: Readonly<Record<number, string>> = { 1: "none", 5: "LZW", 8: "Deflate", 32946: "Deflate", 32773: "PackBits" };
const COMPRESSION_NAMES: Readonly<Record<number, string>> = {
  2: "CCITT RLE", 3: "CCITT Group 3", 4: "CCITT Group 4", 6: "old JPEG", 7: "JPEG", 32771: "CCITT RLEW",
  33003: "JPEG 2000", 34712: "JPEG 2000", 34887: "LERC", 34925: "LZMA", 50000: "Zstandard", 50001: "WebP",
};
const RESAVE = "Re-save it uncompressed or with Deflate, e.g. tifffile.imwrite(path, data, compression='zlib')";
/** The largest array one file may decode to: the largest buffer Node allocates. */
const MAX_BYTES = 2 ** 32;

/** Where one page's strips or tiles lie: `across` x `down` segments per sample plane. */
export interface Segments {
  readonly tiled: boolean;
  /** A segment's width and height in pixels (a strip is the page's width). */
  readonly width: number;
  readonly height: number;
  readonly across: number;
  readonly down: number;
  /** Sample planes (PlanarConfiguration 2) and samples per segment pixel. */
  readonly planes: number;
  readonly samples: number;
}

/** The strip or tile grid of a page. */
export function segments(p: PageInfo): Segments {
  const tiled = p.tileWidth !== undefined && p.tileHeight !== undefined;
  const width = tiled ? p.tileWidth! : p.width;
  const height = tiled ? p.tileHeight! : Math.max(1, p.rowsPerStrip);
  const separate = p.planarConfiguration === 2 && p.samplesPerPixel > 1;
  return {
    tiled, width, height, across: Math.ceil(p.width / width), down: Math.ceil(p.height / height),
    planes: separate ? p.samplesPerPixel : 1, samples: separate ? 1 : p.samplesPerPixel,
  };
}

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
  checkSize(first, path, fn, pageIndices[0]!);
  const dtype = pageDtype(first, path, fn, pageIndices[0]!);
  pages.forEach((p, k) => {
    const index = pageIndices[k]!;
    checkSize(p, path, fn, index);
    const d = pageDtype(p, path, fn, index);
    checkPage(p, d, header.size, path, fn, index);
    if (d !== dtype || p.width !== first.width || p.height !== first.height || p.samplesPerPixel !== first.samplesPerPixel || planeShape(p).length !== planeShape(first).length) {
      throw new TiffError(fn, `every page of ${show(path)} must have the shape and dtype of page ${pageIndices[0]} (${describePage(first, dtype)}), since a multi-page file is read as one stack; got page ${index} with ${describePage(p, d)}. Split the file into one file per page shape`, { path, page: index });
    }
  });
  const plane = planeShape(first);
  const shape = pages.length > 1 ? [pages.length, ...plane] : plane;
  const bytes = shape.reduce((a, b) => a * b, 1) * BYTES[dtype];
  if (bytes > MAX_BYTES) {
    throw new TiffError(fn, `${show(path)} must decode to at most 4 GiB, the largest buffer Node allocates; got shape (${shape.join(", ")}) ${dtype}, ${bytes} bytes. Split it into several files`, { path });
  }
  return { shape, dtype, littleEndian: header.littleEndian, pages, pageIndices };
}

/** Bytes per sample of each dtype. */
export const BYTES: Readonly<Record<TiffDataType, number>> = { uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4 };

/** A page's array shape, as tifffile gives it: `(samples, height, width)` for separate planes. */
function planeShape(p: PageInfo): number[] {
  if (p.samplesPerPixel === 1) return [p.height, p.width];
  return p.planarConfiguration === 2 ? [p.samplesPerPixel, p.height, p.width] : [p.height, p.width, p.samplesPerPixel];
}

function checkSize(p: PageInfo, path: string, fn: string, page: number): void {
  const bad = p.width < 1 ? `ImageWidth ${p.width}` : p.height < 1 ? `ImageLength ${p.height}` : p.samplesPerPixel < 1 ? `SamplesPerPixel ${p.samplesPerPixel}`
    : p.tileWidth !== undefined && (p.tileWidth < 1 || p.tileHeight! < 1) ? `tiles of ${p.tileWidth} x ${p.tileHeight}` : undefined;
  if (bad !== undefined) {
    throw new TiffError(fn, `${show(path)} page ${page} must have a width, height, samples per pixel and tile size of at least 1; got ${bad}. The file is damaged: write it again`, { path, page });
  }
}

function describePage(p: PageInfo, dtype: string): string {
  return `shape (${planeShape(p).join(", ")}) ${dtype}`;
}

function pageDtype(p: PageInfo, path: string, fn: string, page: number): TiffDataType {
  const bits = p.bitsPerSample[0]!;
  // Some writers list more values than samples; libtiff and tifffile read the first ones.
  if (p.bitsPerSample.slice(0, p.samplesPerPixel).some((b) => b !== bits)) {
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

function checkPage(p: PageInfo, dtype: TiffDataType, fileSize: number, path: string, fn: string, page: number): void {
  const at = { path, page };
  const where = `${show(path)} page ${page}`;
  if (COMPRESSIONS[p.compression] === undefined) {
    const name = COMPRESSION_NAMES[p.compression] ?? "unknown";
    throw new TiffError(fn, `${where} must be uncompressed or compressed with Deflate, LZW or PackBits; got compression ${p.compression} (${name}). ${RESAVE}`, at);
  }
  const float = dtype === "float32";
  if (p.predictor === 2 && float) {
    throw new TiffError(fn, `${where} must use the floating-point predictor (Predictor 3) on float samples, if any; got horizontal differencing (Predictor 2) with float32, which readers undo differently. Re-save it with predictor=3 or without a predictor`, at);
  }
  if (p.predictor === 3 && !float) {
    throw new TiffError(fn, `${where} must use the floating-point predictor (Predictor 3) only on float samples; got it with ${dtype}. Re-save it with horizontal differencing (predictor=True) or without a predictor`, at);
  }
  if (p.predictor !== 1 && p.predictor !== 2 && p.predictor !== 3) {
    throw new TiffError(fn, `${where} must use no predictor, horizontal differencing or the floating-point predictor (Predictor 1, 2 or 3); got Predictor ${p.predictor}. Re-save it without a predictor`, at);
  }
  if (p.photometric === 6) {
    throw new TiffError(fn, `${where} must not be YCbCr; got PhotometricInterpretation 6. Re-save it as RGB or grayscale`, at);
  }
  const g = segments(p);
  const expected = g.across * g.down * g.planes;
  const kind = g.tiled ? "tile" : "strip";
  if (p.offsets.length !== expected || (p.byteCounts !== undefined && p.byteCounts.length !== expected)) {
    throw new TiffError(fn, `${where} must list one offset and byte count per ${kind} (${expected}); got ${p.offsets.length} offsets and ${p.byteCounts?.length ?? 0} byte counts. The file is damaged: write it again`, at);
  }
  checkStored(p, g, BYTES[dtype], fileSize, where, fn, at);
}

/**
 * Refuses byte counts too small for their strips or tiles even at the best compression, so
 * a damaged header cannot make the reader allocate gigabytes for a few stored bytes. A page
 * without byte counts is bounded by the bytes from each offset to the end of the file.
 */
function checkStored(p: PageInfo, g: Segments, size: number, fileSize: number, where: string, fn: string, at: { path: string; page: number }): void {
  const ratio = MAX_RATIO[p.compression]!;
  const rowBytes = g.width * g.samples * size;
  for (let i = 0; i < p.offsets.length; i++) {
    const count = p.byteCounts?.[i] ?? Math.max(0, fileSize - p.offsets[i]!);
    const y0 = Math.floor((i % (g.across * g.down)) / g.across) * g.height;
    const rows = g.tiled ? g.height : Math.min(g.height, p.height - y0);
    const want = rows * rowBytes;
    // A count of 0 marks a segment never written, read as zeros (tifffile and GDAL's sparse files).
    if (count * ratio < want && (count !== 0 || p.byteCounts === undefined)) {
      const scheme = p.compression === 1 ? "uncompressed" : `${COMPRESSIONS[p.compression]}-compressed`;
      const got = p.byteCounts === undefined ? `no byte counts and ${count} bytes from its offset to the end of the file` : `${count}`;
      throw new TiffError(fn, `${where} must store at least ${Math.ceil(want / ratio)} bytes in ${g.tiled ? "tile" : "strip"} ${i} (${want} bytes ${scheme}); got ${got}. The file is truncated or damaged: write it again`, at);
    }
  }
}
