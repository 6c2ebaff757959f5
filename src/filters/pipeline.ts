/**
 * Filter pipelines: `pipeline([gaussianFilter, { sigma: 1 }], [richardsonLucy, { iterations: 10 }])`
 * composes filters into one kernel. The result is callable eagerly on blocks and as a gufunc
 * kernel (`(image, psf?, params, ctx)`), and carries a worker-safe form (`kernel`, the named
 * kernel `runPipeline`, plus JSON `params` naming each stage by module and export) and the
 * halo it needs on chunked arrays (`depth`).
 *
 * Invariants: stages run in order on the previous stage's output; every two-input stage
 * (deconvolution, convolution) receives the same second input, the PSF; the pipeline's depth
 * is the sum of its stages' depths per axis, since halos compound. Only shape-preserving
 * stages are allowed (`fftConvolve` with mode "same").
 * @module
 */
import type { DataType } from "../core/dtype.js";
import { ValueError, show } from "../core/errors.js";
import { isBlockLike, type Block, type BlockLike } from "../core/ndarray.js";
import { defineKernel, kernelRefOf, registeredKernel, type KernelRef } from "../graph/kernel.js";
import { computeDtype } from "./common.js";
import { convolve, correlate } from "./convolve.js";
import { fftConvolve } from "./fft-convolve.js";
import { gaussianDepth, gaussianFilter } from "./gaussian.js";
import { richardsonLucy, richardsonLucyDepth } from "./richardson-lucy.js";
import { unsharpMask, unsharpMaskDepth } from "./unsharp-mask.js";
import { wiener } from "./wiener.js";

/** Any filter function: `(image, [psf,] options, ctx) => block`. */
export type AnyFilter = (...args: any[]) => unknown;

/**
 * Extra facts about a stage whose filter is not one of chunkwise's (user kernels).
 * @example
 * ```ts
 * const info: StageInfo = { depth: 2, psf: false };
 * ```
 */
export interface StageInfo {
  /** Halo per axis (a number for every axis); default 0. */
  readonly depth?: number | readonly number[];
  /** Whether the filter takes the PSF as its second input (default false). */
  readonly psf?: boolean;
}

/**
 * One stage: a filter and its options (and, for user kernels, {@link StageInfo}).
 * @example
 * ```ts
 * const stage: Stage = [gaussianFilter, { sigma: 1 }];
 * ```
 */
export type Stage = readonly [filter: AnyFilter, options?: unknown, info?: StageInfo];

/**
 * The JSON form of a pipeline, the `params` of {@link runPipeline}.
 * @example
 * ```ts
 * const params: PipelineParams = { stages: [{ module: "file:///.../gaussian.js", name: "gaussianFilter", options: { sigma: 1 }, psf: false }] };
 * ```
 */
export interface PipelineParams {
  readonly stages: readonly { readonly module: string; readonly name: string; readonly options: unknown; readonly psf: boolean }[];
}

/**
 * A composed filter; call it as `p(image)` or `p(image, psf)`.
 * @example
 * ```ts
 * const p: Pipeline = pipeline([gaussianFilter, { sigma: 1 }]);
 * ```
 */
export interface Pipeline {
  (image: Block | BlockLike, ...rest: unknown[]): Block;
  /** The stages as given. */
  readonly stages: readonly Stage[];
  /** Whether some stage takes the PSF (then the pipeline has two inputs). */
  readonly needsPsf: boolean;
  /** The named kernel to send to workers with {@link Pipeline.params}. */
  readonly kernel: typeof runPipeline;
  /** The stages as JSON (undefined when a stage is an untagged closure, which runs inline only). */
  readonly params: PipelineParams | undefined;
  /** Halo per axis for chunked arrays: the sum of the stages' halos. */
  depth(ndim: number, psfShape?: readonly number[]): number[];
  /** The result's dtype for an input (and PSF) dtype; user stages are assumed to keep the dtype. */
  outputDtype(dtype: DataType, psfDtype?: DataType): DataType;
}

interface Known {
  psf: boolean;
  depth: (options: any, ndim: number, psf: readonly number[] | undefined) => number[];
  /** The output dtype for an input dtype and the PSF's (absent: the input's, as ndimage filters keep it). */
  dtype?: (x: DataType, psf: DataType) => DataType;
}

const half = (psf: readonly number[] | undefined, name: string): number[] => {
  if (psf === undefined) throw new ValueError("pipeline.depth", `psfShape must be given for a pipeline with ${name}; got undefined. Pass depth(ndim, psf.shape)`);
  return richardsonLucyDepth(psf);
};
const convDepth = (o: { origin?: number | readonly number[] } | undefined, nd: number, psf: readonly number[] | undefined): number[] => {
  const h = half(psf, "convolve");
  const org = o?.origin ?? 0;
  return h.map((v, d) => v + Math.abs(typeof org === "number" ? org : (org[d] ?? 0)));
};

const KNOWN = new Map<AnyFilter, Known>([
  [gaussianFilter, { psf: false, depth: (o, nd) => gaussianDepth(o, nd) }],
  [unsharpMask, { psf: false, depth: (o, nd) => unsharpMaskDepth(o ?? {}, nd), dtype: (x) => computeDtype(x) }],
  [richardsonLucy, { psf: true, depth: (_o, _nd, p) => half(p, "richardsonLucy"), dtype: computeDtype }],
  [wiener, { psf: true, depth: (_o, _nd, p) => half(p, "wiener"), dtype: computeDtype }],
  [fftConvolve, { psf: true, depth: (_o, _nd, p) => half(p, "fftConvolve"), dtype: (x, p) => (x === "float32" && p === "float32" ? "float32" : "float64") }],
  [convolve, { psf: true, depth: convDepth }],
  [correlate, { psf: true, depth: convDepth }],
]);

function stagePsf(stage: Stage): boolean {
  return KNOWN.get(stage[0])?.psf ?? stage[2]?.psf ?? false;
}

/**
 * Runs a pipeline from its JSON form: `runPipeline(image, psf?, params, ctx)`. Stage kernels
 * are looked up by module and name among the kernels loaded in this thread (all of
 * chunkwise's filters are).
 * @throws {ValueError} if a stage's kernel is not loaded here
 * @example
 * ```ts
 * const p = pipeline([gaussianFilter, { sigma: 1 }]);
 * runPipeline(image, p.params, {});
 * ```
 */
export const runPipeline = defineKernel(import.meta.url, "runPipeline", function runPipeline(image: Block | BlockLike, ...rest: unknown[]): Block {
  const psf = isBlockLike(rest[0]) ? (rest.shift() as Block) : undefined;
  const params = rest[0] as PipelineParams | undefined;
  const ctx = rest[1];
  if (params === undefined || !Array.isArray(params.stages)) {
    throw new ValueError("runPipeline", `params must be a pipeline's params ({ stages: [...] }); got ${show(params)}. Pass pipeline(...).params`);
  }
  let x = image as Block;
  for (const s of params.stages) {
    const ref: KernelRef = { module: s.module, name: s.name };
    const fn = registeredKernel(ref);
    if (fn === undefined) {
      throw new ValueError("runPipeline", `stage kernel ${s.name} must be loaded in this thread; got ${show(s.module)}. Import its module in the worker, or use chunkwise's own filters`);
    }
    x = (s.psf ? fn(x, psf, s.options, ctx) : fn(x, s.options, ctx)) as Block;
  }
  return x;
});

/**
 * Composes filters into one kernel (see the module notes).
 * @param stages - `[filter, options]` pairs (a third element gives `depth`/`psf` for your own kernels)
 * @returns a {@link Pipeline}: callable, with `kernel`, `params`, `needsPsf` and `depth`
 * @throws {ValueError} for an empty list, a stage that is not `[function, options]`, or a shape-changing stage
 * @example
 * ```ts
 * const p = pipeline([gaussianFilter, { sigma: 1 }], [richardsonLucy, { iterations: 10 }]);
 * const restored = p(image, psf);
 * const deconvolve = gufunc("(i,j,k),(a,b,c)->(i,j,k)", p);
 * p.depth(3, psf.shape); // halo per axis for mapOverlap
 * ```
 */
export function pipeline(...stages: Stage[]): Pipeline {
  if (stages.length === 0) throw new ValueError("pipeline", "stages must include at least one [filter, options] pair; got none. Pass e.g. [gaussianFilter, { sigma: 1 }]");
  stages.forEach((s, i) => {
    if (!Array.isArray(s) || typeof s[0] !== "function") {
      throw new ValueError("pipeline", `stage ${i} must be [filter, options]; got ${show(s)}. Pass e.g. [gaussianFilter, { sigma: 1 }]`);
    }
    const opts = s[1];
    if (typeof opts === "object" && opts !== null && "out" in opts && (opts as { out?: unknown }).out !== undefined) {
      throw new ValueError("pipeline", `stage ${i}'s options must not include out (a pipeline runs on many blocks, each stage on the previous one's output); got out. Call the filter directly with { out } instead`);
    }
    if (s[0] === fftConvolve && (s[1] as { mode?: string } | undefined)?.mode !== "same") {
      throw new ValueError("pipeline", `stage ${i} (fftConvolve) must use mode "same" so the shape is kept; got ${show((s[1] as { mode?: string } | undefined)?.mode ?? "full")}. Pass { mode: "same" }`);
    }
  });
  const list = stages.map((s) => [...s] as unknown as Stage);
  const needsPsf = list.some(stagePsf);
  const refs = list.map((s) => kernelRefOf(s[0]));
  const params: PipelineParams | undefined = refs.every((r) => r !== undefined)
    ? { stages: list.map((s, i) => ({ module: refs[i]!.module, name: refs[i]!.name, options: s[1] ?? {}, psf: stagePsf(s) })) }
    : undefined;
  const run = (image: Block | BlockLike, ...rest: unknown[]): Block => {
    const psf = isBlockLike(rest[0]) ? (rest.shift() as Block) : undefined;
    if (needsPsf && psf === undefined) {
      throw new ValueError("pipeline", "psf must be given as the second argument, since a stage deconvolves or convolves; got none. Call p(image, psf)");
    }
    const ctx = rest[1];
    let x = image as Block;
    for (const s of list) x = (stagePsf(s) ? s[0](x, psf, s[1] ?? {}, ctx) : s[0](x, s[1] ?? {}, ctx)) as Block;
    return x;
  };
  const depth = (ndim: number, psfShape?: readonly number[]): number[] => {
    const total = new Array<number>(ndim).fill(0);
    for (const s of list) {
      const known = KNOWN.get(s[0]);
      const d = known !== undefined ? known.depth(s[1] ?? {}, ndim, psfShape) : userDepth(s[2]?.depth, ndim);
      d.forEach((v, i) => (total[i]! += v));
    }
    return total;
  };
  const outputDtype = (dtype: DataType, psfDtype: DataType = "float32"): DataType =>
    list.reduce((d, s) => KNOWN.get(s[0])?.dtype?.(d, psfDtype) ?? d, dtype);
  return Object.assign(run, { stages: list, needsPsf, kernel: runPipeline, params, depth, outputDtype }) as Pipeline;
}

function userDepth(depth: number | readonly number[] | undefined, ndim: number): number[] {
  if (depth === undefined) return new Array<number>(ndim).fill(0);
  if (typeof depth === "number") return new Array<number>(ndim).fill(depth);
  if (depth.length !== ndim) {
    throw new ValueError("pipeline.depth", `a stage's depth must have ${ndim} entries; got ${show(depth)}. Pass one halo per axis`);
  }
  return [...depth];
}
