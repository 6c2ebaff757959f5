/**
 * Pass jobs: one axis pass (`axis-pass.ts`) over arrays that live in a wasm engine's memory,
 * written as a small descriptor the kernels' `runPassJob` reads (its layout is documented next
 * to `runPassJob` in `scripts/fft-wasm/kernels.ts`). The same batches, zero padding, cropping
 * and scaling as `wasm-chain.ts`, but the batch loop runs inside wasm, so any thread that
 * shares the memory can run part of it. An optional epilogue fuses a Richardson-Lucy step
 * into the pass while its lines are still in cache: a product with another spectrum, a
 * division of an image by the result, or a product of another real array with the result.
 * @module
 */
import type { AxisPass } from "./axis-pass.js";
import { iterationAxes } from "./batching.js";
import type { WasmEngine } from "./wasm-engine.js";

/** An array in wasm memory: its byte address and its strides in scalars (a complex element is two). */
export interface JobArea {
  readonly at: number;
  readonly stride: readonly number[];
}

/**
 * What a pass does to its result besides storing it (`at` arrays share the destination's layout).
 * @example
 * ```ts
 * const e: PassEpilogue = { kind: "divide", at: imageAddress, eps: 1e-12, fe: 1e-5 };
 * ```
 */
export type PassEpilogue =
  | { readonly kind: "times"; readonly at: number; readonly conj: boolean }
  | { readonly kind: "divide"; readonly at: number; readonly eps: number; readonly fe: number }
  | { readonly kind: "multiplyInto"; readonly at: number }
  /**
   * As "times" (on a forward c2c pass with `outStart` 0), with the other spectrum computed
   * line by line: the first `rows` rows of each line of the array at `at` (the kernel
   * transformed along every other axis, in the destination's layout) zero-padded to the pass's
   * length, transformed, row j times the complex `ramp[j]` (a table of the scalar type at
   * `ramp`). A transfer function then needs `rows / n` of a whole array.
   */
  | { readonly kind: "timesLines"; readonly at: number; readonly conj: boolean; readonly rows: number; readonly ramp: number }
  /**
   * As "divide", with the image read through maps instead of a copy in the destination's
   * layout: destination row r (counted from `rowBase`, `rowBytes` apart) reads the image row at
   * byte address `rows[r]` (an Int32 table at `rows`) and its sample x the column `xmap[x]`.
   */
  | {
    readonly kind: "divideMapped"; readonly rows: number; readonly xmap: number; readonly rowBase: number; readonly rowBytes: number;
    readonly eps: number; readonly fe: number;
  }
  /**
   * Richardson-Lucy's step (`filters/richardson-lucy-update.ts`) on the rows just written, the
   * estimate at `at`: destination row r (from `rowBase`, `rowBytes` apart) has its compact
   * `prev`/`grad` row at byte offset `table[r]` and its five float64 sums at `sums + 40 r`.
   */
  | {
    readonly kind: "rlStep"; readonly at: number; readonly table: number; readonly prev: number; readonly grad: number;
    readonly rowBase: number; readonly rowBytes: number; readonly sums: number; readonly acc: boolean;
  };

/**
 * What a pass does to its input rows before reading them: Richardson-Lucy's extrapolation
 * (source row r, from `rowBase`, `rowBytes` apart, with its compact `prev` row at byte offset
 * `table[r]`).
 * @example
 * ```ts
 * const p: PassPrologue = { kind: "rlExtrapolate", table, prev, rowBase: est, rowBytes: pitch * 4, alpha: 0.5 };
 * ```
 */
export interface PassPrologue {
  readonly kind: "rlExtrapolate"; readonly table: number; readonly prev: number; readonly rowBase: number; readonly rowBytes: number; readonly alpha: number;
}

/**
 * Lines per batch: a multiple of the vector width, at most 64, line buffers near 128 KiB
 * each (measured at 160x576x480 float32: 64 KiB buffers, i.e. 12 lanes for n = 576, made
 * that axis's pass 1.4 times slower; 512 KiB was slower again).
 */
export function lanesFor(rows: number, E: number): number {
  const V = 16 / E;
  const fit = Math.floor(131072 / (rows * 2 * E) / V) * V;
  return Math.max(V, Math.min(64, fit));
}

/** Rows of a pass's line batch: n, or n / 2 + 1 for the real passes of even n. */
export function rowsOf(p: AxisPass): number {
  return p.kind !== "c2c" && p.n % 2 === 0 ? (p.n >> 1) + 1 : p.n;
}

/** Bytes of one job descriptor. */
export const JOB_BYTES = 1024;
/** Threads a job can be split between (line buffers per part in the descriptor). */
export const MAX_PARTS = 8;
const MAX_ITER_AXES = 4;
const MAX_STAGES = 24;

/** Bytes of each of the three line buffers one thread needs for `passes` in precision E. */
export function lineBufferBytes(passes: readonly AxisPass[], E: number): number {
  let bytes = 0;
  for (const p of passes) bytes = Math.max(bytes, rowsOf(p) * 2 * lanesFor(rowsOf(p), E) * E);
  return bytes;
}

/** The pass's iteration axes and line plan when they fit a job descriptor, else undefined. */
function jobLayout(engine: WasmEngine, p: AxisPass, src: JobArea, dst: JobArea, f32: boolean) {
  const iter = iterationAxes(p.extents, p.axis, src.stride, dst.stride);
  if (iter === null || iter.length > MAX_ITER_AXES) return undefined;
  if (iter.some((a) => a.sStride < 0 || a.dStride < 0) || src.stride[p.axis]! < 0 || dst.stride[p.axis]! < 0) return undefined;
  const plan = engine.complexPlan(p.kind !== "c2c" && p.n % 2 === 0 ? p.n >> 1 : p.n, f32);
  return plan.stages.length <= MAX_STAGES ? { iter, plan } : undefined;
}

/** Whether pass `p` from `src` to `dst` fits a job descriptor (so {@link writePassJob} will accept it). */
export function passFits(engine: WasmEngine, p: AxisPass, src: JobArea, dst: JobArea, f32: boolean): boolean {
  return jobLayout(engine, p, src, dst, f32) !== undefined;
}

/**
 * Writes the descriptor of pass `p` from `src` to `dst` at byte address `job`; `buffers` are
 * the (a, b, c) line buffers of each part. False when the pass does not fit a descriptor
 * (more than four iteration axes after merging, a negative stride); nothing runs then.
 * @example
 * ```ts
 * if (writePassJob(engine, job, pass, src, dst, [[a, b, c]], true)) engine.kernels(true).runPassJob(job, 0, 1);
 * ```
 */
export function writePassJob(
  engine: WasmEngine, job: number, p: AxisPass, src: JobArea, dst: JobArea,
  buffers: readonly (readonly [number, number, number])[], f32: boolean, epilogue?: PassEpilogue, prologue?: PassPrologue,
): boolean {
  const layout = buffers.length > MAX_PARTS ? undefined : jobLayout(engine, p, src, dst, f32);
  if (layout === undefined) return false;
  const { iter, plan } = layout;
  const E = f32 ? 4 : 8;
  const even = p.n % 2 === 0;
  const realTw = p.kind !== "c2c" && even ? engine.realTwiddles(p.n, f32) : 0;
  const m = p.kind === "c2r" ? Math.min(p.inLen, (p.n >> 1) + 1) : Math.min(p.inLen, p.n);
  const epi = epilogue === undefined ? 0 : { times: 1, divide: 2, multiplyInto: 3, divideMapped: 4, rlStep: 5, timesLines: 6 }[epilogue.kind];
  const c2rOnly = epi >= 2 && epi <= 5;
  const linesBad = epilogue?.kind === "timesLines" && (p.kind !== "c2c" || !p.forward || p.outStart !== 0 || epilogue.rows < 1 || epilogue.rows > p.n);
  if ((epi === 1 && p.kind === "c2r") || (c2rOnly && p.kind !== "c2r") || (c2rOnly && epi >= 4 && dst.stride[p.axis] !== 1) || (epi === 5 && p.outStart !== 0) || linesBad) {
    throw new RangeError(`writePassJob: a "${epilogue!.kind}" epilogue does not apply to a ${p.kind} pass`);
  }
  if (prologue !== undefined && (p.kind !== "r2c" || !p.realSource || src.stride[p.axis] !== 1)) {
    throw new RangeError(`writePassJob: a "${prologue.kind}" prologue applies only to an r2c pass reading contiguous real rows; got a ${p.kind} pass`);
  }
  const words = new Int32Array(engine.memory.buffer, job, 192);
  words.fill(0);
  words.set([
    { c2c: 0, r2c: 1, c2r: 2 }[p.kind], p.n, p.forward ? 1 : 0, p.realSource ? 1 : 0, m, p.outStart, p.outLen,
    src.at, dst.at, src.stride[p.axis]!, dst.stride[p.axis]!, lanesFor(rowsOf(p), E), iter.length,
  ]);
  iter.forEach((a, i) => words.set([a.extent, a.sStride, a.dStride], 13 + 3 * i));
  words[25] = plan.stages.length;
  words[26] = realTw;
  words[27] = epi;
  words[28] = (epilogue?.kind === "times" || epilogue?.kind === "timesLines") && epilogue.conj ? 1 : 0;
  words[29] = epilogue === undefined || epilogue.kind === "divideMapped" ? 0 : epilogue.at - dst.at;
  if (epilogue?.kind === "rlStep") {
    words.set([epilogue.table, epilogue.prev, epilogue.rowBase, epilogue.rowBytes, epilogue.grad, epilogue.sums, epilogue.acc ? 1 : 0], 56);
  }
  if (epilogue?.kind === "timesLines") words.set([epilogue.rows, epilogue.ramp], 56);
  if (prologue !== undefined) {
    words.set([prologue.table, prologue.prev, prologue.rowBase, prologue.rowBytes], 56);
    words[63] = 1;
  }
  const divides = epilogue?.kind === "divide" || epilogue?.kind === "divideMapped";
  // Whether the threshold applies is decided here, in float64: a tiny fe may round to 0 in float32.
  words[30] = divides && epilogue.fe !== 0 ? 1 : 0;
  if (epilogue?.kind === "divideMapped") words.set([epilogue.rows, epilogue.xmap, epilogue.rowBase, epilogue.rowBytes], 56);
  words[31] = 0; // the next free batch, for threads sharing the pass
  buffers.forEach((b, i) => words.set(b, 32 + 3 * i));
  plan.stages.forEach((s, i) => words.set([s.p, s.ido, s.l1, s.fwd, s.bwd], 64 + 5 * i));
  const reals = new Float64Array(engine.memory.buffer, job + 768, 4);
  reals[0] = p.scale;
  reals[1] = divides ? epilogue.fe : 0;
  reals[2] = divides ? epilogue.eps : 0;
  reals[3] = prologue?.alpha ?? 0;
  return true;
}
