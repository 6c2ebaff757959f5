/**
 * One 1-D transform pass along one axis of a strided N-D array, batched: B neighbouring lines
 * are gathered into a contiguous `[n][B]` float64 buffer, transformed together (every
 * butterfly runs over the B lanes), and scattered back, so strided axes cost no more than the
 * contiguous one. Source and destination may be the same array (each batch is gathered before
 * it is written) or different ones, of float32 or float64 storage.
 *
 * Zero padding and cropping happen here: the first `inLen` entries of each source line are
 * read and the rest of the transform input is zero; transform outputs `[outStart, outStart +
 * outLen)` are written to destination positions `[0, outLen)`. Lines outside `extents` are
 * neither read nor written, which is how all-padding lines are skipped.
 *
 * This is one of the FFT's two batch loops; the other is the wasm kernels' `runPassJob`, which
 * `wasm-chain.ts` and the resident engine drive. It stays, rather than every pass going to
 * wasm, because it alone serves lengths with a prime factor above 5 (generic radix passes and
 * Bluestein, which have no wasm plan), runtimes without WebAssembly SIMD and the "typescript"
 * backend, and it is the float64 reference the wasm path is tested against.
 * @module
 */
import { complexPlan, realPlan } from "./line-plans.js";
import type { FftWorkspace } from "./fft-workspace.js";
import { batchLanes, iterationAxes } from "./batching.js";

/**
 * A strided view in scalar units: complex data uses 2 scalars per element.
 * @example
 * ```ts
 * const v: ScalarView = { data: z.data, offset: 2 * z.offset, stride: z.stride.map((s) => 2 * s) };
 * ```
 */
export interface ScalarView {
  readonly data: Float32Array | Float64Array;
  readonly offset: number;
  readonly stride: readonly number[];
}

/**
 * What one pass does. Lengths count complex entries, or real ones on the real side.
 * @example
 * ```ts
 * r2cChain([4, 6], [0, 1], [4, 6], 1).passes[0]; // { kind: "r2c", axis: 1, n: 6, ... }
 * ```
 */
export interface AxisPass {
  /** c2c: complex to complex; r2c: real to half spectrum; c2r: half spectrum to real. */
  readonly kind: "c2c" | "r2c" | "c2r";
  readonly axis: number;
  /** Transform length (the real length for r2c and c2r). */
  readonly n: number;
  /** Direction of a c2c pass. */
  readonly forward: boolean;
  /** c2c only: the source is real (imaginary parts are zero). */
  readonly realSource: boolean;
  /** Valid source entries per line (the rest is zero padding). */
  readonly inLen: number;
  readonly outStart: number;
  readonly outLen: number;
  /** Extent of every axis to iterate over (the pass axis's own entry is ignored). */
  readonly extents: readonly number[];
  /** Factor applied to every output value. */
  readonly scale: number;
}

/**
 * Float64 slots per lane that a line buffer needs for `pass`.
 * @example
 * ```ts
 * bufferPerLane({ kind: "c2c", n: 8, ... }); // 16
 * ```
 */
export function bufferPerLane(pass: AxisPass): number {
  if (pass.kind === "c2c") return 2 * pass.n;
  return realPlan(pass.n).bufferPerLane;
}

/**
 * Preferred lanes per batch for transform length n: up to 32 lines (256 contiguous bytes of
 * float32 complex per row when lines are neighbours) and at most 12288 complex values
 * (192 KiB) per line buffer, so both buffers stay in a 512 KiB L2 cache.
 * @example
 * ```ts
 * maxLanes(160); // 32
 * maxLanes(576); // 21
 * ```
 */
export function maxLanes(n: number): number {
  return Math.max(1, Math.min(32, Math.floor(12288 / Math.max(1, n))));
}

/**
 * Runs `pass` from `src` into `dst` (views in scalar units; may alias).
 * @example
 * ```ts
 * runAxisPass(pass, inputView, outputView, new FftWorkspace());
 * ```
 */
export function runAxisPass(pass: AxisPass, src: ScalarView, dst: ScalarView, scratch: FftWorkspace): void {
  const iter = iterationAxes(pass.extents, pass.axis, src.stride, dst.stride);
  if (iter === null) return; // an empty extent: nothing to do
  const Bmax = maxLanes(pass.n);
  const size = bufferPerLane(pass) * Bmax;
  const a = scratch.get(0, size);
  const b = scratch.get(1, size);
  const sAx = src.stride[pass.axis]!;
  const dAx = dst.stride[pass.axis]!;
  batchLanes(iter, Bmax, src.offset, dst.offset, (sBase, dBase, B) => {
    const inner = iter[iter.length - 1]!;
    runBatch(pass, src.data, sBase, inner.sStride, sAx, dst.data, dBase, inner.dStride, dAx, B, a, b, scratch);
  });
}

function runBatch(
  pass: AxisPass,
  sd: Float32Array | Float64Array, sBase: number, sLane: number, sAx: number,
  dd: Float32Array | Float64Array, dBase: number, dLane: number, dAx: number,
  B: number, a: Float64Array, b: Float64Array, scratch: FftWorkspace,
): void {
  const n = pass.n;
  if (pass.kind === "c2c") {
    if (pass.realSource) gatherReal(sd, sBase, sLane, sAx, pass.inLen, a, B, n, false);
    else gatherComplex(sd, sBase, sLane, sAx, pass.inLen, a, B, n);
    const r = complexPlan(n).exec(a, b, B, pass.forward, scratch);
    scatterComplex(r, B, pass.outStart, pass.outLen, pass.scale, dd, dBase, dLane, dAx);
  } else if (pass.kind === "r2c") {
    const plan = realPlan(n);
    gatherReal(sd, sBase, sLane, sAx, pass.inLen, a, B, n, plan.even);
    const r = plan.forward(a, b, B, scratch);
    scatterComplex(r, B, pass.outStart, pass.outLen, pass.scale, dd, dBase, dLane, dAx);
  } else {
    const plan = realPlan(n);
    gatherComplex(sd, sBase, sLane, sAx, pass.inLen, a, B, (n >> 1) + 1);
    const r = plan.inverse(a, b, B, scratch);
    scatterReal(r, B, plan.even, pass.outStart, pass.outLen, pass.scale, dd, dBase, dLane, dAx);
  }
}

/** Complex source lines into `[len][B]`, entries past `inLen` zeroed. */
function gatherComplex(
  s: Float32Array | Float64Array, base: number, lane: number, ax: number, inLen: number,
  a: Float64Array, B: number, len: number,
): void {
  const L = 2 * B;
  const m = Math.min(inLen, len);
  if (Math.abs(ax) < Math.abs(lane) || B === 1) {
    for (let l = 0; l < B; l++) {
      let p = base + l * lane;
      for (let j = 0, o = 2 * l; j < m; j++, o += L, p += ax) {
        a[o] = s[p]!;
        a[o + 1] = s[p + 1]!;
      }
    }
  } else {
    for (let j = 0; j < m; j++) {
      let p = base + j * ax;
      for (let o = j * L, e = o + L; o < e; o += 2, p += lane) {
        a[o] = s[p]!;
        a[o + 1] = s[p + 1]!;
      }
    }
  }
  if (m < len) a.fill(0, m * L, len * L);
}

/**
 * Real source lines into the packed layout of `line-plans.ts` (even n) or into the real parts
 * of `[n][B]` complex (odd n, or a c2c pass over real data when `packed` is false).
 */
function gatherReal(
  s: Float32Array | Float64Array, base: number, lane: number, ax: number, inLen: number,
  a: Float64Array, B: number, n: number, packed: boolean,
): void {
  const L = 2 * B;
  const m = Math.min(inLen, n);
  if (packed) {
    const total = (n >> 1) * L;
    if (m < n) a.fill(0, 0, total);
    if (Math.abs(ax) < Math.abs(lane) || B === 1) {
      for (let l = 0; l < B; l++) {
        let p = base + l * lane;
        let o = 2 * l;
        let j = 0;
        for (; j + 1 < m; j += 2, o += L, p += 2 * ax) {
          a[o] = s[p]!;
          a[o + 1] = s[p + ax]!;
        }
        if (j < m) a[o] = s[p]!;
      }
    } else {
      for (let j = 0; j < m; j++) {
        let p = base + j * ax;
        for (let o = (j >> 1) * L + (j & 1), e = o + L; o < e; o += 2, p += lane) a[o] = s[p]!;
      }
    }
    return;
  }
  if (Math.abs(ax) < Math.abs(lane) || B === 1) {
    for (let l = 0; l < B; l++) {
      let p = base + l * lane;
      for (let j = 0, o = 2 * l; j < m; j++, o += L, p += ax) {
        a[o] = s[p]!;
        a[o + 1] = 0;
      }
    }
  } else {
    for (let j = 0; j < m; j++) {
      let p = base + j * ax;
      for (let o = j * L, e = o + L; o < e; o += 2, p += lane) {
        a[o] = s[p]!;
        a[o + 1] = 0;
      }
    }
  }
  if (m < n) a.fill(0, m * L, n * L);
}

function scatterComplex(
  r: Float64Array, B: number, start: number, len: number, scale: number,
  d: Float32Array | Float64Array, base: number, lane: number, ax: number,
): void {
  const L = 2 * B;
  if (Math.abs(ax) < Math.abs(lane) || B === 1) {
    for (let l = 0; l < B; l++) {
      let p = base + l * lane;
      for (let j = 0, o = start * L + 2 * l; j < len; j++, o += L, p += ax) {
        d[p] = r[o]! * scale;
        d[p + 1] = r[o + 1]! * scale;
      }
    }
  } else {
    for (let j = 0; j < len; j++) {
      let p = base + j * ax;
      for (let o = (start + j) * L, e = o + L; o < e; o += 2, p += lane) {
        d[p] = r[o]! * scale;
        d[p + 1] = r[o + 1]! * scale;
      }
    }
  }
}

function scatterReal(
  r: Float64Array, B: number, packed: boolean, start: number, len: number, scale: number,
  d: Float32Array | Float64Array, base: number, lane: number, ax: number,
): void {
  const L = 2 * B;
  if (Math.abs(ax) < Math.abs(lane) || B === 1) {
    for (let l = 0; l < B; l++) {
      let p = base + l * lane;
      if (packed) {
        for (let j = 0, jj = start; j < len; j++, jj++, p += ax) d[p] = r[(jj >> 1) * L + (jj & 1) + 2 * l]! * scale;
      } else {
        for (let j = 0, o = start * L + 2 * l; j < len; j++, o += L, p += ax) d[p] = r[o]! * scale;
      }
    }
    return;
  }
  for (let j = 0; j < len; j++) {
    const jj = start + j;
    let o = packed ? (jj >> 1) * L + (jj & 1) : jj * L;
    let p = base + j * ax;
    for (let l = 0; l < B; l++, o += 2, p += lane) d[p] = r[o]! * scale;
  }
}

