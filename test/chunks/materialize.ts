/**
 * Test helper: builds an extended (halo) block from a full C-order array and a HaloGeometry,
 * element by element, as a reference for the geometry's meaning. Where boundary fills of
 * several axes meet, the highest axis wins (dask applies boundaries axis by axis).
 */
import type { HaloGeometry, HaloSegment } from "../../src/chunks/overlap.js";

type Source = { index: number } | { fill: number };

function axisSources(segments: readonly HaloSegment[]): Source[] {
  const out: Source[] = [];
  for (const s of segments) {
    if (s.kind === "read") {
      for (let k = 0; k < s.stop - s.start; k++) out.push({ index: s.reverse ? s.stop - 1 - k : s.start + k });
    } else if (s.kind === "repeat") {
      for (let k = 0; k < s.count; k++) out.push({ index: s.index });
    } else {
      for (let k = 0; k < s.count; k++) out.push({ fill: s.value });
    }
  }
  return out;
}

/** All C-order indices of `shape`. */
export function indices(shape: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of shape) out = out.flatMap((p) => Array.from({ length: n }, (_, i) => [...p, i]));
  return out;
}

/** Flat C-order position of `index` in `shape`. */
export function flat(shape: readonly number[], index: readonly number[]): number {
  return index.reduce((acc, i, axis) => acc * (shape[axis] as number) + i, 0);
}

/** The extended block, flat in C order. */
export function materialize(data: readonly number[], shape: readonly number[], g: HaloGeometry): number[] {
  const sources = g.axes.map((a) => axisSources(a.segments));
  return indices(g.shape).map((ext) => {
    let fill: number | undefined;
    const src: number[] = [];
    ext.forEach((e, axis) => {
      const s = sources[axis]?.[e] as Source;
      if ("fill" in s) fill = s.fill;
      else src.push(s.index);
    });
    return fill ?? (data[flat(shape, src)] as number);
  });
}

/** The sub-block `[start, stop)` of a flat C-order block of `shape`. */
export function cut(data: readonly number[], shape: readonly number[], start: readonly number[], stop: readonly number[]): number[] {
  const sub = stop.map((s, i) => s - (start[i] as number));
  return indices(sub).map((i) => data[flat(shape, i.map((v, axis) => v + (start[axis] as number)))] as number);
}
