/**
 * ITK's Richardson-Lucy algorithm (`boundary: "neumann"`) on the resident wasm engine
 * (`fft/resident-rfftn.ts`): the padded estimate, the work spectrum, the PSF's transfer
 * function and the padded image live in one shared wasm memory for the whole call, each
 * transform's passes are split between `threads` threads, and the elementwise steps are
 * fused into the transforms' last passes:
 *
 *     spec = rfftn(est) * H                  (product in the forward's last pass)
 *     spec = image / (irfftn(spec) + eps)    (the division in the inverse's last pass; 0 below fe)
 *     spec = rfftn(spec) * conj(H)
 *     est *= irfftn(spec)                    (the product in the inverse's last pass)
 *
 * The same arithmetic as `runNeumann` in `richardson-lucy.ts` (the reference it is tested
 * against), in the storage precision. Memory: four arrays of the padded shape with rows of
 * `2 (n / 2 + 1)` scalars (about `4 b P`), line buffers per thread, and the output.
 * @module
 */
import { sizeOf, type Block } from "../core/ndarray.js";
import { ResidentRfftn } from "../fft/resident-rfftn.js";
import { allocFloat, floatBlock, type FloatArray } from "./common.js";
import { clampMap, forEachPaddedRow, forEachRowOf } from "./neumann-padding.js";
import { multiplyWithDelay } from "./spectral.js";

/** What the resident loop needs from the resolved options. */
export interface ResidentRlOptions {
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
 * Runs ITK's algorithm resident in wasm memory (the caller clips); undefined (nothing done) when the resident
 * engine is unavailable for this shape (non-5-smooth lengths, no SIMD or shared memory).
 * @param img - the image, C order, of shape `n`
 * @param kern - the PSF (already normalised when asked), C order, of shape `k`
 */
export function richardsonLucyResident(
  img: FloatArray, n: readonly number[], kern: FloatArray, k: readonly number[], o: ResidentRlOptions,
  signal: AbortSignal | undefined,
): Block | undefined {
  const dtype = img instanceof Float32Array ? "float32" : "float64";
  const p = o.fftShape;
  const fft = ResidentRfftn.create(p, dtype, o.threads, 4);
  if (fft === undefined) return undefined;
  try {
    const nd = p.length;
    const stride = fft.realStride;
    const pitch = fft.pitch;
    const len = p[nd - 1]!;
    const est = fft.alloc(), spec = fft.alloc(), tf = fft.alloc(), image = fft.alloc();
    transferFunction(fft, tf, kern, k);
    const lo = p.map((d, i) => Math.floor((d - n[i]!) / 2));
    const maps = p.map((d, i) => clampMap(d, n[i]!, lo[i]!));
    const xmap = maps[nd - 1]!;
    const padded = fft.real(image);
    forEachPaddedRow(p, n, maps, (dst, src) => {
      const at = (dst / len) * pitch;
      for (let i = 0; i < len; i++) padded[at + i] = img[src + xmap[i]!]!;
    });
    const estimate = fft.real(est);
    if (o.init === "image") estimate.set(padded);
    else estimate.fill(o.init);
    const offset = lo.reduce((s, l, i) => s + l * stride[i]!, 0);
    const view = (): Block => ({ dtype, data: fft.real(est), shape: [...n], stride: [...stride], offset }) as Block;
    for (let it = 1; it <= o.iterations; it++) {
      if (signal?.aborted) throw signal.reason;
      fft.forward(est, spec, { at: tf, conj: false });
      fft.inverse(spec, spec, { divide: image, eps: o.eps, fe: o.fe });
      fft.forward(spec, spec, { at: tf, conj: true });
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

/**
 * The PSF's transform into `at`: the PSF zero-padded at the origin, transformed in place, then
 * circularly shifted by `k // 2` (ITK's centring) with a phase ramp.
 */
function transferFunction(fft: ResidentRfftn, at: number, kern: FloatArray, k: readonly number[]): void {
  const h = fft.real(at);
  h.fill(0);
  const stride = fft.realStride;
  const kk = k[k.length - 1]!;
  forEachRowOf(k, { stride, offset: 0 }, (() => {
    let q = 0;
    return (start: number) => {
      for (let i = 0; i < kk; i++) h[start + i] = kern[q++]!;
    };
  })());
  fft.forward(at, at);
  multiplyWithDelay(h, undefined, false, fft.complexShape, fft.shape, k.map((d) => -Math.floor(d / 2)));
}
