/**
 * Decoding a TIFF file's pixels into one C-order TypedArray (pages, then each page's plane
 * shape from layout.ts). Each strip or tile is decompressed (codecs.ts), brought to native
 * byte order, has its predictor undone (predictor.ts) and is copied row by row to its place.
 * Matches tifffile.imread: values are the stored values (no WhiteIsZero inversion, no
 * palette lookup, no alpha division, no Orientation applied, CMYK as stored). Uncompressed
 * little-endian segments without a predictor are copied straight from the file's bytes.
 * @module
 */
import { allocate } from "../../core/dtype.js";
import type { TypedArrayFor } from "../../core/dtype.js";
import { decompress, SegmentError } from "./codecs.js";
import type { PageInfo } from "./header.js";
import { show, truncated } from "./header.js";
import { BYTES, COMPRESSIONS, segments, type Segments, type TiffDataType, type TiffLayout } from "./layout.js";
import { swapBytes, undoFloat, undoHorizontal } from "./predictor.js";
import { TiffError } from "./tiff-error.js";

/** Where the decoded bytes go, and what the messages name. */
interface Target {
  readonly out: Uint8Array;
  readonly le: boolean;
  readonly size: number;
  readonly path: string;
  readonly fn: string;
  readonly page: number;
}

/**
 * Decodes every page of `layout` from the whole file's `bytes`.
 * @throws {TiffError} for truncated or damaged strips and tiles
 */
export function decodePixels<D extends TiffDataType>(bytes: Uint8Array, layout: TiffLayout & { dtype: D }, path: string, fn: string): TypedArrayFor<D> {
  const { dtype, pages } = layout;
  const size = BYTES[dtype];
  const planeBytes = layout.shape.slice(pages.length > 1 ? 1 : 0).reduce((a, b) => a * b, 1) * size;
  checkBounds(bytes, layout, size, path, fn);
  const out = allocate(dtype, (planeBytes / size) * pages.length) as TypedArrayFor<D>;
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  pages.forEach((p, k) => {
    const target = { out: outBytes.subarray(k * planeBytes, (k + 1) * planeBytes), le: layout.littleEndian, size, path, fn, page: layout.pageIndices[k]! };
    decodePage(bytes, p, target);
  });
  return out;
}

/** Fails early (before allocating) if any strip or tile lies past the end of the file. */
function checkBounds(bytes: Uint8Array, layout: TiffLayout, size: number, path: string, fn: string): void {
  layout.pages.forEach((p, k) => {
    const g = segments(p);
    p.offsets.forEach((offset, i) => {
      const count = stored(p, g, i, size);
      if (offset + count > bytes.length) throw truncated(fn, path, offset + count, bytes.length, layout.pageIndices[k]);
    });
  });
}

/**
 * The bytes segment `i` takes in the file. Uncompressed segments take exactly what they
 * hold, whatever their count says: libtiff replaces a count past the end of the file by that.
 */
function stored(p: PageInfo, g: Segments, i: number, size: number): number {
  const count = p.byteCounts?.[i];
  if (p.compression !== 1 || count === 0) return count ?? 0;
  const y0 = Math.floor((i % (g.across * g.down)) / g.across) * g.height;
  const rows = g.tiled ? g.height : Math.min(g.height, p.height - y0);
  return rows * g.width * g.samples * size;
}

/** Decodes one page's strips or tiles into `t.out` (the page's bytes, native order). */
function decodePage(bytes: Uint8Array, p: PageInfo, t: Target): void {
  const g = segments(p);
  const perPlane = g.across * g.down;
  const rowBytes = g.width * g.samples * t.size;
  const planeBytes = p.height * p.width * g.samples * t.size;
  for (let i = 0; i < p.offsets.length; i++) {
    const j = i % perPlane;
    const x0 = (j % g.across) * g.width;
    const y0 = Math.floor(j / g.across) * g.height;
    const rows = Math.min(g.height, p.height - y0);
    // A strip holds only the rows left; a tile is always full size (padded past the edge).
    const want = (g.tiled ? g.height : rows) * rowBytes;
    // A segment never written (count 0) stays zero, as tifffile reads it.
    if (p.byteCounts?.[i] === 0) continue;
    const seg = segment(bytes, p, g, i, want, t);
    const cols = Math.min(g.width, p.width - x0) * g.samples * t.size;
    const base = Math.floor(i / perPlane) * planeBytes;
    for (let r = 0; r < rows; r++) {
      const dst = base + ((y0 + r) * p.width + x0) * g.samples * t.size;
      t.out.set(seg.subarray(r * rowBytes, r * rowBytes + cols), dst);
    }
  }
}

/** The decoded bytes of strip or tile `i` in native byte order, predictor undone. */
function segment(bytes: Uint8Array, p: PageInfo, g: Segments, i: number, want: number, t: Target): Uint8Array {
  const offset = p.offsets[i]!;
  const count = p.compression === 1 ? want : p.byteCounts?.[i] ?? bytes.length - offset;
  if (offset + count > bytes.length) throw truncated(t.fn, t.path, offset + count, bytes.length, t.page);
  const kind = g.tiled ? "tile" : "strip";
  let seg: Uint8Array;
  try {
    seg = decompress(bytes.subarray(offset, offset + count), p.compression, p.fillOrder, want);
  } catch (cause) {
    if (!(cause instanceof SegmentError)) throw cause;
    throw new TiffError(t.fn, `${show(t.path)} page ${t.page} must hold valid ${COMPRESSIONS[p.compression]} data in ${kind} ${i}; got ${cause.message}. The file is damaged or truncated: write it again`, { path: t.path, page: t.page, cause });
  }
  if (seg.length < want) {
    throw new TiffError(t.fn, `${show(t.path)} page ${t.page} must hold ${want} bytes in ${kind} ${i}; got ${seg.length}. The file is truncated or damaged: write it again`, { path: t.path, page: t.page });
  }
  const swap = !t.le && t.size > 1 && p.predictor !== 3;
  if (!swap && p.predictor === 1) return seg;
  // Decoders return fresh buffers; only raw bytes still belong to the file.
  const own = (p.compression === 1 && p.fillOrder === 1) || seg.byteOffset % t.size !== 0 ? seg.slice(0, want) : seg;
  if (swap) swapBytes(own, t.size);
  const rowLen = g.width * g.samples;
  if (p.predictor === 2) undoHorizontal(own, t.size, rowLen, g.samples);
  else if (p.predictor === 3) undoFloat(own, t.size, rowLen, g.samples);
  return own;
}
