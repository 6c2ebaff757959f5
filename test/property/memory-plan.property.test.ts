/**
 * The memory plan counts what kernels and graph builders declare, and nothing else: for random
 * blockwise chains (a constant array, a mapBlocks step with a declared workspace, optionally a
 * gufunc whose user kernel declares one for the core it is called with, optionally an elementwise sum with a second array),
 * the largest task's bytes are its input blocks plus its declared output blocks plus its
 * kernel's declared workspace, computed here from the chunk grid alone (a model independent of
 * the tasks' own data).
 */
import { test, fc } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { gufunc } from "../../src/array/apply-gufunc.js";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { zeros } from "../../src/array/creation.js";
import { add } from "../../src/array/elementwise.js";
import { mapBlocks } from "../../src/array/map-blocks.js";
import { itemSize, resultType, type DataType } from "../../src/core/dtype.js";
import { astype } from "../../src/core/astype.js";
import type { Block } from "../../src/core/ndarray.js";
import { flatten } from "../../src/graph/graph.js";
import { defineKernel } from "../../src/graph/kernel.js";
import { taskDependencies, type Task } from "../../src/graph/task.js";
import { planMemory } from "../../src/schedule/memory-plan.js";

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Casts its block; declares `w` bytes per input element byte as workspace. */
export const scratchCast = defineKernel(import.meta.url, "scratchCast", (b: Block, params: { dtype: DataType; w: number }) => astype(b, params.dtype), {
  workspaceBytes: (params: { w: number }, [shape], [item]) => params.w * product(shape!) * item!,
});

/** A gufunc user kernel "(i)->(i)"; declares `w` bytes per input element byte of the core it is called with. */
export const scratchCore = defineKernel(import.meta.url, "scratchCore", (x: Block) => x, {
  workspaceBytes: (params: { w: number }, [shape], [item]) => params.w * product(shape!) * item!,
});

const DTYPES: DataType[] = ["uint8", "int16", "float32", "float64"];

/** Keys in dependency order (any topological order gives the same largest task). */
function topological(tasks: ReadonlyMap<string, Task>): Map<string, number> {
  const order = new Map<string, number>();
  const visit = (key: string): void => {
    if (order.has(key)) return;
    for (const d of taskDependencies(tasks.get(key)!)) visit(d);
    order.set(key, order.size);
  };
  for (const key of tasks.keys()) visit(key);
  return order;
}

const caseArb = fc.record({
  shape: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
  splits: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
  dtypes: fc.array(fc.constantFrom(...DTYPES), { minLength: 3, maxLength: 3 }),
  w1: fc.integer({ min: 0, max: 5 }),
  w2: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
  plus: fc.boolean(),
});

describe("memory plan (property)", () => {
  test.prop([caseArb], { numRuns: 60 })("largest task = inputs + declared outputs + declared workspace, from the chunk grid", (c) => {
    const [d0, d1, d2] = c.dtypes as [DataType, DataType, DataType];
    // The last axis is one chunk (a gufunc core dim); the others are split into blocks of `splits`.
    const chunks = c.shape.map((n, ax) => (ax === c.shape.length - 1 ? n : Math.min(n, c.splits[ax]!)));
    const n = product(chunks); // elements of the largest block (every axis's first chunk is its largest)
    const x = zeros(c.shape, { chunks, dtype: d0 });
    let y = mapBlocks(scratchCast, [x], { dtype: d1, params: { dtype: d1, w: c.w1 } }) as ChunkedArray;
    const peaks = [n * itemSize(d0), n * itemSize(d0) + n * itemSize(d1) + c.w1 * n * itemSize(d0)];
    let item = itemSize(d1);
    if (c.w2 !== undefined) {
      y = gufunc("(i)->(i)", scratchCore, { params: { w: c.w2 }, outputDtypes: d1 })(y) as ChunkedArray;
      // The user kernel runs once per loop index on a core of the last axis, one call at a
      // time: its workspace is one call's, for the core's shape, not the block's.
      peaks.push(n * item + n * item + c.w2 * chunks[chunks.length - 1]! * item);
    }
    if (c.plus) {
      const other = zeros(c.shape, { chunks, dtype: d2 });
      const out = resultType(y.dtype, d2);
      y = add(y, other) as ChunkedArray;
      peaks.push(n * itemSize(d2), n * item + n * itemSize(d2) + n * itemSize(out));
      item = itemSize(out);
    }
    const { tasks, closures } = flatten(y.graph);
    const readers = new Map<string, string[]>([...tasks.keys()].map((k) => [k, []]));
    for (const [k, t] of tasks) for (const d of new Set(taskDependencies(t))) readers.get(d)!.push(k);
    const plan = planMemory(tasks, { concurrency: 1, closures, order: topological(tasks), readers, resultsInMemory: false });
    expect(plan.taskPeakBytes).toBe(Math.max(...peaks));
    expect(plan.peakBytes).toBe(plan.taskPeakBytes);
    expect(plan.largestShape).toBeDefined();
  });
});
