import { test, fc } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { gufunc } from "../../src/gufunc/gufunc.js";
import { BindingError, BroadcastError } from "../../src/core/errors.js";
import { toFlatArray, type Block } from "../../src/core/ndarray.js";
import { signatureArb } from "../../src/testing/arbitraries.js";
import { gufuncCaseArb, referenceGufunc, seededBlock } from "../../src/testing/gufunc-cases.js";
import { makeKernel, outputSizesFor } from "./gufunc-kernels.js";

const caseArb = signatureArb({ maxInputs: 3, maxOutputs: 2, maxCoreDims: 2, maxDims: 3 }).chain(({ signature }) =>
  gufuncCaseArb(signature, { maxLoopDims: 3, maxSize: 3 }),
);


describe("gufunc equals a naive reference loop", () => {
  test.prop([caseArb, fc.nat(1000)], { numRuns: 300 })("random signature and shapes", (c, seed) => {
    const inputs = c.inputShapes.map((s, i) => seededBlock(s, seed + i));
    const kernel = makeKernel(c);
    const g = gufunc(c.signature.text, kernel, { outputSizes: outputSizesFor(c.signature, c.sizes), outputDtypes: new Array(c.signature.outputs.length).fill("float64") });
    const got = g.apply(inputs);
    const outs = Array.isArray(got) ? got : [got];
    const want = referenceGufunc(c.signature, kernel, inputs, c.outputShapes);
    expect(outs.map((o) => o.shape)).toEqual(c.outputShapes);
    outs.forEach((o, k) => expect(toFlatArray(o)).toEqual(toFlatArray(want[k]!)));
  });

  test.prop([caseArb, fc.nat(1000)], { numRuns: 100 })("vectorize: false sees broadcast whole blocks", (c, seed) => {
    const inputs = c.inputShapes.map((s, i) => seededBlock(s, seed + i));
    const nloop = c.loopShape.length;
    const seen: number[][] = [];
    const g = gufunc(
      c.signature.text,
      (...args: unknown[]) => {
        (args.slice(0, inputs.length) as Block[]).forEach((b) => seen.push(b.shape.slice(0, nloop)));
        return c.outputShapes.length === 1 ? seededBlock(c.outputShapes[0]!, 1) : c.outputShapes.map((s) => seededBlock(s, 1));
      },
      { vectorize: false, outputSizes: outputSizesFor(c.signature, c.sizes), outputDtypes: new Array(c.signature.outputs.length).fill("float64") },
    );
    g.apply(inputs);
    for (const s of seen) expect(s).toEqual(c.loopShape);
  });
});

describe("invalid bindings throw the right error class", () => {
  test.prop([caseArb, fc.nat()], { numRuns: 200 })("a core dim size changed in one operand is a BindingError", (c, pick) => {
    const sig = c.signature;
    // Find an input core axis whose name also binds elsewhere (another operand, or a frozen size).
    const candidates: [number, number][] = [];
    sig.inputs.forEach((dims, i) => {
      const kept = dims.filter((d) => d.name in c.sizes);
      kept.forEach((d, j) => {
        const uses = sig.inputs.filter((ds) => ds.some((x) => x.name === d.name)).length + sig.inputs[i]!.filter((x) => x.name === d.name).length - 1;
        if (d.frozen !== undefined || uses > 1) candidates.push([i, c.inputShapes[i]!.length - kept.length + j]);
      });
    });
    fc.pre(candidates.length > 0);
    const [i, axis] = candidates[pick % candidates.length]!;
    const shapes = c.inputShapes.map((s) => [...s]);
    shapes[i]![axis]! += 1;
    const g = gufunc(sig.text, () => 0, { outputSizes: outputSizesFor(sig, c.sizes) });
    expect(() => g.apply(shapes.map((s) => seededBlock(s, 0)))).toThrow(BindingError);
  });

  test.prop([caseArb], { numRuns: 200 })("loop dims that disagree are a BroadcastError", (c) => {
    const sig = c.signature;
    fc.pre(sig.inputs.length >= 2 && sig.inputs.every((dims) => dims.every((d) => !d.optional)));
    const shapes = c.inputShapes.map((s) => [...s]);
    shapes[0] = [2, ...shapes[0]!];
    shapes[1] = [3, ...shapes[1]!.slice(shapes[1]!.length - sig.inputs[1]!.length)];
    shapes[0] = [2, ...shapes[0]!.slice(shapes[0]!.length - sig.inputs[0]!.length)];
    const g = gufunc(sig.text, () => 0, { outputSizes: outputSizesFor(sig, c.sizes) });
    expect(() => g.apply(shapes.map((s) => seededBlock(s, 0)))).toThrow(BroadcastError);
  });

  test.prop([caseArb], { numRuns: 200 })("too few dims for the core is a BindingError", (c) => {
    const sig = c.signature;
    const i = sig.inputs.findIndex((dims) => dims.some((d) => !d.optional));
    fc.pre(i >= 0);
    const need = sig.inputs[i]!.filter((d) => !d.optional).length;
    const shapes = c.inputShapes.map((s) => [...s]);
    shapes[i] = shapes[i]!.slice(shapes[i]!.length - need + 1);
    const g = gufunc(sig.text, () => 0, { outputSizes: outputSizesFor(sig, c.sizes) });
    expect(() => g.apply(shapes.map((s) => seededBlock(s, 0)))).toThrow(BindingError);
  });
});
