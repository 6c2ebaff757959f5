/**
 * The `"auto"` chunk-size pass of normalizeChunks, following `dask.array.core.auto_chunks`:
 * auto axes grow or shrink together towards a byte target (dask's `array.chunk-size`, 128 MiB),
 * with the same arithmetic so the same inputs give dask's chunks. Without previous chunks every
 * auto axis gets about the same size (an axis shorter than that is taken whole). With previous
 * chunks the median previous chunk is scaled, growing by merging whole previous chunks and
 * shrinking to multiples of the most common previous chunk, so new chunks stay aligned with the
 * old ones (whole zarr or HDF5 chunks per task).
 * @module
 */
import { regularChunks } from "./util.js";

/**
 * dask's default `array.chunk-size`: 128 MiB per chunk, the target of `"auto"` chunks.
 * @example normalizeChunks("auto", shape, { dtype: "uint16", limitBytes: DEFAULT_CHUNK_BYTES / 4 })
 */
export const DEFAULT_CHUNK_BYTES = 128 * 1024 * 1024;

/** dask's default `array.chunk-size-tolerance`. */
const TOLERANCE = 1.25;

/** An axis already resolved to explicit sizes, or still `"auto"`. */
export type AutoEntry = number[] | "auto";

/**
 * Replaces every `"auto"` entry with explicit sizes.
 * @internal trusts its input: `limit > 0`, `itemsize > 0`, `previous` normalised for `shape`
 */
export function autoChunks(
  entries: readonly AutoEntry[],
  shape: readonly number[],
  limit: number,
  itemsize: number,
  previous: readonly (readonly number[])[] | undefined,
): number[][] {
  const autos = entries.flatMap((e, axis) => (e === "auto" ? [axis] : []));
  const out = entries.map((e) => (e === "auto" ? [] : e));
  if (shape.some((n) => n === 0)) {
    // No bytes at all: whole axes, as dask ends up giving.
    for (const a of autos) out[a] = [shape[a] as number];
    return out;
  }
  let largest = 1;
  for (const e of entries) if (e !== "auto") largest *= Math.max(...e);
  const sizes = previous === undefined
    ? withoutPrevious(autos, shape, Math.max(1, limit) / itemsize, largest)
    : withPrevious(autos, shape, Math.max(1, limit) / itemsize, largest, previous);
  for (const a of autos) {
    const s = sizes.get(a) as number | number[];
    out[a] = typeof s === "number" ? regularChunks(shape[a] as number, s) : s;
  }
  return out;
}

/** Near-cubic chunks: every auto axis gets the same size; axes shorter than it are whole. */
function withoutPrevious(
  autos: readonly number[],
  shape: readonly number[],
  elements: number,
  largest: number,
): Map<number, number> {
  const result = new Map<number, number>();
  let rest = [...autos];
  let block = largest;
  for (;;) {
    if (rest.length === 0) return result;
    const size = (elements / block) ** (1 / rest.length);
    const small = rest.filter((a) => (shape[a] as number) < size);
    if (small.length === 0) break;
    for (const a of small) {
      result.set(a, shape[a] as number);
      block *= shape[a] as number;
    }
    rest = rest.filter((a) => !small.includes(a));
  }
  const size = (elements / block) ** (1 / rest.length);
  for (const a of rest) result.set(a, roundTo(size, shape[a] as number));
  return result;
}

/** Scales the median previous chunk, keeping previous chunk boundaries where it can. */
function withPrevious(
  autoAxes: readonly number[],
  shape: readonly number[],
  elements: number,
  largestFixed: number,
  previous: readonly (readonly number[])[],
): Map<number, number | number[]> {
  const current = new Map<number, number>(autoAxes.map((a) => [a, median(previous[a] as readonly number[])]));
  const result = new Map<number, number | number[]>();
  const autos = new Set(autoAxes);
  let largest = largestFixed;
  const multiplierNow = (): number => elements / largest / product(current.values());
  let multiplier = multiplierNow();
  const shrink = multiplier < 1;
  const ideal = shape.map((n, axis) => idealChunk(previous[axis] as readonly number[], n));
  let remaining = true;
  for (let round = 0; remaining && round < 1000; round++) {
    remaining = false;
    const count = autos.size;
    for (const a of [...autos].sort((x, y) => x - y)) {
      const n = shape[a] as number;
      const proposed = (current.get(a) as number) * multiplier ** (1 / count);
      const maxChunk = proposed * TOLERANCE ** (1 / count);
      const prev = previous[a] as readonly number[];
      if (proposed > n) {
        // The whole axis fits: take it and let the other axes use the budget left.
        autos.delete(a);
        current.delete(a);
        largest *= n;
        result.set(a, n);
        remaining = true;
      } else if (shrink || Math.max(...prev) > maxChunk) {
        const size = roundTo(proposed, ideal[a] as number);
        result.set(a, size);
        if (shrink) current.set(a, size);
        if (proposed < 1) {
          autos.delete(a);
          remaining = true;
        }
      } else {
        result.set(a, mergePrevious(prev, proposed));
      }
    }
    if (remaining || shrink) {
      const last = multiplier;
      multiplier = multiplierNow();
      if (multiplier !== last) remaining = true;
    }
  }
  return result;
}

/** Greedily merges consecutive previous chunks while the sum stays within `target`. */
function mergePrevious(prev: readonly number[], target: number): number[] {
  const out: number[] = [];
  let run = 0;
  for (const c of prev) {
    if (run + c <= target) {
      run += c;
    } else {
      if (run > 0) out.push(run);
      run = c;
    }
  }
  if (run > 0) out.push(run);
  return out;
}

/** A size near `c`: `c` itself when below `s`, else the largest multiple of `s` below `c`. */
function roundTo(c: number, s: number): number {
  return c <= s ? Math.max(1, Math.floor(c)) : Math.floor(c / s) * s;
}

/** The most common previous chunk if it is above 1 and covers half the blocks, else the axis. */
function idealChunk(prev: readonly number[], n: number): number {
  const counts = new Map<number, number>();
  for (const c of prev) counts.set(c, (counts.get(c) ?? 0) + 1);
  let mode = 0;
  let best = -1;
  for (const [c, k] of counts) if (k > best) [mode, best] = [c, k];
  return mode > 1 && best >= prev.length / 2 ? mode : n;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function product(values: Iterable<number>): number {
  let p = 1;
  for (const v of values) p *= v;
  return p;
}
