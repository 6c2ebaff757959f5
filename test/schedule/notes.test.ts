/**
 * Notes (`ctx.note` -> `onNote`) on the inline and threads executors: delivered with the
 * result, once per note of the attempt that succeeded, in the order sent; refused (the task
 * fails) when not JSON-able, too large, too deep or too many; and absent when no one listens.
 * A property checks the general rule over random graphs: every task's notes arrive exactly
 * once, keyed by the task.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { fromArray } from "../../src/array/creation.js";
import { mapBlocks } from "../../src/array/map-blocks.js";
import { TaskError, ValueError } from "../../src/core/errors.js";
import type { Block } from "../../src/core/ndarray.js";
import { applyPipeline, pipeline, richardsonLucy } from "../../src/filters/index.js";
import { compute } from "../../src/schedule/compute.js";
import { inline } from "../../src/schedule/inline.js";
import { noteSink, noteText } from "../../src/schedule/notes.js";
import { threads } from "../../src/executors/threads/index.js";
import { ramp } from "../executors/conformance.js";
import { badNote, noting } from "../executors/note-kernels.js";

const pool = threads({ workers: 2 });
afterAll(() => pool.close());

type Got = [string, unknown][];
const collect = (): { got: Got; onNote: (k: string, n: unknown) => void } => {
  const got: Got = [];
  return { got, onNote: (k, n) => void got.push([k, n]) };
};

describe.each([
  ["inline", () => inline()],
  ["inline(concurrency 3)", () => inline({ concurrency: 3 })],
  ["threads(2)", () => pool],
])("notes on %s", (_, executor) => {
  it("each block's notes reach onNote with its task key, in the order sent, once", async () => {
    const x = fromArray(ramp([8, 6]), { chunks: [4, 3] });
    const y = mapBlocks(noting, [x], { params: { count: 2 }, name: "noted" }) as ChunkedArray;
    const { got, onNote } = collect();
    await compute(y, { executor: executor(), onNote });
    expect(got.length).toBe(8);
    const whole = await compute(x);
    for (const [i, j] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
      let sum = 0;
      for (let r = 4 * i; r < 4 * i + 4; r++) for (let c = 3 * j; c < 3 * j + 3; c++) sum += whole.data[whole.offset + r * whole.stride[0]! + c * whole.stride[1]!] as number;
      const key = `${y.name}[${i},${j}]`;
      expect(got.filter(([k]) => k === key).map(([, n]) => n)).toEqual([{ block: [i, j], k: 0, sum, tag: 0 }, { block: [i, j], k: 1, sum, tag: 0 }]);
    }
  });

  it.each([
    ["function", /a note must be JSON-able; got function/],
    ["bigint", /a note must be JSON-able; got a value JSON\.stringify refuses/],
    ["big", /a note must be at most 4096 bytes of JSON; got 5011/],
    ["deep", /a note must nest arrays and objects at most 16 levels deep/],
    ["many", /a task must send at most 64 notes; got one more/],
  ])("a %s note fails its task with a ValueError", async (kind, message) => {
    const x = fromArray(ramp([4]), { chunks: 4 });
    const { got, onNote } = collect();
    const err = await compute(mapBlocks(badNote, [x], { params: { kind: kind as "big" } }) as ChunkedArray, { executor: executor(), onNote }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    const cause = (err as TaskError).cause as Error;
    expect(cause.name).toBe("ValueError");
    expect(cause.message).toMatch(message);
    expect(got).toEqual([]);
  });

  it("without onNote kernels get no ctx.note, and run as before", async () => {
    const x = fromArray(ramp([4]), { chunks: 2 });
    const seen: boolean[] = [];
    const probe = mapBlocks((b: Block, _p: unknown, ctx: { note?: unknown }) => (seen.push(ctx.note !== undefined), b), [x]) as ChunkedArray;
    if (executor().acceptsClosures) {
      await compute(probe, { executor: executor() });
      expect(seen).toEqual([false, false]);
    }
    // badNote calls ctx.note! unconditionally: without a listener it throws, so the task fails.
    const err = await compute(mapBlocks(badNote, [x], { params: { kind: "many" } }) as ChunkedArray, { executor: executor() }).catch((e: unknown) => e);
    expect(((err as TaskError).cause as Error).message).toMatch(/not a function/);
  });
});

describe("notes and retries", () => {
  it("the notes of a failed attempt are dropped; the successful attempt's arrive once", async () => {
    const x = fromArray(ramp([4]), { chunks: 4 });
    let attempt = 0;
    const flaky = (b: Block, _p: unknown, ctx: { note?: (v: unknown) => void }): Block => {
      attempt++;
      ctx.note?.({ attempt });
      if (attempt === 1) throw new Error("first attempt fails");
      return b;
    };
    const { got, onNote } = collect();
    const y = mapBlocks(flaky, [x], { name: "flaky" }) as ChunkedArray;
    await compute(y, { executor: inline(), onNote, retries: 1 });
    expect(got).toEqual([[`${y.name}[0]`, { attempt: 2 }]]);
  });
});

describe("noteSink", () => {
  it("delivers a JSON copy: changing the value after sending does not change the note", () => {
    const notes: unknown[] = [];
    const note = noteSink((n) => notes.push(n));
    const v = { a: [1, 2], b: "x", c: NaN };
    note(v);
    v.a.push(3);
    expect(notes).toEqual([{ a: [1, 2], b: "x", c: null }]);
  });

  it("noteText throws ValueError in the house template", () => {
    expect(() => noteText(undefined)).toThrow(ValueError);
    expect(() => noteText(undefined)).toThrow("ctx.note: a note must be JSON-able; got undefined. Send plain numbers, strings, booleans, arrays and objects");
  });
});

describe("property: every task's notes arrive exactly once, keyed by the task", () => {
  it("random chains of noting layers over random chunkings, fused or not, inline or on threads", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (n, chunk, concurrency, counts, optimize, retriesSeed, onThreads) => {
          let a: ChunkedArray = fromArray(ramp([n]), { chunks: chunk });
          const layers: string[] = [];
          counts.forEach((count, i) => {
            a = mapBlocks(noting, [a], { params: { count, tag: i }, name: `layer${i}` }) as ChunkedArray;
            layers.push(a.name);
          });
          const { got, onNote } = collect();
          await compute(a, { executor: onThreads ? pool : inline({ concurrency }), onNote, optimize, retries: retriesSeed - 1 });
          const blocks = Math.ceil(n / chunk);
          // Fused chains run as one task named after the last layer: its notes carry that key.
          const expected = counts.reduce((s, c) => s + c, 0) * blocks;
          expect(got.length).toBe(expected);
          for (let b = 0; b < blocks; b++) {
            for (const [i, c] of counts.entries()) {
              const mine = got.filter(([, note]) => (note as { block: number[]; tag: number }).block[0] === b && (note as { tag: number }).tag === i);
              expect(mine.map(([, note]) => (note as { k: number }).k)).toEqual([...Array(c).keys()]);
              // Unfused, each layer's task sends its own; fused, the chain's one task (its last layer's key) sends them all.
              for (const [k] of mine) expect(k).toBe(`${layers[optimize ? layers.length - 1 : i]}[${b}]`);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("richardsonLucy's note: the iterations each block used", () => {
  const image = (): Block<"float32"> => {
    const shape = [12, 10];
    const data = new Float32Array(120);
    for (let i = 0; i < 120; i++) data[i] = 5 + ((i * 37) % 11) + (i % 10 === 4 ? 40 : 0);
    return { dtype: "float32", data, shape, stride: [10, 1], offset: 0 };
  };
  const psf: Block<"float32"> = { dtype: "float32", data: Float32Array.from([1, 2, 1, 2, 4, 2, 1, 2, 1]), shape: [3, 3], stride: [3, 1], offset: 0 };

  it.each([
    ["inline", () => inline()],
    ["threads(2)", () => pool],
  ])("on %s, with a tolerance, each block's note is what onStop reports eagerly on that block (with its halo)", async (_, executor) => {
    const options = { iterations: 30, tolerance: 3e-2 };
    const x = fromArray(image(), { chunks: [6, 10] });
    const y = applyPipeline(x, pipeline([richardsonLucy, options]), psf, { depth: 0 });
    const { got, onNote } = collect();
    await compute(y, { executor: executor(), onNote });
    const want: unknown[] = [];
    const img = image();
    for (const r of [0, 6]) {
      const block: Block<"float32"> = { ...img, data: img.data.slice(r * 10, (r + 6) * 10), shape: [6, 10] };
      richardsonLucy(block, psf, { ...options, onStop: (s) => void want.push({ iterations: s.iterations, converged: s.converged, change: s.change }) });
    }
    expect(got.map(([, n]) => n).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(want.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
    expect((want[0] as { iterations: number }).iterations).toBeLessThan(30);
  });

  it("without a tolerance, no note (the iterations are always `iterations`)", async () => {
    const { got, onNote } = collect();
    await compute(applyPipeline(fromArray(image(), { chunks: [6, 10] }), pipeline([richardsonLucy, { iterations: 3 }]), psf, { depth: 0 }), { onNote });
    expect(got).toEqual([]);
  });
});
