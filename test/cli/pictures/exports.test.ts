/** What cli/pictures offers the CLI, listed so that a removal is deliberate. */
import { expect, it } from "vitest";
import * as png from "../../../src/cli/pictures/index.js";

it("cli/pictures exports exactly these values", () => {
  expect(Object.keys(png).sort()).toEqual([
    "PngError", "colormapTable", "displayRange", "encodePng", "linePlotPng", "maxProjection", "mipPng", "niceTicks",
    "percentiles", "renderLinePlot", "renderLinePlotSvg", "sideBySidePng", "toRaster", "writeLinePlotSvg", "writePng",
  ]);
});
