/**
 * The one blockwise engine, as dask's `blockwise`: every operation that maps a kernel over
 * aligned blocks (elementwise ops, `mapBlocks`, lazy gufuncs, filters) lowers to it.
 * Inputs carry one label per axis; blocks are aligned by label. Chunkings are unified by
 * `unifyChunks` (chunks/unify.ts, dask's `unify_chunks`) and the inputs rechunked to them:
 * a size-1 axis (one block of length 1) broadcasts against many blocks, chunkings that differ
 * on a label meet at their common refinement, and labels that no output keeps (contracted)
 * are merged into one chunk. With `alignArrays: false` (dask's `align_arrays=False`, for
 * callers that unified already) blocks pair by position and a one-block axis broadcasts.
 * @module
 */
import type { DataType } from "../core/dtype.js";
import { BroadcastError, ValueError } from "../core/errors.js";
import { blockRegion, chunksEqual, forEachBlockIndex, numBlocks, type Chunks } from "../chunks/grid.js";
import { rechunkPieces, rechunkPlan } from "../chunks/rechunk-plan.js";
import { unifyChunks } from "../chunks/unify.js";
import { assemble, identity, pick } from "./block-kernels.js";
import { graphWith, type Graph, type Layer } from "./graph.js";
import { tokenize } from "./hash.js";
import { kernelRefOf, type KernelRef } from "./kernel.js";
import { blockKey, type ClosureRef, type Task, type TaskArg } from "./task.js";

/** What blockwise needs to know of a lazy array. */
export interface ArrayMeta {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DataType;
  readonly chunks: Chunks;
  readonly graph: Graph;
}

/**
 * A blockwise input: an array with one label per axis, a literal value passed to every task,
 * or a function passed to every task (a user kernel handed to a higher-order block kernel).
 */
export type BlockwiseInput =
  | { readonly array: ArrayMeta; readonly labels: readonly string[] }
  | { readonly value: unknown }
  | { readonly fn: (...args: any[]) => unknown };

/** One output of a blockwise operation. */
export interface BlockwiseOutput {
  readonly labels: readonly string[];
  readonly dtype: DataType;
}

/** A blockwise operation. */
export interface BlockwiseSpec {
  /** Operation name: the prefix of the output's name and the function named in errors. */
  readonly op: string;
  readonly kernel: (...args: any[]) => unknown;
  readonly inputs: readonly BlockwiseInput[];
  readonly outputs: readonly BlockwiseOutput[];
  readonly params?: unknown;
  /** Chunks of labels that no input has (new axes), or that the kernel resizes. */
  readonly chunks?: Readonly<Record<string, readonly number[]>>;
  /** Anything else that distinguishes this operation, for the deterministic name. */
  readonly token?: unknown;
  /**
   * Unify the inputs' chunks first (default true). False pairs blocks by position, as dask's
   * `align_arrays=False`: every axis of a label has the same number of blocks, or one block
   * that every task reads; the label's chunks come from `chunks` or its first split input.
   */
  readonly alignArrays?: boolean;
}

type ArrayInput = { readonly array: ArrayMeta; readonly labels: readonly string[]; readonly position: number };

/** The inputs rechunked to their unified chunks, and the chunks of every label. */
function alignInputs(spec: BlockwiseSpec, arrays: readonly ArrayInput[], outLabels: readonly string[]): { aligned: ArrayInput[]; byLabel: Record<string, readonly number[]> } {
  if (spec.alignArrays === false) return { aligned: [...arrays], byLabel: pairByPosition(spec.op, arrays) };
  const contracted = [...new Set(arrays.flatMap((a) => a.labels))].filter((l) => !outLabels.includes(l));
  const u = unifyChunks(arrays.map((a) => ({ labels: a.labels, chunks: a.array.chunks })), { op: spec.op, merge: contracted });
  const aligned = arrays.map((a, k) => ({ ...a, array: rechunkMeta(a.array, u.arrays[k]!, `${spec.op}-align`) }));
  return { aligned, byLabel: { ...u.byLabel } };
}

/** The chunks of each label when blocks pair by position: those of its first split input. */
function pairByPosition(op: string, arrays: readonly ArrayInput[]): Record<string, readonly number[]> {
  const byLabel: Record<string, readonly number[]> = {};
  const owner: Record<string, [number, number]> = {};
  arrays.forEach(({ array, labels }, k) => {
    labels.forEach((label, ax) => {
      const c = array.chunks[ax]!;
      const seen = byLabel[label];
      if (seen === undefined || (seen.length === 1 && c.length > 1)) {
        byLabel[label] = c;
        owner[label] = [k, ax];
      } else if (c.length > 1 && c.length !== seen.length) {
        const [k0, ax0] = owner[label]!;
        throw new BroadcastError(op, `axis ${ax} of array ${k} must have as many blocks as axis ${ax0} of array ${k0}, or one; got ${c.length} and ${seen.length}. Rechunk them alike`, arrays.map((x) => x.array.shape), ax);
      }
    });
  });
  return byLabel;
}

const closureIds = new WeakMap<(...args: any[]) => unknown, string>();
let closureCounter = 0;

/** The kernel spec of a function: its name if defined with `defineKernel`, else a closure id. */
function kernelSpec(fn: (...args: any[]) => unknown): { spec: KernelRef | ClosureRef; closures?: Map<string, (...args: any[]) => unknown> } {
  const ref = kernelRefOf(fn);
  if (ref !== undefined) return { spec: ref };
  let id = closureIds.get(fn);
  if (id === undefined) {
    id = `closure-${++closureCounter}-${fn.name || "anonymous"}`;
    closureIds.set(fn, id);
  }
  return { spec: { closure: id, label: fn.name || "anonymous" }, closures: new Map([[id, fn]]) };
}

/**
 * Rechunks an array's metadata and graph to `chunks` with assemble tasks (no-op when equal).
 * Each new block reads only the old blocks that overlap it.
 */
export function rechunkMeta(a: ArrayMeta, chunks: Chunks, op = "rechunk"): ArrayMeta {
  if (chunksEqual(a.chunks, chunks)) return a;
  const name = `${op}-${tokenize(op, a.name, chunks)}`;
  const plan = rechunkPlan(a.chunks, chunks);
  const tasks = new Map<string, Task>();
  forEachBlockIndex(numBlocks(chunks), (bi) => {
    const key = blockKey(name, bi);
    const pieces = rechunkPieces(plan, bi);
    const shape = bi.map((b, ax) => chunks[ax]![b]!);
    const whole = pieces.length === 1 && pieces[0]!.oldSlice.start.every((s) => s === 0) && pieces[0]!.oldSlice.stop.every((s, ax) => s === a.chunks[ax]![pieces[0]!.oldBlock[ax]!]);
    if (whole) {
      tasks.set(key, { key, kernel: kernelRefOf(identity)!, args: [{ ref: blockKey(a.name, pieces[0]!.oldBlock) }] });
      return;
    }
    tasks.set(key, {
      key,
      kernel: kernelRefOf(assemble)!,
      args: pieces.map((p) => ({ ref: blockKey(a.name, p.oldBlock) })),
      params: { shape, dtype: a.dtype, pieces: pieces.map((p, input) => ({ input, from: p.oldSlice, to: p.newSlice })) },
      expect: { op, shapes: [shape], dtypes: [a.dtype], several: false },
    });
  });
  return { name, shape: a.shape, dtype: a.dtype, chunks, graph: graphWith({ name, tasks }, a.graph) };
}

/**
 * Builds the blockwise layer(s) for `spec`.
 * @returns one array per output
 * @throws {BroadcastError} when labelled axes have incompatible lengths
 */
export function blockwise(spec: BlockwiseSpec): ArrayMeta[] {
  const arrays: ArrayInput[] = spec.inputs.flatMap((inp, i) => ("array" in inp ? [{ array: inp.array, labels: inp.labels, position: i }] : []));
  const outLabels = [...new Set(spec.outputs.flatMap((o) => o.labels))];
  const { aligned, byLabel } = alignInputs(spec, arrays, outLabels);
  const outChunks: Record<string, readonly number[]> = {};
  for (const l of outLabels) {
    const c = spec.chunks?.[l] ?? byLabel[l];
    if (c === undefined) {
      throw new ValueError(spec.op, `every output axis must come from an input or be given chunks; got axis '${l}' with neither. Pass chunks for the new axis`);
    }
    outChunks[l] = c;
  }
  // A function is tokenized by its kernel spec (module#name, or its per-object closure id),
  // not by its source text: two closures with the same text but different captured
  // values (`(k) => (b) => add(b, k)`) must not share a name, or one layer silently replaces
  // the other in a merged graph.
  const literal = spec.inputs.map((i) => ("value" in i ? i.value : "fn" in i ? kernelSpec(i.fn).spec : null));
  const name = `${spec.op}-${tokenize(spec.op, kernelSpec(spec.kernel).spec, aligned.map((a) => [a.array.name, a.labels]), literal, spec.outputs, spec.params, outChunks, spec.token)}`;
  const { spec: kernel, closures: own } = kernelSpec(spec.kernel);
  const closures = new Map(own ?? []);
  const fnArgs = new Map<number, TaskArg>();
  spec.inputs.forEach((inp, i) => {
    if (!("fn" in inp)) return;
    const k = kernelSpec(inp.fn);
    for (const [id, f] of k.closures ?? []) closures.set(id, f);
    fnArgs.set(i, { fn: k.spec });
  });
  const gridChunks = outLabels.map((l) => outChunks[l]!);
  const several = spec.outputs.length > 1;
  const tupleName = several ? `${name}-tuple` : name;
  const tasks = new Map<string, Task>();
  const alignedAt = new Map(aligned.map((a) => [a.position, a]));
  forEachBlockIndex(numBlocks(gridChunks), (gi) => {
    const at = new Map(outLabels.map((l, k) => [l, gi[k]!]));
    const args: TaskArg[] = spec.inputs.map((inp, i) => {
      if ("value" in inp) return { value: inp.value };
      if ("fn" in inp) return fnArgs.get(i)!;
      const a = alignedAt.get(i)!;
      const bi = a.labels.map((l, ax) => (a.array.chunks[ax]!.length === 1 ? 0 : at.get(l)!));
      return { ref: blockKey(a.array.name, bi) };
    });
    const shapes = spec.outputs.map((o) => o.labels.map((l) => outChunks[l]![at.get(l)!]!));
    const region = blockRegion(gridChunks, gi);
    const key = blockKey(tupleName, gi);
    tasks.set(key, {
      key,
      kernel,
      args,
      params: spec.params ?? {},
      ctx: { blockIndex: [...gi], location: region.start.map((s, ax) => [s, region.stop[ax]!]), shape: gridChunks.map((c) => c.reduce((x, y) => x + y, 0)) },
      expect: { op: spec.op, shapes, dtypes: spec.outputs.map((o) => o.dtype), several },
    });
  });
  const deps = aligned.map((a) => a.array.graph);
  const main: Layer = { name: tupleName, tasks, ...(closures.size > 0 ? { closures } : {}) };
  const mainGraph = graphWith(main, ...deps);
  const metaOf = (o: BlockwiseOutput, oname: string, graph: Graph): ArrayMeta => {
    const chunks = o.labels.map((l) => [...outChunks[l]!]);
    return { name: oname, shape: chunks.map((c) => c.reduce((x, y) => x + y, 0)), dtype: o.dtype, chunks, graph };
  };
  if (!several) return [metaOf(spec.outputs[0]!, name, mainGraph)];
  return spec.outputs.map((o, k) => {
    const oname = `${name}-${k}`;
    const picks = new Map<string, Task>();
    forEachBlockIndex(numBlocks(gridChunks), (gi) => {
      const at = new Map(outLabels.map((l, j) => [l, gi[j]!]));
      const bi = o.labels.map((l) => at.get(l)!);
      const key = blockKey(oname, bi);
      picks.set(key, { key, kernel: kernelRefOf(pick)!, args: [{ ref: blockKey(tupleName, gi) }], params: { output: k } });
    });
    return metaOf(o, oname, graphWith({ name: oname, tasks: picks }, mainGraph));
  });
}
