/**
 * From numbers to 8-bit pixels: display scaling (explicit `min`/`max` or percentiles, as
 * Fiji's "auto contrast"), gamma, and colour maps. A {@link Raster} is the plain 8-bit image
 * every PNG and plot function here draws into.
 *
 * Colour maps: "gray"; "green", "magenta", "cyan", "red" (black to that colour, the usual
 * fluorescence channel colours); "viridis", "magma", "inferno" interpolated linearly between
 * nine stops of matplotlib's maps (within a few 8-bit levels of the originals).
 * @module
 */
import { ValueError, show } from "../../core/errors.js";
import { asBlock, forEachRow, type Block, type BlockLike } from "../../core/ndarray.js";

/**
 * An 8-bit image, row-major, `channels` bytes per pixel (1 gray, 3 RGB).
 * @example
 * ```ts
 * const r: Raster = { width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) };
 * ```
 */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

/**
 * The colour map names {@link ScaleOptions} accepts.
 * @example
 * ```ts
 * const map: Colormap = "magma";
 * ```
 */
export type Colormap = "gray" | "green" | "magenta" | "cyan" | "red" | "viridis" | "magma" | "inferno";

/**
 * How values become pixel levels: `v -> ((v - min) / (max - min)) ** gamma`, clipped to [0, 1].
 * @example
 * ```ts
 * const scaling: ScaleOptions = { percentiles: [1, 99.5], gamma: 0.7, colormap: "inferno" };
 * ```
 */
export interface ScaleOptions {
  /** Value shown black (default: the low percentile). */
  readonly min?: number;
  /** Value shown white (default: the high percentile). */
  readonly max?: number;
  /** Percentiles used for a missing `min` / `max` (default [0.1, 99.9]). */
  readonly percentiles?: readonly [number, number];
  /** Exponent applied after scaling; below 1 brightens dim parts (default 1). */
  readonly gamma?: number;
  /** Colour map for single-channel images (default "gray"). */
  readonly colormap?: Colormap;
}

const STOPS: Record<string, readonly string[]> = {
  viridis: ["440154", "472c7a", "3b518b", "2c718e", "21908d", "27ad81", "5cc863", "aadc32", "fde725"],
  magma: ["000004", "1c1044", "4f127b", "812581", "b5367a", "e55964", "fb8761", "fec287", "fcfdbf"],
  inferno: ["000004", "1f0c48", "550f6d", "88226a", "ba3655", "e35933", "f98e09", "f9cb35", "fcffa4"],
  gray: ["000000", "ffffff"],
  green: ["000000", "00ff00"],
  magenta: ["000000", "ff00ff"],
  cyan: ["000000", "00ffff"],
  red: ["000000", "ff0000"],
};

/**
 * A 256-entry RGB lookup table of a colour map.
 * @throws {ValueError} for an unknown name
 * @example
 * ```ts
 * colormapTable("viridis").subarray(0, 3); // [68, 1, 84]
 * ```
 */
export function colormapTable(name: Colormap): Uint8Array {
  const stops = STOPS[name];
  if (stops === undefined) {
    throw new ValueError("colormap", `colormap must be one of ${Object.keys(STOPS).join(", ")}; got ${show(name)}. Pick one of those names`);
  }
  const rgb = stops.map((h) => [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)));
  const table = new Uint8Array(256 * 3);
  for (let level = 0; level < 256; level++) {
    const pos = (level / 255) * (rgb.length - 1);
    const i = Math.min(rgb.length - 2, Math.floor(pos));
    const f = pos - i;
    for (let ch = 0; ch < 3; ch++) table[level * 3 + ch] = Math.round(rgb[i]![ch]! * (1 - f) + rgb[i + 1]![ch]! * f);
  }
  return table;
}

/**
 * The `p`-th percentiles (0-100) of finite values, with linear interpolation as
 * `numpy.percentile`'s default method. NaN for no finite value.
 * @example
 * ```ts
 * percentiles(new Float32Array([1, 2, 3, 4, 5]), [0, 50, 100]); // [1, 3, 5]
 * ```
 */
export function percentiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  const finite = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite[n++] = values[i]!;
  const sorted = finite.subarray(0, n).sort();
  return ps.map((p) => {
    if (sorted.length === 0) return NaN;
    const pos = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
    const i = Math.floor(pos);
    const f = pos - i;
    return f === 0 ? sorted[i]! : sorted[i]! * (1 - f) + sorted[i + 1]! * f;
  });
}

/**
 * The display range `[min, max]` the options give for these values (percentiles for what is
 * not fixed; widened when empty, so a constant image renders black instead of failing).
 * @throws {ValueError} for non-numeric options or percentiles outside [0, 100]
 * @example
 * ```ts
 * displayRange(new Float32Array([0, 10, 20]), { percentiles: [0, 100] }); // [0, 20]
 * ```
 */
export function displayRange(values: ArrayLike<number>, options: ScaleOptions = {}): [number, number] {
  const fn = "writePng";
  const [plo, phi] = options.percentiles ?? [0.1, 99.9];
  if (typeof plo !== "number" || typeof phi !== "number" || !(plo >= 0 && plo < phi && phi <= 100)) {
    throw new ValueError(fn, `percentiles must be two numbers with 0 <= low < high <= 100; got ${show(options.percentiles)}. Pass e.g. [0.1, 99.9]`);
  }
  for (const key of ["min", "max", "gamma"] as const) {
    const v = options[key];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || (key === "gamma" && v <= 0))) {
      throw new ValueError(fn, `${key} must be a finite number${key === "gamma" ? " > 0" : ""}; got ${show(v)}. Omit it to autoscale`);
    }
  }
  const needs = [options.min === undefined ? plo : undefined, options.max === undefined ? phi : undefined].filter((p) => p !== undefined);
  const found = needs.length > 0 ? percentiles(values, needs) : [];
  let lo = options.min ?? found.shift() ?? 0;
  let hi = options.max ?? found.shift() ?? 1;
  if (!Number.isFinite(lo)) lo = 0;
  if (!Number.isFinite(hi)) hi = lo + 1;
  if (hi <= lo) hi = lo + (Math.abs(lo) > 0 ? Math.abs(lo) * 1e-6 : 1);
  return [lo, hi];
}

/**
 * Renders a 2-D block (gray or colour-mapped) or a (height, width, 3) block (RGB) to an 8-bit
 * {@link Raster}. RGB blocks share one display range over all three channels.
 * @param image - a 2-D block, or 3-D with a last axis of 3
 * @param options - see {@link ScaleOptions}
 * @throws {ValueError} for another shape or bad options
 * @example
 * ```ts
 * const raster = toRaster(mipBlock, { colormap: "magma", gamma: 0.8 });
 * ```
 */
export function toRaster(image: Block | BlockLike, options: ScaleOptions = {}): Raster {
  const block = asBlock(image, "writePng", "image");
  const rgb = block.shape.length === 3 && block.shape[2] === 3;
  if (!(block.shape.length === 2 || rgb) || block.shape[0] === 0 || block.shape[1] === 0) {
    throw new ValueError("writePng", `image must be 2-D (height, width) or RGB (height, width, 3) and not empty; got shape ${show(block.shape)}. Project a volume first, e.g. with mipPng`);
  }
  const height = block.shape[0]!;
  const width = block.shape[1]!;
  const values = flatValues(block);
  const [lo, hi] = displayRange(values, options);
  const gamma = options.gamma ?? 1;
  const level = (v: number): number => {
    const x = Number.isNaN(v) ? 0 : Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
    return Math.round(255 * (gamma === 1 ? x : x ** gamma));
  };
  if (rgb) return { width, height, channels: 3, data: Uint8Array.from(values, level) };
  const colormap = options.colormap ?? "gray";
  if (colormap === "gray") return { width, height, channels: 1, data: Uint8Array.from(values, level) };
  const table = colormapTable(colormap);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < values.length; i++) {
    const l = level(values[i]!) * 3;
    data[i * 3] = table[l]!;
    data[i * 3 + 1] = table[l + 1]!;
    data[i * 3 + 2] = table[l + 2]!;
  }
  return { width, height, channels: 3, data };
}

/**
 * A block's values as float64 in C order (any dtype, any strides).
 * @example
 * ```ts
 * flatValues(block).length === block.shape.reduce((a, b) => a * b, 1); // true
 * ```
 */
export function flatValues(block: Block): Float64Array {
  const values = new Float64Array(block.shape.reduce((a, b) => a * b, 1));
  let k = 0;
  const step = block.stride[block.shape.length - 1] ?? 1;
  forEachRow(block.shape, [block], (o, n) => {
    for (let i = 0, p = o[0]!; i < n; i++, p += step) values[k++] = Number(block.data[p]!);
  });
  return values;
}

/**
 * Enlarges a raster `factor` times by repeating pixels (nearest neighbour), for small images
 * such as PSFs.
 * @example
 * ```ts
 * zoomRaster(raster, 4).width === 4 * raster.width; // true
 * ```
 */
export function zoomRaster(raster: Raster, factor: number): Raster {
  if (factor === 1) return raster;
  const { width, height, channels } = raster;
  const w = width * factor;
  const data = new Uint8Array(w * height * factor * channels);
  for (let y = 0; y < height * factor; y++) {
    const src = Math.floor(y / factor) * width;
    for (let x = 0; x < w; x++) {
      const s = (src + Math.floor(x / factor)) * channels;
      const d = (y * w + x) * channels;
      for (let ch = 0; ch < channels; ch++) data[d + ch] = raster.data[s + ch]!;
    }
  }
  return { width: w, height: height * factor, channels, data };
}

/**
 * A raster of `width` x `height` filled with one colour.
 * @example
 * ```ts
 * const canvas = blankRaster(100, 50, [255, 255, 255]);
 * ```
 */
export function blankRaster(width: number, height: number, rgb: readonly [number, number, number]): Raster {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = rgb[0];
    data[i + 1] = rgb[1];
    data[i + 2] = rgb[2];
  }
  return { width, height, channels: 3, data };
}

/**
 * Copies `src` into the RGB raster `dst` with its top-left corner at (x, y), clipped.
 * @example
 * ```ts
 * blit(canvas, panel, 4, 20);
 * ```
 */
export function blit(dst: Raster, src: Raster, x: number, y: number): void {
  for (let r = 0; r < src.height; r++) {
    const ty = y + r;
    if (ty < 0 || ty >= dst.height) continue;
    for (let c = 0; c < src.width; c++) {
      const tx = x + c;
      if (tx < 0 || tx >= dst.width) continue;
      const s = (r * src.width + c) * src.channels;
      const d = (ty * dst.width + tx) * dst.channels;
      for (let ch = 0; ch < dst.channels; ch++) dst.data[d + ch] = src.data[s + (src.channels === 3 ? ch : 0)]!;
    }
  }
}
