/** What cli/demo-data offers the CLI, listed so that a removal is deliberate. */
import { expect, it } from "vitest";
import * as demo from "../../../src/cli/demo-data/index.js";

it("cli/demo-data exports exactly these values", () => {
  expect(Object.keys(demo).sort()).toEqual([
    "airy", "besselJ1", "createBlur", "createRng", "erf", "gaussianPsf", "lightSheetPsf", "lightSheetPsfWidths",
    "logFactorial", "syntheticStack",
  ]);
});
