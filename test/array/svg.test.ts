import { describe, expect, it } from "vitest";
import { toSVG } from "../../src/array/svg.js";
import { zeros } from "../../src/array/creation.js";
import { ValueError } from "../../src/core/errors.js";

/** A tiny well-formedness check: one root, tags nest and close, attributes are quoted, no stray `<` or `&`. */
function expectWellFormed(svg: string): void {
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < svg.length) {
    const lt = svg.indexOf("<", i);
    const textPart = svg.slice(i, lt < 0 ? svg.length : lt);
    expect(textPart).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)|>/);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(svg);
    expect(m, `malformed tag at ${lt}: ${svg.slice(lt, lt + 40)}`).not.toBeNull();
    const [whole, close, name, , selfClose] = m!;
    if (close) expect(stack.pop()).toBe(name);
    else if (!selfClose) {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) roots++;
    i = lt + whole.length;
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
}

const lines = (svg: string): number => (svg.match(/<line /g) ?? []).length;
const labels = (svg: string): string[] => [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

describe("toSVG", () => {
  it.each([
    { chunks: [[2, 2, 2, 1]], lines: 2 + 5, labels: ["7", "1"] },
    { chunks: [[5, 5], [3, 3, 3]], lines: 3 + 4, labels: ["9", "10"] },
    { chunks: [[10], [10]], lines: 4, labels: ["10", "10"] },
    { chunks: [[4, 4], [2, 2, 2], [5, 5]], lines: (4 + 3) + (3 + 3) + (4 + 3), labels: ["10", "6", "8"] },
  ])("chunks=$chunks draws $lines grid lines and labels $labels", ({ chunks, lines: n, labels: want }) => {
    const svg = toSVG({ chunks });
    expectWellFormed(svg);
    expect(lines(svg)).toBe(n);
    expect(labels(svg)).toEqual(want);
    expect((svg.match(/<polygon /g) ?? []).length).toBe(chunks.length === 3 ? 3 : 1);
  });

  it("shape=[1000,1000] chunks=1 caps lines at size/6 per direction and darkens the fill", () => {
    const svg = toSVG({ chunks: [new Array(1000).fill(1), new Array(1000).fill(1)] });
    expectWellFormed(svg);
    expect(lines(svg)).toBe(2 * Math.floor(200 / 6));
    expect(svg).toContain("8B4903");
    expect(svg.length).toBeLessThan(10_000);
    // the outline is always drawn (stroke-width 2 on the first and last line of each direction)
    expect((svg.match(/stroke-width:2"/g) ?? []).length).toBe(4);
  });

  it("size option scales the drawing and the line cap", () => {
    const small = toSVG({ chunks: [new Array(50).fill(1), [5]] }, { size: 60 });
    expectWellFormed(small);
    expect(lines(small)).toBe(10 + 2);
    const width = Number(/width="(\d+)"/.exec(small)![1]);
    expect(width).toBeLessThan(200);
  });

  it("rotates the height label of long axes, as dask", () => {
    expect(toSVG({ chunks: [[100], [10]] })).toMatch(/rotate\(-90,[^)]*\)">100</);
    expect(toSVG({ chunks: [[99], [10]] })).not.toMatch(/rotate\(-90/);
  });

  it("blog shape (3,199,201,1024,768) chunks (1,1,201,1024,768) draws a 2-D grid and a box, as dask", () => {
    const x = zeros([3, 199, 201, 1024, 768], { chunks: [1, 1, 201, 1024, 768], dtype: "uint16" });
    const svg = toSVG(x);
    expectWellFormed(svg);
    expect((svg.match(/<g transform="translate\(/g) ?? []).length).toBe(2);
    expect((svg.match(/<polygon /g) ?? []).length).toBe(1 + 3);
    for (const n of ["3", "199", "201", "1024", "768"]) expect(labels(svg)).toContain(n);
    expect(lines(svg)).toBeLessThanOrEqual(4 * 2 * 33);
  });

  it.each([
    { shape: [2, 3, 4, 5], groups: 2 },
    { shape: [2, 3, 4, 5, 6, 7], groups: 2 },
    { shape: [2, 3, 4, 5, 6, 7, 8], groups: 3 },
  ])("shape=$shape draws $groups groups", ({ shape, groups }) => {
    const svg = toSVG({ chunks: shape.map((n) => [n]) });
    expectWellFormed(svg);
    expect((svg.match(/<g transform/g) ?? []).length).toBe(groups);
  });

  it.each([
    { array: { chunks: [] }, msg: /at least one axis/ },
    { array: { chunks: [[0], [3]] }, msg: /positive length; got shape \(0, 3\)/ },
    { array: {}, msg: /must have chunks/ },
    { array: { chunks: [[3]] }, options: { size: 0 }, msg: /size must be a positive number/ },
    { array: { chunks: [[3]] }, options: { size: Number.NaN }, msg: /size must be a positive number/ },
  ])("bad input $array $options throws $msg", ({ array, options, msg }) => {
    expect(() => toSVG(array as never, options)).toThrow(ValueError);
    expect(() => toSVG(array as never, options)).toThrow(msg);
  });
});
