/**
 * Direct N-D convolution and correlation with small weights: `convolve` matches
 * `scipy.ndimage.convolve(input, weights, mode=..., cval=..., origin=...)` and `correlate`
 * matches `scipy.ndimage.correlate` (scipy 1.10), for every dtype.
 *
 * Invariants (scipy's): sums are accumulated in float64 and stored in the input's dtype
 * (integers truncate toward zero, as a C cast); weights are float64; `correlate` centres the
 * weights at `size // 2 + origin`, and `convolve` flips them and negates the origin (minus one
 * more on even axes). Out-of-range reads follow the boundary mode: reflect (d c b a | a b c d),
 * mirror (d c b | a b c d), nearest, wrap, or `cval` for constant. Cost: one multiply-add per
 * non-zero weight per voxel, plus a padded float64 copy of the input (8 bytes per padded voxel).
 * @module
 */
import { ValueError, show } from "../core/errors.js";
import { cStrides, emptyBlock, forEachRow, sizeOf, type Block, type BlockLike } from "../core/ndarray.js";
import { defineKernel } from "../graph/kernel.js";
import {
  blockArg, checkKeys, checkNdim, extendIndex, floatInput, modeOption, numberOption, type BoundaryMode,
} from "./common.js";

/**
 * Options of {@link convolve} and {@link correlate}.
 * @example
 * ```ts
 * const options: ConvolveOptions = { mode: "constant", cval: 0, origin: [0, 1] };
 * ```
 */
export interface ConvolveOptions {
  /** Boundary mode (default "reflect"), or one per axis; "grid-mirror", "grid-constant", "grid-wrap" are accepted aliases. */
  readonly mode?: BoundaryMode | readonly BoundaryMode[] | string;
  /** Value outside the image for mode "constant" (default 0). */
  readonly cval?: number;
  /** Shift of the weights' centre, a number or one per axis (default 0), as scipy's `origin`. */
  readonly origin?: number | readonly number[];
}

const KEYS = ["mode", "cval", "origin"];

/**
 * N-D convolution with small weights, as `scipy.ndimage.convolve`.
 * @param image - any-dtype block; the result has the same dtype and shape
 * @param weights - a block with one axis per image axis (no axis may be empty)
 * @param options - `mode` (default "reflect"), `cval` (default 0), `origin` (default 0)
 * @throws {ValueError} for mismatched ranks, empty weights, an origin outside the weights, or a bad mode
 * @example
 * ```ts
 * const out = convolve(image, array([[0, 1, 0], [1, -4, 1], [0, 1, 0]]), { mode: "nearest" });
 * ```
 */
export const convolve = defineKernel(import.meta.url, "convolve", function convolve(image: Block | BlockLike, weights: Block | BlockLike, options: ConvolveOptions = {}): Block {
  return correlateOrConvolve("convolve", image, weights, options, true);
});

/**
 * N-D correlation with small weights, as `scipy.ndimage.correlate`.
 * @param image - any-dtype block; the result has the same dtype and shape
 * @param weights - a block with one axis per image axis
 * @param options - `mode`, `cval`, `origin` as for {@link convolve}
 * @throws {ValueError} as {@link convolve}
 * @example
 * ```ts
 * const out = correlate(image, array([1, 2, 1]), { mode: "wrap" });
 * ```
 */
export const correlate = defineKernel(import.meta.url, "correlate", function correlate(image: Block | BlockLike, weights: Block | BlockLike, options: ConvolveOptions = {}): Block {
  return correlateOrConvolve("correlate", image, weights, options, false);
});

function correlateOrConvolve(fn: string, imageArg: unknown, weightsArg: unknown, optionsArg: unknown, flip: boolean): Block {
  const image = blockArg(fn, "image", imageArg);
  const weights = blockArg(fn, "weights", weightsArg);
  const o = checkKeys(fn, optionsArg, KEYS);
  const nd = image.shape.length;
  checkNdim(fn, "weights", weights, nd);
  if (weights.shape.some((d) => d === 0)) {
    throw new ValueError(fn, `weights must not have an empty axis; got shape ${show(weights.shape)}. Pass at least one weight per axis`);
  }
  const modes = modeOption(fn, o.mode, nd, "reflect");
  const cval = numberOption(fn, "cval", o.cval, 0);
  const origins = o.origin === undefined ? new Array<number>(nd).fill(0) : typeof o.origin === "number" ? new Array<number>(nd).fill(o.origin) : o.origin;
  if (!Array.isArray(origins) || origins.length !== nd || origins.some((v) => !Number.isInteger(v))) {
    throw new ValueError(fn, `origin must be an integer or a list of ${nd} integers; got ${show(o.origin)}. Pass e.g. origin: 0`);
  }
  const w = floatInput(weights, "float64").data;
  const k = weights.shape;
  let wv: Float64Array = w as Float64Array;
  const org = [...(origins as number[])];
  if (flip) {
    wv = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) wv[i] = w[w.length - 1 - i]!;
    for (let d = 0; d < nd; d++) org[d] = -org[d]! - (k[d]! % 2 === 0 ? 1 : 0);
  }
  for (let d = 0; d < nd; d++) {
    const lo = -Math.floor(k[d]! / 2);
    const hi = Math.floor((k[d]! - 1) / 2);
    if (org[d]! < lo || org[d]! > hi) {
      throw new ValueError(fn, `origin on axis ${d} must lie in [${flip ? -hi : lo}, ${flip ? -lo : hi}] for weights of size ${k[d]}; got ${show(o.origin)}. Pass a smaller origin`);
    }
  }
  return correlateCore(image, wv, k, org, modes, cval);
}

/**
 * `out[i] = sum_j w[j] * ext[i + j - (k // 2 + origin)]`, accumulated in float64 (unchecked).
 */
function correlateCore(image: Block, w: Float64Array, k: readonly number[], origin: readonly number[], modes: readonly BoundaryMode[], cval: number): Block {
  const nd = image.shape.length;
  const out = emptyBlock(image.dtype, image.shape);
  const n = image.shape;
  if (sizeOf(n) === 0) return out;
  if (nd === 0) {
    out.data[0] = w[0]! * image.data[image.offset]!;
    return out;
  }
  const lo = k.map((kd, d) => Math.floor(kd / 2) + origin[d]!);
  const pshape = n.map((nd_, d) => nd_ + k[d]! - 1);
  const padded = padExtended(image, pshape, lo, modes, cval);
  const pstride = cStrides(pshape);
  // Offsets of the non-zero weights in the padded array; zero weights cost nothing.
  const offs: number[] = [];
  const vals: number[] = [];
  const kstride = cStrides(k);
  for (let j = 0; j < w.length; j++) {
    if (w[j] === 0) continue;
    let off = 0;
    for (let d = 0; d < nd; d++) off += Math.floor(j / kstride[d]!) % k[d]! * pstride[d]!;
    offs.push(off);
    vals.push(w[j]!);
  }
  const len = n[nd - 1]!;
  const acc = new Float64Array(len);
  const data = out.data;
  const virtual = { stride: pstride, offset: 0 };
  let row = 0;
  forEachRow(n, [virtual], (o) => {
    acc.fill(0);
    const base = o[0]!;
    for (let t = 0; t < offs.length; t++) {
      const wt = vals[t]!;
      const start = base + offs[t]!;
      for (let i = 0; i < len; i++) acc[i]! += wt * padded[start + i]!;
    }
    const dst = row * len;
    if (image.dtype === "float32" || image.dtype === "float64") for (let i = 0; i < len; i++) data[dst + i] = acc[i]!;
    else if (image.dtype === "bool") for (let i = 0; i < len; i++) data[dst + i] = acc[i] !== 0 ? 1 : 0;
    else for (let i = 0; i < len; i++) data[dst + i] = Math.trunc(acc[i]!);
    row++;
  });
  return out;
}

/** The input extended by `lo` before and `pshape - n - lo` after each axis, as float64. */
function padExtended(image: Block, pshape: readonly number[], lo: readonly number[], modes: readonly BoundaryMode[], cval: number): Float64Array {
  const nd = pshape.length;
  const maps = pshape.map((p, d) => {
    const m = new Int32Array(p);
    for (let i = 0; i < p; i++) {
      const s = extendIndex(i - lo[d]!, image.shape[d]!, modes[d]!);
      m[i] = s < 0 ? -1 : s * image.stride[d]!;
    }
    return m;
  });
  const out = new Float64Array(sizeOf(pshape));
  const src = image.data;
  const last = maps[nd - 1]!;
  const plen = pshape[nd - 1]!;
  const idx = new Array<number>(nd - 1).fill(0);
  let row = 0;
  for (;;) {
    let base = image.offset;
    let outside = false;
    for (let d = 0; d < nd - 1; d++) {
      const m = maps[d]![idx[d]!]!;
      if (m < 0) outside = true;
      base += m;
    }
    const dst = row * plen;
    if (outside) out.fill(cval, dst, dst + plen);
    else for (let i = 0; i < plen; i++) out[dst + i] = last[i]! < 0 ? cval : src[base + last[i]!]!;
    row++;
    let d = nd - 2;
    while (d >= 0 && ++idx[d]! === pshape[d]!) idx[d--] = 0;
    if (d < 0) break;
  }
  return out;
}

/**
 * One 1-D correlation pass along `axis`, as `scipy.ndimage.correlate1d(origin=0)`, reading
 * `src` and writing `dst` (C-contiguous, `dst.dtype`); `src` may be `dst` (lines are copied
 * out first). `w` has odd or even length; its centre is `length // 2`.
 */
export function correlate1dInto(src: Block, dst: Block, axis: number, w: Float64Array, mode: BoundaryMode, cval: number): void {
  const shape = src.shape;
  const n = shape[axis]!;
  if (sizeOf(shape) === 0) return;
  const r = Math.floor(w.length / 2);
  const ext = new Float64Array(n + w.length - 1);
  const map = new Int32Array(ext.length);
  for (let i = 0; i < ext.length; i++) map[i] = extendIndex(i - r, n, mode);
  const ss = src.stride[axis]!;
  const ds = dst.stride[axis]!;
  const outer = { shape: shape.filter((_, d) => d !== axis), src: src.stride.filter((_, d) => d !== axis), dst: dst.stride.filter((_, d) => d !== axis) };
  const sdata = src.data;
  const ddata = dst.data;
  const integer = dst.dtype !== "float32" && dst.dtype !== "float64";
  const line = (sBase: number, dBase: number): void => {
    for (let i = 0; i < ext.length; i++) {
      const m = map[i]!;
      ext[i] = m < 0 ? cval : sdata[sBase + m * ss]!;
    }
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < w.length; j++) acc += w[j]! * ext[i + j]!;
      ddata[dBase + i * ds] = integer ? (dst.dtype === "bool" ? (acc !== 0 ? 1 : 0) : Math.trunc(acc)) : acc;
    }
  };
  if (outer.shape.length === 0) {
    line(src.offset, dst.offset);
    return;
  }
  // Iterate every line: the outer axes with the line axis removed.
  forEachRow([...outer.shape, 1], [
    { stride: [...outer.src, 0], offset: src.offset },
    { stride: [...outer.dst, 0], offset: dst.offset },
  ], (o) => line(o[0]!, o[1]!));
}
