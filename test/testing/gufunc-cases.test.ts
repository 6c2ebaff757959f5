/**
 * gufuncCaseArb generates only cases that bind to their own stated shapes. The binding it is
 * checked against, bindShapes, agrees with NumPy 1.24's C machinery on 3,000 random cases
 * (test/conformance/numpy-c-gufunc.test.ts), so a case passing here is one NumPy binds the same.
 */
import { test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { bindShapes } from "../../src/gufunc/bind.js";
import { parseSignature } from "../../src/gufunc/signature.js";
import { signatureArb } from "../../src/testing/arbitraries.js";
import { gufuncCaseArb, type GufuncCase } from "../../src/testing/gufunc-cases.js";

/** The shapes bindShapes gives a case: loop shape, and each output's loop dims plus core shape. */
function bound(c: GufuncCase) {
  const inInputs = new Set(c.signature.inputs.flat().map((d) => d.name));
  const outputSizes = Object.fromEntries(
    c.signature.outputs.flat().filter((d) => !inInputs.has(d.name) && d.frozen === undefined).map((d) => [d.name, c.sizes[d.name]!]),
  );
  const b = bindShapes("gufuncCaseArb", c.signature, c.inputShapes, { outputSizes });
  return { loopShape: b.loopShape, outputShapes: b.outputs.map((o) => [...b.loopShape, ...o.coreShape]), sizes: b.sizes };
}

const check = (c: GufuncCase): void => {
  const b = bound(c);
  expect(b.loopShape).toEqual(c.loopShape);
  expect(b.outputShapes).toEqual(c.outputShapes);
  for (const [name, size] of Object.entries(c.sizes)) expect(b.sizes[name], `size of '${name}'`).toBe(size);
};

describe("gufuncCaseArb binds to its stated shapes", () => {
  const caseArb = signatureArb({ maxInputs: 3, maxOutputs: 2, maxCoreDims: 3, maxDims: 3 }).chain(({ signature }) =>
    gufuncCaseArb(signature, { maxLoopDims: 3, maxSize: 3 }),
  );
  test.prop([caseArb], { numRuns: 1000 })("random signatures", check);

  // Signatures where a one-pass fix-up or dropping a frozen dim other than 1 went wrong.
  for (const text of ["(3?)->()", "(3?,n)->(n)", "(1?,n)->(n)", "(m?,n?),(n?)->(m?)", "(n?,n?,m?),(m?)->()", "(a?,2?,b?),(b?,a?)->(a?,b?)", "(1?,k?),(k?,1?)->(k?)"]) {
    test.prop([gufuncCaseArb(parseSignature(text), { maxLoopDims: 2, maxSize: 3 })], { numRuns: 200 })(`signature=${text}`, check);
  }
});
