/**
 * gufuncs on lazy arrays, as `dask.array.apply_gufunc` but with NumPy's binding rules: loop
 * dims map to blocks (chunkings that differ between operands are unified), core dims must each
 * sit in one chunk. A core dim split over several chunks is an error naming the operand, the
 * axis and the two fixes, unless `allowRechunk` merges it, in which case the merged block
 * size is stated and checked against `memoryBudget`.
 * @module
 */
import { itemSize } from "../core/dtype.js";
import { ValueError } from "../core/errors.js";
import { fromTypedArray } from "../core/ndarray.js";
import { formatBytes } from "../core/format-bytes.js";
import { bindShapes } from "../gufunc/bind.js";
import { resolveOutputDtypes, type Kernel } from "../gufunc/eager.js";
import type { GufuncOperand, GufuncOptions } from "../gufunc/gufunc.js";
import type { Signature } from "../gufunc/signature.js";
import { blockwise, rechunkMeta } from "../graph/blockwise.js";
import { ChunkedArray, isChunkedArray } from "./chunked-array.js";
import { toLazy } from "./elementwise.js";
import { fromArray } from "./creation.js";
import { gufuncBlock } from "./gufunc-kernels.js";

/** Default largest block (bytes) a merged core dim may produce: 2 GiB. */
export const DEFAULT_MEMORY_BUDGET = 2 * 1024 ** 3;

/** Options that only lazy calls use. */
export interface LazyGufuncOptions {
  /** Largest block, in bytes, that merging a chunked core dim may create (default 2 GiB). */
  memoryBudget?: number;
}

/** Applies a gufunc to operands of which at least one is a ChunkedArray. */
export function lazyGufunc(
  name: string,
  sig: Signature,
  kernel: Kernel,
  inputs: readonly (GufuncOperand | ChunkedArray)[],
  options: GufuncOptions & LazyGufuncOptions,
): ChunkedArray | ChunkedArray[] {
  let arrays = inputs.map((x) => {
    const l = toLazy(x as ChunkedArray);
    return isChunkedArray(l) ? l : fromArray(typeof l === "boolean" ? fromTypedArray("bool", Uint8Array.of(l ? 1 : 0), []) : fromTypedArray("float64", Float64Array.of(l), []), { chunks: -1 });
  });
  const binding = bindShapes(name, sig, arrays.map((a) => a.shape), options, true);
  const nLoop = binding.loopShape.length;
  // A dim repeated in one output ("(m)->(m,m)") gets a distinct label per occurrence
  // (`core:m`, `core:m#1`): with one shared label blockwise would collapse the two axes into one
  // grid axis and the block keys would lose an index. Inputs keep shared labels (their core axes are one chunk).
  const labelsOf = (dims: Signature["inputs"][number], layout: { remap: readonly number[]; loopNdim: number }, unique = false): string[] => {
    const seen = new Map<string, number>();
    const core = dims.filter((d) => !binding.missing.has(d.name)).map((d) => {
      const n = seen.get(d.name) ?? 0;
      seen.set(d.name, n + 1);
      return unique && n > 0 ? `core:${d.name}#${n}` : `core:${d.name}`;
    });
    const canonical = [...Array.from({ length: layout.loopNdim }, (_, k) => `loop${nLoop - layout.loopNdim + k}`), ...core];
    const labels = new Array<string>(canonical.length);
    layout.remap.forEach((axis, k) => (labels[axis] = canonical[k]!));
    return labels;
  };
  const inLabels = arrays.map((_, i) => labelsOf(sig.inputs[i]!, binding.inputs[i]!));
  arrays = arrays.map((a, i) => mergeCoreChunks(name, a, i, inLabels[i]!, options));
  const typed = inputs.map((x, i) => (typeof x === "number" || typeof x === "boolean" ? undefined : arrays[i]!)).filter((a) => a !== undefined);
  const dtypes = resolveOutputDtypes(name, sig.outputs.length, typed.map((a) => ({ dtype: a.dtype }) as never), options.outputDtypes);
  const chunks: Record<string, number[]> = {};
  const outputs = sig.outputs.map((dims, k) => {
    const layout = binding.outputs[k]!;
    let labels: string[];
    if (binding.keepdims) {
      const canonical = [...Array.from({ length: nLoop }, (_, j) => `loop${j}`), ...layout.coreShape.map((_, j) => `keep${k}:${j}`)];
      labels = new Array<string>(canonical.length);
      layout.remap.forEach((axis, c) => (labels[axis] = canonical[c]!));
      layout.coreShape.forEach((_, j) => (chunks[`keep${k}:${j}`] = [1]));
    } else labels = labelsOf(dims, layout, true);
    for (const l of labels) if (l.startsWith("core:")) chunks[l] ??= [binding.sizes[l.slice(5).split("#")[0]!]!];
    return { labels, dtype: dtypes[k]! };
  });
  const sizes: Record<string, number> = {};
  for (const d of sig.outputs.flat()) if (binding.sizes[d.name] !== undefined) sizes[d.name] = binding.sizes[d.name]!;
  const { memoryBudget: _m, allowRechunk: _a, name: _n, outputSizes: _o, ...rest } = options;
  const metas = blockwise({
    op: name,
    kernel: gufuncBlock,
    inputs: [{ fn: kernel }, ...arrays.map((a, i) => ({ array: a, labels: inLabels[i]! }))],
    outputs,
    params: { signature: sig.text, options: { ...rest, outputDtypes: dtypes, outputSizes: sizes, name }, loopAxes: loopAxesOf(outputs, nLoop) },
    chunks,
  });
  const out = metas.map((m) => new ChunkedArray(m));
  return sig.outputs.length === 1 ? out[0]! : out;
}

/** The grid axis of each loop dim: blockwise's grid is the outputs' labels in first-seen order. */
function loopAxesOf(outputs: readonly { labels: readonly string[] }[], nLoop: number): number[] {
  const grid = [...new Set(outputs.flatMap((o) => o.labels))];
  return Array.from({ length: nLoop }, (_, j) => grid.indexOf(`loop${j}`));
}

/** Checks that each core axis is one chunk, or merges it when allowed and within budget. */
function mergeCoreChunks(name: string, a: ChunkedArray, i: number, labels: readonly string[], options: GufuncOptions & LazyGufuncOptions): ChunkedArray {
  const split = labels.map((l, ax) => (l.startsWith("core:") && a.chunks[ax]!.length > 1 ? ax : -1)).filter((ax) => ax >= 0);
  if (split.length === 0) return a;
  const ax = split[0]!;
  const dim = labels[ax]!.slice(5);
  if (!options.allowRechunk) {
    throw new ValueError(
      name,
      `core dim '${dim}' of input ${i} (axis ${ax}, length ${a.shape[ax]}) must be in one chunk; got ${a.chunks[ax]!.length} chunks ${JSON.stringify(a.chunks[ax])}. Rechunk it first (x.rechunk({ ${ax}: -1 })), or pass allowRechunk: true to merge it`,
    );
  }
  const merged = a.chunks.map((c, k) => (split.includes(k) ? [a.shape[k]!] : [...c]));
  const bytes = merged.reduce((p, c) => p * Math.max(0, ...c), 1) * itemSize(a.dtype);
  const budget = options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  if (bytes > budget) {
    throw new ValueError(
      name,
      `merging core dim '${dim}' of input ${i} into one chunk must keep blocks within the memory budget ${formatBytes(budget)}; got blocks of ${formatBytes(bytes)}. Make the loop-dim chunks smaller (rechunk) or raise memoryBudget`,
    );
  }
  console.warn(`${name}: merging core dim '${dim}' of input ${i} into one chunk; blocks of up to ${formatBytes(bytes)} (budget ${formatBytes(budget)})`);
  return new ChunkedArray(rechunkMeta(a, merged, `${name}-merge-core`));
}
