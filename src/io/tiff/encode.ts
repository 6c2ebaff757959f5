/**
 * A small baseline TIFF encoder (TIFF 6.0, classic, little-endian): a 2-D block as one page,
 * a 3-D block as one page per leading index, grayscale (BlackIsZero), one sample per pixel,
 * strips of about 64 KiB, uncompressed or Deflate (zlib, Compression 8), with SampleFormat
 * for signed and float samples. What tifffile, ImageJ/Fiji, libtiff and the `tiff` package
 * read. We write our own because `tiff` only decodes and geotiff's writer writes one image.
 * @module
 */
import { deflateSync } from "node:zlib";
import { itemSize } from "../../core/dtype.js";
import { copyInto, emptyBlock, isCContiguous, type Block } from "../../core/ndarray.js";
import type { TiffDataType } from "./layout.js";

/** Options of {@link encodeTiff}. */
export interface EncodeTiffOptions {
  /** `"none"` (default) or `"deflate"` (zlib; read by every TIFF reader that reads PNG-style compression). */
  compression?: "none" | "deflate";
  /** ImageDescription of the first page (ASCII). */
  description?: string;
}

interface Entry {
  readonly tag: number;
  readonly type: 2 | 3 | 4 | 5;
  readonly values: readonly number[] | Uint8Array;
}

const TYPE_SIZE = { 2: 1, 3: 2, 4: 4, 5: 8 } as const;
const STRIP_BYTES = 65536;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `SampleFormat` per dtype: 1 unsigned, 2 signed, 3 float. */
const FORMAT: Readonly<Record<TiffDataType, number>> = { uint8: 1, uint16: 1, uint32: 1, int8: 2, int16: 2, int32: 2, float32: 3 };

/**
 * Encodes a 2-D or 3-D block of a TIFF dtype (the caller has checked both) as TIFF bytes.
 * @example
 * ```ts
 * const bytes = encodeTiff(block, { compression: "deflate" });
 * ```
 */
export function encodeTiff(block: Block<TiffDataType>, options: EncodeTiffOptions = {}): Uint8Array {
  const compact = isCContiguous(block) && block.offset === 0 ? block : contiguous(block);
  const [pages, height, width] = compact.shape.length === 2 ? [1, compact.shape[0]!, compact.shape[1]!] : (compact.shape as [number, number, number]);
  const size = itemSize(block.dtype);
  const bytes = littleEndianBytes(compact, pages * height * width * size);
  const rowBytes = width * size;
  const rowsPerStrip = Math.max(1, Math.min(height, Math.floor(STRIP_BYTES / Math.max(1, rowBytes))));
  const pageBytes = height * rowBytes;
  const deflate = options.compression === "deflate";
  const plan: { ifdAt: number; entries: Entry[]; strips: Uint8Array[]; offsets: number[] }[] = [];
  let at = 8;
  for (let p = 0; p < pages; p++) {
    const strips: Uint8Array[] = [];
    for (let y = 0; y < height; y += rowsPerStrip) {
      const raw = bytes.subarray(p * pageBytes + y * rowBytes, p * pageBytes + Math.min(height, y + rowsPerStrip) * rowBytes);
      strips.push(deflate ? deflateSync(raw) : raw);
    }
    const entries = (offsets: readonly number[]): Entry[] => pageEntries(block.dtype, width, height, rowsPerStrip, deflate, offsets, strips.map((s) => s.length), p === 0 ? options.description : undefined);
    const probe = entries(strips.map(() => 0));
    const ifdAt = at;
    let cursor = ifdAt + 2 + 12 * probe.length + 4;
    for (const e of probe) if (entryBytes(e) > 4) cursor = even(cursor + entryBytes(e));
    cursor = align(cursor, 16);
    const offsets = strips.map((s) => {
      const o = cursor;
      cursor = even(cursor + s.length);
      return o;
    });
    plan.push({ ifdAt, entries: entries(offsets), strips, offsets });
    at = align(cursor, 16);
  }
  const out = new Uint8Array(at);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49]);
  view.setUint16(2, 42, true);
  view.setUint32(4, 8, true);
  plan.forEach((pg, p) => {
    writeIfd(view, out, pg.ifdAt, pg.entries, p + 1 < plan.length ? plan[p + 1]!.ifdAt : 0);
    pg.strips.forEach((s, i) => out.set(s, pg.offsets[i]!));
  });
  return out;
}

function pageEntries(dtype: TiffDataType, width: number, height: number, rowsPerStrip: number, deflate: boolean, offsets: readonly number[], counts: readonly number[], description: string | undefined): Entry[] {
  const entries: Entry[] = [
    { tag: 254, type: 4, values: [0] },
    { tag: 256, type: 4, values: [width] },
    { tag: 257, type: 4, values: [height] },
    { tag: 258, type: 3, values: [8 * itemSize(dtype)] },
    { tag: 259, type: 3, values: [deflate ? 8 : 1] },
    { tag: 262, type: 3, values: [1] },
  ];
  if (description !== undefined) entries.push({ tag: 270, type: 2, values: asciiz(description) });
  entries.push(
    { tag: 273, type: 4, values: offsets },
    { tag: 277, type: 3, values: [1] },
    { tag: 278, type: 4, values: [rowsPerStrip] },
    { tag: 279, type: 4, values: counts },
    { tag: 282, type: 5, values: [1, 1] },
    { tag: 283, type: 5, values: [1, 1] },
    { tag: 284, type: 3, values: [1] },
    { tag: 296, type: 3, values: [1] },
    { tag: 339, type: 3, values: [FORMAT[dtype]] },
  );
  return entries;
}

function writeIfd(view: DataView, out: Uint8Array, at: number, entries: readonly Entry[], next: number): void {
  view.setUint16(at, entries.length, true);
  let extra = at + 2 + 12 * entries.length + 4;
  entries.forEach((e, i) => {
    const p = at + 2 + 12 * i;
    const count = e.type === 5 ? e.values.length / 2 : e.values.length;
    view.setUint16(p, e.tag, true);
    view.setUint16(p + 2, e.type, true);
    view.setUint32(p + 4, count, true);
    let dst = p + 8;
    if (entryBytes(e) > 4) {
      view.setUint32(p + 8, extra, true);
      dst = extra;
      extra = even(extra + entryBytes(e));
    }
    if (e.type === 2) out.set(e.values as Uint8Array, dst);
    else {
      const step = e.type === 3 ? 2 : 4;
      e.values.forEach((v, k) => (step === 2 ? view.setUint16(dst + 2 * k, v, true) : view.setUint32(dst + 4 * k, v, true)));
    }
  });
  view.setUint32(at + 2 + 12 * entries.length, next, true);
}

function entryBytes(e: Entry): number {
  return e.type === 5 ? 4 * e.values.length : TYPE_SIZE[e.type] * e.values.length;
}

function asciiz(text: string): Uint8Array {
  const out = new Uint8Array(text.length + 1);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function contiguous(block: Block<TiffDataType>): Block<TiffDataType> {
  const out = emptyBlock(block.dtype, block.shape);
  copyInto(out, block);
  return out;
}

/** The block's elements as little-endian bytes (a view when the platform is little-endian). */
function littleEndianBytes(block: Block, byteLength: number): Uint8Array {
  const data = block.data;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, byteLength);
  if (LITTLE_ENDIAN || itemSize(block.dtype) === 1) return bytes;
  const copy = bytes.slice();
  const size = itemSize(block.dtype);
  for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  return copy;
}

function even(n: number): number {
  return n + (n & 1);
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
