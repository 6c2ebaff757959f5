/**
 * N-D transforms as sequences of axis passes, in scipy.fft's order: `fftn` transforms the
 * axes last to first; `rfftn` does the real transform over the last listed axis first, then
 * the complex ones; `irfftn` does the complex inverses first and the real one last. Cropping
 * (`s` smaller than the input) is applied when the input is first read, so no pass transforms
 * a line that is cropped away; zero padding is applied by each axis's own pass, so no pass
 * transforms a line that is all padding.
 * @module
 */
import { runAxisPass, type AxisPass, type ScalarView } from "./axis-pass.js";
import type { FftWorkspace } from "./fft-workspace.js";
import { runChainWasm } from "./wasm-chain.js";
import { wasmLengthsOk } from "./wasm-engine.js";

/**
 * A built sequence of passes: pass 0 reads the input, the rest work in place on the output.
 * @example
 * ```ts
 * const { passes, outShape } = r2cChain([4, 6], [0, 1], [4, 6], 1);
 * ```
 */
export interface PassChain {
  readonly passes: AxisPass[];
  /** The shape of the array the passes leave behind. */
  readonly outShape: number[];
}

/**
 * Complex-to-complex passes over `axes` with lengths `sizes` (forward or backward).
 * @param inShape - input shape
 * @param realSource - the input is real (imaginary parts zero)
 * @param scale - factor applied by the last pass
 * @example
 * ```ts
 * const chain = c2cChain([4, 6], [0, 1], [4, 6], true, false, 1);
 * ```
 */
export function c2cChain(
  inShape: readonly number[], axes: readonly number[], sizes: readonly number[],
  forward: boolean, realSource: boolean, scale: number,
): PassChain {
  const cur = [...inShape];
  axes.forEach((a, i) => (cur[a] = Math.min(cur[a]!, sizes[i]!)));
  const passes: AxisPass[] = [];
  for (let i = axes.length - 1; i >= 0; i--) {
    const a = axes[i]!, n = sizes[i]!;
    passes.push({
      kind: "c2c", axis: a, n, forward, realSource: realSource && passes.length === 0,
      inLen: cur[a]!, outStart: 0, outLen: n, extents: [...cur], scale: 1,
    });
    cur[a] = n;
  }
  return withScale({ passes, outShape: cur }, scale);
}

/**
 * Real-to-complex passes: r2c over the last of `axes`, then forward c2c over the others.
 * @example
 * ```ts
 * r2cChain([4, 6], [0, 1], [4, 6], 1).outShape; // [4, 4]
 * ```
 */
export function r2cChain(
  inShape: readonly number[], axes: readonly number[], sizes: readonly number[], scale: number,
): PassChain {
  const cur = [...inShape];
  axes.forEach((a, i) => (cur[a] = Math.min(cur[a]!, sizes[i]!)));
  const k = axes.length - 1;
  const la = axes[k]!, n = sizes[k]!;
  const passes: AxisPass[] = [{
    kind: "r2c", axis: la, n, forward: true, realSource: true,
    inLen: cur[la]!, outStart: 0, outLen: (n >> 1) + 1, extents: [...cur], scale: 1,
  }];
  cur[la] = (n >> 1) + 1;
  for (let i = k - 1; i >= 0; i--) {
    const a = axes[i]!, m = sizes[i]!;
    passes.push({
      kind: "c2c", axis: a, n: m, forward: true, realSource: false,
      inLen: cur[a]!, outStart: 0, outLen: m, extents: [...cur], scale: 1,
    });
    cur[a] = m;
  }
  return withScale({ passes, outShape: cur }, scale);
}

/**
 * Complex-to-real passes: backward c2c over all but the last of `axes`, then c2r over it.
 * `region` optionally keeps only `[start, start + len)` of each transformed output axis (by
 * axis index); lines outside it are not computed.
 * @example
 * ```ts
 * c2rChain([4, 4], [0, 1], [4, 6], 1 / 24).outShape; // [4, 6]
 * ```
 */
export function c2rChain(
  inShape: readonly number[], axes: readonly number[], sizes: readonly number[], scale: number,
  region?: { start: readonly number[]; len: readonly number[] },
): PassChain {
  const k = axes.length - 1;
  const la = axes[k]!, n = sizes[k]!;
  const cur = [...inShape];
  axes.forEach((a, i) => (cur[a] = Math.min(cur[a]!, i === k ? (n >> 1) + 1 : sizes[i]!)));
  const passes: AxisPass[] = [];
  const cut = (a: number, full: number): [number, number] =>
    region === undefined ? [0, full] : [region.start[a]!, region.len[a]!];
  for (let i = 0; i < k; i++) {
    const a = axes[i]!, m = sizes[i]!;
    const [start, len] = cut(a, m);
    passes.push({
      kind: "c2c", axis: a, n: m, forward: false, realSource: false,
      inLen: cur[a]!, outStart: start, outLen: len, extents: [...cur], scale: 1,
    });
    cur[a] = len;
  }
  const [start, len] = cut(la, n);
  passes.push({
    kind: "c2r", axis: la, n, forward: false, realSource: false,
    inLen: cur[la]!, outStart: start, outLen: len, extents: [...cur], scale: 1,
  });
  cur[la] = len;
  return withScale({ passes, outShape: cur }, scale);
}

/**
 * The smallest shape that holds every intermediate state of `chain` before its last pass.
 * @example
 * ```ts
 * workShapeOf(c2rChain([4, 4], [0, 1], [8, 6], 1)); // [8, 4]
 * ```
 */
export function workShapeOf(chain: PassChain): number[] {
  const ps = chain.passes;
  const ws = [...ps[0]!.extents];
  for (let i = 0; i < ps.length - 1; i++) {
    const p = ps[i]!;
    ws[p.axis] = Math.max(ws[p.axis]!, p.outLen);
  }
  return ws;
}

function withScale(chain: PassChain, scale: number): PassChain {
  const last = chain.passes.length - 1;
  if (last >= 0) chain.passes[last] = { ...chain.passes[last]!, scale };
  return chain;
}

/**
 * Runs a chain: pass 0 reads `input` and writes `work` (or `output` if it is the only pass),
 * middle passes work in place on `work`, the last pass writes `output`. `work` may be
 * `output` itself when both are complex with the same layout, and may be given as a function
 * so it is only allocated when needed: the WebAssembly backend (used when the workspace
 * allows it, input and output share a precision and every length is 5-smooth) keeps its own.
 * `input` and `output` may share memory (the wasm backend copies the input in first; the
 * TypeScript path then reads a copy of the input).
 * @example
 * ```ts
 * runChain(chain, inputView, outputView, outputView, new FftWorkspace());
 * ```
 */
export function runChain(
  chain: PassChain, input: ScalarView, work: ScalarView | (() => ScalarView), output: ScalarView,
  scratch: FftWorkspace,
): void {
  const { passes } = chain;
  if (passes.length === 0) return;
  const sameType = (input.data instanceof Float32Array) === (output.data instanceof Float32Array);
  if (sameType && wasmLengthsOk(passes.map((p) => p.n))) {
    const engine = scratch.wasm;
    if (engine !== undefined && runChainWasm(engine, chain, input, output)) return;
  }
  let w = typeof work === "function" ? (passes.length > 1 ? work() : output) : work;
  let src0 = input;
  if (input.data.buffer === output.data.buffer) {
    // The input and output share memory (e.g. a real array inside a spectrum's buffer): the
    // wasm path copies the input in before writing anything, this one reads a copy.
    const copy = input.data.slice();
    if (w.data === input.data) w = { ...w, data: copy };
    src0 = { ...input, data: copy };
  }
  const last = passes.length - 1;
  passes.forEach((p, i) => {
    const src = i === 0 ? src0 : w;
    const dst = i === last ? output : w;
    runAxisPass(p, src, dst, scratch);
  });
}
