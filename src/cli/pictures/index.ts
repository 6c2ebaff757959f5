/**
 * PNG and SVG pictures out: `writePng`, `mipPng` and `sideBySidePng` for images and
 * maximum-intensity projections, `writeLinePlotSvg` and `linePlotPng` for line plots. Only
 * this folder touches files for pictures; rendering to a {@link Raster} is pure.
 * @module
 */
export { PngError, encodePng, maxProjection, mipPng, sideBySidePng, writePng, type SideBySideOptions, type WritePngOptions } from "./write-png.js";
export { colormapTable, displayRange, percentiles, toRaster, type Colormap, type Raster, type ScaleOptions } from "./raster.js";
export { linePlotPng, niceTicks, renderLinePlot, renderLinePlotSvg, writeLinePlotSvg, type LinePlotOptions, type PlotSeries } from "./line-plot.js";
