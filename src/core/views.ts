/**
 * Views without copies: indexing, transpose, squeeze, expandDims, broadcastTo, and reshape
 * (copying only when the strides cannot express the new shape). Each is O(ndim), as scijs
 * ndarray's `lo/hi/step/pick/transpose`.
 * @module
 */
import { broadcastShapes, broadcastStrides } from "./broadcast.js";
import { IndexError, ValueError, show } from "./errors.js";
import type { DataType } from "./dtype.js";
import { asBlock, copyInto, emptyBlock, sizeOf, type Block } from "./ndarray.js";

/** A slice `start:stop:step`, each part optional, as Python's `slice`. */
export interface Slice {
  readonly start?: number | null;
  readonly stop?: number | null;
  readonly step?: number | null;
}

/**
 * One entry of an index: an integer (drops the axis; negative counts from the end), a slice
 * object or string (`":"`, `"1:5"`, `"::-1"`), `null` (a new axis of size 1, NumPy's
 * `np.newaxis`), or `"..."` (as many full slices as needed).
 */
export type IndexItem = number | Slice | string | null;

/** Makes a slice object, as Python's `slice(start, stop, step)`. */
export function slice(start?: number | null, stop?: number | null, step?: number | null): Slice {
  return { start: start ?? null, stop: stop ?? null, step: step ?? null };
}

/** Parses `"a:b:c"` into a slice; throws IndexError for anything else. */
export function parseSliceString(fn: string, text: string): Slice {
  const parts = text.split(":");
  if (parts.length < 2 || parts.length > 3) {
    throw new IndexError(fn, `index entry must be an integer, a slice such as "1:5:2", null or "..."; got ${show(text)}. Write slices as "start:stop:step"`);
  }
  const nums = parts.map((p) => {
    const t = p.trim();
    if (t === "") return null;
    if (!/^[+-]?\d+$/.test(t)) {
      throw new IndexError(fn, `slice parts must be integers or empty; got ${show(text)}. Write slices as "start:stop:step"`);
    }
    return Number(t);
  });
  return { start: nums[0] ?? null, stop: nums[1] ?? null, step: nums[2] ?? null };
}

/** Resolves a slice against an axis of length n, as Python's `slice.indices`. */
export function sliceIndices(s: Slice, n: number, fn = "index", axis = 0): { start: number; step: number; length: number } {
  const step = s.step ?? 1;
  if (!Number.isInteger(step) || step === 0) {
    throw new IndexError(fn, `slice step on axis ${axis} must be a nonzero integer; got ${show(s.step)}. Use a step such as 1 or -1`, axis);
  }
  for (const v of [s.start, s.stop]) {
    if (v !== null && v !== undefined && !Number.isInteger(v)) {
      throw new IndexError(fn, `slice bounds on axis ${axis} must be integers; got ${show(v)}. Use whole numbers`, axis);
    }
  }
  const clamp = (v: number | null | undefined, dflt: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return dflt;
    const x = v < 0 ? v + n : v;
    return Math.min(Math.max(x, lo), hi);
  };
  if (step > 0) {
    const start = clamp(s.start, 0, 0, n);
    const stop = clamp(s.stop, n, 0, n);
    return { start, step, length: Math.max(0, Math.ceil((stop - start) / step)) };
  }
  const start = clamp(s.start, n - 1, -1, n - 1);
  const stop = clamp(s.stop, -1, -1, n - 1);
  return { start, step, length: Math.max(0, Math.ceil((stop - start) / step)) };
}

/** An index entry after `"..."` is expanded and strings are parsed. */
export type NormalizedIndexItem = { kind: "int"; value: number } | { kind: "slice"; slice: Slice } | { kind: "new" };

/**
 * Expands `"..."` and parses slice strings for an array of `ndim` axes.
 * @throws {IndexError} for too many indices, two ellipses, or malformed entries
 */
export function normalizeIndex(fn: string, items: readonly IndexItem[], ndim: number): NormalizedIndexItem[] {
  if (!Array.isArray(items)) {
    throw new IndexError(fn, `index must be a list of entries; got ${show(items)}. Pass e.g. [0, ":", null, "..."]`);
  }
  const out: (NormalizedIndexItem | "...")[] = [];
  let ellipses = 0;
  for (const it of items) {
    if (it === "...") {
      ellipses++;
      out.push("...");
    } else if (it === null) out.push({ kind: "new" });
    else if (typeof it === "number") {
      if (!Number.isInteger(it)) throw new IndexError(fn, `integer index entries must be whole numbers; got ${it}. Use Math.floor or a slice`);
      out.push({ kind: "int", value: it });
    } else if (typeof it === "string") out.push({ kind: "slice", slice: parseSliceString(fn, it) });
    else if (typeof it === "object") out.push({ kind: "slice", slice: it });
    else throw new IndexError(fn, `index entries must be integers, slices, null or "..."; got ${show(it)}. See the index() docs`);
  }
  if (ellipses > 1) throw new IndexError(fn, `an index must contain at most one "..."; got ${ellipses}. Remove the extra "..."`);
  const used = out.filter((x) => x !== "..." && x.kind !== "new").length;
  if (used > ndim) {
    throw new IndexError(fn, `index must address at most ${ndim} axes of an array with ${ndim} dimensions; got ${used}. Remove ${used - ndim} entries`);
  }
  const fill: NormalizedIndexItem[] = Array.from({ length: ndim - used }, () => ({ kind: "slice", slice: {} }));
  const at = out.indexOf("...");
  const items2 = at < 0 ? [...out, ...fill] : [...out.slice(0, at), ...fill, ...out.slice(at + 1)];
  return items2 as NormalizedIndexItem[];
}

/**
 * A view selected by integers, slices, `null` new axes and `"..."`, as NumPy's basic
 * indexing. Never copies.
 * @throws {IndexError} naming the axis and value for an out-of-range integer or a bad slice
 * @example index(stack, [0, ":", null, "..."]) // first channel, a new axis after the time axis
 */
export function index<D extends DataType>(block: Block<D>, items: readonly IndexItem[]): Block<D> {
  const b = asBlock(block, "index", "array");
  const norm = normalizeIndex("index", items, b.shape.length);
  const shape: number[] = [];
  const stride: number[] = [];
  let offset = b.offset;
  let ax = 0;
  for (const it of norm) {
    if (it.kind === "new") {
      shape.push(1);
      stride.push(0);
      continue;
    }
    const n = b.shape[ax]!;
    const st = b.stride[ax]!;
    if (it.kind === "int") {
      const i = it.value < 0 ? it.value + n : it.value;
      if (i < 0 || i >= n) {
        throw new IndexError("index", `integer index on axis ${ax} must be in [${-n}, ${n}); got ${it.value}. Use an index inside the axis length ${n}`, ax);
      }
      offset += i * st;
    } else {
      const { start, step, length } = sliceIndices(it.slice, n, "index", ax);
      if (length > 0) offset += start * st;
      shape.push(length);
      stride.push(st * step);
    }
    ax++;
  }
  return { ...b, shape, stride, offset } as unknown as Block<D>;
}

/**
 * Permutes axes, as `numpy.transpose` (default: reversed). A view.
 * @throws {ValueError} if `axes` is not a permutation of the axes
 */
export function transpose<D extends DataType>(block: Block<D>, axes?: readonly number[]): Block<D> {
  const b = asBlock(block, "transpose", "array");
  const nd = b.shape.length;
  const perm = axes === undefined ? [...Array(nd).keys()].reverse() : axes.map((a) => normalizeAxis("transpose", a, nd));
  if (perm.length !== nd || new Set(perm).size !== nd) {
    throw new ValueError("transpose", `axes must be a permutation of 0..${nd - 1}; got ${show(axes)}. List every axis exactly once`);
  }
  return { ...b, shape: perm.map((a) => b.shape[a]!), stride: perm.map((a) => b.stride[a]!) } as unknown as Block<D>;
}

/** Resolves a possibly negative axis for `ndim` dimensions. @throws {ValueError} out of range */
export function normalizeAxis(fn: string, axis: number, ndim: number, what = "axis"): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new ValueError(fn, `${what} must be an integer in [${-ndim}, ${ndim}) for an array with ${ndim} dimensions; got ${show(axis)}. Pass an existing axis`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/**
 * Removes size-1 axes (all, or those named), as `numpy.squeeze`. A view.
 * @throws {ValueError} if a named axis does not have size 1
 */
export function squeeze<D extends DataType>(block: Block<D>, axis?: number | readonly number[]): Block<D> {
  const b = asBlock(block, "squeeze", "array");
  const nd = b.shape.length;
  const drop = new Set(
    axis === undefined
      ? b.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : (typeof axis === "number" ? [axis] : axis).map((a) => normalizeAxis("squeeze", a, nd)),
  );
  for (const a of drop) {
    if (b.shape[a] !== 1) {
      throw new ValueError("squeeze", `axis ${a} must have size 1 to be squeezed; got size ${b.shape[a]} in shape ${show(b.shape)}. Squeeze only size-1 axes`);
    }
  }
  const keep = [...Array(nd).keys()].filter((a) => !drop.has(a));
  return { ...b, shape: keep.map((a) => b.shape[a]!), stride: keep.map((a) => b.stride[a]!) } as unknown as Block<D>;
}

/**
 * Inserts size-1 axes at the given positions of the result, as `numpy.expand_dims`. A view.
 * @throws {ValueError} for out-of-range or repeated positions
 */
export function expandDims<D extends DataType>(block: Block<D>, axis: number | readonly number[]): Block<D> {
  const b = asBlock(block, "expandDims", "array");
  const list = typeof axis === "number" ? [axis] : [...axis];
  const nd = b.shape.length + list.length;
  const at = new Set(list.map((a) => normalizeAxis("expandDims", a, nd)));
  if (at.size !== list.length) throw new ValueError("expandDims", `axis must not repeat; got ${show(list)}. List each new axis once`);
  const shape: number[] = [];
  const stride: number[] = [];
  let src = 0;
  for (let i = 0; i < nd; i++) {
    if (at.has(i)) {
      shape.push(1);
      stride.push(0);
    } else {
      shape.push(b.shape[src]!);
      stride.push(b.stride[src]!);
      src++;
    }
  }
  return { ...b, shape, stride } as unknown as Block<D>;
}

/**
 * Views `block` as `shape` by NumPy broadcasting (stride 0 on stretched axes). A view.
 * @throws {BroadcastError} if the shapes are incompatible
 */
export function broadcastTo<D extends DataType>(block: Block<D>, shape: readonly number[]): Block<D> {
  const b = asBlock(block, "broadcastTo", "array");
  const target = broadcastShapes([b.shape, shape], "broadcastTo");
  if (target.length !== shape.length || target.some((d, i) => d !== shape[i])) {
    throw new ValueError("broadcastTo", `shape ${show(b.shape)} must broadcast to ${show(shape)} without growing it; got ${show(target)}. Pick a target the array broadcasts to`);
  }
  return { ...b, shape: [...shape], stride: broadcastStrides(b, shape) } as unknown as Block<D>;
}

/** A C-contiguous copy of `block` that owns its data. */
export function copy<D extends DataType>(block: Block<D>): Block<D> {
  const b = asBlock(block, "copy", "array");
  const out = emptyBlock(b.dtype, b.shape);
  copyInto(out, b);
  return out as unknown as Block<D>;
}

/**
 * Gives `block` a new shape with the same elements in C order, as `numpy.reshape`; one entry
 * may be -1. A view when the strides allow it, else a copy.
 * @throws {ValueError} if the sizes differ
 */
export function reshape<D extends DataType>(block: Block<D>, shape: readonly number[]): Block<D> {
  const b = asBlock(block, "reshape", "array");
  const size = sizeOf(b.shape);
  const target = resolveShape(shape, size);
  const stride = viewStrides(b.shape, b.stride, target);
  if (stride !== undefined) return { ...b, shape: target, stride } as unknown as Block<D>;
  const c = copy(b);
  return { ...c, shape: target, stride: viewStrides(c.shape, c.stride, target)! } as unknown as Block<D>;
}

function resolveShape(shape: readonly number[], size: number): number[] {
  const unknown = shape.filter((d) => d === -1).length;
  const bad = shape.some((d) => !Number.isInteger(d) || d < -1);
  const known = sizeOf(shape.filter((d) => d !== -1));
  if (bad || unknown > 1 || (unknown === 1 ? known === 0 || size % known !== 0 : known !== size)) {
    throw new ValueError("reshape", `new shape must hold the array's ${size} elements; got ${show(shape)}. Use sizes whose product is ${size}, with at most one -1`);
  }
  return shape.map((d) => (d === -1 ? size / known : d));
}

/** Strides viewing (shape, stride) as `target` without copying, or undefined (NumPy's _attempt_nocopy_reshape). */
function viewStrides(shape: readonly number[], stride: readonly number[], target: readonly number[]): number[] | undefined {
  const oldDims: number[] = [];
  const oldStr: number[] = [];
  shape.forEach((d, i) => {
    if (d !== 1) {
      oldDims.push(d);
      oldStr.push(stride[i]!);
    }
  });
  const out = new Array<number>(target.length).fill(0);
  if (sizeOf(shape) === 0) return target.map((_, i) => sizeOf(target.slice(i + 1)));
  let oi = 0, oj = 1, ni = 0, nj = 1;
  while (ni < target.length && oi < oldDims.length) {
    let np = target[ni]!;
    let op = oldDims[oi]!;
    while (np !== op) {
      if (np < op) np *= target[nj++]!;
      else op *= oldDims[oj++]!;
    }
    for (let k = oi; k < oj - 1; k++) if (oldStr[k] !== oldDims[k + 1]! * oldStr[k + 1]!) return undefined;
    out[nj - 1] = oldStr[oj - 1]!;
    for (let k = nj - 1; k > ni; k--) out[k - 1] = out[k]! * target[k]!;
    ni = nj++;
    oi = oj++;
  }
  const last = ni > 0 ? out[ni - 1]! : 1;
  for (let k = ni; k < target.length; k++) out[k] = last;
  return out;
}
