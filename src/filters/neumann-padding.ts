/**
 * Zero-flux Neumann padding (ITK's boundary condition: edge replication) for the
 * Richardson-Lucy paths: per-axis maps from padded to image positions, and row walks over a
 * padded shape and over a strided region.
 * @module
 */
import { cStrides, sizeOf } from "../core/ndarray.js";

/** For each padded position along one axis, the image index it replicates (zero-flux Neumann). */
export function clampMap(p: number, n: number, lo: number): Int32Array {
  const m = new Int32Array(p);
  for (let i = 0; i < p; i++) m[i] = Math.min(Math.max(i - lo, 0), n - 1);
  return m;
}

/**
 * Calls `row(dst, src, srcMap)` for every row of the padded shape: `dst` is the row's start in
 * the padded array, `src` the start of the image row it replicates.
 */
export function forEachPaddedRow(p: readonly number[], n: readonly number[], maps: readonly Int32Array[], row: (dst: number, src: number) => void): void {
  const nd = p.length;
  const istride = cStrides(n);
  const len = p[nd - 1]!;
  const rows = sizeOf(p) / len;
  const idx = new Array<number>(nd - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let src = 0;
    for (let d = 0; d < nd - 1; d++) src += maps[d]![idx[d]!]! * istride[d]!;
    row(r * len, src);
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d]! < p[d]!) break;
      idx[d] = 0;
    }
  }
}

/** Calls `body(start)` with the first scalar of every row of a strided region of `shape`. */
export function forEachRowOf(shape: readonly number[], v: { stride: readonly number[]; offset: number }, body: (start: number) => void): void {
  const nd = shape.length;
  const rows = sizeOf(shape) / shape[nd - 1]!;
  const idx = new Array<number>(nd - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let s = v.offset;
    for (let d = 0; d < nd - 1; d++) s += idx[d]! * v.stride[d]!;
    body(s);
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

