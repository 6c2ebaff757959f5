/**
 * Runs a chain of axis passes (`nd-passes.ts`) on the WebAssembly SIMD backend: the input is
 * copied into the engine's memory (one memcpy when it is contiguous), every pass gathers
 * batches of lines into split-layout line buffers, transforms them with the SIMD kernels and
 * scatters them back, all inside wasm memory, and the result is copied out. Same passes, same
 * zero padding, cropping, skipped lines and scaling as `axis-pass.ts`; arithmetic in the
 * storage precision. Layout in wasm memory: twiddle tables, two line buffers, the input, the
 * work array (the input itself when it is complex and large enough), the output (the work
 * array itself when the result is complex and fits in it). A real input is placed at the tail
 * of the complex work array, and a real output at its head, whenever the pass that reads or
 * writes it provably never overwrites data still to be read (checked batch by batch), so a
 * forward or inverse transform holds about one complex volume instead of a real one as well.
 *
 * It is not a batch loop of its own: each pass is a job descriptor (`pass-jobs.ts`) run by the
 * kernels' `runPassJob`, the loop the resident engine uses too. What stays here is a one-shot
 * call's memory plan, which `resident-rfftn.ts` cannot take over: its fixed row-pitched
 * layout in a shared memory fits arrays that stay resident, not strided views, c2c chains,
 * padding and cropping copied in and out of a private memory.
 * @module
 */
import { forEachOuter, fullBatches, iterationAxes } from "./batching.js";
import type { AxisPass, ScalarView } from "./axis-pass.js";
import type { PassChain } from "./nd-passes.js";
import { JOB_BYTES, lanesFor, lineBufferBytes, rowsOf, writePassJob } from "./pass-jobs.js";
import type { WasmEngine } from "./wasm-engine.js";

interface Area {
  readonly at: number; // byte address
  readonly stride: readonly number[]; // scalar units
  readonly shape: readonly number[];
}

function cStrides(shape: readonly number[], per: number): number[] {
  const s = new Array<number>(shape.length);
  let acc = per;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d]!;
  }
  return s;
}

const prod = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
const fits = (a: readonly number[], b: readonly number[]) => a.every((d, i) => d <= b[i]!);

/**
 * Runs `chain` from `input` to `output` in `engine`; false (nothing written) when the memory
 * it needs exceeds the wasm32 limit.
 * @example
 * ```ts
 * if (!runChainWasm(engine, chain, inView, outView)) runChainTs(...);
 * ```
 */
export function runChainWasm(engine: WasmEngine, chain: PassChain, input: ScalarView, output: ScalarView): boolean {
  const f32 = input.data instanceof Float32Array;
  const E = f32 ? 4 : 8;
  const { passes, outShape } = chain;
  const last = passes.length - 1;
  const p0 = passes[0]!;
  const inReal = p0.kind === "r2c" || (p0.kind === "c2c" && p0.realSource);
  const outReal = passes[last]!.kind === "c2r";
  const inShape = p0.extents;
  for (const p of passes) {
    if (p.kind === "c2c") engine.complexPlan(p.n, f32);
    else if (p.n % 2 === 0) {
      engine.complexPlan(p.n >> 1, f32);
      engine.realTwiddles(p.n, f32);
    } else engine.complexPlan(p.n, f32);
  }
  let top = engine.heapStart;
  const alloc = (bytes: number) => {
    const at = top;
    top = Math.ceil((top + bytes) / 64) * 64;
    return at;
  };
  const bufBytes = lineBufferBytes(passes, E);
  const bufA = alloc(bufBytes), bufB = alloc(bufBytes), job = alloc(JOB_BYTES);
  const inBytes = prod(inShape) * (inReal ? 1 : 2) * E;
  const inStride = cStrides(inShape, inReal ? 1 : 2);
  let ws: number[] | undefined;
  if (last > 0) {
    ws = inShape.map(() => 0);
    for (let i = 0; i < last; i++) {
      const p = passes[i]!;
      p.extents.forEach((e, d) => (ws![d] = Math.max(ws![d]!, d === p.axis ? p.outLen : e)));
    }
  }
  let inArea: Area | undefined;
  let work: Area;
  if (ws !== undefined && inReal) {
    // A real input sits at the tail of the complex work area when pass 0 never overwrites a
    // line it has yet to read (e.g. the r2c pass along the last axis, rows in order).
    const wBytes = prod(ws) * 2 * E;
    work = { at: alloc(wBytes), stride: cStrides(ws, 2), shape: ws };
    const tail: Area = { at: Math.floor((work.at + wBytes - inBytes) / 64) * 64, stride: inStride, shape: inShape };
    if (tail.at >= work.at && writesTrailReads(passes[0]!, tail, work, E, true, false)) inArea = tail;
  }
  inArea ??= { at: alloc(inBytes), stride: inStride, shape: inShape };
  work ??= inArea;
  if (ws !== undefined && !inReal && !fits(ws, inShape)) work = { at: alloc(prod(ws) * 2 * E), stride: cStrides(ws, 2), shape: ws };
  let out: Area | undefined;
  if (last > 0 && !outReal && fits(outShape, work.shape)) out = work;
  else if (last > 0 && outReal) {
    // A real output goes at the head of the complex work area under the same condition.
    const head: Area = { at: work.at, stride: cStrides(outShape, 1), shape: outShape };
    if (prod(outShape) <= 2 * prod(work.shape) && writesTrailReads(passes[last]!, work, head, E, false, true)) out = head;
  }
  out ??= { at: alloc(prod(outShape) * (outReal ? 1 : 2) * E), stride: cStrides(outShape, outReal ? 1 : 2), shape: outShape };
  if (!engine.reserve(top)) return false;

  const mem = f32 ? engine.f32 : engine.f64;
  copyStrided(input.data, input.offset, input.stride, mem, inArea.at / E, inArea.stride, inShape, !inReal);
  const k = engine.kernels(f32);
  for (let i = 0; i <= last; i++) {
    // Nothing reaches `output` before the last pass, so a pass that fits no job leaves it untouched.
    if (!writePassJob(engine, job, passes[i]!, i === 0 ? inArea : work, i === last ? out : work, [[bufA, bufB, 0]], f32)) return false;
    k.runPassJob(job, 0, 1);
  }
  copyStrided(mem, out.at / E, out.stride, output.data, output.offset, output.stride, outShape, !outReal);
  return true;
}

/**
 * Whether pass `p` from `src` to `dst` (which may overlap) never writes, in one batch, bytes
 * that a later batch still reads: the same batches as the kernels' `runPassJob`, with each batch's read and
 * write extents (C-order areas, positive strides) checked against the hull of the later
 * batches' reads.
 */
function writesTrailReads(p: AxisPass, src: Area, dst: Area, E: number, srcReal: boolean, dstReal: boolean): boolean {
  const iter = iterationAxes(p.extents, p.axis, src.stride, dst.stride);
  if (iter === null) return true;
  const inner = iter[iter.length - 1]!;
  const sAx = src.stride[p.axis]!, dAx = dst.stride[p.axis]!;
  const m = p.kind === "c2r" ? Math.min(p.inLen, (p.n >> 1) + 1) : Math.min(p.inLen, p.n);
  const sw = srcReal ? 1 : 2, dw = dstReal ? 1 : 2;
  const reads: number[] = [], writes: number[] = [];
  if (iter.some((a) => a.sStride < 0 || a.dStride < 0) || sAx < 0 || dAx < 0) return false;
  fullBatches(iter, lanesFor(rowsOf(p), E), (sOff, dOff, nb) => {
    const s = src.at + sOff * E, d = dst.at + dOff * E;
    reads.push(s, s + ((nb - 1) * inner.sStride + (m - 1) * sAx + sw) * E);
    writes.push(d, d + ((nb - 1) * inner.dStride + (p.outLen - 1) * dAx + dw) * E);
  });
  let lo = Infinity, hi = -Infinity;
  for (let b = reads.length / 2 - 1; b >= 0; b--) {
    const w0 = writes[2 * b]!, w1 = writes[2 * b + 1]! + 16;
    if (w0 < hi && w1 > lo) return false;
    lo = Math.min(lo, reads[2 * b]!);
    hi = Math.max(hi, reads[2 * b + 1]! + 16);
  }
  return true;
}

/**
 * Copies a strided N-D region (scalar strides; `complex` adds a last axis of two adjacent
 * scalars), merging axes contiguous in both and moving contiguous rows with `set`.
 */
function copyStrided(
  src: Float32Array | Float64Array, sOff: number, sStride: readonly number[],
  dst: Float32Array | Float64Array, dOff: number, dStride: readonly number[],
  shape: readonly number[], complex: boolean,
): void {
  const dims: { n: number; s: number; d: number }[] = [];
  shape.forEach((n, i) => { if (n !== 1) dims.push({ n, s: sStride[i]!, d: dStride[i]! }); });
  if (shape.some((n) => n === 0)) return;
  if (complex) dims.push({ n: 2, s: 1, d: 1 });
  const merged: { n: number; s: number; d: number }[] = [];
  for (const x of dims) {
    const prev = merged[merged.length - 1];
    if (prev !== undefined && prev.s === x.s * x.n && prev.d === x.d * x.n) merged[merged.length - 1] = { n: prev.n * x.n, s: x.s, d: x.d };
    else merged.push({ ...x });
  }
  if (merged.length === 0) merged.push({ n: 1, s: 1, d: 1 });
  const inner = merged[merged.length - 1]!;
  forEachOuter(merged.map((x) => ({ extent: x.n, sStride: x.s, dStride: x.d })), sOff, dOff, (s, d) => {
    if (inner.s === 1 && inner.d === 1) dst.set(src.subarray(s, s + inner.n), d);
    else for (let i = 0, a = s, b = d; i < inner.n; i++, a += inner.s, b += inner.d) dst[b] = src[a]!;
  });
}
