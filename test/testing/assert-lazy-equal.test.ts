import { describe, expect, it } from "vitest";
import { AssertionError, assertLazyEqual, type LazyCheck } from "../../src/testing/assert-lazy-equal.js";
import { fromArray, zeros } from "../../src/array/creation.js";
import { add, astype } from "../../src/array/elementwise.js";
import { mapBlocks } from "../../src/array/map-blocks.js";
import { ChunkedArray } from "../../src/array/chunked-array.js";
import { arange, full } from "../../src/core/creation.js";
import { reshape } from "../../src/core/views.js";
import { add as addBlock } from "../../src/core/elementwise.js";
import { astype as astypeBlock } from "../../src/core/astype.js";
import { fromTypedArray, type Block } from "../../src/core/ndarray.js";
import { inline } from "../../src/schedule/inline.js";
import type { Executor } from "../../src/schedule/scheduler.js";
import { identity } from "../../src/graph/block-kernels.js";
import { kernelRefOf } from "../../src/graph/kernel.js";
import { graphWith } from "../../src/graph/graph.js";
import type { Task } from "../../src/graph/task.js";

const x = reshape(arange(0, 24, 1, { dtype: "float64" }), [4, 6]);
const lazyX = fromArray(x, { chunks: [2, 4] });

async function expectFails(p: Promise<void>, check: LazyCheck, message: RegExp): Promise<void> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(AssertionError);
  expect((e as AssertionError).check).toBe(check);
  expect((e as Error).message).toMatch(/^assertLazyEqual: /);
  expect((e as Error).message).toMatch(message);
}

describe("assertLazyEqual passes", () => {
  it("fromArray shape=[4,6] chunks=[2,4]", async () => {
    await assertLazyEqual(lazyX, x);
  });

  it("elementwise with broadcasting and different chunkings", async () => {
    const y = reshape(arange(0, 6, 1, { dtype: "float64" }), [1, 6]);
    await assertLazyEqual(add(lazyX, fromArray(y, { chunks: [1, 3] })), addBlock(x, y));
  });

  it("floats within rtol pass; atol covers zeros", async () => {
    const near = fromTypedArray("float64", Float64Array.from(x.data, (v) => v * (1 + 1e-7) + 1e-9), [4, 6]);
    await assertLazyEqual(lazyX, near);
    await expectFails(assertLazyEqual(lazyX, near, { rtol: 0, atol: 0 }), "values", /be close \(rtol 0, atol 0\)/);
  });

  it("NaN equals NaN, as dask's assert_eq", async () => {
    const nan = fromTypedArray("float32", Float32Array.of(Number.NaN, 1), [2]);
    await assertLazyEqual(fromArray(nan, { chunks: 1 }), nan);
  });

  it("runs on the given executor", async () => {
    let runs = 0;
    const base = inline();
    const counting: Executor = { ...base, run: (...args) => (runs++, base.run(...args)) };
    await assertLazyEqual(lazyX, x, { executor: counting });
    expect(runs).toBeGreaterThan(0);
  });

  it("zero-length axis shape=[0,3]", async () => {
    const empty = fromTypedArray("int32", new Int32Array(0), [0, 3]);
    await assertLazyEqual(fromArray(empty, { chunks: 2 }), empty);
  });
});

describe("assertLazyEqual fails", () => {
  it("wrong values: reports the count and the first mismatch", async () => {
    const wrong = fromTypedArray("float64", Float64Array.from(x.data), [4, 6]);
    wrong.data[7] = -1;
    wrong.data[9] = -1;
    await expectFails(assertLazyEqual(lazyX, wrong), "values", /2 mismatched elements, first at \(1, 1\): lazy 7, eager -1/);
  });

  it("integers compare exactly", async () => {
    const ints = astypeBlock(x, "int32");
    const off = fromTypedArray("int32", Int32Array.from(ints.data as Int32Array, (v, i) => (i === 23 ? v + 1 : v)), [4, 6]);
    await expectFails(assertLazyEqual(astype(lazyX, "int32"), off, { rtol: 1, atol: 1 }), "values", /values must equal; got 1 mismatched element, first at \(3, 5\)/);
  });

  it("wrong dtype against the eager result", async () => {
    await expectFails(assertLazyEqual(astype(lazyX, "float32"), x), "dtype", /eager dtype float64; got float32/);
  });

  it("wrong shape against the eager result", async () => {
    await expectFails(assertLazyEqual(lazyX, reshape(x, [6, 4])), "shape", /eager shape \(6, 4\); got \(4, 6\)/);
  });

  it("wrong chunk shape declared via mapBlocks chunks=", async () => {
    const lazy = mapBlocks((b: Block) => b, lazyX, { chunks: [3, 3] }) as ChunkedArray;
    await expectFails(assertLazyEqual(lazy, x), "compute", /declared chunk shape \(3, 3\); got \(2, 4\) for block \[0,0\]/);
  });

  it("wrong dtype declared via mapBlocks dtype=", async () => {
    const lazy = mapBlocks((b: Block) => b, lazyX, { dtype: "float32" }) as ChunkedArray;
    await expectFails(assertLazyEqual(lazy, astypeBlock(x, "float32")), "compute", /declared dtype float32; got float64/);
  });

  it("blocks that disagree with the metadata's grid (no kernel check)", async () => {
    // Same tasks, but metadata claiming chunks [[3, 1], [4, 2]]: every block lands with the wrong shape.
    const lying = new ChunkedArray({ ...lazyX, chunks: [[3, 1], [4, 2]] });
    await expectFails(assertLazyEqual(lying, x), "compute", /block \(0, 0\) of array '.*' must have shape \(3, 4\)/);
  });

  it("chunks that do not tile the shape", async () => {
    const bad = new ChunkedArray({ ...lazyX, chunks: [[2, 1], [4, 2]] });
    await expectFails(assertLazyEqual(bad, x), "metadata", /chunks on axis 0 must be .* summing to the axis length 4; got \(2, 1\)/);
  });

  it("a reference to a missing task", async () => {
    const ref = kernelRefOf(identity)!;
    const tasks = new Map<string, Task>([["d-1[0]", { key: "d-1[0]", kernel: ref, args: [{ ref: "nowhere[0]" }] }]]);
    const dangling = new ChunkedArray({ name: "d-1", shape: [2], dtype: "float64", chunks: [[2]], graph: graphWith({ name: "d-1", tasks }) });
    await expectFails(assertLazyEqual(dangling, full([2], 0)), "graph", /reference to 'nowhere\[0\]' with no task/);
  });

  it("the same key built twice with different tasks", async () => {
    const a = zeros([2], { chunks: 2 });
    const [key, task] = [...[...a.graph.layers.values()][0]!.tasks][0]!;
    const other: Task = { ...task, params: { ...(task.params as object), value: 5 } };
    const graph = graphWith({ name: "impostor", tasks: new Map([[key, other]]) }, a.graph);
    await expectFails(assertLazyEqual(new ChunkedArray({ ...a, graph }), full([2], 0)), "graph", /task keys must be unique; got key 'zeros-.*\[0\]' in layers/);
  });

  it("a block with no task", async () => {
    const none = new ChunkedArray({ ...lazyX, chunks: [[2, 2], [4, 1, 1]] });
    await expectFails(assertLazyEqual(none, x), "graph", /every block must have a task; got 2 without/);
  });

  it("a failing kernel: the kernel's error is the cause", async () => {
    const boom = new Error("boom");
    const lazy = mapBlocks(() => {
      throw boom;
    }, lazyX) as ChunkedArray;
    const e = await assertLazyEqual(lazy, x).catch((err: unknown) => err);
    expect((e as AssertionError).check).toBe("compute");
    expect((e as Error).message).toMatch(/boom/);
    expect(((e as Error).cause as Error).cause).toBe(boom);
  });
});
