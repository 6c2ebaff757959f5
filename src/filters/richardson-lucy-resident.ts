/**
 * Richardson-Lucy on the resident wasm engine (`fft/resident-rfftn.ts`): the estimate, the
 * work spectrum, the PSF's transfer function and the image live in one shared wasm memory for
 * the whole call, each transform's passes are split between `threads` threads, and the
 * elementwise steps are fused into the transforms' last passes:
 *
 *     spec = rfftn(est) * H                  (product in the forward's last pass)
 *     spec = image / (irfftn(spec) + eps)    (the division in the inverse's last pass; 0 below fe)
 *     spec = rfftn(spec) * conj(H)           (times a one-sample ramp on even PSF axes in "zero")
 *     est *= irfftn(spec)                    (the product in the inverse's last pass)
 *
 * Both algorithms of `richardson-lucy.ts`, with the same arithmetic as its reference paths
 * `runZero` and `runNeumann` (which the tests compare it with), in the storage precision:
 * "zero" keeps the data in the image's region at the origin of the padded domain and skips
 * the padding lines as those do; "neumann" works on the whole padded domain. Memory: four
 * arrays (five for "zero" with an even PSF axis) of the padded shape with rows of
 * `2 (n / 2 + 1)` scalars, about `4 b P`, line buffers per thread, and the output.
 * @module
 */
import { sizeOf, type Block } from "../core/ndarray.js";
import { ResidentRfftn } from "../fft/resident-rfftn.js";
import { allocFloat, floatBlock, type FloatArray } from "./common.js";
import { clampMap, forEachPaddedRow, forEachRowOf } from "./neumann-padding.js";
import { multiplyWithDelay } from "./spectral.js";

/** What the resident loop needs from the resolved options. */
export interface ResidentRlOptions {
  /** ITK's algorithm (Neumann padding, the estimate on the padded domain) or scikit-image's. */
  readonly neumann: boolean;
  readonly iterations: number;
  /** The divide threshold (0: none). */
  readonly fe: number;
  /** The regulariser added before dividing. */
  readonly eps: number;
  readonly init: number | "image";
  readonly fftShape: readonly number[];
  readonly threads: number;
  readonly onIteration: ((i: number, estimate: Block) => void) | undefined;
}

/**
 * Runs Richardson-Lucy resident in wasm memory (the caller clips); undefined (nothing done)
 * when the resident engine is unavailable for this shape (non-5-smooth lengths, no SIMD or
 * shared memory).
 * @param img - the image, C order, of shape `n`
 * @param kern - the PSF (already normalised when asked), C order, of shape `k`
 */
export function richardsonLucyResident(
  img: FloatArray, n: readonly number[], kern: FloatArray, k: readonly number[], o: ResidentRlOptions,
  signal: AbortSignal | undefined,
): Block | undefined {
  const dtype = img instanceof Float32Array ? "float32" : "float64";
  const p = o.fftShape;
  const nd = p.length;
  // scikit-image's crops differ by one sample on even PSF axes: the mirror's own delay.
  const mirrorDelay = k.map((d) => (o.neumann || d % 2 === 1 ? 0 : 1));
  const mirror = mirrorDelay.some((d) => d !== 0);
  // "zero": the data live in the image's region at the origin of the padded domain, and the
  // transforms skip the padding; "neumann": the whole padded domain is the estimate's.
  const region = o.neumann ? p : n;
  const fft = ResidentRfftn.create(p, dtype, o.threads, mirror ? 5 : 4, region);
  if (fft === undefined) return undefined;
  try {
    const stride = fft.realStride;
    const est = fft.alloc(), spec = fft.alloc(), tf = fft.alloc(), image = fft.alloc();
    const shift = k.map((d) => (o.neumann ? Math.floor(d / 2) : Math.floor((d - 1) / 2)));
    transferFunction(fft, tf, kern, k, shift);
    let back = { at: tf, conj: true };
    if (mirror) {
      back = { at: fft.alloc(), conj: false };
      const h2 = fft.real(back.at);
      h2.set(fft.real(tf));
      for (let i = 1; i < h2.length; i += 2) h2[i] = -h2[i]!;
      multiplyWithDelay(h2, undefined, false, fft.complexShape, fft.shape, mirrorDelay);
    }
    const padded = fft.real(image);
    let lo = p.map(() => 0);
    if (o.neumann) {
      lo = p.map((d, i) => Math.floor((d - n[i]!) / 2));
      const maps = p.map((d, i) => clampMap(d, n[i]!, lo[i]!));
      const xmap = maps[nd - 1]!;
      const len = p[nd - 1]!;
      forEachPaddedRow(p, n, maps, (dst, src) => {
        const at = (dst / len) * fft.pitch;
        for (let i = 0; i < len; i++) padded[at + i] = img[src + xmap[i]!]!;
      });
    } else {
      copyRows(img, n, padded, stride, 0);
    }
    const estimate = fft.real(est);
    if (o.init === "image") estimate.set(padded);
    else estimate.fill(o.init);
    const offset = lo.reduce((s, l, i) => s + l * stride[i]!, 0);
    const view = (): Block => ({ dtype, data: fft.real(est), shape: [...n], stride: [...stride], offset }) as Block;
    for (let it = 1; it <= o.iterations; it++) {
      if (signal?.aborted) throw signal.reason;
      fft.forward(est, spec, { at: tf, conj: false });
      fft.inverse(spec, spec, { divide: image, eps: o.eps, fe: o.fe });
      fft.forward(spec, spec, back);
      fft.inverse(spec, spec, { multiplyInto: est });
      o.onIteration?.(it, view());
    }
    const out = allocFloat(dtype, sizeOf(n));
    const src = fft.real(est);
    const nlen = n[nd - 1]!;
    let q = 0;
    forEachRowOf(n, { stride, offset }, (start) => {
      for (let i = 0; i < nlen; i++) out[q++] = src[start + i]!;
    });
    return floatBlock(out, n);
  } finally {
    fft.close();
  }
}

/** Copies a C-order array of shape `n` into the rows of a strided one starting at `offset`. */
function copyRows(src: FloatArray, n: readonly number[], dst: FloatArray, stride: readonly number[], offset: number): void {
  const len = n[n.length - 1]!;
  let q = 0;
  forEachRowOf(n, { stride, offset }, (start) => {
    dst.set(src.subarray(q, q + len), start);
    q += len;
  });
}

/**
 * The PSF's transform into `at`: the PSF zero-padded at the origin, transformed in place, then
 * circularly shifted by `shift` with a phase ramp, so both convolutions crop at offset 0.
 */
function transferFunction(fft: ResidentRfftn, at: number, kern: FloatArray, k: readonly number[], shift: readonly number[]): void {
  const h = fft.real(at);
  h.fill(0);
  copyRows(kern, k, h, fft.realStride, 0);
  // The PSF may be larger than the region the forward reads: transform it on a full-region plan.
  fft.forwardFull(at, at);
  multiplyWithDelay(h, undefined, false, fft.complexShape, fft.shape, shift.map((s) => -s));
}
