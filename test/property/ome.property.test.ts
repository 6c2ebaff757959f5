/**
 * OME-Zarr rules with a general form, for random inputs: the metadata chunkwise writes parses
 * back to the same axes, scales and translations (both NGFF versions); the pyramid plan halves
 * y and x every level, halves z exactly when its voxel is at most x's, never touches time or
 * channel axes, multiplies scales by the factors, and moves translations to block centres.
 */
import { test, fc } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { buildOmeAttributes, parseOmeImage, type OmeAxis } from "../../src/io/zarr/ome-metadata.js";
import { planPyramid } from "../../src/io/zarr/pyramid.js";

/** Valid NGFF axes: optional t, optional c, then 2 or 3 space axes. */
const axesArb: fc.Arbitrary<OmeAxis[]> = fc.record({ t: fc.boolean(), c: fc.boolean(), z: fc.boolean(), unit: fc.constantFrom(undefined, "micrometer", "nanometer") }).map(({ t, c, z, unit }) => [
  ...(t ? [{ name: "t", type: "time", unit: "second" }] : []),
  ...(c ? [{ name: "c", type: "channel" }] : []),
  ...(z ? ["z", "y", "x"] : ["y", "x"]).map((name) => ({ name, type: "space", ...(unit ? { unit } : {}) })),
]);
const positive = fc.double({ min: 0.001, max: 1000, noNaN: true });
const finite = fc.double({ min: -1000, max: 1000, noNaN: true });

describe("OME-Zarr metadata and pyramid properties", () => {
  test.prop([axesArb.chain((axes) => fc.record({
    axes: fc.constant(axes),
    levels: fc.array(fc.record({ scale: fc.array(positive, { minLength: axes.length, maxLength: axes.length }), translation: fc.array(finite, { minLength: axes.length, maxLength: axes.length }) }), { minLength: 1, maxLength: 4 }),
    version: fc.constantFrom("0.4" as const, "0.5" as const),
  }))], { numRuns: 100 })("build then parse is the identity on axes, scales and translations", ({ axes, levels, version }) => {
    const datasets = levels.map((l, k) => ({ path: String(k), ...l }));
    const attrs = buildOmeAttributes({ version, name: "p", axes, datasets, type: "local_mean", metadata: {} });
    const parsed = parseOmeImage("test", JSON.parse(JSON.stringify(attrs)) as Record<string, unknown>, version === "0.4" ? 2 : 3, "here");
    expect(parsed.version).toBe(version);
    expect(parsed.axes).toEqual(axes);
    expect(parsed.datasets.map((d) => [d.path, d.scale, d.translation])).toEqual(datasets.map((d) => [d.path, d.scale, d.translation.map((t) => t + 0)]));
  });

  test.prop([axesArb.chain((axes) => fc.record({
    axes: fc.constant(axes),
    shape: fc.tuple(...axes.map((a) => fc.integer({ min: a.type === "space" ? 1 : 1, max: a.type === "space" ? 3000 : 4 }))),
    scale: fc.tuple(...axes.map(() => positive)),
    translation: fc.tuple(...axes.map(() => finite)),
    chunk: fc.constantFrom(16, 64, 256),
    levels: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    sourceBlocks: fc.boolean(),
  }))], { numRuns: 200 })("planPyramid: halving rules, scales, translations and chunks", ({ axes, shape, scale, translation, chunk, levels, sourceBlocks }) => {
    const viewing = axes.map((a) => (a.type === "space" ? chunk : 1));
    // Level 0 chunked as a source's whole blocks (every space axis whole), shrinking towards the viewing chunks.
    const chunks = sourceBlocks ? shape.map((n, i) => (axes[i]!.type === "space" ? n : 1)) : viewing;
    const plan = planPyramid({ axes, shape, scale, translation, chunks, ...(sourceBlocks ? { shrinkTo: viewing } : {}), ...(levels === undefined ? {} : { levels }) });
    const space = axes.flatMap((a, i) => (a.type === "space" ? [i] : []));
    const [y, x] = space.slice(-2) as [number, number];
    const z = space.length === 3 ? space[0]! : undefined;
    expect(plan[0]!.shape).toEqual(shape);
    if (levels !== undefined) expect(plan.length).toBeLessThanOrEqual(levels);
    for (let k = 1; k < plan.length; k++) {
      const prev = plan[k - 1]!;
      const cur = plan[k]!;
      axes.forEach((a, i) => {
        const f = cur.factors[i]!;
        const want = i === y || i === x ? 2 : i === z ? (prev.shape[z]! >= 2 && prev.scale[z]! <= prev.scale[x]! * (1 + 1e-9) ? 2 : 1) : 1;
        expect(f).toBe(want);
        expect(cur.shape[i]).toBe(Math.floor(prev.shape[i]! / f));
        expect(cur.scale[i]).toBeCloseTo(prev.scale[i]! * f, 9);
        expect(cur.translation[i]).toBeCloseTo(prev.translation[i]! + ((f - 1) * prev.scale[i]!) / 2, 6);
        const chunkWant = sourceBlocks ? Math.max(viewing[i]!, Math.ceil(prev.chunks[i]! / f)) : chunks[i]!;
        expect(cur.chunks[i]).toBe(Math.max(1, Math.min(chunkWant, cur.shape[i]!)));
      });
      expect(prev.shape[y]! >= 2 && prev.shape[x]! >= 2).toBe(true);
    }
    // Default depth: stop once y and x fit one chunk (or cannot halve any more).
    if (levels === undefined) {
      const top = plan[plan.length - 1]!;
      expect((top.shape[y]! <= chunk && top.shape[x]! <= chunk) || top.shape[y]! < 2 || top.shape[x]! < 2).toBe(true);
      // A level's read block (its chunk times the factors) covers whole chunks of the level below,
      // or lies inside one, or is the level's only block along that axis (clipped to the shape).
      for (let k = 1; k < plan.length; k++) {
        plan[k]!.chunks.forEach((c, i) => {
          const read = c * plan[k]!.factors[i]!;
          const below = plan[k - 1]!.chunks[i]!;
          expect(read % below === 0 || below % read === 0 || c >= plan[k]!.shape[i]!).toBe(true);
        });
      }
    }
  });
});
