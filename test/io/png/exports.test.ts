/** The public surface of io/png, snapshot-tested as the root's is. */
import { expect, it } from "vitest";
import * as png from "../../../src/io/png/index.js";

it("io/png exports exactly these values", () => {
  expect(Object.keys(png).sort()).toEqual([
    "PngError", "colormapTable", "displayRange", "encodePng", "linePlotPng", "maxProjection", "mipPng", "niceTicks",
    "percentiles", "renderLinePlot", "renderLinePlotSvg", "sideBySidePng", "toRaster", "writeLinePlotSvg", "writePng",
  ]);
});
