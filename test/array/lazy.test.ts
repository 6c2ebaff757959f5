/**
 * Table tests of the lazy-array API against the eager one: creation, elementwise ops with
 * broadcasting and chunk unification, astype, rechunk, mapBlocks, lazy gufuncs, compute,
 * deterministic keys, fusion, culling, closures vs named kernels, retries and abort.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { assertLazyEqual } from "../../src/testing/assert-lazy-equal.js";
import { ChunkedArray, isChunkedArray } from "../../src/array/chunked-array.js";
import { fromArray, full, ones, zeros } from "../../src/array/creation.js";
import * as lazy from "../../src/array/elementwise.js";
import { rechunk } from "../../src/array/rechunk.js";
import { mapBlocks } from "../../src/array/map-blocks.js";
import { gufunc } from "../../src/array/apply-gufunc.js";
import * as core from "../../src/core/creation.js";
import * as ew from "../../src/core/elementwise.js";
import { astype as astypeBlock } from "../../src/core/astype.js";
import { sum as sumBlock } from "../../src/core/reduce.js";
import { expandDims, index as indexBlock, reshape } from "../../src/core/views.js";
import { copyInto, emptyBlock, get, type Block } from "../../src/core/ndarray.js";
import type { DataType } from "../../src/core/dtype.js";
import { BindingError, BroadcastError, ChunkError, DtypeError, KernelError, TaskError, ValueError } from "../../src/core/errors.js";
import { compute } from "../../src/schedule/compute.js";
import { inline } from "../../src/schedule/inline.js";
import type { Executor } from "../../src/schedule/scheduler.js";
import { cull, flatten } from "../../src/graph/graph.js";
import { fuseLinear } from "../../src/graph/optimize.js";
import { canonicalJson } from "../../src/graph/hash.js";
import { defineKernel } from "../../src/graph/kernel.js";
import { blockKey } from "../../src/graph/task.js";
import { forEachBlockIndex } from "../../src/chunks/grid.js";

/** 0, 1, 2, ... in `shape` (row-major), as `dtype`. */
function seq(shape: readonly number[], dtype: DataType = "float64", start = 0): Block {
  const n = shape.reduce((a, b) => a * b, 1);
  return astypeBlock(reshape(core.arange(start, start + n, 1, { dtype: "float64" }), shape), dtype);
}

/** An executor that records the key of every task it runs. */
function counting(base: Executor = inline()): { executor: Executor; runs: string[] } {
  const runs: string[] = [];
  return { runs, executor: { ...base, run: (task, ...rest) => (runs.push(task.key), base.run(task, ...rest)) } };
}

const keysOf = (x: ChunkedArray): string[] => {
  const out: string[] = [];
  forEachBlockIndex(x.numBlocks, (bi) => out.push(blockKey(x.name, bi)));
  return out;
};

/** Exported so the named-kernel test can run on an executor that refuses closures. */
export const doubleKernel = defineKernel(import.meta.url, "doubleKernel", (b: Block) => ew.multiply(b, 2));

afterEach(() => {
  vi.restoreAllMocks();
});

describe("fromArray", () => {
  const x = seq([4, 5]);
  it.each([
    { chunks: 2, want: [[2, 2], [2, 2, 1]] },
    { chunks: [3, 2], want: [[3, 1], [2, 2, 1]] },
    { chunks: [[1, 3], [5]], want: [[1, 3], [5]] },
    { chunks: [-1, 2], want: [[4], [2, 2, 1]] },
    { chunks: [null, [1, 1, 3]], want: [[4], [1, 1, 3]] },
    { chunks: { 1: 2 }, want: [[4], [2, 2, 1]] },
    { chunks: "auto", want: [[4], [5]] },
  ] as const)("shape=[4,5] chunks=$chunks gives $want", async ({ chunks, want }) => {
    const a = fromArray(x, { chunks: chunks as never });
    expect(a.chunks).toEqual(want);
    expect(a.numBlocks).toEqual(want.map((c) => c.length));
    await assertLazyEqual(a, x);
  });

  it("a strided view (transposed, offset) round-trips", async () => {
    const view = indexBlock(seq([6, 7]), [{ start: 1, stop: 6, step: 2 }, { start: 6, stop: 0, step: -3 }]);
    await assertLazyEqual(fromArray(view, { chunks: [2, 1] }), view);
  });

  it.each([
    { chunks: 0, err: ChunkError, msg: /positive integer, -1 or null; got 0/ },
    { chunks: 2.5, err: ChunkError, msg: /positive integer/ },
    { chunks: [[1, 2], 5], err: ChunkError, msg: /must sum to the axis length 4; got \[1, 2\]/ },
    { chunks: [2], err: ChunkError, msg: /one entry per axis \(2\); got 1/ },
    { chunks: "big", err: ChunkError, msg: /chunks must be a number, "auto"/ },
    { chunks: { 3: 1 }, err: ChunkError, msg: /keys must be axes 0..1/ },
    { chunks: [[-1, 5], 5], err: ChunkError, msg: /non-negative integers/ },
  ])("bad chunks=$chunks throws $err.name", ({ chunks, err, msg }) => {
    expect(() => fromArray(x, { chunks: chunks as never })).toThrow(err);
    expect(() => fromArray(x, { chunks: chunks as never })).toThrow(msg);
  });

  it.each([{ block: {} }, { block: null }, { block: 5 }, { block: { data: [1, 2], shape: [3] } }])("bad block $block throws ValueError", ({ block }) => {
    expect(() => fromArray(block as never, { chunks: 1 })).toThrow(/fromArray: /);
  });
});

describe("lazy zeros, ones, full", () => {
  it.each([
    { make: () => zeros([5, 3], { chunks: 2 }), eager: core.zeros([5, 3]) },
    { make: () => zeros([5, 3], { chunks: [5, 1], dtype: "uint16" }), eager: core.zeros([5, 3], { dtype: "uint16" }) },
    { make: () => ones([7], { chunks: 3, dtype: "int8" }), eager: core.ones([7], { dtype: "int8" }) },
    { make: () => full([2, 2, 2], 2.5, { chunks: 1, dtype: "float32" }), eager: core.full([2, 2, 2], 2.5, { dtype: "float32" }) },
    { make: () => full([3], true, { chunks: 2 }), eager: core.full([3], true) },
    { make: () => zeros([0, 4], { chunks: 2 }), eager: core.zeros([0, 4]) },
    { make: () => ones([], { chunks: [] }), eager: core.ones([]) },
  ])("$make", async ({ make, eager }) => {
    const a = make();
    expect(isChunkedArray(a)).toBe(true);
    await assertLazyEqual(a, eager);
  });

  it("without chunks they return blocks (eager), as dask needs chunks to be lazy", () => {
    expect(isChunkedArray(zeros([2]))).toBe(false);
    expect(isChunkedArray(ones([2]))).toBe(false);
    expect(isChunkedArray(full([2], 1))).toBe(false);
  });

  it.each([
    { make: () => zeros([-1], { chunks: 2 }), err: ValueError, msg: /non-negative integers; got \(-1,\)/ },
    { make: () => zeros([2.5], { chunks: 2 }), err: ValueError, msg: /non-negative integers/ },
    { make: () => zeros([4], { chunks: 2, dtype: "float16" as never }), err: DtypeError, msg: /got "float16"/ },
    { make: () => ones([4], { chunks: 0 }), err: ChunkError, msg: /got 0/ },
    { make: () => full([4], 1, { chunks: [[1, 1]] }), err: ChunkError, msg: /sum to the axis length 4/ },
  ])("bad input $make throws", ({ make, err, msg }) => {
    expect(make).toThrow(err);
    expect(make).toThrow(msg);
  });
});

describe("elementwise with broadcasting and chunk unification", () => {
  const a = seq([4, 6]);
  const b = seq([1, 6], "float64", 1);
  const c = seq([6], "int32", 2);
  it.each([
    { name: "add same chunks", f: () => lazy.add(fromArray(a, { chunks: 2 }), fromArray(a, { chunks: 2 })), eager: ew.add(a, a), chunks: [[2, 2], [2, 2, 2]] },
    { name: "add unified [2,2] x [1,3]", f: () => lazy.add(fromArray(a, { chunks: [2, 3] }), fromArray(a, { chunks: [[1, 3], [4, 2]] })), eager: ew.add(a, a), chunks: [[1, 1, 2], [3, 1, 2]] },
    { name: "multiply broadcasting (1,6)", f: () => lazy.multiply(fromArray(a, { chunks: [2, 3] }), fromArray(b, { chunks: [1, 2] })), eager: ew.multiply(a, b), chunks: [[2, 2], [2, 1, 1, 2]] },
    { name: "subtract broadcasting 1-D int32", f: () => lazy.subtract(fromArray(a, { chunks: 3 }), fromArray(c, { chunks: 4 })), eager: ew.subtract(a, c), chunks: [[3, 1], [3, 1, 2]] },
    { name: "block mixed in", f: () => lazy.add(fromArray(a, { chunks: 2 }), b), eager: ew.add(a, b), chunks: [[2, 2], [2, 2, 2]] },
    { name: "weak scalar keeps float32", f: () => lazy.add(fromArray(astypeBlock(a, "float32"), { chunks: 2 }), 0.5), eager: ew.add(astypeBlock(a, "float32"), 0.5), chunks: [[2, 2], [2, 2, 2]] },
    { name: "weak scalar keeps uint8", f: () => lazy.multiply(3, fromArray(astypeBlock(a, "uint8"), { chunks: 3 })), eager: ew.multiply(3, astypeBlock(a, "uint8")), chunks: [[3, 1], [3, 3]] },
    { name: "comparison gives bool", f: () => lazy.greater(fromArray(a, { chunks: 2 }), 10), eager: ew.greater(a, 10), chunks: [[2, 2], [2, 2, 2]] },
    { name: "where with three chunkings", f: () => lazy.where(fromArray(ew.greater(a, 5), { chunks: [1, -1] }), fromArray(a, { chunks: 3 }), fromArray(c, { chunks: 5 })), eager: ew.where(ew.greater(a, 5), a, c), chunks: [[1, 1, 1, 1], [3, 2, 1]] },
    { name: "unary negative", f: () => lazy.negative(fromArray(c, { chunks: 4 })), eager: ew.negative(c), chunks: [[4, 2]] },
  ])("$name", async ({ f, eager, chunks }) => {
    const x = f();
    expect(x.chunks).toEqual(chunks);
    expect(x.dtype).toBe(eager.dtype);
    await assertLazyEqual(x, eager);
  });

  it("weak scalar dtypes: float32 + 0.5 stays float32, uint8 * 3 stays uint8", () => {
    expect(lazy.add(zeros([2], { chunks: 1, dtype: "float32" }), 0.5).dtype).toBe("float32");
    expect(lazy.multiply(zeros([2], { chunks: 1, dtype: "uint8" }), 3).dtype).toBe("uint8");
  });

  it("a length-1 axis broadcasts against a length-0 axis (shape [1,3] + [0,3] -> [0,3])", async () => {
    const out = lazy.add(fromArray(seq([1, 3]), { chunks: -1 }), fromArray(core.zeros([0, 3]), { chunks: -1 }));
    expect(out.shape).toEqual([0, 3]);
    await assertLazyEqual(out, ew.add(seq([1, 3]), core.zeros([0, 3])));
  });

  it("shapes that do not broadcast throw at build time", () => {
    const f = () => lazy.add(zeros([4, 3], { chunks: 2 }), zeros([4, 2], { chunks: 2 }));
    expect(f).toThrow(BroadcastError);
  });
});

describe("astype", () => {
  const x = ew.subtract(seq([3, 5]), 6.5);
  it.each(["float32", "int32", "uint8", "int16", "bool"] as const)("float64 -> %s", async (dtype) => {
    const a = lazy.astype(fromArray(x, { chunks: 2 }), dtype);
    expect(a.dtype).toBe(dtype);
    await assertLazyEqual(a, astypeBlock(x, dtype));
  });

  it("same dtype returns the array itself; method form matches", () => {
    const a = fromArray(x, { chunks: 2 });
    expect(lazy.astype(a, "float64")).toBe(a);
    expect(a.astype("int32").name).toBe(lazy.astype(a, "int32").name);
  });

  it("unknown dtype throws DtypeError", () => {
    expect(() => lazy.astype(fromArray(x, { chunks: 2 }), "complex256" as never)).toThrow(DtypeError);
  });
});

describe("rechunk", () => {
  const x = seq([7, 6], "int32");
  const a = fromArray(x, { chunks: [3, 4] });
  it.each([
    { target: 2, want: [[2, 2, 2, 1], [2, 2, 2]] },
    { target: [7, 1], want: [[7], [1, 1, 1, 1, 1, 1]] },
    { target: [[1, 6], [5, 1]], want: [[1, 6], [5, 1]] },
    { target: { 0: 1 }, want: [[1, 1, 1, 1, 1, 1, 1], [4, 2]] },
    { target: { 1: -1 }, want: [[3, 3, 1], [6]] },
    { target: -1, want: [[7], [6]] },
    { target: [null, 3], want: [[7], [3, 3]] },
    { target: "auto", want: [[7], [6]] },
    { target: [3, 4], want: [[3, 3, 1], [4, 2]] },
  ] as const)("shape=[7,6] chunks=[3,4] -> $target", async ({ target, want }) => {
    const r = rechunk(a, target as never);
    expect(r.chunks).toEqual(want);
    await assertLazyEqual(r, x);
  });

  it("to the same chunks is the same array (no new tasks)", () => {
    expect(rechunk(a, [3, 4]).name).toBe(a.name);
  });

  it("each new block reads only the old blocks it overlaps", () => {
    const r = rechunk(a, [[1, 6], [6]]);
    const task = flatten(r.graph).tasks.get(blockKey(r.name, [0, 0]))!;
    expect(task.args).toEqual([{ ref: blockKey(a.name, [0, 0]) }, { ref: blockKey(a.name, [0, 1]) }]);
  });

  it.each([
    { target: { 5: 2 }, msg: /keys must be axes 0..1; got "5"/ },
    { target: { [-1]: 2 }, msg: /keys must be axes/ },
    { target: [[3, 3], 2], msg: /sum to the axis length 7/ },
    { target: 0, msg: /positive integer/ },
    { target: [1, 2, 3], msg: /one entry per axis \(2\)/ },
  ])("bad target $target throws ChunkError", ({ target, msg }) => {
    expect(() => rechunk(a, target as never)).toThrow(ChunkError);
    expect(() => rechunk(a, target as never)).toThrow(msg);
  });
});

describe("mapBlocks", () => {
  const x = seq([4, 6]);
  const a = fromArray(x, { chunks: [2, 3] });

  it("dtype: the kernel casts to float32", async () => {
    const m = mapBlocks((b: Block) => astypeBlock(b, "float32"), a, { dtype: "float32" }) as ChunkedArray;
    expect(m.dtype).toBe("float32");
    await assertLazyEqual(m, astypeBlock(x, "float32"));
  });

  it("default dtype is the inputs' result type", () => {
    const m = mapBlocks((p: Block, q: Block) => ew.add(p, q), [fromArray(seq([2], "int16"), { chunks: 1 }), fromArray(seq([2], "uint8"), { chunks: 1 })]);
    expect((m as ChunkedArray).dtype).toBe("int16");
  });

  it("chunks = block shape: first row of every block", async () => {
    const m = mapBlocks((b: Block) => indexBlock(b, [{ start: 0, stop: 1 }, ":"]), a, { chunks: [1, 3] }) as ChunkedArray;
    expect(m.chunks).toEqual([[1, 1], [3, 3]]);
    await assertLazyEqual(m, indexBlock(x, [{ start: 0, stop: 4, step: 2 }, ":"]));
  });

  it("chunks = explicit sizes per axis", async () => {
    const m = mapBlocks((b: Block) => indexBlock(b, [":", { start: 0, stop: 1 }]), a, { chunks: [[2, 2], [1, 1]] }) as ChunkedArray;
    await assertLazyEqual(m, indexBlock(x, [":", { start: 0, stop: 6, step: 3 }]));
  });

  it("dropAxis: blocks along the dropped axis are merged, the kernel sums it away", async () => {
    const m = mapBlocks((b: Block) => sumBlock(b, { axis: 0 }), a, { dropAxis: 0 }) as ChunkedArray;
    expect(m.chunks).toEqual([[3, 3]]);
    await assertLazyEqual(m, sumBlock(x, { axis: 0 }));
  });

  it("newAxis: the kernel adds a leading axis", async () => {
    const m = mapBlocks((b: Block) => expandDims(b, 0), a, { newAxis: 0 }) as ChunkedArray;
    expect(m.chunks).toEqual([[1], [2, 2], [3, 3]]);
    await assertLazyEqual(m, expandDims(x, 0));
  });

  it("nout: two outputs from one task per block", async () => {
    const calls = vi.fn();
    const [p, q] = mapBlocks((b: Block) => (calls(), [b, ew.negative(b)]), a, { nout: 2 }) as ChunkedArray[];
    await assertLazyEqual(p!, x);
    await assertLazyEqual(q!, ew.negative(x));
    calls.mockClear();
    await compute([p!, q!]);
    expect(calls).toHaveBeenCalledTimes(4);
  });

  it("ctx.blockIndex and ctx.location", async () => {
    const m = mapBlocks(
      (b: Block, _p: unknown, ctx: { blockIndex: number[]; location: [number, number][]; shape: number[] }) => {
        expect(ctx.shape).toEqual([4, 6]);
        expect(ctx.location.map(([s, e]) => e - s)).toEqual(b.shape);
        return core.full(b.shape, ctx.blockIndex[0]! * 10 + ctx.blockIndex[1]! + ctx.location[1]![0] / 100);
      },
      a,
    ) as ChunkedArray;
    const want = emptyBlock("float64", [4, 6]);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) want.data[i * 6 + j] = Math.floor(i / 2) * 10 + Math.floor(j / 3) + (j < 3 ? 0 : 0.03);
    await assertLazyEqual(m, want);
  });

  it("params reach the kernel", async () => {
    const m = mapBlocks((b: Block, p: { k: number }) => ew.multiply(b, p.k), a, { params: { k: 3 } }) as ChunkedArray;
    await assertLazyEqual(m, ew.multiply(x, 3));
  });

  it("blog alignment: PSF (3,1,3,4,4) with a size-1 time axis against images (3,4,5,6,6) in per-volume blocks", async () => {
    const imgs = seq([3, 4, 5, 6, 6], "uint16");
    const psf = seq([3, 1, 3, 4, 4], "float32");
    const kernel = (img: Block, p: Block) => ew.multiply(astypeBlock(img, "float32"), get(sumBlock(p), []));
    const m = mapBlocks(kernel, [fromArray(imgs, { chunks: [1, 1, 5, 6, 6] }), fromArray(psf, { chunks: [1, 1, 3, 4, 4] })], { dtype: "float32" }) as ChunkedArray;
    expect(m.chunks.map((c) => c.length)).toEqual([3, 4, 1, 1, 1]);
    const eager = emptyBlock("float32", [3, 4, 5, 6, 6]);
    for (let ch = 0; ch < 3; ch++) {
      for (let t = 0; t < 4; t++) {
        const out = kernel(indexBlock(imgs, [{ start: ch, stop: ch + 1 }, { start: t, stop: t + 1 }, "..."]), indexBlock(psf, [{ start: ch, stop: ch + 1 }, "..."]));
        copyInto(indexBlock(eager, [{ start: ch, stop: ch + 1 }, { start: t, stop: t + 1 }, "..."]), out);
      }
    }
    await assertLazyEqual(m, eager, { rtol: 1e-6 });
  });

  it("a kernel returning the wrong block shape fails at compute, naming the block", async () => {
    const m = mapBlocks((b: Block) => indexBlock(b, [{ start: 0, stop: 1 }, ":"]), a) as ChunkedArray;
    const e = await compute(m).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(TaskError);
    expect((e as TaskError).blockIndex).toEqual([0, 0]);
    expect((e as Error).cause).toBeInstanceOf(KernelError);
    expect(((e as Error).cause as Error).message).toMatch(/mapBlocks: kernel the result must have the declared chunk shape \(2, 3\); got \(1, 3\) for block \[0,0\]/);
  });

  it("a kernel returning the wrong dtype fails at compute, naming the block", async () => {
    const m = mapBlocks((b: Block) => astypeBlock(b, "int32"), a, { name: "myOp" }) as ChunkedArray;
    const e = await compute(m).catch((err: unknown) => err);
    expect(((e as Error).cause as Error).message).toMatch(/myOp: kernel the result must have the declared dtype float64; got int32 for block \[0,0\]/);
  });

  it("nout with a kernel returning one block fails at compute", async () => {
    const [p] = mapBlocks((b: Block) => b, a, { nout: 2 }) as ChunkedArray[];
    await expect(compute(p!)).rejects.toThrow(/must return a list of 2 blocks/);
  });

  it.each([
    { fn: 5, arrays: a, options: {}, msg: /fn must be a function; got 5/ },
    { arrays: [], options: {}, msg: /arrays must include at least one array/ },
    { arrays: [1, 2], options: {}, msg: /arrays must include at least one array/ },
    { arrays: a, options: { nout: 0 }, msg: /nout must be a positive integer; got 0/ },
    { arrays: a, options: { nout: 1.5 }, msg: /nout must be a positive integer/ },
    { arrays: a, options: { dropAxis: 5 }, msg: /dropAxis must hold axes in \[-2, 2\); got 5/ },
    { arrays: a, options: { dropAxis: [0, -2] }, msg: /dropAxis must not repeat an axis/ },
    { arrays: a, options: { newAxis: 3 }, msg: /newAxis must hold axes in \[-3, 3\)/ },
    { arrays: a, options: { chunks: [1] }, msg: /chunks must have one entry per output axis \(2\)/ },
    { arrays: a, options: { chunks: [1.5, 2] }, msg: /chunks on axis 0 must be a non-negative integer or a list; got 1.5/ },
    { arrays: a, options: { chunks: [[-1], 2] }, msg: /chunks on axis 0 must be non-negative integers/ },
    { arrays: a, options: { dtype: "nope" }, msg: /dtype must be one of/ },
    { arrays: a, options: { dtype: ["float64"], nout: 2 }, msg: /dtype must list one dtype per output \(2\)/ },
    { arrays: [a, zeros([3, 6], { chunks: 3 })], options: {}, msg: /must have the same length/ },
  ])("bad options $options throw at build time: $msg", ({ fn, arrays, options, msg }) => {
    expect(() => mapBlocks((fn ?? ((b: Block) => b)) as never, arrays as never, options as never)).toThrow(msg);
  });
});

describe("lazy gufunc", () => {
  it('"(i,j,k),(a,b,c)->(i,j,k)" over a (2,3,8,8,8) stack in per-volume blocks against a (2,1,3,3,3) psf', async () => {
    const imgs = seq([2, 3, 8, 8, 8], "uint16");
    const psf = seq([2, 1, 3, 3, 3], "float32", 1);
    const deconvolve = gufunc("(i,j,k),(a,b,c)->(i,j,k)", (img: Block, p: Block) => ew.add(astypeBlock(img, "float32"), get(p, [1, 1, 1])), { outputDtypes: "float32" });
    const out = deconvolve(fromArray(imgs, { chunks: [1, 1, 8, 8, 8] }), fromArray(psf, { chunks: [1, 1, 3, 3, 3] }));
    expect(isChunkedArray(out)).toBe(true);
    expect(out.chunks).toEqual([[1, 1], [1, 1, 1], [8], [8], [8]]);
    await assertLazyEqual(out, deconvolve(imgs, psf));
  });

  it('"(i),(i)->()" with differently chunked loop dims (unified)', async () => {
    const inner = gufunc("(i),(i)->()", (p: Block, q: Block) => get(sumBlock(ew.multiply(p, q)), []));
    const p = seq([3, 6, 4]);
    const q = seq([6, 4], "float64", 5);
    const out = inner(fromArray(p, { chunks: [[1, 2], [3, 3], [4]] }), fromArray(q, { chunks: [[2, 4], [4]] }));
    expect(out.chunks).toEqual([[1, 2], [2, 1, 3]]);
    await assertLazyEqual(out, inner(p, q));
  });

  it("a block mixed with a lazy array, and a scalar", async () => {
    const scale = gufunc("(i),()->(i)", (p: Block, s: Block) => ew.multiply(p, get(s, [])));
    const p = seq([4, 3]);
    await assertLazyEqual(scale(fromArray(p, { chunks: [1, 3] }), 2), scale(p, 2));
  });

  it("several outputs", async () => {
    const stats = gufunc("(i)->(),()", (p: Block) => [get(sumBlock(p), []), get(p, [0])]);
    const p = seq([5, 4]);
    const [s, f] = stats(fromArray(p, { chunks: [2, -1] }));
    const [es, ef] = stats(p);
    await assertLazyEqual(s, es);
    await assertLazyEqual(f, ef);
  });

  it("outputSizes gives a lazy output-only dim", async () => {
    const outer = gufunc("(i)->(i,n)", (p: Block) => ew.multiply(expandDims(p, 1), core.ones([1, 3])));
    const p = seq([4, 2]);
    const lazyOut = outer.apply([fromArray(p, { chunks: [1, -1] })], { outputSizes: { n: 3 } }) as ChunkedArray;
    expect(lazyOut.chunks).toEqual([[1, 1, 1, 1], [2], [3]]);
    await assertLazyEqual(lazyOut, outer(p));
  });

  it('a dim repeated in one output: "(m)->(m,m)" (outer product per loop index)', async () => {
    const outer = gufunc("(m)->(m,m)", (p: Block) => ew.multiply(expandDims(p, 1), expandDims(p, 0)));
    const p = seq([5, 3]);
    const out = outer(fromArray(p, { chunks: [2, -1] }));
    expect(out.chunks).toEqual([[2, 2, 1], [3], [3]]);
    await assertLazyEqual(out, outer(p));
  });

  // Known bug (reported to the lead): on lazy arrays ctx.index is the loop index inside the
  // block, not in the whole array as the eager call gives. Flip to it() once fixed.
  it("ctx.index is the loop index in the whole array, as in the eager call", async () => {
    const where = gufunc("(i)->()", (_p: Block, _params: unknown, ctx: { index: number[] }) => ctx.index[0]!);
    const p = seq([4, 2]);
    await assertLazyEqual(where(fromArray(p, { chunks: [2, -1] })), where(p));
  });

  it("outputSizes is required for a lazy output-only dim (nothing runs before compute)", () => {
    const kernel = vi.fn((p: Block) => expandDims(p, 1));
    const outer = gufunc("(i)->(i,n)", kernel);
    expect(() => outer(fromArray(seq([4, 2]), { chunks: 2 }))).toThrow(/outputSizes must give the size of output-only core dim 'n'.*Pass outputSizes: \{ n: <size> \}/);
    expect(kernel).not.toHaveBeenCalled();
  });

  it("a chunked core dim is an error naming the operand, the axis and both fixes", () => {
    const inner = gufunc("(i),(i)->()", (p: Block) => get(p, [0]));
    const f = () => inner(zeros([3], { chunks: -1 }), zeros([5, 3], { chunks: [5, 2] }));
    expect(f).toThrow(ValueError);
    expect(f).toThrow(/core dim 'i' of input 1 \(axis 1, length 3\) must be in one chunk; got 2 chunks \[2,1\]\. Rechunk it first \(x\.rechunk\(\{ 1: -1 \}\)\), or pass allowRechunk: true/);
  });

  it("allowRechunk merges a chunked core dim within the memory budget (and says so)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const total = gufunc("(i)->()", (p: Block) => get(sumBlock(p), []), { allowRechunk: true });
    const p = seq([6, 4]);
    await assertLazyEqual(total(fromArray(p, { chunks: 2 })), total(p));
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/merging core dim 'i' of input 0 into one chunk; blocks of up to 64 B/));
  });

  it("allowRechunk with a memory budget that is exceeded is an error stating the size", () => {
    const total = gufunc("(i)->()", (p: Block) => get(p, [0]), { allowRechunk: true, memoryBudget: 32 });
    expect(() => total(fromArray(seq([6, 4]), { chunks: 2 }))).toThrow(/must keep blocks within the memory budget 32 B; got blocks of 64 B\. Make the loop-dim chunks smaller \(rechunk\) or raise memoryBudget/);
  });

  it.each([
    { name: "wrong input count", f: () => gufunc("(i)->()", () => 1).apply([zeros([2], { chunks: 1 }), zeros([2], { chunks: 1 })]), err: BindingError, msg: /number of inputs must be 1/ },
    { name: "core dims disagree", f: () => gufunc("(i),(i)->()", () => 1)(zeros([4], { chunks: -1 }), zeros([5], { chunks: -1 })), err: BindingError, msg: /core dim 'i' of input 1 .* must have size 4/ },
    { name: "bad outputDtypes", f: () => gufunc("(i)->()", () => 1, { outputDtypes: "bogus" as never })(zeros([4], { chunks: -1 })), err: DtypeError, msg: /outputDtypes must be a dtype name/ },
    { name: "too few dims", f: () => gufunc("(i,j)->()", () => 1)(zeros([4], { chunks: -1 })), err: BindingError, msg: /./ },
    { name: "loop dims do not broadcast", f: () => gufunc("(i),(i)->()", () => 1)(zeros([3, 4], { chunks: [1, -1] }), zeros([2, 4], { chunks: [1, -1] })), err: BroadcastError, msg: /./ },
  ])("bad call: $name", ({ f, err, msg }) => {
    expect(f).toThrow(err);
    expect(f).toThrow(msg);
  });
});

describe("compute", () => {
  it("several arrays at once share one run of their common tasks", async () => {
    const src = mapBlocks((b: Block) => b, zeros([4, 4], { chunks: 2 })) as ChunkedArray;
    const p = lazy.add(src, 1);
    const q = lazy.multiply(src, 3);
    const { executor, runs } = counting();
    const [rp, rq] = await compute([p, q], { executor });
    expect(rp!.shape).toEqual([4, 4]);
    expect(get(rp!, [3, 3])).toBe(1);
    expect(get(rq!, [0, 0])).toBe(0);
    expect(runs.filter((k) => k.startsWith(src.name)).length).toBe(4);
  });

  it("method form: x.compute() equals compute(x)", async () => {
    const x = fromArray(seq([3]), { chunks: 1 });
    expect((await x.compute()).data).toEqual((await compute(x)).data);
  });

  it("a block that disagrees with the grid is a KernelError from compute, not a retried task failure", async () => {
    const x = fromArray(seq([4]), { chunks: 2 });
    const lying = new ChunkedArray({ ...x, chunks: [[3, 1]] });
    const { executor, runs } = counting();
    const e = await compute(lying, { executor, retries: 2, optimize: false }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KernelError);
    expect((e as Error).message).toMatch(/block \(0,\) of array '.*' must have shape \(3,\) and dtype float64; got \(2,\) float64/);
    expect(new Set(runs).size).toBe(runs.length);
  });

  it("compute of something that is not a lazy array throws", async () => {
    await expect(compute(5 as never)).rejects.toThrow(/argument 0 must be a ChunkedArray/);
  });
});

describe("task graph", () => {
  const build = (kernel: (b: Block) => Block) => {
    const x = fromArray(seq([5, 4]), { chunks: [2, 3] });
    const y = lazy.astype(lazy.add(lazy.multiply(x, 2), fromArray(seq([4]), { chunks: 1 })), "float32");
    return rechunk(mapBlocks(kernel, y) as ChunkedArray, [5, 2]);
  };
  const graphText = (x: ChunkedArray) => canonicalJson([...flatten(x.graph).tasks.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, t]) => [k, { ...t, kernel: "closure" in t.kernel ? "closure" : t.kernel }]));

  it("the same expression built twice gives identical names and graphs", () => {
    const k = (b: Block) => b;
    const [p, q] = [build(k), build(k)];
    expect(p.name).toBe(q.name);
    expect(graphText(p)).toBe(graphText(q));
    expect(lazy.add(zeros([3], { chunks: 1 }), 1).name).toBe(lazy.add(zeros([3], { chunks: 1 }), 1).name);
  });

  it("different data, params or kernels give different names", () => {
    const a = fromArray(core.full([2], 0), { chunks: 1 });
    expect(fromArray(core.full([2], Number.NaN), { chunks: 1 }).name).not.toBe(a.name);
    expect(fromArray(core.full([2], 2 ** 32), { chunks: 1 }).name).not.toBe(a.name);
    expect(lazy.add(a, 1).name).not.toBe(lazy.add(a, 2).name);
    // Two closures with the same source text but different captured values must not collide.
    const shift = (k: number) => (b: Block) => ew.add(b, k);
    expect((mapBlocks(shift(1), a) as ChunkedArray).name).not.toBe((mapBlocks(shift(2), a) as ChunkedArray).name);
  });

  it("closures with the same text but different captures compute their own values in one graph", async () => {
    const shift = (k: number) => (b: Block) => ew.add(b, k);
    const a = zeros([2], { chunks: 1 });
    const sum = lazy.add(mapBlocks(shift(1), a) as ChunkedArray, mapBlocks(shift(10), a) as ChunkedArray);
    await assertLazyEqual(sum, core.full([2], 11));
  });

  it("fusion: astype -> mapBlocks -> elementwise becomes one task per block", async () => {
    const x = zeros([6, 4], { chunks: [2, 2], dtype: "uint8" });
    const chain = lazy.add(mapBlocks((b: Block) => ew.multiply(b, 2), lazy.astype(x, "float32")) as ChunkedArray, 1);
    const keys = keysOf(chain);
    const culled = cull(flatten(chain.graph).tasks, keys);
    expect(culled.size).toBe(4 * 6);
    const fused = fuseLinear(culled, new Set(keys));
    expect([...fused.keys()].sort()).toEqual([...keys].sort());
    const { executor, runs } = counting();
    await compute(chain, { executor });
    expect(runs.length).toBe(6);
    const unfused = counting();
    await compute(chain, { executor: unfused.executor, optimize: false });
    expect(unfused.runs.length).toBe(24);
  });

  it("culling: computing one of two arrays sharing a graph runs only the tasks it needs", async () => {
    const src = zeros([4], { chunks: 1 });
    const used = vi.fn((b: Block) => b);
    const unused = vi.fn((b: Block) => b);
    const p = mapBlocks(used, src) as ChunkedArray;
    const q = mapBlocks(unused, src) as ChunkedArray;
    const both = lazy.add(p, q);
    expect(both.graph.layers.has(q.name)).toBe(true);
    const { executor, runs } = counting();
    await compute(p, { executor, optimize: false });
    expect(used).toHaveBeenCalledTimes(4);
    expect(unused).not.toHaveBeenCalled();
    expect(runs.length).toBe(8);
  });
});

describe("executors, closures, retries, abort", () => {
  const remote: Executor = { ...inline(), name: "remote", acceptsClosures: false };

  it("an executor that refuses closures names the kernel and shows defineKernel(import.meta.url, ...)", async () => {
    const scale = (b: Block) => ew.multiply(b, 2);
    const m = mapBlocks(scale, zeros([2], { chunks: 1 })) as ChunkedArray;
    const e = await compute(m, { executor: remote }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ValueError);
    expect((e as Error).message).toMatch(/kernels must be named to run on the remote executor; got the closure 'scale'/);
    expect((e as Error).message).toContain('export const scale = defineKernel(import.meta.url, "scale", fn)');
  });

  it("a gufunc's closure kernel is refused too", async () => {
    const g = gufunc("(i)->()", (p: Block) => get(p, [0]));
    await expect(compute(g(zeros([2, 2], { chunks: [1, -1] })), { executor: remote })).rejects.toThrow(/defineKernel\(import\.meta\.url/);
  });

  it("a kernel named with defineKernel runs on it", async () => {
    const m = mapBlocks(doubleKernel, fromArray(seq([3]), { chunks: 1 })) as ChunkedArray;
    await assertLazyEqual(m, ew.multiply(seq([3]), 2), { executor: remote });
  });

  it("retries: a kernel failing once succeeds with retries: 1", async () => {
    let calls = 0;
    const flaky = (b: Block) => {
      if (calls++ === 0) throw new Error("transient");
      return b;
    };
    const m = mapBlocks(flaky, fromArray(seq([2]), { chunks: -1 })) as ChunkedArray;
    expect((await compute(m, { retries: 1 })).data).toEqual(seq([2]).data);
    expect(calls).toBe(2);
  });

  it("a kernel failing always gives TaskError with key, blockIndex and cause", async () => {
    const cause = new Error("always");
    let calls = 0;
    const m = mapBlocks(() => {
      calls++;
      throw cause;
    }, fromArray(seq([4]), { chunks: 2 })) as ChunkedArray;
    const e = await compute(m, { retries: 2 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(TaskError);
    const t = e as TaskError;
    expect(t.key).toBe(blockKey(m.name, [0]));
    expect(t.blockIndex).toEqual([0]);
    expect(t.cause).toBe(cause);
    expect(t.message).toMatch(/failed after 3 attempts with Error: always\. /);
    expect(calls).toBe(3);
  });

  it("AbortSignal: abort mid-run rejects with the reason and stops scheduling", async () => {
    const controller = new AbortController();
    let calls = 0;
    const m = mapBlocks((b: Block) => {
      if (++calls === 2) controller.abort(new Error("stop now"));
      return b;
    }, zeros([10], { chunks: 1 })) as ChunkedArray;
    await expect(compute(m, { signal: controller.signal })).rejects.toThrow("stop now");
    expect(calls).toBe(2);
  });

  it("an already aborted signal runs nothing", async () => {
    const kernel = vi.fn((b: Block) => b);
    const m = mapBlocks(kernel, zeros([3], { chunks: 1 })) as ChunkedArray;
    await expect(compute(m, { signal: AbortSignal.abort(new Error("early")) })).rejects.toThrow("early");
    expect(kernel).not.toHaveBeenCalled();
  });
});
