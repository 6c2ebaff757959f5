/**
 * Pass jobs: one axis pass (`axis-pass.ts`) over arrays that live in a wasm engine's memory,
 * written as a small descriptor the kernels' `runPassJob` (`wasm/pass-job.ts`) reads; both
 * sides take its layout from `pass-job-layout.ts`. The same batches, zero padding, cropping
 * and scaling as `wasm-chain.ts`, but the batch loop runs inside wasm, so any thread that
 * shares the memory can run part of it. An optional epilogue fuses a Richardson-Lucy step
 * into the pass while its lines are still in cache: a product with another spectrum, a
 * division of an image by the result, or a product of another real array with the result.
 * @module
 */
import type { AxisPass } from "./axis-pass.js";
import { iterationAxes, type IterAxis } from "./batching.js";
import { AxisRecord, BufferRecord, Epilogue, Job, JobLimit, PassKind, Prologue, StageRecord } from "./pass-job-layout.js";
import type { WasmComplexPlan, WasmEngine } from "./wasm-engine.js";

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
   * line by line: the first `rows` samples of each line of the array at `at` (the kernel
   * transformed along every other axis, in the destination's layout) zero-padded to the pass's
   * length, transformed, row j times the complex `ramp[j]` (a table of the scalar type at
   * `ramp`). A transfer function then needs `rows / n` of a whole array.
   */
  | { readonly kind: "timesLines"; readonly at: number; readonly conj: boolean; readonly rows: number; readonly ramp: number }
  /**
   * As "divide", with the image read through maps instead of a copy in the destination's
   * layout: destination row r (counted from `rowBase`, `rowBytes` apart) reads the image row at
   * byte address `rows[r]` (a Uint32 table at `rows`) and its sample x the column `xmap[x]`.
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

/** Bytes of one job descriptor (`Job.Bytes` of the layout). */
export const JOB_BYTES: number = Job.Bytes;
/**
 * Most threads one transform's pass can be split between (each part has its own line buffers
 * in the job descriptor): the limit of the resident engine's team, and of `richardsonLucy`'s
 * `threads` option. Exported from `chunkwise/fft` as `MAX_FFT_THREADS`.
 */
export const MAX_PARTS: number = JobLimit.Parts;

/** Bytes of each of the three line buffers one thread needs for `passes` in precision E. */
export function lineBufferBytes(passes: readonly AxisPass[], E: number): number {
  let bytes = 0;
  for (const p of passes) bytes = Math.max(bytes, rowsOf(p) * 2 * lanesFor(rowsOf(p), E) * E);
  return bytes;
}

/** The pass's iteration axes and line plan when they fit a job descriptor, else undefined. */
function jobLayout(engine: WasmEngine, p: AxisPass, src: JobArea, dst: JobArea, f32: boolean) {
  const iter = iterationAxes(p.extents, p.axis, src.stride, dst.stride);
  if (iter === null || iter.length > JobLimit.IterAxes) return undefined;
  if (iter.some((a) => a.sStride < 0 || a.dStride < 0) || src.stride[p.axis]! < 0 || dst.stride[p.axis]! < 0) return undefined;
  const plan = engine.complexPlan(p.kind !== "c2c" && p.n % 2 === 0 ? p.n >> 1 : p.n, f32);
  return plan.stages.length <= JobLimit.Stages ? { iter, plan } : undefined;
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
  const layout = buffers.length > JobLimit.Parts ? undefined : jobLayout(engine, p, src, dst, f32);
  if (layout === undefined) return false;
  const { iter, plan } = layout;
  const E = f32 ? 4 : 8;
  const even = p.n % 2 === 0;
  const m = p.kind === "c2r" ? Math.min(p.inLen, (p.n >> 1) + 1) : Math.min(p.inLen, p.n);
  const epi = epilogueCode(p, dst, epilogue);
  if (prologue !== undefined && (p.kind !== "r2c" || !p.realSource || src.stride[p.axis] !== 1)) {
    throw new RangeError(`writePassJob: a "${prologue.kind}" prologue applies only to an r2c pass reading contiguous real rows; got a ${p.kind} pass`);
  }
  const words = new Int32Array(engine.memory.buffer, job, Job.Bytes >> 2);
  words.fill(0); // the next free batch (Job.NextBatch) starts at 0, unused fields too
  const put: Put = (at, value) => { words[at >> 2] = value; };
  put(Job.Kind, { c2c: PassKind.C2C, r2c: PassKind.R2C, c2r: PassKind.C2R }[p.kind]);
  put(Job.N, p.n);
  put(Job.Forward, p.forward ? 1 : 0);
  put(Job.RealSource, p.realSource ? 1 : 0);
  put(Job.M, m);
  put(Job.OutStart, p.outStart);
  put(Job.OutLen, p.outLen);
  put(Job.Src, src.at);
  put(Job.Dst, dst.at);
  put(Job.SrcAxisStride, src.stride[p.axis]!);
  put(Job.DstAxisStride, dst.stride[p.axis]!);
  put(Job.Lanes, lanesFor(rowsOf(p), E));
  put(Job.RealTwiddles, p.kind !== "c2c" && even ? engine.realTwiddles(p.n, f32) : 0);
  putRecords(put, iter, buffers, plan.stages);
  put(Job.Epilogue, epi);
  const reals = new Float64Array(engine.memory.buffer, job, Job.Bytes >> 3);
  reals[Job.Scale >> 3] = p.scale;
  putFusion(put, reals, dst, epilogue, prologue);
  return true;
}

type Put = (at: number, value: number) => void;

/** The iteration axes, each part's line buffers and the radix stages, with their counts. */
function putRecords(
  put: Put, iter: readonly IterAxis[], buffers: readonly (readonly [number, number, number])[],
  stages: WasmComplexPlan["stages"],
): void {
  put(Job.IterCount, iter.length);
  iter.forEach((a, i) => {
    const at = Job.Iter + i * AxisRecord.Bytes;
    put(at + AxisRecord.Extent, a.extent);
    put(at + AxisRecord.SrcStride, a.sStride);
    put(at + AxisRecord.DstStride, a.dStride);
  });
  buffers.forEach((b, i) => {
    const at = Job.Buffers + i * BufferRecord.Bytes;
    put(at + BufferRecord.A, b[0]);
    put(at + BufferRecord.B, b[1]);
    put(at + BufferRecord.C, b[2]);
  });
  put(Job.StageCount, stages.length);
  stages.forEach((s, i) => {
    const at = Job.Stages + i * StageRecord.Bytes;
    put(at + StageRecord.Radix, s.p);
    put(at + StageRecord.Ido, s.ido);
    put(at + StageRecord.L1, s.l1);
    put(at + StageRecord.Fwd, s.fwd);
    put(at + StageRecord.Bwd, s.bwd);
  });
}

/** The epilogue's and prologue's fields (`reals`: the descriptor as float64). */
function putFusion(put: Put, reals: Float64Array, dst: JobArea, epilogue: PassEpilogue | undefined, prologue: PassPrologue | undefined): void {
  put(Job.Conj, (epilogue?.kind === "times" || epilogue?.kind === "timesLines") && epilogue.conj ? 1 : 0);
  if (epilogue?.kind === "timesLines") {
    put(Job.LineRows, epilogue.rows);
    put(Job.LineRamp, epilogue.ramp);
  }
  put(Job.Delta, epilogue === undefined || epilogue.kind === "divideMapped" ? 0 : epilogue.at - dst.at);
  if (epilogue?.kind === "rlStep") {
    putRows(put, epilogue.table, epilogue.prev, epilogue.rowBase, epilogue.rowBytes);
    put(Job.Grad, epilogue.grad);
    put(Job.Sums, epilogue.sums);
    put(Job.Acc, epilogue.acc ? 1 : 0);
  }
  if (epilogue?.kind === "divideMapped") putRows(put, epilogue.rows, epilogue.xmap, epilogue.rowBase, epilogue.rowBytes);
  if (epilogue?.kind === "divide" || epilogue?.kind === "divideMapped") {
    // Whether the threshold applies is decided here, in float64: a tiny fe may round to 0 in float32.
    put(Job.UseFe, epilogue.fe !== 0 ? 1 : 0);
    reals[Job.Fe >> 3] = epilogue.fe;
    reals[Job.Eps >> 3] = epilogue.eps;
  }
  put(Job.Prologue, prologue === undefined ? Prologue.None : Prologue.RlExtrapolate);
  if (prologue !== undefined) {
    putRows(put, prologue.table, prologue.prev, prologue.rowBase, prologue.rowBytes);
    reals[Job.Alpha >> 3] = prologue.alpha;
  }
}

/** The epilogue's code, after checking it applies to pass `p` writing `dst`. */
function epilogueCode(p: AxisPass, dst: JobArea, epilogue: PassEpilogue | undefined): Epilogue {
  if (epilogue === undefined) return Epilogue.None;
  const epi = {
    times: Epilogue.Times, divide: Epilogue.Divide, multiplyInto: Epilogue.MultiplyInto,
    divideMapped: Epilogue.DivideMapped, rlStep: Epilogue.RlStep, timesLines: Epilogue.TimesLines,
  }[epilogue.kind];
  const fits = epi === Epilogue.Times ? p.kind !== "c2r"
    : epilogue.kind === "timesLines" ? p.kind === "c2c" && p.forward && p.outStart === 0 && epilogue.rows >= 1 && epilogue.rows <= p.n
    : p.kind === "c2r" && (epi < Epilogue.DivideMapped || dst.stride[p.axis] === 1) && (epi !== Epilogue.RlStep || p.outStart === 0);
  if (!fits) throw new RangeError(`writePassJob: a "${epilogue.kind}" epilogue does not apply to a ${p.kind} pass`);
  return epi;
}

/** The row-mapped fields: the row table, the compact array or column map beside it, and the rows' base and pitch. */
function putRows(put: Put, table: number, array: number, rowBase: number, rowBytes: number): void {
  put(Job.RowTable, table);
  put(Job.RowArray, array);
  put(Job.RowBase, rowBase);
  put(Job.RowBytes, rowBytes);
}
