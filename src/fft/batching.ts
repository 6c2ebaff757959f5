/**
 * Which lines a pass visits and how they are grouped: the axes other than the pass axis,
 * ordered so the innermost has the smallest destination stride, merged where they are
 * contiguous in both source and destination, then walked with the innermost axis split into
 * near-equal batches of at most B lines (equally spaced lines, so one base and one lane step
 * describe a batch).
 * @module
 */

/**
 * One iteration axis in scalar units.
 * @example
 * ```ts
 * const ax: IterAxis = { extent: 8, sStride: 2, dStride: 2 };
 * ```
 */
export interface IterAxis {
  readonly extent: number;
  readonly sStride: number;
  readonly dStride: number;
}

/**
 * The iteration axes for a pass along `axis` over `extents`, outermost first; null when some
 * extent is zero. Always at least one axis (a dummy of extent 1 for a 1-D array).
 * @example
 * ```ts
 * iterationAxes([4, 5, 6], 1, [30, 6, 1], [30, 6, 1]); // [{ extent: 4, ... }, { extent: 6, ... }]
 * ```
 */
export function iterationAxes(
  extents: readonly number[],
  axis: number,
  sStride: readonly number[],
  dStride: readonly number[],
): IterAxis[] | null {
  const axes: IterAxis[] = [];
  for (let d = 0; d < extents.length; d++) {
    if (d === axis) continue;
    const e = extents[d]!;
    if (e === 0) return null;
    if (e > 1) axes.push({ extent: e, sStride: sStride[d]!, dStride: dStride[d]! });
  }
  axes.sort((x, y) => Math.abs(y.dStride) - Math.abs(x.dStride) || Math.abs(y.sStride) - Math.abs(x.sStride));
  const merged: IterAxis[] = [];
  for (const ax of axes) {
    const prev = merged[merged.length - 1];
    if (prev !== undefined && prev.sStride === ax.sStride * ax.extent && prev.dStride === ax.dStride * ax.extent) {
      merged[merged.length - 1] = { extent: prev.extent * ax.extent, sStride: ax.sStride, dStride: ax.dStride };
    } else {
      merged.push(ax);
    }
  }
  if (merged.length === 0) merged.push({ extent: 1, sStride: 0, dStride: 0 });
  return merged;
}

/**
 * Calls `body(sOuter, dOuter)` for every position of the outer iteration axes (all but the
 * innermost), in order, with the scalar offsets of that position's first line.
 * @example
 * ```ts
 * forEachOuter(iter, 0, 0, (s, d) => copyLine(s, d));
 * ```
 */
export function forEachOuter(iter: readonly IterAxis[], sOffset: number, dOffset: number, body: (sOuter: number, dOuter: number) => void): void {
  const nd = iter.length;
  const counter = new Array<number>(nd - 1).fill(0);
  let sOuter = sOffset;
  let dOuter = dOffset;
  for (;;) {
    body(sOuter, dOuter);
    let ax = nd - 2;
    while (ax >= 0) {
      const it = iter[ax]!;
      counter[ax]!++;
      sOuter += it.sStride;
      dOuter += it.dStride;
      if (counter[ax]! < it.extent) break;
      sOuter -= it.sStride * it.extent;
      dOuter -= it.dStride * it.extent;
      counter[ax] = 0;
      ax--;
    }
    if (ax < 0) return;
  }
}

/**
 * Calls `body(sBase, dBase, B)` for every batch: B lines starting at the given scalar
 * offsets, spaced by the innermost axis's strides; the innermost axis is split into
 * near-equal batches of at most `Bmax` lines (the TypeScript path's batching).
 * @example
 * ```ts
 * batchLanes(iter, 32, 0, 0, (sBase, dBase, B) => transform(sBase, dBase, B));
 * ```
 */
export function batchLanes(
  iter: readonly IterAxis[],
  Bmax: number,
  sOffset: number,
  dOffset: number,
  body: (sBase: number, dBase: number, B: number) => void,
): void {
  const inner = iter[iter.length - 1]!;
  const E = inner.extent;
  const nb = Math.ceil(E / Bmax);
  const small = Math.floor(E / nb);
  const extra = E - small * nb; // the first `extra` batches take one more line
  forEachOuter(iter, sOffset, dOffset, (sOuter, dOuter) => {
    let start = 0;
    for (let t = 0; t < nb; t++) {
      const B = t < extra ? small + 1 : small;
      body(sOuter + start * inner.sStride, dOuter + start * inner.dStride, B);
      start += B;
    }
  });
}

/**
 * Calls `body(sOff, dOff, nb)` for batches of `Bmax` lines along the innermost axis (the last
 * one shorter), outer positions in order: the wasm kernels' `runPassJob` batches, in its order.
 * @example
 * ```ts
 * fullBatches(iter, 16, (sOff, dOff, nb) => reads.push(sOff, nb));
 * ```
 */
export function fullBatches(iter: readonly IterAxis[], Bmax: number, body: (sOff: number, dOff: number, nb: number) => void): void {
  const inner = iter[iter.length - 1]!;
  forEachOuter(iter, 0, 0, (sOuter, dOuter) => {
    for (let start = 0; start < inner.extent; start += Bmax) {
      body(sOuter + start * inner.sStride, dOuter + start * inner.dStride, Math.min(Bmax, inner.extent - start));
    }
  });
}
