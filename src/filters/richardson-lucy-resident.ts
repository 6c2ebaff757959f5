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
 * the padding lines as those do; "neumann" works on the whole padded domain. The divide reads
 * the image itself (never a padded copy) through a row table and a column map, which replicate
 * its edges for "neumann", streamed a few planes at a time from the caller's array into a
 * staging area (`richardson-lucy-image.ts`): the caller's array, of any numeric dtype, stays the
 * only whole copy. Memory: three arrays (four for "zero" with an even PSF axis) of the padded
 * shape with rows of `2 (n / 2 + 1)` scalars, about `3 b P`, the staging area (16 planes of the
 * image), the maps, line buffers per thread, and the output.
 * @module
 */
import type { AnyTypedArray } from "../core/dtype.js";
import { ValueError } from "../core/errors.js";
import { sizeOf, type Block } from "../core/ndarray.js";
import { ResidentRfftn, RowSums } from "../fft/internal.js";
import { allocFloat, floatBlock, type FloatArray } from "./common.js";
import { forEachPaddedRow, forEachRowOf } from "./neumann-padding.js";
import { StagedImage } from "./richardson-lucy-image.js";
import { residentRlMemory } from "./richardson-lucy-memory.js";
import { RlUpdate, RunState, dampedRatio, divergenceTerm, needsUpdate, type RlAcceleration, type RowLayout, type RunOptions, type UpdateCore } from "./richardson-lucy-update.js";
import { tvDivide } from "./richardson-lucy-tv.js";
import { multiplyWithDelay, rampTable } from "./spectral.js";

/** What the resident loop needs from the resolved options. */
export interface ResidentRlOptions extends RunOptions {
  /** ITK's algorithm (Neumann padding, the estimate on the padded domain) or scikit-image's. */
  readonly neumann: boolean;
  /** The divide threshold (0: none). */
  readonly fe: number;
  /** The regulariser added before dividing. */
  readonly eps: number;
  /** deconvlucy's DAMPAR (0: none). */
  readonly damping: number;
  /** The total-variation weight (0: none). */
  readonly tv: number;
  readonly init: number | "image";
  readonly fftShape: readonly number[];
  readonly threads: number;
  /**
   * Keep the transfer function only transformed along all axes but the first, for the PSF's
   * first-axis extent, and finish it per line in the forwards' last passes (two whole arrays
   * instead of three): true always, false never, undefined (the default) when three whole
   * arrays do not fit wasm32 memory. Not with a second (mirror) transfer function.
   */
  readonly leanTransfer?: boolean | undefined;
  /** Image planes staged at a time for the divide (default `STAGE_PLANES`; tests pass fewer). */
  readonly stagePlanes?: number | undefined;
}

/**
 * Runs Richardson-Lucy resident in wasm memory (the caller clips); undefined (nothing done)
 * when the resident engine is unavailable for this shape (non-5-smooth lengths, no SIMD or
 * shared memory).
 * @param img - the image, C order, of shape `n`, any numeric dtype (read, never written; its
 *   values are taken as the PSF's float type, as a float copy of it would hold them)
 * @param kern - the PSF (already normalised when asked), C order, of shape `k`, in the compute dtype
 * @param into - where to write the result (C order, of the compute dtype; default a new array):
 *   written only after the last iteration, the image's last read, so it may be `img` itself
 */
export function richardsonLucyResident(
  img: AnyTypedArray, n: readonly number[], kern: FloatArray, k: readonly number[], o: ResidentRlOptions,
  signal: AbortSignal | undefined, into?: FloatArray,
): Block | undefined {
  const dtype = kern instanceof Float32Array ? "float32" : "float64";
  const p = o.fftShape;
  const nd = p.length;
  // scikit-image's crops differ by one sample on even PSF axes: the mirror's own delay.
  const mirrorDelay = k.map((d) => (o.neumann || d % 2 === 1 ? 0 : 1));
  const mirror = mirrorDelay.some((d) => d !== 0);
  // "zero": the data live in the image's region at the origin of the padded domain, and the
  // transforms skip the padding; "neumann": the whole padded domain is the estimate's.
  const region = o.neumann ? p : n;
  const E = dtype === "float32" ? 4 : 8;
  // The same reservation the kernel declares as its workspace (richardson-lucy-memory.ts),
  // with the lean transfer function where three whole arrays do not fit wasm32 memory.
  const memory = residentRlMemory(n, k, o, E);
  const lean = memory.leanRows > 0;
  const fft = ResidentRfftn.create(p, dtype, o.threads, memory.arrays, memory.region, memory.extraBytes);
  if (fft === undefined) return undefined;
  try {
    // An estimate kept from an earlier call's onIteration is a view of this reused memory.
    for (const [what, a] of [["image", img], ["out", into]] as const) {
      if (a !== undefined && a.buffer === fft.buffer) {
        throw new ValueError("richardsonLucy", `${what} must not lie in the resident engine's memory; got a view of it (an estimate passed to onIteration, valid only during that call). Copy it first (copy(estimate))`);
      }
    }
    const stride = fft.realStride;
    const est = fft.alloc(), spec = fft.alloc(), tf = lean ? fft.allocBytes(fft.leadingBytes(memory.leanRows)) : fft.alloc();
    const rampAt = lean ? fft.allocBytes(2 * p[0]! * E) : 0;
    const shift = k.map((d) => (o.neumann ? Math.floor(d / 2) : Math.floor((d - 1) / 2)));
    const lines = lean ? leadingTransfer(fft, tf, rampAt, kern, k, shift) : undefined;
    if (!lean) transferFunction(fft, tf, kern, k, shift);
    const ahead = lines === undefined ? { at: tf, conj: false } : { at: tf, conj: false, lines };
    const back = mirror ? mirroredTransfer(fft, tf, mirrorDelay) : { ...ahead, conj: true };
    // The image, streamed into a staging area for the divide, and the maps it is read through.
    const image = new StagedImage(fft, img, n, o.neumann, o.stagePlanes);
    initEstimate(fft, est, img, n, image, o.init);
    const offset = image.lo.reduce((s, l, i) => s + l * stride[i]!, 0);
    const view = (): Block => ({ dtype, data: fft.real(est), shape: [...n], stride: [...stride], offset }) as Block;
    // Acceleration and the stopping rule: the step fused into the last inverse pass and the
    // extrapolation into the next forward's first (or, when those passes do not run along the
    // rows, as passes of their own).
    // With TV the correction is divided in TypeScript between the last inverse and the step:
    // then the step runs as a pass of its own.
    const layout = regionRows(region, stride);
    const core = needsUpdate(o) ? new WasmCore(fft, est, layout, o.acceleration, o.tv === 0) : undefined;
    const update = core === undefined ? undefined : new RlUpdate(core, o.acceleration);
    const run = new RunState(o);
    const measure = o.stopOn === "divergence";
    let divergence = 0;
    for (let it = 1; it <= o.iterations; it++) {
      if (signal?.aborted) throw signal.reason;
      fft.forward(est, spec, ahead, core?.takePrologue());
      // The I-divergence needs the blurred estimate itself: then the divide runs here.
      if (measure || o.damping > 0) divergence = divideMeasured(fft, spec, region, stride, img, image, o);
      else fft.inverse(spec, spec, { divideImage: { rows: image.rowsAt, xmap: image.xmapAt }, eps: o.eps, fe: o.fe }, image.slabs);
      fft.forward(spec, spec, back);
      if (o.tv > 0) {
        fft.inverse(spec, spec);
        tvDivide(fft.real(est), fft.real(spec), region, stride, o.tv);
        if (core === undefined) multiplyRows(fft.real(est), fft.real(spec), layout);
      } else {
        fft.inverse(spec, spec, core === undefined ? { multiplyInto: est } : core.stepEpilogue());
      }
      if (run.done(it, update?.step(spec), view(), measure ? divergence : undefined)) break;
      update?.extrapolate();
    }
    run.finish();
    const out = into ?? allocFloat(dtype, sizeOf(n));
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
 * The mirror's transfer function for scikit-image's crops on even PSF axes: conj(H) times
 * the one-sample delay `mirrorDelay` along those axes, in a transform array of its own.
 */
function mirroredTransfer(fft: ResidentRfftn, tf: number, mirrorDelay: readonly number[]): { at: number; conj: boolean } {
  const at = fft.alloc();
  const h2 = fft.real(at);
  h2.set(fft.real(tf));
  for (let i = 1; i < h2.length; i += 2) h2[i] = -h2[i]!;
  multiplyWithDelay(h2, undefined, false, fft.complexShape, fft.shape, mirrorDelay);
  return { at, conj: false };
}

/**
 * Writes the first estimate into `est`: `init`, or the image placed as the boundary asks
 * ("neumann": centred in the padded domain, edges replicated outward; "zero": at the origin,
 * rows and columns past it never computed, so never read), read from the caller's array.
 */
function initEstimate(fft: ResidentRfftn, est: number, img: AnyTypedArray, n: readonly number[], image: StagedImage, init: number | "image"): void {
  const estimate = fft.real(est);
  if (init !== "image") {
    estimate.fill(init);
    return;
  }
  const p = fft.shape;
  const len = p[p.length - 1]!;
  const xmap = image.xmap;
  forEachPaddedRow(p, n, image.maps, (dst, src) => {
    const row = (dst / len) * fft.pitch;
    for (let i = 0; i < len; i++) estimate[row + i] = img[src + xmap[i]!]!;
  });
}

/**
 * {@link UpdateCore} in wasm memory, with the arithmetic of the TypeScript `ArrayCore`: where
 * the transforms' first and last passes run along the rows ({@link ResidentRfftn.rowsFirst}),
 * the step is the last inverse pass's epilogue (per-row sums, added here in row order, so the
 * result does not depend on which thread took a row) and the extrapolation the next forward's
 * prologue; otherwise the engine's `rlStep` and `rlExtrapolate` kernels run on the calling
 * thread. Arrays: compact `prev` and `grad` (with acceleration), a row table and the sums.
 */
class WasmCore implements UpdateCore {
  private readonly rowsAt: number;
  private readonly prevAt: number = 0;
  private readonly gradAt: number = 0;
  private readonly sumsAt: number;
  private readonly acc: boolean;
  private readonly fused: boolean;
  private alpha: number | undefined;

  constructor(private readonly fft: ResidentRfftn, private readonly estAt: number, private readonly layout: RowLayout, acceleration: RlAcceleration, fusable: boolean) {
    const E = fft.dtype === "float32" ? 4 : 8;
    const nrows = layout.rows.length;
    const padded = fft.scalars / fft.pitch;
    this.acc = acceleration === "biggs";
    this.fused = fusable && fft.rowsFirst;
    // Fused: the table maps each padded row to its compact row's byte offset, and sums are
    // per padded row; unfused: the table lists the region rows' addresses, one sum.
    this.rowsAt = fft.allocBytes((this.fused ? padded : nrows) * 4);
    this.sumsAt = fft.allocBytes(this.fused ? padded * RowSums.Bytes : RowSums.Bytes);
    if (this.acc) {
      this.prevAt = fft.allocBytes(nrows * layout.len * E);
      this.gradAt = fft.allocBytes(nrows * layout.len * E);
    }
    const table = new Int32Array(fft.buffer, this.rowsAt, this.fused ? padded : nrows);
    for (let r = 0; r < nrows; r++) {
      if (this.fused) table[layout.rows[r]! / fft.pitch] = r * layout.len * E;
      else table[r] = estAt + layout.rows[r]! * E;
    }
    if (!this.acc) return;
    const est = fft.real(estAt);
    const prev = E === 4 ? new Float32Array(fft.buffer, this.prevAt, nrows * layout.len) : new Float64Array(fft.buffer, this.prevAt, nrows * layout.len);
    for (let r = 0; r < nrows; r++) prev.set(est.subarray(layout.rows[r]!, layout.rows[r]! + layout.len), r * layout.len);
  }

  /** The last inverse's epilogue: the fused step, or undefined (a plain inverse, then {@link WasmCore.step}). */
  stepEpilogue(): { rlStep: { at: number; table: number; prev: number; grad: number; sums: number; acc: boolean } } | undefined {
    if (!this.fused) return undefined;
    return { rlStep: { at: this.estAt, table: this.rowsAt, prev: this.prevAt, grad: this.gradAt, sums: this.sumsAt, acc: this.acc } };
  }

  /** The forward's prologue when an extrapolation is pending (fused), once. */
  takePrologue(): { kind: "rlExtrapolate"; table: number; prev: number; alpha: number } | undefined {
    const alpha = this.alpha;
    this.alpha = undefined;
    return alpha === undefined ? undefined : { kind: "rlExtrapolate", table: this.rowsAt, prev: this.prevAt, alpha };
  }

  step(cAt: number): readonly [number, number, number, number, number] {
    const { rows, len } = this.layout;
    const per = RowSums.Bytes >> 3;
    const t = new Float64Array(per);
    if (!this.fused) {
      this.fft.kernels.rlStep(this.rowsAt, rows.length, len, cAt - this.estAt, this.prevAt, this.gradAt, this.acc ? 1 : 0, this.sumsAt);
      t.set(new Float64Array(this.fft.buffer, this.sumsAt, per));
    } else {
      const s = new Float64Array(this.fft.buffer, this.sumsAt, (this.fft.scalars / this.fft.pitch) * per);
      for (let r = 0; r < rows.length; r++) {
        const at = (rows[r]! / this.fft.pitch) * per;
        for (let k = 0; k < per; k++) t[k]! += s[at + k]!;
      }
    }
    return [t[RowSums.Change >> 3]!, t[RowSums.Norm >> 3]!, t[RowSums.Dot >> 3]!, t[RowSums.Last >> 3]!, t[RowSums.Now >> 3]!];
  }

  extrapolate(alpha: number): void {
    if (this.fused) this.alpha = alpha;
    else this.fft.kernels.rlExtrapolate(this.rowsAt, this.layout.rows.length, this.layout.len, this.prevAt, alpha);
  }
}

/**
 * The inverse, then the divide of the fused epilogue (`image / (x + eps)`, 0 below fe, in the
 * storage precision; damped when asked) in TypeScript over the region's rows, reading the
 * caller's array `img` directly; returns Csiszar's I-divergence of the blurred estimate
 * against the (padded) image, which the fused epilogue cannot keep.
 */
function divideMeasured(
  fft: ResidentRfftn, spec: number, region: readonly number[], stride: readonly number[],
  img: AnyTypedArray, image: StagedImage, o: ResidentRlOptions,
): number {
  fft.inverse(spec, spec);
  const x = fft.real(spec);
  const xmap = image.xmap;
  // The image's values as the storage precision holds them (what the staging copy converts to).
  const round = fft.dtype === "float32" ? Math.fround : (v: number): number => v;
  const eps = round(o.eps), fe = round(o.fe), useFe = o.fe !== 0, d22 = (o.damping * o.damping) / 2;
  const len = region[region.length - 1]!;
  let divergence = 0;
  forEachRowOf(region, { stride, offset: 0 }, (start) => {
    const row = image.rowStart(start / fft.pitch);
    for (let i = 0; i < len; i++) {
      const c = round(x[start + i]! + eps);
      const f = round(img[row + xmap[i]!]!);
      divergence += divergenceTerm(f, c);
      x[start + i] = useFe && c < fe ? 0 : d22 > 0 ? dampedRatio(f, c, d22) : f / c;
    }
  });
  return divergence;
}

/** `est *= c` over the region's rows (the fused `multiplyInto`'s arithmetic, in the storage precision). */
function multiplyRows(est: FloatArray, c: FloatArray, layout: RowLayout): void {
  for (let r = 0; r < layout.rows.length; r++) {
    const s = layout.rows[r]!;
    for (let j = s; j < s + layout.len; j++) est[j]! *= c[j]!;
  }
}

/** Where each row of `region` starts in an array of strides `stride`, and the row's length. */
function regionRows(region: readonly number[], stride: readonly number[]): RowLayout {
  const len = region[region.length - 1]!;
  const rows = new Int32Array(sizeOf(region) / len);
  let r = 0;
  forEachRowOf(region, { stride, offset: 0 }, (start) => {
    rows[r++] = start;
  });
  return { rows, len };
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
 * The lean transfer function: the PSF at the origin of the array at `at` (its first `k[0]`
 * indices of the first axis), transformed along the other axes and shifted along them by
 * their phase ramps; the first axis's ramp (the shift's) as a table at `rampAt`, applied per
 * line by the forwards' last passes, which finish the transform.
 */
function leadingTransfer(fft: ResidentRfftn, at: number, rampAt: number, kern: FloatArray, k: readonly number[], shift: readonly number[]): { rows: number; ramp: number } {
  const rows = k[0]!, p0 = fft.shape[0]!;
  const f32 = fft.dtype === "float32";
  const count = fft.leadingBytes(rows) / (f32 ? 4 : 8);
  const h = f32 ? new Float32Array(fft.buffer, at, count) : new Float64Array(fft.buffer, at, count);
  h.fill(0);
  copyRows(kern, k, h, fft.realStride, 0);
  fft.forwardLeading(at, rows);
  multiplyWithDelay(h, undefined, false, [rows, ...fft.complexShape.slice(1)], fft.shape, [0, ...shift.slice(1).map((s) => -s)]);
  (f32 ? new Float32Array(fft.buffer, rampAt, 2 * p0) : new Float64Array(fft.buffer, rampAt, 2 * p0)).set(rampTable(p0, p0, -shift[0]!));
  return { rows, ramp: rampAt };
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
