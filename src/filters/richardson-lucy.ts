/**
 * Richardson-Lucy deconvolution. Defaults match `skimage.restoration.richardson_lucy(image,
 * psf, num_iter, clip=False, filter_epsilon)` (scikit-image 0.19): the estimate starts at 0.5,
 * each iteration computes `conv = fftconvolve(estimate, psf, "same") + 1e-12`,
 * `ratio = image / conv` (0 where `conv < filterEpsilon` when that is set) and
 * `estimate *= fftconvolve(ratio, flip(psf), "same")`.
 *
 * One default differs from scikit-image on purpose: `clip` is false. scikit-image clips the
 * result to [-1, 1] by default because its pipeline scales images to [0, 1]; camera counts
 * (uint16, or cast to float32) would come out as 1.0 nearly everywhere. `{ clip: true }`
 * reproduces scikit-image's default exactly. A data-dependent default (clip only when the
 * image lies in [-1, 1]) was rejected: a chunked run would then clip some blocks (a dark frame)
 * and not others. The options reproduce ITK 5.2's
 * `RichardsonLucyDeconvolutionImageFilter`: `init: "image"` (estimate starts from the image),
 * `boundary: "neumann"` (the image is padded by edge replication, ITK's zero-flux Neumann
 * condition, to `fftShape` with `(P - n) // 2` voxels before; the estimate lives on that whole
 * padded domain and convolutions are circular on it, as ITK's), `normalizePsf` (ITK's
 * `Normalize`), `clip: false` and `filterEpsilon: 1e-5` (ITK's DivideOrZeroOut threshold).
 *
 * Implementation: with the WebAssembly SIMD kernels and a 5-smooth `fftShape` (the default),
 * both algorithms run on the resident engine (`richardson-lucy-resident.ts`: every array in
 * one wasm memory, the elementwise steps fused into the transforms, `threads` threads per
 * pass, its memory declared by {@link richardsonLucyWorkspace}). Otherwise the reference paths
 * below run, which the tests compare it with:
 *
 * one real FFT plan per call over `fftShape` (default
 * `nextFastLen(n + k - 1)` per axis for "zero", `nextFastLen(n + k)` for "neumann", ITK's
 * `n + k` rounded to a 5-smooth length); the PSF is transformed once, circularly shifted by a
 * phase ramp so that both convolutions crop at offset 0, and its mirror is its conjugate
 * (plus a one-sample ramp on even PSF axes in "zero" mode, where scikit-image's two "same"
 * crops differ by one sample). Every buffer is allocated once per call; the divide, clip and
 * multiply steps are single fused loops. In "zero" mode the transforms skip the padding lines
 * on the way in and the cropped lines on the way out.
 *
 * `acceleration: "biggs"` and `tolerance` (richardson-lucy-update.ts) replace the final
 * `est *= c` with a step that also keeps the previous estimate and the gradient (two more
 * arrays of the estimate's domain with acceleration) and five sums, then extrapolate; without
 * them the loop is exactly the plain one, byte for byte. `regularization: { tv }`
 * (richardson-lucy-tv.ts) divides the correction by Dey et al.'s total-variation term of the
 * estimate before that step.
 *
 * The reference paths' memory in bytes, with `b` = 4 (float32) or 8 (float64), `n` image
 * voxels and `P` padded voxels: "zero" about `2 b n + 2 b P` (estimate, output-sized input copy only when
 * the input is not already contiguous in the compute dtype, two half spectra); "neumann" about
 * `3 b P + b n` (padded estimate, two half spectra, output); the real work array lives inside
 * the spectrum's buffer, since every transform reads its whole input before it writes. Plus
 * the FFT plan's WebAssembly memory (about `2 b P`: the transform's input and output) and
 * line buffers (a few MB). With `out` the output is the caller's array (no `b n` of its own; in
 * place, none at all beside the image on the resident engine and "neumann").
 * @module
 */
import { ValueError, show } from "../core/errors.js";
import type { AnyTypedArray } from "../core/dtype.js";
import { cStrides, isCContiguous, sizeOf, type Block, type BlockLike } from "../core/ndarray.js";
import { complexZeros, createRfftnPlan } from "../fft/index.js";
import { wasmEnabled } from "../fft/internal.js";
import { defineKernel } from "../graph/kernel.js";
import { allocFloat, blockArg, checkKeys, checkNdim, computeDtype, floatBlock, floatInput, type FloatArray } from "./common.js";
import { richardsonLucyWorkspace } from "./richardson-lucy-memory.js";
import { clampMap, forEachPaddedRow, forEachRowOf } from "./neumann-padding.js";
import { resolveOut, type RlOut } from "./richardson-lucy-out.js";
import { richardsonLucyResident } from "./richardson-lucy-resident.js";
import { tvDivide } from "./richardson-lucy-tv.js";
import { ArrayCore, RlUpdate, RunState, dampedRatio, divergenceTerm, needsUpdate } from "./richardson-lucy-update.js";
import { RL_KEYS, resolveRlOptions, type ResolvedRlOptions, type RichardsonLucyOptions } from "./richardson-lucy-options.js";
import { multiplySpectra, multiplyWithDelay } from "./spectral.js";

export type { RichardsonLucyIterationInfo, RichardsonLucyOptions, RichardsonLucyStopInfo } from "./richardson-lucy-options.js";
export { richardsonLucyWorkspace } from "./richardson-lucy-memory.js";

const FN = "richardsonLucy";
/** scikit-image's regulariser, added to the blurred estimate before dividing. */
const EPS = 1e-12;

/**
 * Richardson-Lucy deconvolution of `image` by `psf` (see the module notes for what it matches).
 * @param image - any-dtype block; float64 computes in float64, float32 and integers up to 16 bits in float32 (read as stored, a few planes at a time, for the whole call: it must not change until the call returns)
 * @param psf - the point spread function, with as many axes as the image (promoted with the image's dtype)
 * @param options - see {@link RichardsonLucyOptions}
 * @param ctx - the kernel context (its `signal` is checked between iterations; its `threads`, the executor's thread budget, is what `threads: "auto"` takes; with a `tolerance`, its `note`, when present, gets what `onStop` reports: `{ iterations, change, converged }`)
 * @returns the estimate, float32 or float64, of the image's shape: `options.out` when given (see richardson-lucy-out.ts), which may be the image itself
 * @throws {ValueError} for mismatched ranks, empty inputs, bad options or an `out` that breaks its rules; the signal's reason when aborted
 * @throws {DtypeError} for an `out` of another dtype than the result's
 * @example
 * ```ts
 * const onCameraCounts = richardsonLucy(image, psf, { iterations: 30 }); // skimage's clip=False
 * const skimageDefault = richardsonLucy(image, psf, { iterations: 30, clip: true }); // skimage's clip=True
 * const itkLike = richardsonLucy(image, psf, { iterations: 10, init: "image", boundary: "neumann", clip: false, filterEpsilon: 1e-5 });
 * const inPlace = richardsonLucy(image, psf, { iterations: 10, out: image }); // float32 image: the result overwrites it
 * ```
 */
export const richardsonLucy = defineKernel(import.meta.url, "richardsonLucy", function richardsonLucy(
  image: Block | BlockLike, psf: Block | BlockLike, options: RichardsonLucyOptions = {}, ctx?: { signal?: AbortSignal | undefined; threads?: number | undefined; note?: ((value: unknown) => void) | undefined },
): Block {
  const x = blockArg(FN, "image", image);
  const k = blockArg(FN, "psf", psf);
  checkNdim(FN, "psf", k, x.shape.length);
  if (x.shape.length === 0 || sizeOf(x.shape) === 0 || sizeOf(k.shape) === 0) {
    throw new ValueError(FN, `image and psf must be non-empty arrays with at least one axis; got shapes ${show(x.shape)} and ${show(k.shape)}. Pass N-D blocks`);
  }
  const o = withStopNote(resolveRlOptions(checkKeys(FN, options, RL_KEYS), x.shape, k.shape, ctx?.threads), ctx?.note);
  const dtype = computeDtype(x.dtype, k.dtype);
  const into = resolveOut(options?.out, x, k, dtype, ctx);
  let kern = floatInput(k, dtype).data;
  if (o.normalize) {
    let sum = 0;
    for (let i = 0; i < kern.length; i++) sum += kern[i]!;
    if (sum === 0) throw new ValueError(FN, "psf must have a non-zero sum to be normalised; got sum 0. Pass normalizePsf: false or a real PSF");
    const scaled = allocFloat(dtype, kern.length);
    for (let i = 0; i < kern.length; i++) scaled[i] = kern[i]! / sum;
    kern = scaled;
  }
  if (wasmEnabled()) {
    // The resident engine when the wasm kernels serve this shape; the reference path otherwise.
    // It reads the image as stored (any dtype; a strided view is copied once), converting a few
    // planes at a time: no whole float copy of integer input.
    // With `out` the result is cropped into it after the last iteration, the image's last read.
    const out = richardsonLucyResident(contiguousData(x, dtype), x.shape, kern, k.shape, { ...o, eps: EPS }, ctx?.signal, into?.data);
    if (out !== undefined) {
      if (o.clip) clipInPlace(out.data as FloatArray);
      return into?.block ?? out;
    }
  }
  const out = (o.neumann ? runNeumann : runZero)(floatInput(x, dtype).data, x.shape, kern, k.shape, o, ctx?.signal, into);
  return into?.block ?? out;
}, { workspaceBytes: richardsonLucyWorkspace });

/** The block's values in C order without a copy when it is C-contiguous (any dtype), else a float copy. */
function contiguousData(x: Block, dtype: "float32" | "float64"): AnyTypedArray {
  return isCContiguous(x) ? x.data.subarray(x.offset, x.offset + sizeOf(x.shape)) : floatInput(x, dtype).data;
}

/**
 * With a tolerance (the only case where the iterations used vary) and a caller listening for
 * notes, `onStop`'s report also goes to `ctx.note`: that is how a run on worker threads or
 * other machines tells its caller the iterations each block used.
 */
function withStopNote(o: ResolvedRlOptions, note: ((value: unknown) => void) | undefined): ResolvedRlOptions {
  if (note === undefined || o.tolerance === 0) return o;
  const onStop = o.onStop;
  return {
    ...o,
    onStop: (info) => {
      onStop?.(info);
      note({ iterations: info.iterations, converged: info.converged, ...(info.change === undefined ? {} : { change: info.change }) });
    },
  };
}

/** The PSF's transform over `P`, circularly shifted so that `shift` sits at index 0. */
function transferFunction(plan: ReturnType<typeof createRfftnPlan>, kern: FloatArray, k: readonly number[], shift: readonly number[]) {
  const h = complexZeros(plan.complexShape, plan.complexDtype);
  plan.forward(floatBlock(kern, k), h);
  multiplyWithDelay(h.data, undefined, false, plan.complexShape, plan.shape, shift.map((s) => -s));
  return h;
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

/** scikit-image's algorithm: zero-padded linear convolutions, the estimate on the image's domain. */
function runZero(img: FloatArray, n: readonly number[], kern: FloatArray, k: readonly number[], o: ResolvedRlOptions, signal: AbortSignal | undefined, into?: RlOut): Block {
  const dtype = img instanceof Float32Array ? "float32" : "float64";
  const plan = createRfftnPlan(o.fftShape, { dtype });
  const h = transferFunction(plan, kern, k, k.map((d) => Math.floor((d - 1) / 2)));
  const mirrorDelay = k.map((d) => (d % 2 === 0 ? 1 : 0));
  const spec = complexZeros(plan.complexShape, plan.complexDtype);
  const size = img.length;
  // The estimate is `out` itself unless `out` is the image, which every iteration reads: then
  // it is copied into `out` after the last one.
  const est = into !== undefined && !into.inPlace ? into.data : allocFloat(dtype, size);
  if (o.init === "image") est.set(img);
  else est.fill(o.init);
  // The real work array lives at the start of the spectrum's buffer (n <= P < 2 * complex P):
  // each transform reads all of its input before it writes its output (see runChain).
  const work = spec.data.subarray(0, size);
  const estBlock = floatBlock(est, n);
  const workBlock = floatBlock(work, n);
  const useFe = o.fe !== 0;
  const fe = o.fe;
  const update = needsUpdate(o) ? new RlUpdate(new ArrayCore(est, { rows: [0], len: size }, o.acceleration), o.acceleration) : undefined;
  const run = new RunState(o);
  const measure = o.stopOn === "divergence";
  const d22 = (o.damping * o.damping) / 2;
  for (let it = 1; it <= o.iterations; it++) {
    checkAbort(signal);
    plan.forward(estBlock, spec);
    multiplySpectra(spec.data, h.data, false);
    plan.inverse(spec, workBlock, { overwriteInput: true });
    let divergence = 0;
    for (let i = 0; i < size; i++) {
      const c = work[i]! + EPS;
      if (measure) divergence += divergenceTerm(img[i]!, c);
      work[i] = useFe && c < fe ? 0 : d22 > 0 ? dampedRatio(img[i]!, c, d22) : img[i]! / c;
    }
    plan.forward(workBlock, spec);
    multiplyWithDelay(spec.data, h.data, true, plan.complexShape, plan.shape, mirrorDelay);
    plan.inverse(spec, workBlock, { overwriteInput: true });
    if (o.tv > 0) tvDivide(est, work, n, cStrides(n), o.tv);
    if (update === undefined) for (let i = 0; i < size; i++) est[i]! *= work[i]!;
    if (run.done(it, update?.step(work), estBlock, measure ? divergence : undefined)) break;
    update?.extrapolate();
  }
  run.finish();
  if (o.clip) clipInPlace(est);
  if (into?.inPlace === true) into.data.set(est);
  return estBlock;
}

function clipInPlace(a: FloatArray): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v > 1) a[i] = 1;
    else if (v < -1) a[i] = -1;
  }
}

/** ITK's algorithm: Neumann-padded image, estimate and circular convolutions on the padded domain. */
function runNeumann(img: FloatArray, n: readonly number[], kern: FloatArray, k: readonly number[], o: ResolvedRlOptions, signal: AbortSignal | undefined, into?: RlOut): Block {
  const dtype = img instanceof Float32Array ? "float32" : "float64";
  const p = o.fftShape;
  const nd = p.length;
  const lo = p.map((d, i) => Math.floor((d - n[i]!) / 2));
  const maps = p.map((d, i) => clampMap(d, n[i]!, lo[i]!));
  const xmap = maps[nd - 1]!;
  const len = p[nd - 1]!;
  const plan = createRfftnPlan(p, { dtype });
  const h = transferFunction(plan, kern, k, k.map((d) => Math.floor(d / 2)));
  const spec = complexZeros(plan.complexShape, plan.complexDtype);
  const est = allocFloat(dtype, sizeOf(p));
  if (o.init === "image") {
    forEachPaddedRow(p, n, maps, (dst, src) => {
      for (let i = 0; i < len; i++) est[dst + i] = img[src + xmap[i]!]!;
    });
  } else {
    est.fill(o.init);
  }
  // The real work array shares the spectrum's buffer (P reals fit in the half spectrum):
  // each transform reads all of its input before it writes its output (see runChain).
  const work = spec.data.subarray(0, est.length);
  const pstride = cStrides(p);
  const view: Block = { dtype, data: est, shape: [...n], stride: pstride, offset: lo.reduce((s, l, i) => s + l * pstride[i]!, 0) } as Block;
  const useFe = o.fe !== 0;
  const fe = o.fe;
  const update = needsUpdate(o) ? new RlUpdate(new ArrayCore(est, { rows: [0], len: est.length }, o.acceleration), o.acceleration) : undefined;
  const run = new RunState(o);
  const measure = o.stopOn === "divergence";
  const d22 = (o.damping * o.damping) / 2;
  let divergence = 0;
  const divide = (dst: number, src: number): void => {
    for (let i = 0; i < len; i++) {
      const c = work[dst + i]! + EPS;
      const f = img[src + xmap[i]!]!;
      if (measure) divergence += divergenceTerm(f, c);
      work[dst + i] = useFe && c < fe ? 0 : d22 > 0 ? dampedRatio(f, c, d22) : f / c;
    }
  };
  for (let it = 1; it <= o.iterations; it++) {
    checkAbort(signal);
    plan.forward(est, spec);
    multiplySpectra(spec.data, h.data, false);
    plan.inverse(spec, work, { overwriteInput: true });
    divergence = 0;
    forEachPaddedRow(p, n, maps, divide);
    plan.forward(work, spec);
    multiplySpectra(spec.data, h.data, true);
    plan.inverse(spec, work, { overwriteInput: true });
    if (o.tv > 0) tvDivide(est, work, p, pstride, o.tv);
    if (update === undefined) for (let i = 0; i < est.length; i++) est[i]! *= work[i]!;
    if (run.done(it, update?.step(work), view, measure ? divergence : undefined)) break;
    update?.extrapolate();
  }
  run.finish();
  // Crop into `out` or a fresh output (a view of the padded estimate would keep P alive):
  // the image, which `out` may be, was last read by the last iteration's divide.
  const out = into?.data ?? allocFloat(dtype, img.length);
  const nlen = n[nd - 1]!;
  let q = 0;
  const crop = { stride: pstride, offset: view.offset };
  const rowsShape = [...n];
  forEachRowOf(rowsShape, crop, (start) => {
    for (let i = 0; i < nlen; i++) out[q++] = est[start + i]!;
  });
  if (o.clip) clipInPlace(out);
  return floatBlock(out, n);
}

/**
 * The halo Richardson-Lucy gets on chunked arrays: half the PSF (`k // 2`) per axis, the
 * design's choice. One iteration depends on `2 * (k // 2)` voxels each side and `i` iterations
 * on `2 i (k // 2)`, so tiled results match the whole volume only approximately near tiles'
 * seams; pass a larger depth to the pipeline for closer agreement.
 * @example
 * ```ts
 * richardsonLucyDepth([3, 5, 5]); // [1, 2, 2]
 * ```
 */
export function richardsonLucyDepth(psfShape: readonly number[]): number[] {
  return psfShape.map((d) => Math.floor(d / 2));
}
