/**
 * Undoing TIFF predictors on one strip's or tile's decoded bytes, in place, as libtiff's
 * tif_predict.c does: byte order first (samples to native order), then Predictor 2
 * (horizontal differencing of 8-, 16- and 32-bit samples, wrapping) or Predictor 3 (the
 * floating-point predictor: each row's bytes split into byte planes, most significant
 * first, and differenced bytewise). Rows are `rowLen` samples of which every `stride`-th
 * belongs to the same sample, so multi-sample pixels difference per channel.
 * @module
 */

/** Reverses the byte order of every `size`-byte value. */
export function swapBytes(b: Uint8Array, size: number): void {
  if (size === 2) {
    for (let i = 0; i + 1 < b.length; i += 2) {
      const t = b[i]!;
      b[i] = b[i + 1]!;
      b[i + 1] = t;
    }
    return;
  }
  for (let i = 0; i + size <= b.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const t = b[lo]!;
      b[lo] = b[hi]!;
      b[hi] = t;
    }
  }
}

/** Undoes horizontal differencing (Predictor 2) on native-order samples of `size` bytes. */
export function undoHorizontal(seg: Uint8Array, size: number, rowLen: number, stride: number): void {
  const n = Math.floor(seg.length / size);
  const a = size === 1 ? seg : size === 2 ? new Uint16Array(seg.buffer, seg.byteOffset, n) : new Uint32Array(seg.buffer, seg.byteOffset, n);
  for (let row = 0; row + rowLen <= n; row += rowLen) {
    for (let j = row + stride; j < row + rowLen; j++) a[j] = a[j]! + a[j - stride]!;
  }
}

/**
 * Undoes the floating-point predictor (Predictor 3) and leaves little-endian values, whatever
 * the file's byte order: the byte planes are most significant first in every file.
 */
export function undoFloat(seg: Uint8Array, size: number, rowLen: number, stride: number): void {
  const rowBytes = rowLen * size;
  const tmp = new Uint8Array(rowBytes);
  for (let row = 0; row + rowBytes <= seg.length; row += rowBytes) {
    const r = seg.subarray(row, row + rowBytes);
    for (let j = stride; j < rowBytes; j++) r[j] = (r[j]! + r[j - stride]!) & 0xff;
    tmp.set(r);
    for (let k = 0; k < rowLen; k++) {
      for (let byte = 0; byte < size; byte++) r[k * size + byte] = tmp[(size - 1 - byte) * rowLen + k]!;
    }
  }
}
