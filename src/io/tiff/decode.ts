/**
 * Decoding a TIFF file's pixels into one C-order TypedArray (pages, rows, columns, samples).
 * Uncompressed and Deflate strips and tiles are copied straight from the file bytes (one
 * `set` per row, a byte swap for big-endian files, horizontal differencing undone with the
 * TypedArray's own wrap-around); LZW goes through the `tiff` package. Values are the stored
 * values, as tifffile returns them (no WhiteIsZero inversion, no palette lookup).
 * @module
 */
import { inflateSync } from "node:zlib";
import { decode as decodeWithTiff } from "tiff";
import { allocate } from "../../core/dtype.js";
import type { TypedArrayFor } from "../../core/dtype.js";
import type { PageInfo } from "./header.js";
import { show, truncated } from "./header.js";
import type { TiffDataType, TiffLayout } from "./layout.js";
import { TiffError } from "./tiff-error.js";

const BYTES: Readonly<Record<TiffDataType, number>> = { uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4 };

/**
 * Decodes every page of `layout` from the whole file's `bytes`.
 * @throws {TiffError} for truncated or corrupt strips
 */
export function decodePixels<D extends TiffDataType>(bytes: Uint8Array, layout: TiffLayout & { dtype: D }, path: string, fn: string): TypedArrayFor<D> {
  const { dtype, pages } = layout;
  const first = pages[0]!;
  const planeSize = first.height * first.width * first.samplesPerPixel;
  checkBounds(bytes, layout, planeSize * BYTES[dtype], path, fn);
  const out = allocate(dtype, planeSize * pages.length) as TypedArrayFor<D>;
  if (pages.some((p) => p.compression === 5)) {
    decodeLzw(bytes, layout, out, path, fn);
    return out;
  }
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  pages.forEach((p, k) => {
    decodePage(bytes, p, layout.littleEndian, BYTES[dtype], outBytes.subarray(k * planeSize * BYTES[dtype]), path, fn, layout.pageIndices[k]!);
  });
  return out;
}

/** Fails early (before allocating) if any strip or tile lies past the end of the file. */
function checkBounds(bytes: Uint8Array, layout: TiffLayout, pageBytes: number, path: string, fn: string): void {
  let stored = 0;
  layout.pages.forEach((p, k) => {
    p.offsets.forEach((offset, i) => {
      const count = p.byteCounts?.[i] ?? 0;
      stored += count;
      if (offset + count > bytes.length) throw truncated(fn, path, offset + count, bytes.length, layout.pageIndices[k]);
    });
  });
  const needed = pageBytes * layout.pages.length;
  if (layout.pages.every((p) => p.compression === 1 && p.byteCounts !== undefined) && stored < needed) {
    throw new TiffError(fn, `${show(path)} must store ${needed} bytes of pixels for shape (${layout.shape.join(", ")}) ${layout.dtype}; got strips of ${stored} bytes in all. The file is corrupt: write it again`, { path });
  }
}

/** Copies one page's strips or tiles into `out` (the page's bytes, native order). */
function decodePage(bytes: Uint8Array, p: PageInfo, le: boolean, size: number, out: Uint8Array, path: string, fn: string, page: number): void {
  const s = p.samplesPerPixel;
  const tiled = p.tileWidth !== undefined && p.tileHeight !== undefined;
  const segW = tiled ? p.tileWidth! : p.width;
  const segH = tiled ? p.tileHeight! : p.rowsPerStrip;
  const across = Math.ceil(p.width / segW);
  const rowBytes = segW * s * size;
  for (let i = 0; i < p.offsets.length; i++) {
    const x0 = (i % across) * segW;
    const y0 = Math.floor(i / across) * segH;
    const rows = Math.min(segH, p.height - y0);
    // A strip holds only the rows left; a tile is always full size (padded past the edge).
    const want = (tiled ? segH : rows) * rowBytes;
    const seg = segment(bytes, p, i, want, le, size, path, fn, page);
    if (p.predictor === 2) undoDifferencing(seg, size, segW * s, s);
    const cols = Math.min(segW, p.width - x0) * s * size;
    for (let r = 0; r < rows; r++) {
      const dst = ((y0 + r) * p.width + x0) * s * size;
      out.set(seg.subarray(r * rowBytes, r * rowBytes + cols), dst);
    }
  }
}

/** The decompressed bytes of strip or tile `i`, in native byte order. */
function segment(bytes: Uint8Array, p: PageInfo, i: number, want: number, le: boolean, size: number, path: string, fn: string, page: number): Uint8Array {
  const offset = p.offsets[i]!;
  const count = p.byteCounts?.[i] ?? (p.compression === 1 ? want : bytes.length - offset);
  if (offset + count > bytes.length) throw truncated(fn, path, offset + count, bytes.length, page);
  const stored = bytes.subarray(offset, offset + count);
  let seg: Uint8Array;
  if (p.compression === 1) seg = stored;
  else {
    try {
      seg = inflateSync(stored);
    } catch (cause) {
      throw new TiffError(fn, `${show(path)} page ${page} must hold valid Deflate data in ${p.tileWidth === undefined ? "strip" : "tile"} ${i}; got a stream that does not inflate. The file is corrupt or truncated: write it again`, { path, page, cause });
    }
  }
  if (seg.length < want) {
    throw new TiffError(fn, `${show(path)} page ${page} must hold ${want} bytes in ${p.tileWidth === undefined ? "strip" : "tile"} ${i}; got ${seg.length}. The file is corrupt or truncated: write it again`, { path, page });
  }
  const needsCopy = (!le && size > 1) || p.predictor === 2;
  if (!needsCopy) return seg;
  const copy = seg.slice(0, want);
  if (!le && size > 1) swapBytes(copy, size);
  return copy;
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const t = b[lo]!;
      b[lo] = b[hi]!;
      b[hi] = t;
    }
  }
}

/** Undoes TIFF horizontal differencing (Predictor 2) on rows of `rowLen` samples. */
function undoDifferencing(seg: Uint8Array, size: number, rowLen: number, s: number): void {
  const n = Math.floor(seg.length / size);
  const a = size === 1 ? seg : size === 2 ? new Uint16Array(seg.buffer, seg.byteOffset, n) : new Uint32Array(seg.buffer, seg.byteOffset, n);
  for (let row = 0; row + rowLen <= n; row += rowLen) {
    for (let j = row + s; j < row + rowLen; j++) a[j] = a[j]! + a[j - s]!;
  }
}

/** LZW pages through the `tiff` package (8- and 16-bit integers, float32). */
function decodeLzw(bytes: Uint8Array, layout: TiffLayout, out: Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array, path: string, fn: string): void {
  if (layout.pages.some((p) => p.photometric === 0)) {
    throw new TiffError(fn, `${show(path)} must not combine LZW with WhiteIsZero; got both. Re-save it uncompressed or with Deflate`, { path });
  }
  let ifds;
  try {
    ifds = decodeWithTiff(bytes, { pages: [...layout.pageIndices] });
  } catch (cause) {
    throw new TiffError(fn, `${show(path)} must decode as LZW-compressed TIFF; got ${cause instanceof Error ? cause.message : String(cause)}. The file is corrupt: re-save it uncompressed or with Deflate`, { path, cause });
  }
  let at = 0;
  for (const ifd of ifds) {
    const d = ifd.data;
    const bits = new (out.constructor as new (b: ArrayBufferLike, o: number, n: number) => typeof out)(d.buffer, d.byteOffset, d.length);
    out.set(bits, at);
    at += d.length;
  }
}
