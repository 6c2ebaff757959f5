import { describe, expect, it } from "vitest";
import { fromArray } from "../../src/array/creation.js";
import { add } from "../../src/array/elementwise.js";
import { mapOverlap, type OverlapContext } from "../../src/array/map-overlap.js";
import { overlap, trimInternal } from "../../src/array/overlap.js";
import { blockRegion, type Chunks } from "../../src/chunks/grid.js";
import { ensureMinimumChunksize, overlapChunks, type Boundary } from "../../src/chunks/overlap.js";
import { array } from "../../src/core/creation.js";
import { BroadcastError, ChunkError, DtypeError, ValueError } from "../../src/core/errors.js";
import { fromTypedArray, get, toFlatArray, type Block } from "../../src/core/ndarray.js";
import { compute, computeBlocks } from "../../src/schedule/compute.js";
import { assertLazyEqual } from "../../src/testing/assert-lazy-equal.js";

type Pair = [number, number];
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** All C-order indices of `shape`. */
function indices(shape: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of shape) out = out.flatMap((p) => Array.from({ length: n }, (_, i) => [...p, i]));
  return out;
}

function flat(shape: readonly number[], index: readonly number[]): number {
  return index.reduce((acc, i, ax) => acc * shape[ax]! + i, 0);
}

/** A float64 block 0, 1, 2, ... (plus `base`) of `shape`. */
function seq(shape: number[], base = 0): Block {
  return array(Array.from({ length: prod(shape) }, (_, i) => base + i * 1.5), { shape, dtype: "float64" });
}

/**
 * NumPy's `np.pad(x, [(b0, a0), ...], mode)` written out per element, one mode per axis:
 * reflect = 'symmetric', nearest = 'edge', periodic = 'wrap', a number = 'constant'. As
 * np.pad, axes are padded in order, so a corner takes the constant of the highest constant axis.
 */
function npPad(x: Block, pad: readonly Pair[], modes: readonly Boundary[]): { data: number[]; shape: number[] } {
  const shape = x.shape.map((n, ax) => n + pad[ax]![0] + pad[ax]![1]);
  const data = indices(shape).map((p) => {
    let fill: number | undefined;
    const src = p.map((i, ax) => {
      const n = x.shape[ax]!;
      const k = i - pad[ax]![0];
      if (k >= 0 && k < n) return k;
      const mode = modes[ax]!;
      if (typeof mode === "number") {
        fill = mode;
        return 0;
      }
      if (mode === "nearest") return k < 0 ? 0 : n - 1;
      if (mode === "periodic") return ((k % n) + n) % n;
      const m = ((k % (2 * n)) + 2 * n) % (2 * n);
      return m < n ? m : 2 * n - 1 - m;
    });
    return fill ?? get(x, src);
  });
  return { data, shape };
}

/** What block `bi` of `overlap(x, depth, boundary)` must hold, cut from the np.pad reference. */
function expectedBlock(x: Block, chunks: Chunks, bi: readonly number[], depth: readonly Pair[], modes: readonly Boundary[]): number[] {
  const none = modes.map((m) => m === "none");
  const padded = npPad(x, depth.map((d, ax) => (none[ax] ? [0, 0] : d)), modes);
  const r = blockRegion(chunks, bi);
  const lo = r.start.map((s, ax) => (none[ax] ? Math.max(0, s - depth[ax]![0]) : s));
  const hi = r.stop.map((s, ax) => (none[ax] ? Math.min(x.shape[ax]!, s + depth[ax]![1]) : s + depth[ax]![0] + depth[ax]![1]));
  return indices(hi.map((h, ax) => h - lo[ax]!)).map((i) => padded.data[flat(padded.shape, i.map((v, ax) => v + lo[ax]!))]!);
}

/** Every block of `lazy`, by index. */
async function blocksOf(lazy: Parameters<typeof computeBlocks>[0][number]): Promise<Map<string, Block>> {
  const out = new Map<string, Block>();
  await computeBlocks([lazy], {}, (_k, index, block) => out.set(index.join(","), block));
  return out;
}

const pairs = (d: number | Pair[], nd: number): Pair[] => (typeof d === "number" ? new Array(nd).fill([d, d]) : d);

describe("overlap matches np.pad (symmetric / edge / wrap / constant) and 'none'", () => {
  const cases: { shape: number[]; chunks: number[] | number[][]; depth: number | Pair[] }[] = [
    { shape: [7], chunks: [3], depth: 1 },
    { shape: [7], chunks: [2], depth: 3 },
    { shape: [9], chunks: [[1, 5, 1, 2]], depth: 4 },
    { shape: [5, 6], chunks: [2, 4], depth: 2 },
    { shape: [5, 6], chunks: [[1, 1, 3], [6]], depth: [[2, 1], [0, 3]] },
    { shape: [3, 4, 5], chunks: [2, 3, 2], depth: [[1, 1], [0, 0], [2, 2]] },
  ];
  const bounds: Boundary[] = ["reflect", "nearest", "periodic", -1, "none"];
  for (const c of cases) {
    for (const b of bounds) {
      it(`shape=${JSON.stringify(c.shape)} chunks=${JSON.stringify(c.chunks)} depth=${JSON.stringify(c.depth)} boundary=${JSON.stringify(b)}`, async () => {
        const x = seq(c.shape);
        const lazy = fromArray(x, { chunks: c.chunks });
        const depth = pairs(c.depth, c.shape.length);
        const modes = new Array<Boundary>(c.shape.length).fill(b);
        const o = overlap(lazy, { depth: c.depth, boundary: b });
        expect(o.chunks).toEqual(overlapChunks(lazy.chunks, depth, b));
        const blocks = await blocksOf(o);
        expect(blocks.size).toBe(prod(o.numBlocks));
        for (const [key, block] of blocks) {
          const bi = key.split(",").filter((s) => s !== "").map(Number);
          expect(toFlatArray(block), `block ${key}`).toEqual(expectedBlock(x, lazy.chunks, bi, depth, modes));
        }
        await assertLazyEqual(trimInternal(o, { depth: c.depth, boundary: b }), x);
      });
    }
  }

  it("mixed boundaries per axis: shape=[4,5] chunks=[2,2] boundary={0: 7, 1: 'periodic'} (corners as np.pad)", async () => {
    const x = seq([4, 5]);
    const lazy = fromArray(x, { chunks: [2, 2] });
    const modes: Boundary[] = [7, "periodic"];
    const blocks = await blocksOf(overlap(lazy, { depth: 2, boundary: { 0: 7, 1: "periodic" } }));
    for (const [key, block] of blocks) {
      expect(toFlatArray(block)).toEqual(expectedBlock(x, lazy.chunks, key.split(",").map(Number), pairs(2, 2), modes));
    }
  });

  it("one task per block, reading only its neighbours: shape=[12] chunks=4 depth=1", () => {
    const o = overlap(fromArray(seq([12]), { chunks: 4 }), { depth: 1, boundary: "none" });
    const layer = o.graph.layers.get(o.name)!;
    expect(layer.tasks.size).toBe(3);
    expect([...layer.tasks.values()].map((t) => t.args.length)).toEqual([2, 3, 2]);
  });

  it("depth 0 returns the array itself", () => {
    const x = fromArray(seq([4]), { chunks: 2 });
    expect(overlap(x, { depth: 0, boundary: "reflect" })).toBe(x);
  });

  it("keeps integer dtypes: uint8 shape=[6] chunks=3 boundary=255", async () => {
    const x = fromArray(array([1, 2, 3, 4, 5, 6], { dtype: "uint8" }), { chunks: 3 });
    const o = overlap(x, { depth: 1, boundary: 255 });
    expect(o.dtype).toBe("uint8");
    expect(toFlatArray(await compute(o))).toEqual([255, 1, 2, 3, 4, 3, 4, 5, 6, 255]);
  });
});

describe("trimInternal", () => {
  it("dask's rule for arrays overlap did not make: shape=[10] chunks=4 depth=2 'none'", async () => {
    const x = seq([10]);
    const o = add(overlap(fromArray(x, { chunks: 4 }), { depth: 2 }), 0);
    const t = trimInternal(o, { depth: 2, boundary: "none" });
    expect(t.chunks).toEqual([[4, 4, 2]]);
    await assertLazyEqual(t, x);
  });

  it("explicit chunks undo a 'none' halo deeper than a chunk: shape=[5] chunks=1 depth=3", async () => {
    const x = seq([5]);
    const lazy = fromArray(x, { chunks: 1 });
    const o = add(overlap(lazy, { depth: 3 }), 0);
    expect(o.chunks).toEqual([[4, 5, 5, 5, 4]]);
    expect(() => trimInternal(o, { depth: 3 })).toThrow("trimInternal: block 1 on axis 0 must be at least as long as the halo it loses (6); got 5");
    await assertLazyEqual(trimInternal(o, { depth: 3, chunks: lazy.chunks }), x);
  });

  it("asymmetric depth [[1, 2]] with 'reflect': shape=[8] chunks=3", async () => {
    const x = seq([8]);
    const o = overlap(fromArray(x, { chunks: 3 }), { depth: [[1, 2]], boundary: "reflect" });
    expect(o.chunks).toEqual([[6, 6, 5]]);
    await assertLazyEqual(trimInternal(add(o, 0), { depth: [[1, 2]], boundary: "reflect" }), x);
  });
});

/** 3-point moving average along every axis (the 3^n box); elements without all neighbours are copied. */
function box(b: Block): Block {
  const src = toFlatArray(b);
  const nd = b.shape.length;
  const offsets = indices(new Array(nd).fill(3)).map((o) => o.map((v) => v - 1));
  const out = new Float64Array(src.length);
  indices(b.shape).forEach((p, k) => {
    const inside = p.every((i, ax) => i >= 1 && i < b.shape[ax]! - 1);
    out[k] = inside ? offsets.reduce((s, o) => s + src[flat(b.shape, p.map((i, ax) => i + o[ax]!))]!, 0) / offsets.length : src[k]!;
  });
  return fromTypedArray("float64", out, b.shape);
}

/** The whole-array reference: pad by 1 as np.pad (none: no pad), filter, crop. */
function boxReference(x: Block, mode: Boundary): Block {
  if (mode === "none") return box(x);
  const p = npPad(x, x.shape.map(() => [1, 1] as Pair), x.shape.map(() => mode));
  const f = toFlatArray(box(array(p.data, { shape: p.shape, dtype: "float64" })));
  return array(indices(x.shape).map((i) => f[flat(p.shape, i.map((v) => v + 1))]!), { shape: x.shape, dtype: "float64" });
}

describe("mapOverlap", () => {
  for (const mode of ["reflect", "nearest", "periodic", 0, "none"] as Boundary[]) {
    it(`3x3 moving average equals the whole-array filter: shape=[7,9] chunks=[3,4] boundary=${JSON.stringify(mode)}`, async () => {
      const x = seq([7, 9]);
      const y = mapOverlap(box, fromArray(x, { chunks: [3, 4] }), { depth: 1, boundary: mode });
      expect(y.chunks).toEqual([[3, 3, 1], [4, 4, 1]]);
      await assertLazyEqual(y, boxReference(x, mode), { rtol: 0, atol: 0 });
    });
  }

  it("a depth larger than a chunk rechunks first, as dask: shape=[10] chunks=2 depth=3", async () => {
    const x = seq([10]);
    const y = mapOverlap(box, fromArray(x, { chunks: 2 }), { depth: 3, boundary: "nearest" });
    expect(y.chunks).toEqual(ensureMinimumChunksize(3, [[2, 2, 2, 2, 2]]));
    await assertLazyEqual(y, boxReference(x, "nearest"), { rtol: 0, atol: 0 });
  });

  it("allowRechunk: false keeps the chunks and reads halos from several neighbours: shape=[10] chunks=2 depth=3", async () => {
    const x = seq([10]);
    const y = mapOverlap(box, fromArray(x, { chunks: 2 }), { depth: 3, boundary: "periodic", allowRechunk: false });
    expect(y.chunks).toEqual([[2, 2, 2, 2, 2]]);
    await assertLazyEqual(y, boxReference(x, "periodic"), { rtol: 0, atol: 0 });
  });

  it("trim: false returns the extended blocks: shape=[6,8] chunks=[4,3] depth={1: 2} boundary='none'", async () => {
    const x = seq([6, 8]);
    const lazy = fromArray(x, { chunks: [4, 3] });
    const y = mapOverlap((b: Block) => b, lazy, { depth: { 1: 2 }, trim: false });
    expect(y.chunks).toEqual(overlapChunks(lazy.chunks, { 1: 2 }));
    expect(y.chunks).toEqual([[4, 2], [5, 7, 4]]);
    await assertLazyEqual(y, await compute(overlap(lazy, { depth: { 1: 2 } })));
  });

  it("a PSF with depth 0 hands its one block to every task: image [9,10] chunks [4,3] * psf [3,3]", async () => {
    const img = seq([9, 10]);
    const psf = array([0, 1, 0, 1, -4, 1, 0, 2, 0], { shape: [3, 3], dtype: "float64" });
    // Correlation with the PSF where the whole 3x3 window fits, else the value itself.
    const correlate = (b: Block, p: Block): Block => {
      const out = new Float64Array(prod(b.shape));
      indices(b.shape).forEach(([i, j], k) => {
        const inside = i! >= 1 && j! >= 1 && i! < b.shape[0]! - 1 && j! < b.shape[1]! - 1;
        let s = 0;
        if (inside) for (const [a, c] of indices([3, 3])) s += get(p, [a!, c!]) * get(b, [i! + a! - 1, j! + c! - 1]);
        out[k] = inside ? s : get(b, [i!, j!]);
      });
      return fromTypedArray("float64", out, b.shape);
    };
    const y = mapOverlap(correlate, [fromArray(img, { chunks: [4, 3] }), psf], { depth: [1, 0], boundary: [0, "none"] });
    expect(y.chunks).toEqual([[4, 4, 1], [3, 3, 3, 1]]);
    const padded = npPad(img, [[1, 1], [1, 1]], [0, 0]);
    const whole = toFlatArray(correlate(array(padded.data, { shape: padded.shape, dtype: "float64" }), psf));
    const want = array(indices([9, 10]).map(([i, j]) => whole[flat(padded.shape, [i! + 1, j! + 1])]!), { shape: [9, 10], dtype: "float64" });
    await assertLazyEqual(y, want, { rtol: 0, atol: 0 });
  });

  it("a one-chunk array of the same length is split like the others: weights [8] in one chunk vs x [8] chunks 3", async () => {
    const x = seq([8]);
    const w = seq([8], 100);
    const y = mapOverlap((a: Block, b: Block) => add(a, b) as Block, [fromArray(x, { chunks: 3 }), w], { depth: [1, 1], boundary: "nearest" });
    expect(y.chunks).toEqual([[3, 3, 2]]);
    await assertLazyEqual(y, add(x, w) as Block);
  });

  it("ctx: block index, location and shape of the final output, plus halo and depth per array", async () => {
    const seen: OverlapContext[] = [];
    const x = fromArray(seq([9, 4]), { chunks: [3, 4] });
    const psf = seq([2]);
    const y = mapOverlap((b: Block, _p: Block, params: { k: number }, ctx: OverlapContext) => {
      expect(params).toEqual({ k: 1 });
      seen.push(ctx);
      return b;
    }, [x, psf], { depth: [[[2, 1], 0], 0], params: { k: 1 } });
    await compute(y);
    const byBlock = Object.fromEntries(seen.map((c) => [c.blockIndex.join(","), c]));
    expect(byBlock["1,0"]!.location).toEqual([[3, 6], [0, 4]]);
    expect(byBlock["1,0"]!.shape).toEqual([9, 4]);
    expect(byBlock["1,0"]!.halo).toEqual([[[2, 1], [0, 0]], [[0, 0]]]);
    expect(byBlock["0,0"]!.halo[0]).toEqual([[0, 1], [0, 0]]);
    expect(byBlock["2,0"]!.halo[0]).toEqual([[2, 0], [0, 0]]);
    expect(byBlock["0,0"]!.depth).toEqual([[[2, 1], [0, 0]], [[0, 0]]]);
  });

  it("chunks: the kernel's own block shape (one sum per extended block), trim: false", async () => {
    const x = fromArray(seq([6]), { chunks: 3 });
    const y = mapOverlap((b: Block) => array([toFlatArray(b).reduce((s, v) => s + v, 0)], { dtype: "float64" }), x, { depth: 1, boundary: 0, trim: false, chunks: [1] });
    expect(y.chunks).toEqual([[1, 1]]);
    expect(toFlatArray(await compute(y))).toEqual([0 + 1.5 * (0 + 1 + 2 + 3), 1.5 * (2 + 3 + 4 + 5)]);
  });

  it("blocks in give a lazy result; dtype is declared, not guessed: shape=[4] boundary='reflect' dtype=float32", async () => {
    const y = mapOverlap((b: Block) => fromTypedArray("float32", Float32Array.from(toFlatArray(b)), b.shape), seq([4]), { depth: 1, boundary: "reflect", dtype: "float32" });
    expect(y.dtype).toBe("float32");
    expect(toFlatArray(await compute(y))).toEqual([0, 1.5, 3, 4.5]);
  });

  it("a kernel returning the wrong shape fails at compute, naming the block", async () => {
    const y = mapOverlap((_b: Block) => array([1], { dtype: "float64" }), fromArray(seq([6]), { chunks: 3 }), { depth: 1 });
    await expect(compute(y)).rejects.toThrow(/mapOverlap: kernel the result must have the declared chunk shape \(4,\); got \(1,\) for block \[0\]/);
  });
});

describe("validation at graph-build time", () => {
  const x = fromArray(seq([8, 6]), { chunks: [4, 3] });
  const y = fromArray(seq([5]), { chunks: 5 });
  const id = (a: Block) => a;
  const table: [string, () => unknown, new (...a: any[]) => Error, string][] = [
    ["negative depth", () => overlap(x, { depth: -1 }), ChunkError, "overlap: depth on axis 0 must be a non-negative integer; got -1"],
    ["fractional depth", () => overlap(x, { depth: [1, 1.5] }), ChunkError, "overlap: depth on axis 1 must be a non-negative integer; got 1.5"],
    ["depth list of wrong length", () => overlap(x, { depth: [1, 2, 3] }), ChunkError, "overlap: depth must have one entry per axis (2); got [1, 2, 3]"],
    ["depth record with a bad axis", () => overlap(x, { depth: { 2: 1 } }), ChunkError, "overlap: depth record keys must be axes 0..1"],
    ["unknown boundary", () => overlap(x, { depth: 1, boundary: "mirror" as Boundary }), ChunkError, "overlap: boundary on axis 0 must be \"reflect\", \"nearest\", \"periodic\", \"none\" or a number; got \"mirror\""],
    ["reflect deeper than the axis", () => overlap(x, { depth: 7, boundary: "reflect" }), ChunkError, "overlap: depth on axis 1 must be at most the axis length 6 for boundary \"reflect\"; got 7"],
    ["periodic deeper than the axis", () => mapOverlap(id, y, { depth: 6, boundary: "periodic" }), ChunkError, "mapOverlap: depth on axis 0 must be at most the axis length 5 for boundary \"periodic\"; got 6"],
    ["nearest on an empty axis", () => overlap(fromArray(seq([0]), { chunks: 1 }), { depth: 1, boundary: "nearest" }), ChunkError, "overlap: axis 0 must not be empty for boundary \"nearest\""],
    ["x not a ChunkedArray", () => overlap(seq([3]) as never, { depth: 1 }), ValueError, "overlap: x must be a ChunkedArray"],
    ["fn not a function", () => mapOverlap(3 as never, x, { depth: 1 }), ValueError, "mapOverlap: fn must be a function; got 3"],
    ["no arrays", () => mapOverlap(id, [], { depth: 1 }), ValueError, "mapOverlap: arrays must hold at least one array"],
    ["array not an array", () => mapOverlap(id, [x, "a" as never], { depth: [1, 0] }), ValueError, "mapOverlap: array 1 must be a ChunkedArray or a block; got \"a\""],
    ["per-array depth list of wrong length", () => mapOverlap(id, [x, y], { depth: [1, 1, 1] }), ChunkError, "mapOverlap: depth must have one entry per array (2) when given as a list with several arrays; got (1, 1, 1)"],
    ["per-array boundary list of wrong length", () => mapOverlap(id, [x, y], { depth: 1, boundary: ["reflect"] }), ChunkError, "mapOverlap: boundary must have one entry per array (2)"],
    ["negative depth of array 1", () => mapOverlap(id, [x, y], { depth: [1, -2] }), ChunkError, "mapOverlap: depth of array 1 on axis 0 must be a non-negative integer; got -2"],
    ["reflect deeper than axis of array 1", () => mapOverlap(id, [x, y], { depth: [0, 6], boundary: "reflect" }), ChunkError, "mapOverlap: depth of array 1 on axis 0 must be at most the axis length 5"],
    ["split axes of different lengths", () => mapOverlap(id, [x, fromArray(seq([5]), { chunks: 2 })], { depth: 0 }), BroadcastError, "mapOverlap: axis 0 of array 1 must have the same length as axis 1 of array 0 when both are split into blocks; got 5 and 6"],
    ["trim not a boolean", () => mapOverlap(id, x, { depth: 1, trim: "yes" as never }), ValueError, "mapOverlap: trim must be true or false; got \"yes\""],
    ["bad dtype", () => mapOverlap(id, x, { depth: 1, dtype: "float16" as never }), DtypeError, "mapOverlap: dtype must be one of"],
    ["chunks of the wrong length", () => mapOverlap(id, x, { depth: 1, chunks: [1] }), ValueError, "mapOverlap: chunks must have one entry per output axis (2)"],
    ["chunks smaller than the halo", () => mapOverlap(id, x, { depth: 1, boundary: 0, chunks: [1, 1] }), ValueError, "mapOverlap: chunks on axis 0 must be at least the halo (2) of block 0; got 1"],
    ["trimInternal chunks of the wrong shape", () => trimInternal(x, { depth: 1, chunks: [[8]] }), ChunkError, "trimInternal: chunks must list the chunk sizes before overlap"],
  ];
  it.each(table)("%s", (_name, run, type, message) => {
    expect(run).toThrow(type);
    expect(run).toThrow(message);
  });
});
