// Whole passes driven by a job descriptor (src/fft/pass-jobs.ts writes them; AssemblyScript,
// see kernels.ts).
//
// A job describes one axis pass over arrays in this module's memory; runPassJob runs its
// batches in order when `parts` is 1, and otherwise takes batches from the job's shared counter
// until none are left, so several instances sharing one memory split a pass between threads
// (`part` selects the thread's line buffers). The descriptor's fields and codes are those of
// src/fft/pass-job-layout.ts, which pass-jobs.ts imports too. This is the wasm side's one
// batch loop (the one-shot chains of wasm-chain.ts and the resident engine both run through
// it); the TypeScript loop of axis-pass.ts stays for the lengths and runtimes it alone serves.

import { AxisRecord, BufferRecord, Epilogue, Job, PassKind, Prologue } from "../pass-job-layout";
import { mappedDivide, realEpilogue, timesLines, timesOther } from "./epilogues";
import { gatherComplex, gatherReal, scatterComplex, scatterReal } from "./lines";
import { execPlan } from "./radix-passes";
import { hermitian, realForward, realInverse } from "./real-fft";
import { rlExtrapolateLines, rlStepLines } from "./rl-steps";

export function runPassJob<T>(job: usize, part: i32, parts: i32): void {
  const E = sizeof<T>();
  const V = <i32>(16 / <i32>E);
  const kind = load<i32>(job, Job.Kind), n = load<i32>(job, Job.N);
  const forward = load<i32>(job, Job.Forward) != 0, realSource = load<i32>(job, Job.RealSource) != 0;
  const m = load<i32>(job, Job.M), outStart = load<i32>(job, Job.OutStart), outLen = load<i32>(job, Job.OutLen);
  const src = <usize>load<u32>(job, Job.Src), dst = <usize>load<u32>(job, Job.Dst);
  const sAx = load<i32>(job, Job.SrcAxisStride), dAx = load<i32>(job, Job.DstAxisStride);
  const Bmax = load<i32>(job, Job.Lanes), nIter = load<i32>(job, Job.IterCount), ns = load<i32>(job, Job.StageCount);
  const rtw = <usize>load<u32>(job, Job.RealTwiddles), epi = load<i32>(job, Job.Epilogue), conj = load<i32>(job, Job.Conj) != 0;
  const delta = <isize>load<i32>(job, Job.Delta);
  const A = <usize>load<u32>(job + Job.Buffers + <usize>part * BufferRecord.Bytes, BufferRecord.A);
  const B = <usize>load<u32>(job + Job.Buffers + <usize>part * BufferRecord.Bytes, BufferRecord.B);
  const C = <usize>load<u32>(job + Job.Buffers + <usize>part * BufferRecord.Bytes, BufferRecord.C);
  const stages = job + Job.Stages;
  const scale = <T>load<f64>(job, Job.Scale);
  const inner = job + Job.Iter + <usize>(nIter - 1) * AxisRecord.Bytes;
  const innerExt = load<i32>(inner, AxisRecord.Extent), sLane = load<i32>(inner, AxisRecord.SrcStride), dLane = load<i32>(inner, AxisRecord.DstStride);
  const per = (innerExt + Bmax - 1) / Bmax;
  let outer = 1;
  for (let a = 0; a < nIter - 1; a++) outer *= load<i32>(job + Job.Iter + <usize>a * AxisRecord.Bytes, AxisRecord.Extent);
  const total = outer * per;
  // One thread walks every batch in order; several take the next free batch from a shared
  // counter, so a thread slowed by the rest of the machine does less (each batch is computed
  // the same way whoever takes it, so the result does not depend on the split).
  const next = job + Job.NextBatch;
  const h = n >> 1, even = (n & 1) == 0;
  for (let t = parts == 1 ? 0 : atomic.add<i32>(next, 1); t < total; t = parts == 1 ? t + 1 : atomic.add<i32>(next, 1)) {
    let o = t / per;
    const start = (t - o * per) * Bmax;
    const nb = min(Bmax, innerExt - start);
    let sOff = start * sLane, dOff = start * dLane;
    for (let a = nIter - 2; a >= 0; a--) {
      const ax = job + Job.Iter + <usize>a * AxisRecord.Bytes;
      const ext = load<i32>(ax, AxisRecord.Extent);
      const c = o % ext;
      o /= ext;
      sOff += c * load<i32>(ax, AxisRecord.SrcStride);
      dOff += c * load<i32>(ax, AxisRecord.DstStride);
    }
    const bv = (nb + V - 1) / V * V;
    const s = src + <usize>sOff * E, d = dst + <usize>dOff * E;
    if (kind == PassKind.C2C) {
      if (realSource) gatherReal<T>(s, sLane, sAx, m, n, nb, bv, A, false);
      else gatherComplex<T>(s, sLane, sAx, m, n, nb, bv, A);
      const r = execPlan<T>(stages, ns, bv, A, B, forward);
      if (epi == Epilogue.Times) timesOther<T>(r, C, d, delta, dLane, dAx, outStart, outLen, n, nb, bv, conj);
      else if (epi == Epilogue.TimesLines) {
        timesLines<T>(r, r == A ? B : A, C, d, delta, dLane, dAx, load<i32>(job, Job.LineRows), n, nb, bv, conj, stages, ns, <usize>load<u32>(job, Job.LineRamp));
      }
      scatterComplex<T>(r, outStart, outLen, nb, bv, scale, d, dLane, dAx);
    } else if (kind == PassKind.R2C) {
      if (load<i32>(job, Job.Prologue) == Prologue.RlExtrapolate) {
        rlExtrapolateLines<T>(s, sLane, m, nb, <usize>load<u32>(job, Job.RowTable), <usize>load<u32>(job, Job.RowArray), <usize>load<u32>(job, Job.RowBase),
          load<u32>(job, Job.RowBytes), load<f64>(job, Job.Alpha));
      }
      gatherReal<T>(s, sLane, sAx, m, n, nb, bv, A, even);
      let r = execPlan<T>(stages, ns, bv, A, B, true);
      if (even) {
        const q = r == A ? B : A;
        realForward<T>(h, bv, r, q, rtw);
        r = q;
      }
      if (epi == Epilogue.Times) timesOther<T>(r, C, d, delta, dLane, dAx, outStart, outLen, even ? h + 1 : n, nb, bv, conj);
      scatterComplex<T>(r, outStart, outLen, nb, bv, scale, d, dLane, dAx);
    } else { // PassKind.C2R
      gatherComplex<T>(s, sLane, sAx, m, h + 1, nb, bv, A);
      let r: usize;
      if (even) {
        realInverse<T>(h, bv, A, B, rtw);
        r = execPlan<T>(stages, ns, bv, B, A, false);
      } else {
        hermitian<T>(n, bv, A);
        r = execPlan<T>(stages, ns, bv, A, B, false);
      }
      scatterReal<T>(r, even, outStart, outLen, nb, bv, scale, d, dLane, dAx);
      realLinesEpilogue<T>(job, d, dLane, dAx, outStart, outLen, nb);
    }
  }
}

/**
 * The job's epilogue on the nb real lines a c2r batch just wrote at d (lane and axis strides
 * dLane, dAx; samples [outStart, outStart + outLen) of each line): Richardson-Lucy's fused
 * step, the mapped division, or the plain division or product (nothing for other epilogues).
 */
function realLinesEpilogue<T>(job: usize, d: usize, dLane: i32, dAx: i32, outStart: i32, outLen: i32, nb: i32): void {
  const epi = load<i32>(job, Job.Epilogue), delta = <isize>load<i32>(job, Job.Delta), useFe = load<i32>(job, Job.UseFe) != 0;
  const fe = <T>load<f64>(job, Job.Fe), eps = <T>load<f64>(job, Job.Eps);
  if (epi == Epilogue.RlStep) {
    rlStepLines<T>(d, dLane, outLen, nb, delta, <usize>load<u32>(job, Job.RowTable), <usize>load<u32>(job, Job.RowArray), <usize>load<u32>(job, Job.Grad),
      <usize>load<u32>(job, Job.RowBase), load<u32>(job, Job.RowBytes), <usize>load<u32>(job, Job.Sums), load<i32>(job, Job.Acc) != 0);
  } else if (epi == Epilogue.DivideMapped) {
    mappedDivide<T>(d, dLane, outStart, outLen, nb, <usize>load<u32>(job, Job.RowTable), <usize>load<u32>(job, Job.RowArray), <usize>load<u32>(job, Job.RowBase),
      load<u32>(job, Job.RowBytes), eps, fe, useFe);
  } else if (epi >= Epilogue.Divide) realEpilogue<T>(epi, d, dLane, dAx, outLen, nb, delta, eps, fe, useFe); // Epilogue.Divide or Epilogue.MultiplyInto
}
