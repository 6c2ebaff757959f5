/**
 * Reading TIFF headers: the image file directories (IFDs, one per page) of a classic TIFF,
 * little- or big-endian, through random-access reads so a stack's shape is known without
 * reading its pixels. Only the tags that decide shape, dtype and pixel layout are kept.
 * Follows TIFF 6.0 (baseline plus SampleFormat, Predictor, FillOrder, tiles, Deflate, LZW).
 * @module
 */
import { TiffError } from "./tiff-error.js";

/** Random access to a file's bytes (an open file or an in-memory buffer). */
export interface ByteSource {
  /** Total bytes. */
  readonly size: number;
  /** Exactly `length` bytes from `offset` (fewer only past the end). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** What one page (IFD) says about its pixels. */
export interface PageInfo {
  readonly width: number;
  readonly height: number;
  readonly samplesPerPixel: number;
  /** BitsPerSample, one entry per sample. */
  readonly bitsPerSample: readonly number[];
  /** 1 unsigned, 2 signed, 3 float, 4 undefined (read as unsigned). */
  readonly sampleFormat: number;
  readonly compression: number;
  readonly photometric: number;
  readonly planarConfiguration: number;
  readonly predictor: number;
  /** FillOrder: 2 when each stored byte holds its bits lowest first. */
  readonly fillOrder: number;
  readonly rowsPerStrip: number;
  /** Tile size, when the page is tiled. */
  readonly tileWidth: number | undefined;
  readonly tileHeight: number | undefined;
  /** Strip or tile offsets, and their byte counts (absent in some old files). */
  readonly offsets: readonly number[];
  readonly byteCounts: readonly number[] | undefined;
  /** NewSubfileType: bit 0 marks a reduced-resolution copy (a thumbnail or pyramid level). */
  readonly subfileType: number;
  readonly description: string | undefined;
}

/** A parsed TIFF header. */
export interface TiffHeader {
  readonly littleEndian: boolean;
  readonly size: number;
  readonly pages: readonly PageInfo[];
}

const TAG = {
  subfileType: 254, width: 256, height: 257, bitsPerSample: 258, compression: 259, photometric: 262,
  fillOrder: 266, description: 270, stripOffsets: 273, samplesPerPixel: 277, rowsPerStrip: 278, stripByteCounts: 279,
  planarConfiguration: 284, predictor: 317, tileWidth: 322, tileHeight: 323, tileOffsets: 324,
  tileByteCounts: 325, sampleFormat: 339,
} as const;
const WANTED = new Set<number>(Object.values(TAG));
/** Bytes per value of each TIFF field type (1..13). */
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];
const MAX_PAGES = 1_000_000;

/** An in-memory {@link ByteSource}. */
export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, Math.min(bytes.length, offset + length))),
  };
}

/**
 * Reads every IFD of a classic TIFF.
 * @param fn - the public function, for messages
 * @throws {TiffError} if the bytes are not a TIFF, are a BigTIFF, or end inside the header
 */
export async function readHeader(source: ByteSource, path: string, fn: string): Promise<TiffHeader> {
  const head = await source.read(0, 8);
  const order = head.length >= 2 ? String.fromCharCode(head[0]!, head[1]!) : "";
  if (order !== "II" && order !== "MM") {
    throw new TiffError(fn, `${show(path)} must be a TIFF file (starting with "II" or "MM"); got ${describeStart(head)}. Check the path and the file's format`, { path });
  }
  const littleEndian = order === "II";
  if (head.length < 8) throw truncated(fn, path, 0, source.size);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint16(2, littleEndian);
  if (magic === 43) {
    throw new TiffError(fn, `${show(path)} must be a classic TIFF; got a BigTIFF, which chunkwise does not read. Re-save it without bigtiff=True (files under 4 GB), or split the stack into several files`, { path });
  }
  if (magic !== 42) {
    throw new TiffError(fn, `${show(path)} must be a TIFF file (magic number 42); got ${magic}. Check the path and the file's format`, { path });
  }
  const pages: PageInfo[] = [];
  const seen = new Set<number>();
  let next = view.getUint32(4, littleEndian);
  while (next !== 0) {
    if (seen.has(next) || pages.length >= MAX_PAGES) {
      throw new TiffError(fn, `${show(path)} must have a finite chain of pages; got a loop at byte ${next}. The file is corrupt: re-save it`, { path, page: pages.length });
    }
    seen.add(next);
    const { page, nextOffset } = await readIfd(source, next, littleEndian, path, fn, pages.length);
    pages.push(page);
    next = nextOffset;
  }
  if (pages.length === 0) {
    throw new TiffError(fn, `${show(path)} must hold at least one page; got none. The file is empty or corrupt: re-save it`, { path });
  }
  return { littleEndian, size: source.size, pages };
}

async function readIfd(source: ByteSource, at: number, le: boolean, path: string, fn: string, index: number): Promise<{ page: PageInfo; nextOffset: number }> {
  const countBytes = await source.read(at, 2);
  if (countBytes.length < 2) throw truncated(fn, path, at, source.size, index);
  const n = dv(countBytes).getUint16(0, le);
  const body = await source.read(at + 2, n * 12 + 4);
  if (body.length < n * 12 + 4) throw truncated(fn, path, at + 2 + n * 12 + 4, source.size, index);
  const v = dv(body);
  const fields = new Map<number, number[] | string>();
  for (let i = 0; i < n; i++) {
    const e = i * 12;
    const tag = v.getUint16(e, le);
    const type = v.getUint16(e + 2, le);
    const count = v.getUint32(e + 4, le);
    if (!WANTED.has(tag) || type < 1 || type > 13) continue;
    const bytes = TYPE_SIZE[type]! * count;
    let raw: Uint8Array;
    if (bytes <= 4) raw = body.subarray(e + 8, e + 8 + bytes);
    else {
      const offset = v.getUint32(e + 8, le);
      raw = await source.read(offset, bytes);
      if (raw.length < bytes) throw truncated(fn, path, offset + bytes, source.size, index);
    }
    fields.set(tag, type === 2 ? ascii(raw) : numbers(raw, type, count, le));
  }
  return { page: pageInfo(fields, path, fn, index), nextOffset: v.getUint32(n * 12, le) };
}

function pageInfo(fields: Map<number, number[] | string>, path: string, fn: string, index: number): PageInfo {
  const num = (tag: number, fallback?: number): number => {
    const value = fields.get(tag);
    const x = Array.isArray(value) ? value[0] : undefined;
    if (x !== undefined) return x;
    if (fallback !== undefined) return fallback;
    throw new TiffError(fn, `${show(path)} page ${index} must have the required tag ${tag}; got none. The file is corrupt or not an image: re-save it`, { path, page: index });
  };
  const arr = (tag: number): number[] | undefined => {
    const value = fields.get(tag);
    return Array.isArray(value) ? value : undefined;
  };
  const samplesPerPixel = num(TAG.samplesPerPixel, 1);
  const tiled = fields.has(TAG.tileWidth);
  const description = fields.get(TAG.description);
  return {
    width: num(TAG.width),
    height: num(TAG.height),
    samplesPerPixel,
    bitsPerSample: arr(TAG.bitsPerSample) ?? [1],
    sampleFormat: num(TAG.sampleFormat, 1),
    compression: num(TAG.compression, 1),
    photometric: num(TAG.photometric, 1),
    planarConfiguration: num(TAG.planarConfiguration, 1),
    predictor: num(TAG.predictor, 1),
    // libtiff ignores values other than 1 and 2; so does tifffile's decoder.
    fillOrder: num(TAG.fillOrder, 1) === 2 ? 2 : 1,
    rowsPerStrip: Math.min(num(TAG.rowsPerStrip, 2 ** 32 - 1), num(TAG.height)),
    tileWidth: tiled ? num(TAG.tileWidth) : undefined,
    tileHeight: tiled ? num(TAG.tileHeight) : undefined,
    offsets: arr(tiled ? TAG.tileOffsets : TAG.stripOffsets) ?? [],
    byteCounts: arr(tiled ? TAG.tileByteCounts : TAG.stripByteCounts),
    subfileType: num(TAG.subfileType, 0),
    description: typeof description === "string" ? description : undefined,
  };
}

function numbers(raw: Uint8Array, type: number, count: number, le: boolean): number[] {
  const v = dv(raw);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    switch (type) {
      case 3: out[i] = v.getUint16(2 * i, le); break;
      case 4: case 13: out[i] = v.getUint32(4 * i, le); break;
      case 8: out[i] = v.getInt16(2 * i, le); break;
      case 9: out[i] = v.getInt32(4 * i, le); break;
      case 6: out[i] = v.getInt8(i); break;
      case 5: out[i] = v.getUint32(8 * i, le) / v.getUint32(8 * i + 4, le); break;
      case 10: out[i] = v.getInt32(8 * i, le) / v.getInt32(8 * i + 4, le); break;
      case 11: out[i] = v.getFloat32(4 * i, le); break;
      case 12: out[i] = v.getFloat64(8 * i, le); break;
      default: out[i] = v.getUint8(i);
    }
  }
  return out;
}

function ascii(raw: Uint8Array): string {
  const end = raw.indexOf(0);
  return new TextDecoder("latin1").decode(end < 0 ? raw : raw.subarray(0, end));
}

function dv(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The error for a file that ends before byte `needed`. */
export function truncated(fn: string, path: string, needed: number, size: number, page?: number): TiffError {
  return new TiffError(fn, `${show(path)} must be a complete TIFF file${page === undefined ? "" : ` (page ${page})`}; got ${size} bytes where at least ${needed} are needed. The file is truncated: copy or write it again`, page === undefined ? { path } : { path, page });
}

function describeStart(head: Uint8Array): string {
  if (head.length === 0) return "an empty file";
  return `bytes ${[...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ")}`;
}

/** A path quoted for messages. */
export function show(path: string): string {
  return JSON.stringify(path);
}
