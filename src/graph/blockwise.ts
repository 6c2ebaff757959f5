/**
 * The one blockwise engine, as dask's `blockwise`: every operation that maps a kernel over
 * aligned blocks (elementwise ops, `mapBlocks`, lazy gufuncs, filters) lowers to it.
 * Inputs carry one label per axis; blocks are aligned by label. A size-1 axis (one block of
 * length 1) broadcasts against many blocks; chunkings that differ on a label are unified to
 * their common refinement by rechunking; labels that no output keeps (contracted) are merged
 * into one chunk.
 * @module
 */
import type { DataType } from "../core/dtype.js";
import { BroadcastError, ValueError } from "../core/errors.js";
import { blockRegion, chunksEqual, forEachBlockIndex, numBlocks, type Chunks } from "../chunks/grid.js";
import { rechunkPieces, rechunkPlan } from "../chunks/rechunk-plan.js";
import { commonRefinement } from "../chunks/unify.js";
import { assemble, identity, pick } from "./block-kernels.js";
import { graphWith, type Graph, type Layer } from "./graph.js";
import { tokenize } from "./hash.js";
import { kernelRefOf, type KernelRef } from "./kernel.js";
import { blockKey, type ClosureRef, type Task, type TaskArg } from "./task.js";

/**
 * The chunks of each label, as dask's `common_blockdim`: a label whose arrays are all one
 * chunk takes the largest (blocks align one to one even if lengths differ, as dask's
 * `map_blocks` pairs a volume with its PSF); otherwise the common refinement of the multi-chunk
 * arrays, whose lengths must agree. A one-chunk array broadcasts its block against many.
 */
function alignLabels(op: string, arrays: readonly { array: ArrayMeta; labels: readonly string[] }[]): Record<string, readonly number[]> {
  const byLabel: Record<string, readonly number[]> = {};
  const owner: Record<string, number> = {};
  arrays.forEach(({ array, labels }, k) => {
    labels.forEach((label, ax) => {
      const c = array.chunks[ax]!;
      const seen = byLabel[label];
      if (seen === undefined) {
        byLabel[label] = c;
        owner[label] = k;
      } else if (c.length === 1 && seen.length === 1) {
        // A length-1 axis broadcasts even against length 0 (NumPy: 1 with 0 gives 0), so a
        // (1,) loop dim yields to (0,); "take the larger" would make the blocks too long.
        if (seen[0] === 1 ? c[0] !== 1 : c[0] !== 1 && c[0]! > seen[0]!) byLabel[label] = c;
      } else {
        const [a, b] = [seen.reduce((x, y) => x + y, 0), c.reduce((x, y) => x + y, 0)];
        if (a !== b && a !== 1 && b !== 1) {
          throw new BroadcastError(op, `axis '${label}' of input ${k} must have the same length as input ${owner[label]} when both are split into blocks; got ${b} and ${a}. Rechunk one of them to a single chunk, or make the lengths agree`, arrays.map((x) => x.array.shape), ax);
        }
        if (b === 1 && c.length === 1) return;
        byLabel[label] = seen.length === 1 && a === 1 ? c : commonRefinement(seen, c);
        if (seen.length > 1 || c.length > 1) owner[label] = k;
      }
    });
  });
  return byLabel;
}

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
  const arrays = spec.inputs.flatMap((inp, i) => ("array" in inp ? [{ array: inp.array, labels: inp.labels, position: i }] : []));
  const outLabels = [...new Set(spec.outputs.flatMap((o) => o.labels))];
  const byLabel = alignLabels(spec.op, arrays);
  for (const label of Object.keys(byLabel)) {
    // Contracted labels (no output keeps them) are merged into a single chunk.
    if (!outLabels.includes(label)) byLabel[label] = [byLabel[label]!.reduce((x, y) => x + y, 0)];
  }
  const aligned = arrays.map((a) => {
    // A one-chunk axis broadcasts (its block is reused) if it has length 1 or the label is one chunk.
    const keep = (l: string, ax: number): boolean => a.array.chunks[ax]!.length === 1 && (a.array.shape[ax] === 1 || byLabel[l]!.length === 1);
    const target = a.labels.map((l, ax) => (keep(l, ax) ? [...a.array.chunks[ax]!] : byLabel[l]!));
    return { ...a, array: rechunkMeta(a.array, target, `${spec.op}-align`) };
  });
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
