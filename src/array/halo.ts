/**
 * The halo of `dask.array.overlap`, as graph layers: depth and boundary normalised under the
 * public function's name, the `[before, after]` halo of every block, the overlap layer (one
 * task per extended block, reading only the neighbours its halo spans) and the trim layer.
 * Shared by `overlap`/`trimInternal` (overlap.ts) and `mapOverlap` (map-overlap.ts).
 * @module
 */
import { ChunkError, show } from "../core/errors.js";
import { forEachBlockIndex, numBlocks } from "../chunks/grid.js";
import { haloGeometry, normalizeBoundary, normalizeDepth, type Boundary, type BoundaryInput, type DepthInput } from "../chunks/overlap.js";
import { axisRangePieces } from "../chunks/rechunk-plan.js";
import { identity } from "../graph/block-kernels.js";
import { blockwise, type ArrayMeta } from "../graph/blockwise.js";
import { graphWith } from "../graph/graph.js";
import { tokenize } from "../graph/hash.js";
import { kernelRefOf } from "../graph/kernel.js";
import { blockKey, type Task } from "../graph/task.js";
import { rightLabels } from "./elementwise.js";
import { haloKernel, trimKernel, type HaloRun } from "./overlap-kernels.js";

/** `[before, after]` elements of halo on one axis. */
export type Pair = [number, number];

/** Normalised depth and boundary of every axis of one array. */
export interface Halo {
  readonly depth: Pair[];
  readonly boundary: Boundary[];
}

const sum = (c: readonly number[]): number => c.reduce((a, b) => a + b, 0);

/** Normalises depth and boundary under the public name, and checks them against the axis lengths. */
export function normalizeHalo(op: string, depth: DepthInput, boundary: BoundaryInput, shape: readonly number[], array?: number): Halo {
  const rename = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ChunkError)) throw e;
      const text = e.message.slice(e.fn.length + 2);
      throw new ChunkError(op, array === undefined ? text : text.replace(/^(depth|boundary)/, `$1 of array ${array}`), e.axis);
    }
  };
  const d = rename(() => normalizeDepth(depth, shape.length));
  const b = rename(() => normalizeBoundary(boundary, shape.length));
  shape.forEach((n, ax) => {
    const deepest = Math.max(...d[ax]!);
    const bd = b[ax]!;
    const of = array === undefined ? "" : ` of array ${array}`;
    if ((bd === "reflect" || bd === "periodic") && deepest > n) {
      throw new ChunkError(op, `depth${of} on axis ${ax} must be at most the axis length ${n} for boundary ${show(bd)}; got ${deepest}. Use a smaller depth, or "nearest", a constant or "none"`, ax);
    }
    if (bd === "nearest" && deepest > 0 && n === 0) {
      throw new ChunkError(op, `axis ${ax}${of} must not be empty for boundary "nearest" with depth ${deepest}; got length 0. Use a constant boundary or depth 0`, ax);
    }
  });
  return { depth: d, boundary: b };
}

/** `[before, after]` halo of every block along one axis (from the halo geometry itself). */
export function axisHalos(c: readonly number[], halo: Halo, ax: number): Pair[] {
  return c.map((_, j) => {
    const h = haloGeometry([c], [j], [halo.depth[ax]!], [halo.boundary[ax]!]).axes[0]!;
    return [h.before, h.after];
  });
}

/** The runs of every extended block along one axis, in block-local terms. */
function axisRuns(c: readonly number[], halo: Halo, ax: number): { size: number; runs: HaloRun[]; blocks: number[] }[] {
  return c.map((_, j) => {
    const g = haloGeometry([c], [j], [halo.depth[ax]!], [halo.boundary[ax]!]);
    const runs: HaloRun[] = [];
    let pos = 0;
    for (const s of g.axes[0]!.segments) {
      if (s.kind === "fill") {
        runs.push({ kind: "fill", value: s.value, to: pos, count: s.count });
        pos += s.count;
      } else if (s.kind === "repeat") {
        const p = axisRangePieces(c, s.index, s.index + 1)[0]!;
        runs.push({ kind: "repeat", block: p.oldBlock, index: p.start, to: pos, count: s.count });
        pos += s.count;
      } else {
        const len = s.stop - s.start;
        for (const p of axisRangePieces(c, s.start, s.stop)) {
          const to = pos + (s.reverse ? len - p.newStop : p.newStart);
          runs.push({ kind: "read", block: p.oldBlock, start: p.start, stop: p.stop, to, reverse: s.reverse });
        }
        pos += len;
      }
    }
    const blocks = [...new Set(runs.flatMap((r) => (r.kind === "fill" ? [] : [r.block])))].sort((a, b) => a - b);
    return { size: g.shape[0]!, runs, blocks };
  });
}

/** The overlap layer: one task per extended block, reading only the blocks it needs. */
export function overlapMeta(x: ArrayMeta, halo: Halo): ArrayMeta {
  if (halo.depth.every(([a, b]) => a === 0 && b === 0)) return x;
  const name = `overlap-${tokenize("overlap", x.name, halo)}`;
  const plans = x.chunks.map((c, ax) => axisRuns(c, halo, ax));
  const chunks = plans.map((p) => p.map((b) => b.size));
  const tasks = new Map<string, Task>();
  forEachBlockIndex(numBlocks(chunks), (bi) => {
    const key = blockKey(name, bi);
    const axes = bi.map((b, ax) => plans[ax]![b]!);
    const itself = axes.every((a, ax) => a.runs.length === 1 && a.runs[0]!.kind === "read" && a.runs[0]!.block === bi[ax] && a.size === x.chunks[ax]![bi[ax]!]);
    if (itself) {
      tasks.set(key, { key, kernel: kernelRefOf(identity)!, args: [{ ref: blockKey(x.name, bi) }] });
      return;
    }
    const sources = cartesian(axes.map((a) => a.blocks));
    tasks.set(key, {
      key,
      kernel: kernelRefOf(haloKernel)!,
      args: sources.map((s) => ({ ref: blockKey(x.name, s) })),
      params: { shape: axes.map((a) => a.size), dtype: x.dtype, inputs: sources, axes: axes.map((a) => a.runs) },
      expect: { op: "overlap", shapes: [axes.map((a) => a.size)], dtypes: [x.dtype], several: false },
    });
  });
  return { name, shape: chunks.map(sum), dtype: x.dtype, chunks, graph: graphWith({ name, tasks }, x.graph) };
}

/** Every combination of one entry per list, in C order (plain loops: this runs once per block). */
function cartesian(lists: readonly (readonly number[])[]): number[][] {
  let out: number[][] = [[]];
  for (const list of lists) {
    const next: number[][] = [];
    for (const s of out) {
      for (const v of list) {
        const t = s.slice();
        t.push(v);
        next.push(t);
      }
    }
    out = next;
  }
  return out;
}

/** The trim layer (blockwise, so it checks shapes and fuses like any other). */
export function trimMeta(op: string, x: ArrayMeta, halos: readonly (readonly Pair[])[], chunks: readonly (readonly number[])[]): ArrayMeta {
  if (halos.every((t) => t.every(([b, a]) => b === 0 && a === 0))) return x;
  const labels = rightLabels(x.shape.length, x.shape.length);
  const [meta] = blockwise({
    op,
    kernel: trimKernel,
    inputs: [{ array: x, labels }],
    outputs: [{ labels, dtype: x.dtype }],
    params: { halo: halos },
    chunks: Object.fromEntries(labels.map((l, ax) => [l, chunks[ax]!])),
    token: "trim",
  });
  return meta!;
}
