/**
 * Line plots for the demo's figures (e.g. error against ground truth per iteration): an SVG
 * with axes, "nice" ticks (1, 2, 5 times a power of ten, as matplotlib's default locator
 * picks them), labels, title and legend, and a PNG rasterisation of the same plot for viewers
 * without SVG (lines, axes, ticks and the text in a 5x7 bitmap font). Non-finite points are
 * skipped, breaking the line there.
 * @module
 */
import { ValueError, show } from "../../core/errors.js";
import { drawText, setPixel, textWidth } from "./font.js";
import { blankRaster, type Raster } from "./raster.js";
import { encodePng, writeFileAtomic } from "./write-png.js";

/**
 * One line of a plot.
 * @example
 * ```ts
 * const s: PlotSeries = { name: "channel 0", x: [0, 1, 2], y: [0.9, 0.5, 0.4] };
 * ```
 */
export interface PlotSeries {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
}

/**
 * Options of {@link writeLinePlotSvg} and {@link linePlotPng}.
 * @example
 * ```ts
 * const o: LinePlotOptions = { title: "Error vs iteration", xLabel: "iteration", yLabel: "RMSE", logY: true };
 * ```
 */
export interface LinePlotOptions {
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Logarithmic y axis (positive values only; others are skipped). */
  readonly logY?: boolean;
  /** Picture size in pixels (default 640 x 400). */
  readonly width?: number;
  readonly height?: number;
  readonly signal?: AbortSignal;
}

/**
 * Series colours (matplotlib's "tab10" cycle), used in order.
 * @example
 * ```ts
 * const [r, g, b] = SERIES_COLORS[0]!; // 31, 119, 180
 * ```
 */
export const SERIES_COLORS: readonly (readonly [number, number, number])[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

/**
 * Tick positions covering [lo, hi]: about `count` multiples of 1, 2 or 5 times a power of 10.
 * @example
 * ```ts
 * niceTicks(0, 0.93, 5); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 * ```
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  return Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toPrecision(12)));
}

interface Layout {
  width: number; height: number; left: number; right: number; top: number; bottom: number;
  xTicks: number[]; yTicks: number[];
  px(x: number): number; py(y: number): number;
  /** Each series as runs of pixel points (a non-finite point ends a run). */
  runs: [number, number][][][];
}

function layout(fn: string, series: readonly PlotSeries[], options: LinePlotOptions): Layout {
  if (!Array.isArray(series as unknown) || series.length === 0) {
    throw new ValueError(fn, `series must be a non-empty list of { name, x, y }; got ${show(series)}. Pass e.g. [{ name: "rmse", x: [0, 1], y: [2, 1] }]`);
  }
  series.forEach((s, i) => {
    if (typeof s?.name !== "string" || !Array.isArray(s.x as unknown) || !Array.isArray(s.y as unknown) || s.x.length !== s.y.length) {
      throw new ValueError(fn, `series[${i}] must have a string name and x, y arrays of equal length; got ${show(s)}. Pair every x with a y`);
    }
  });
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 120 || height < 80) {
    throw new ValueError(fn, `width and height must be integers of at least 120 x 80; got ${show([width, height])}. Pass e.g. 640 and 400`);
  }
  const ty = (y: number): number => (options.logY === true ? (y > 0 ? Math.log10(y) : NaN) : y);
  const xs = series.flatMap((s) => s.x.filter((x, i) => Number.isFinite(x) && Number.isFinite(ty(s.y[i]!))));
  const ys = series.flatMap((s) => s.y.map(ty).filter((y, i) => Number.isFinite(y) && Number.isFinite(s.x[i]!)));
  const range = (v: number[]): [number, number] => {
    if (v.length === 0) return [0, 1];
    let lo = Math.min(...v);
    let hi = Math.max(...v);
    if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
    return [lo, hi];
  };
  const [x0, x1] = range(xs);
  let [y0, y1] = range(ys);
  const xTicks = niceTicks(x0, x1, Math.max(2, Math.round(width / 110)));
  let yTicks: number[];
  if (options.logY === true) {
    yTicks = [];
    for (let e = Math.floor(y0); e <= Math.ceil(y1); e++) yTicks.push(e);
    if (yTicks.length > 8) yTicks = yTicks.filter((_, i) => i % Math.ceil(yTicks.length / 8) === 0);
  } else {
    yTicks = niceTicks(y0, y1, Math.max(2, Math.round(height / 80)));
  }
  y0 = Math.min(y0, yTicks[0]!);
  y1 = Math.max(y1, yTicks[yTicks.length - 1]!);
  const xa = Math.min(x0, xTicks[0]!);
  const xb = Math.max(x1, xTicks[xTicks.length - 1]!);
  const left = 70;
  const right = width - 20;
  const top = 36;
  const bottom = height - 48;
  const px = (x: number): number => left + ((x - xa) / (xb - xa || 1)) * (right - left);
  const py = (y: number): number => bottom - ((y - y0) / (y1 - y0 || 1)) * (bottom - top);
  const runs = series.map((s) => {
    const out: [number, number][][] = [[]];
    s.x.forEach((x, i) => {
      const y = ty(s.y[i]!);
      if (Number.isFinite(x) && Number.isFinite(y)) out[out.length - 1]!.push([px(x), py(y)]);
      else if (out[out.length - 1]!.length > 0) out.push([]);
    });
    return out.filter((r) => r.length > 0);
  });
  return { width, height, left, right, top, bottom, xTicks, yTicks, px, py, runs };
}

function tickText(v: number, log: boolean): string {
  if (log) return v === 0 ? "1" : `1e${v}`;
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(1) : String(Number(v.toPrecision(6)));
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

/**
 * The SVG text of a line plot: one `<path>` per series, axes, ticks, labels and legend.
 * @throws {ValueError} for empty or ragged series, or a too small size
 * @example
 * ```ts
 * const svg = renderLinePlotSvg([{ name: "rmse", x: [0, 1, 2], y: [3, 2, 1.5] }], { title: "Error" });
 * ```
 */
export function renderLinePlotSvg(series: readonly PlotSeries[], options: LinePlotOptions = {}): string {
  const L = layout("writeLinePlotSvg", series, options);
  const log = options.logY === true;
  const f = (v: number): string => v.toFixed(2);
  const rgb = (i: number): string => `rgb(${SERIES_COLORS[i % SERIES_COLORS.length]!.join(",")})`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${L.width}" height="${L.height}" fill="white"/>`,
  ];
  for (const t of L.xTicks) {
    const x = f(L.px(t));
    out.push(`<line x1="${x}" y1="${L.bottom}" x2="${x}" y2="${L.bottom + 5}" stroke="black"/><text x="${x}" y="${L.bottom + 18}" text-anchor="middle">${escapeXml(tickText(t, false))}</text>`);
  }
  for (const t of L.yTicks) {
    const y = f(L.py(t));
    out.push(`<line x1="${L.left - 5}" y1="${y}" x2="${L.left}" y2="${y}" stroke="black"/><line x1="${L.left}" y1="${y}" x2="${L.right}" y2="${y}" stroke="#e0e0e0"/><text x="${L.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(tickText(t, log))}</text>`);
  }
  out.push(`<g stroke="black" stroke-width="1"><line x1="${L.left}" y1="${L.bottom}" x2="${L.right}" y2="${L.bottom}"/><line x1="${L.left}" y1="${L.top}" x2="${L.left}" y2="${L.bottom}"/></g>`);
  if (options.title !== undefined) out.push(`<text x="${L.width / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(options.title)}</text>`);
  if (options.xLabel !== undefined) out.push(`<text x="${(L.left + L.right) / 2}" y="${L.height - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  if (options.yLabel !== undefined) out.push(`<text x="16" y="${(L.top + L.bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(L.top + L.bottom) / 2})">${escapeXml(options.yLabel)}</text>`);
  L.runs.forEach((runs, i) => {
    const d = runs.map((r) => r.map(([x, y], k) => `${k === 0 ? "M" : "L"}${f(x)} ${f(y)}`).join(" ")).join(" ");
    out.push(`<path class="series" d="${d}" fill="none" stroke="${rgb(i)}" stroke-width="2"><title>${escapeXml(series[i]!.name)}</title></path>`);
  });
  series.forEach((s, i) => {
    const y = L.top + 8 + i * 18;
    out.push(`<line x1="${L.right - 150}" y1="${y}" x2="${L.right - 126}" y2="${y}" stroke="${rgb(i)}" stroke-width="2"/><text x="${L.right - 120}" y="${y}" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
  });
  out.push("</svg>\n");
  return out.join("\n");
}

/**
 * Writes a line plot as an SVG file (see {@link renderLinePlotSvg}).
 * @param path - the file to write (replaced if it exists)
 * @param series - the lines, `{ name, x, y }`
 * @param options - `title`, `xLabel`, `yLabel`, `logY`, `width`, `height`, `signal`
 * @throws {ValueError} for empty or ragged series
 * @throws {PngError} if the file cannot be written
 * @example
 * ```ts
 * await writeLinePlotSvg("error.svg", [{ name: "RL", x: iterations, y: rmse }], { title: "Error vs truth", xLabel: "iteration", yLabel: "RMSE" });
 * ```
 */
export async function writeLinePlotSvg(path: string, series: readonly PlotSeries[], options: LinePlotOptions = {}): Promise<void> {
  await writeFileAtomic("writeLinePlotSvg", path, renderLinePlotSvg(series, options), options.signal);
}

/**
 * Rasterises a line plot (2-px lines, axes, ticks, tick labels, title and legend in a 5x7
 * bitmap font) to an RGB {@link Raster}.
 * @throws {ValueError} as {@link renderLinePlotSvg}
 * @example
 * ```ts
 * const raster = renderLinePlot([{ name: "rmse", x: [0, 1], y: [2, 1] }]);
 * ```
 */
export function renderLinePlot(series: readonly PlotSeries[], options: LinePlotOptions = {}): Raster {
  const L = layout("linePlotPng", series, options);
  const log = options.logY === true;
  const canvas = blankRaster(L.width, L.height, [255, 255, 255]);
  const black: [number, number, number] = [0, 0, 0];
  const grid: [number, number, number] = [224, 224, 224];
  for (const t of L.yTicks) {
    const y = Math.round(L.py(t));
    line(canvas, L.left, y, L.right, y, grid, 1);
    line(canvas, L.left - 5, y, L.left, y, black, 1);
    const text = tickText(t, log);
    drawText(canvas, text, L.left - 8 - textWidth(text), y - 3, black);
  }
  for (const t of L.xTicks) {
    const x = Math.round(L.px(t));
    line(canvas, x, L.bottom, x, L.bottom + 5, black, 1);
    const text = tickText(t, false);
    drawText(canvas, text, x - (textWidth(text) >> 1), L.bottom + 9, black);
  }
  line(canvas, L.left, L.bottom, L.right, L.bottom, black, 1);
  line(canvas, L.left, L.top, L.left, L.bottom, black, 1);
  if (options.title !== undefined) drawText(canvas, options.title, (L.width - textWidth(options.title, 2)) >> 1, 10, black, 2);
  if (options.xLabel !== undefined) drawText(canvas, options.xLabel, ((L.left + L.right - textWidth(options.xLabel)) >> 1), L.height - 16, black);
  if (options.yLabel !== undefined) drawText(canvas, options.yLabel, 4, L.top - 14, black);
  L.runs.forEach((runs, i) => {
    const color = SERIES_COLORS[i % SERIES_COLORS.length]!;
    for (const run of runs) {
      if (run.length === 1) line(canvas, run[0]![0], run[0]![1], run[0]![0], run[0]![1], color, 2);
      for (let k = 1; k < run.length; k++) line(canvas, run[k - 1]![0], run[k - 1]![1], run[k]![0], run[k]![1], color, 2);
    }
    const y = L.top + 8 + i * 14;
    line(canvas, L.right - 150, y, L.right - 126, y, color, 2);
    drawText(canvas, series[i]!.name, L.right - 120, y - 3, black);
  });
  return canvas;
}

/**
 * Writes a rasterised line plot as an RGB PNG (see {@link renderLinePlot}).
 * @throws {ValueError} for empty or ragged series
 * @throws {PngError} if the file cannot be written
 * @example
 * ```ts
 * await linePlotPng("error.png", [{ name: "RL", x: [1, 2, 3], y: [0.5, 0.3, 0.25] }], { xLabel: "iteration" });
 * ```
 */
export async function linePlotPng(path: string, series: readonly PlotSeries[], options: LinePlotOptions = {}): Promise<void> {
  await writeFileAtomic("linePlotPng", path, encodePng(renderLinePlot(series, options)), options.signal);
}

/** A straight line `thickness` pixels wide (a square brush stepped along the longer axis). */
function line(r: Raster, x0: number, y0: number, x1: number, y1: number, rgb: readonly [number, number, number], thickness: number): void {
  const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
  const h = (thickness - 1) >> 1;
  for (let s = 0; s <= steps; s++) {
    const x = Math.round(x0 + ((x1 - x0) * s) / steps);
    const y = Math.round(y0 + ((y1 - y0) * s) / steps);
    for (let dy = -h; dy < thickness - h; dy++) for (let dx = -h; dx < thickness - h; dx++) setPixel(r, x + dx, y + dy, rgb);
  }
}
