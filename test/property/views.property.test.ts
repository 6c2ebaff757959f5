/**
 * Properties of views: index() equals naive element gathering; reshape() keeps the C-order
 * sequence of elements, whether it returns a view or a copy.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { get, sizeOf, toFlatArray } from "../../src/core/ndarray.js";
import { index, reshape, type IndexItem } from "../../src/core/views.js";
import { blockArb, dtypeArb, shapeArb } from "./core-arbitraries.js";

/** The indices `range(n)[start:stop:step]` picks, by Python's rules, element by element. */
function pySlice(n: number, start: number | null, stop: number | null, step: number): number[] {
  const norm = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const out: number[] = [];
  if (step > 0) {
    const s = start === null ? 0 : norm(start, 0, n);
    const e = stop === null ? n : norm(stop, 0, n);
    for (let i = s; i < e; i += step) out.push(i);
  } else {
    const s = start === null ? n - 1 : norm(start, -1, n - 1);
    const e = stop === null ? -1 : norm(stop, -1, n - 1);
    for (let i = s; i > e; i += step) out.push(i);
  }
  return out;
}

type Item = { kind: "int"; v: number } | { kind: "slice"; start: number | null; stop: number | null; step: number } | { kind: "new" };

function itemArb(n: number): fc.Arbitrary<Item> {
  const bound = fc.option(fc.integer({ min: -n - 2, max: n + 2 }), { nil: null });
  const arbs: fc.Arbitrary<Item>[] = [
    fc.record({ kind: fc.constant("slice" as const), start: bound, stop: bound, step: fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0) }),
  ];
  if (n > 0) arbs.push(fc.record({ kind: fc.constant("int" as const), v: fc.integer({ min: -n, max: n - 1 }) }));
  return fc.oneof(...arbs);
}

const caseArb = fc
  .tuple(shapeArb(0, 4), dtypeArb)
  .chain(([shape, dtype]) =>
    fc.record({
      x: blockArb(dtype, shape),
      items: fc.tuple(...shape.map((n) => itemArb(n))),
      newAxes: fc.array(fc.integer({ min: 0, max: shape.length }), { maxLength: 2 }),
      stringForm: fc.boolean(),
      ellipsisAt: fc.option(fc.integer({ min: 0, max: shape.length }), { nil: undefined }),
    }),
  );

describe("index() equals a naive reference", () => {
  test.prop([caseArb], { numRuns: 400 })("views with ints, slices, negative steps, null and ...", ({ x, items, newAxes, stringForm, ellipsisAt }) => {
    const { block } = x;
    // Insert new axes (null) at the chosen positions among the per-axis items.
    const full: Item[] = [...items];
    for (const p of [...newAxes].sort((a, b) => b - a)) full.splice(p, 0, { kind: "new" });
    const toIndex = (it: Item): IndexItem => {
      if (it.kind === "new") return null;
      if (it.kind === "int") return it.v;
      if (!stringForm) return { start: it.start, stop: it.stop, step: it.step };
      return `${it.start ?? ""}:${it.stop ?? ""}:${it.step}`;
    };
    let query = full.map(toIndex);
    // Replace a run of trailing full slices by "..." (same meaning) when asked.
    if (ellipsisAt !== undefined) {
      const tail = full.slice(ellipsisAt);
      if (tail.every((t) => t.kind === "slice" && t.start === null && t.stop === null && t.step === 1)) query = [...query.slice(0, ellipsisAt), "..."];
    }
    const v = index(block, query);
    expect(v.data).toBe(block.data);
    // naive: per item, the base indices it selects (int: one, dropped; slice: list; new: none)
    const shape: number[] = [];
    const choices: { base: number | undefined; list: number[] }[] = [];
    let ax = 0;
    for (const it of full) {
      if (it.kind === "new") {
        shape.push(1);
        choices.push({ base: undefined, list: [0] });
        continue;
      }
      const n = block.shape[ax]!;
      if (it.kind === "int") choices.push({ base: ax, list: [it.v < 0 ? it.v + n : it.v] });
      else {
        const list = pySlice(n, it.start, it.stop, it.step);
        shape.push(list.length);
        choices.push({ base: ax, list });
      }
      ax++;
    }
    expect(v.shape).toEqual(shape);
    const want: number[] = [];
    const walk = (k: number, base: number[]) => {
      if (k === choices.length) {
        want.push(get(block, base));
        return;
      }
      const c = choices[k]!;
      for (const i of c.list) walk(k + 1, c.base === undefined ? base : [...base, i]);
    };
    if (sizeOf(shape) > 0) walk(0, []);
    expect(toFlatArray(v)).toEqual(want);
  });
});

describe("reshape equals C-order flattening", () => {
  const reshapeArb = fc
    .tuple(shapeArb(0, 4), dtypeArb)
    .chain(([shape, dtype]) =>
      fc.record({ x: blockArb(dtype, shape), cuts: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 4 }), useMinusOne: fc.boolean(), shuffle: fc.boolean() }),
    );
  test.prop([reshapeArb], { numRuns: 300 })("reshape(view, target) keeps the sequence of elements", ({ x, cuts, useMinusOne, shuffle }) => {
    const { block, values } = x;
    const size = sizeOf(block.shape);
    // A target of the same size: peel divisors off the size, or permute the dims (size 0).
    let target: number[];
    if (size === 0) target = shuffle ? [...block.shape].reverse() : [0];
    else {
      target = [];
      let rest = size;
      for (const c of cuts) {
        const d = c <= rest && rest % c === 0 ? c : 1;
        target.push(d);
        rest /= d;
      }
      target.push(rest);
    }
    const query = useMinusOne && size > 0 ? target.map((d, i) => (i === target.length - 1 ? -1 : d)) : target;
    const r = reshape(block, query);
    expect(r.shape).toEqual(target);
    expect(toFlatArray(r)).toEqual(values);
    expect(toFlatArray(reshape(r, block.shape))).toEqual(values);
  });
});
