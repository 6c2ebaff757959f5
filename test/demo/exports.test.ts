/** The public surface of demo, snapshot-tested as the root's is. */
import { expect, it } from "vitest";
import * as demo from "../../src/demo/index.js";

it("demo exports exactly these values", () => {
  expect(Object.keys(demo).sort()).toEqual([
    "airy", "besselJ1", "createBlur", "createRng", "erf", "gaussianPsf", "lightSheetPsf", "lightSheetPsfWidths",
    "logFactorial", "syntheticStack",
  ]);
});
