/**
 * The block kernel behind lazy gufuncs: runs the eager gufunc loop (NumPy's rules) over the
 * loop dims of one block. Named, so any worker can import it; the user kernel arrives as a
 * function argument that the worker resolves by its own module URL and export name. Its
 * workspace is the user kernel's, with the params the loop passes it (`options.params`).
 * @module
 */
import type { Block } from "../core/ndarray.js";
import { gufunc, type GufuncOptions } from "../gufunc/gufunc.js";
import { bindShapes } from "../gufunc/bind.js";
import { parseSignature } from "../gufunc/signature.js";
import { defineKernel, type KernelMeta } from "../graph/kernel.js";

/** Parameters of {@link gufuncBlock}: the signature and the JSON-able gufunc options. */
interface GufuncBlockParams {
  readonly signature: string;
  readonly options: GufuncOptions;
  /** For each loop dim, its axis in the block grid (so `ctx.index` is global, as eagerly). */
  readonly loopAxes: readonly number[];
}

/** `gufuncBlock(kernel, ...blocks, params, ctx)`: the eager gufunc over one set of aligned blocks. */
export const gufuncBlock = defineKernel(import.meta.url, "gufuncBlock", (kernel: (...a: any[]) => unknown, ...rest: unknown[]) => {
  const params = rest[rest.length - 2] as GufuncBlockParams;
  const ctx = rest[rest.length - 1] as { signal?: AbortSignal; location?: readonly (readonly [number, number])[]; note?: (value: unknown) => void };
  const blocks = rest.slice(0, rest.length - 2) as Block[];
  const indexOffset = params.loopAxes.map((ax) => ctx.location?.[ax]?.[0] ?? 0);
  // Each call's note reaches the caller as { index, note }: one task runs many loop indices.
  return gufunc(params.signature, kernel, params.options).apply(blocks, { indexOffset, ...(ctx.signal ? { signal: ctx.signal } : {}), ...(ctx.note ? { note: ctx.note } : {}) });
}, {
  // The user kernel runs inside this task, one call at a time, with `options.params`.
  workspaceBytes: (params: GufuncBlockParams, shapes, items, [inner]: readonly (KernelMeta | undefined)[]) =>
    inner?.workspaceBytes?.(params.options.params ?? {}, kernelShapes(params, shapes), items, []) ?? 0,
});

/**
 * The shapes the user kernel is called with: each input's core dims when the loop is
 * vectorized (one call per loop index), the blocks' own shapes otherwise. An operand's loop
 * dims are not the kernel's: a `(1, 1, z, y, x)` PSF reaches it as `(z, y, x)`. Shapes that do
 * not bind (unknown to the plan) are passed as they are.
 */
function kernelShapes(params: GufuncBlockParams, shapes: readonly (readonly number[])[]): readonly (readonly number[])[] {
  if (params.options.vectorize === false) return shapes;
  try {
    const binding = bindShapes("gufunc", parseSignature(params.signature), shapes, params.options);
    return binding.inputs.map((l, i) => (l.coreShape.every((d) => d !== undefined) ? (l.coreShape as number[]) : shapes[i]!));
  } catch {
    return shapes;
  }
}
