/**
 * PNG pictures of blocks through `pngjs`: `writePng` (a 2-D image or RGB), `mipPng` (a
 * maximum-intensity projection of a volume, as `numpy.max(volume, axis=0)`) and
 * `sideBySidePng` (panels in a row with captions, e.g. before | after | truth). 8-bit
 * grayscale or RGB, display range from `min`/`max` or percentiles (see raster.ts). Files are
 * written under a temporary name in the same folder and renamed, so readers never see half a
 * picture; an existing file is replaced.
 * @module
 */
import { replaceFileAtomically } from "../../io/atomic-write.js";
import { PNG } from "pngjs";
import { ChunkwiseError, ValueError, show } from "../../core/errors.js";
import { asBlock, type Block, type BlockLike } from "../../core/ndarray.js";
import { max } from "../../core/reduce.js";
import { GLYPH, drawText, textWidth } from "./font.js";
import { blankRaster, blit, displayRange, flatValues, toRaster, zoomRaster, type Raster, type ScaleOptions } from "./raster.js";

/**
 * A picture file could not be written (missing folder, permissions); `path` names it.
 * @example
 * ```ts
 * try { await writePng("/nope/a.png", img); } catch (e) { if (e instanceof PngError) console.log(e.path); }
 * ```
 */
export class PngError extends ChunkwiseError {
  readonly path: string;
  constructor(fn: string, message: string, path: string, options?: { cause?: unknown }) {
    super(fn, message, options);
    this.path = path;
  }
}

/**
 * Options of {@link writePng} and {@link mipPng}.
 * @example
 * ```ts
 * const o: WritePngOptions = { percentiles: [0.5, 99.8], gamma: 0.8, colormap: "inferno", zoom: 2 };
 * ```
 */
export interface WritePngOptions extends ScaleOptions {
  /** Enlarge by this integer factor, repeating pixels (default 1). */
  readonly zoom?: number;
  /** Cancels the write. */
  readonly signal?: AbortSignal;
}

/**
 * Encodes a raster as PNG bytes (8-bit gray or RGB, no alpha).
 * @example
 * ```ts
 * const bytes = encodePng({ width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) });
 * ```
 */
export function encodePng(raster: Raster): Uint8Array {
  const colorType = raster.channels === 1 ? 0 : 2;
  const png = new PNG({ width: raster.width, height: raster.height });
  png.data = Buffer.from(raster.data.buffer, raster.data.byteOffset, raster.data.byteLength);
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: false, bitDepth: 8 });
}

/**
 * Writes bytes to `path` through a temporary file in the same folder and a rename.
 * @throws {PngError} if the folder is missing or not writable
 * @example
 * ```ts
 * await writeFileAtomic("writeLinePlotSvg", "plot.svg", svgText);
 * ```
 */
export async function writeFileAtomic(fn: string, path: string, bytes: Uint8Array | string, signal?: AbortSignal): Promise<void> {
  if (typeof path !== "string" || path === "") {
    throw new ValueError(fn, `path must be a non-empty string; got ${show(path)}. Pass a file path such as "mip.png"`);
  }
  await replaceFileAtomically(path, bytes, signal, (why, cause) =>
    new PngError(fn, `${show(path)} must be writable; got ${why}. Create the folder or choose another path`, path, { cause }),
  );
}

/**
 * Writes a 2-D block as an 8-bit grayscale PNG (RGB with a colour map), or a
 * (height, width, 3) block as RGB, scaled to the display range.
 * @param path - the file to write (replaced if it exists)
 * @param image - a 2-D block (height, width) or an RGB block (height, width, 3), any dtype
 * @param options - `min`, `max`, `percentiles`, `gamma`, `colormap`, `signal`
 * @throws {ValueError} for another shape or bad options
 * @throws {PngError} if the file cannot be written
 * @example
 * ```ts
 * await writePng("slice.png", index(volume, [16]), { percentiles: [1, 99.5], colormap: "magma" });
 * ```
 */
export async function writePng(path: string, image: Block | BlockLike, options: WritePngOptions = {}): Promise<void> {
  const raster = zoomRaster(toRaster(image, options), checkZoom("writePng", options.zoom));
  await writeFileAtomic("writePng", path, encodePng(raster), options.signal);
}

/**
 * The maximum-intensity projection of a volume along `axis` (default 0, z for (z, y, x)).
 * @throws {ValueError} if `volume` is not 3-D
 * @example
 * ```ts
 * const mip = maxProjection(volume); // (y, x)
 * ```
 */
export function maxProjection(volume: Block | BlockLike, axis = 0): Block {
  const block = asBlock(volume, "mipPng", "volume");
  if (block.shape.length !== 3) {
    throw new ValueError("mipPng", `volume must be 3-D (z, y, x); got shape ${show(block.shape)}. Index the leading axes away first, e.g. index(data, [c, t])`);
  }
  return max(block, { axis });
}

/**
 * Writes the maximum-intensity projection of a 3-D volume as a PNG.
 * @param path - the file to write
 * @param volume - a 3-D block (z, y, x), any dtype
 * @param options - as {@link writePng}, plus `axis` to project along (default 0)
 * @throws {ValueError} if `volume` is not 3-D or options are bad
 * @throws {PngError} if the file cannot be written
 * @example
 * ```ts
 * await mipPng("noisy-mip.png", index(data.noisy, [0, 0]), { gamma: 0.8 });
 * ```
 */
export async function mipPng(path: string, volume: Block | BlockLike, options: WritePngOptions & { readonly axis?: number } = {}): Promise<void> {
  await writePng(path, maxProjection(volume, options.axis ?? 0), options);
}

/**
 * Options of {@link sideBySidePng}.
 * @example
 * ```ts
 * const o: SideBySideOptions = { labels: ["raw", "deconvolved", "truth"], gap: 4, shareRange: false };
 * ```
 */
export interface SideBySideOptions extends WritePngOptions {
  /** A caption over each panel (drawn with a built-in 5x7 font, upper case). */
  readonly labels?: readonly string[];
  /** Pixels between panels and around them (default 4). */
  readonly gap?: number;
  /** Scale every panel to one display range found over all of them (default false: each its own). */
  readonly shareRange?: boolean;
  /** Background colour (default black). */
  readonly background?: readonly [number, number, number];
}

/**
 * Composes 2-D (or RGB) panels left to right, `gap` pixels apart, with optional captions, as
 * one RGB PNG: e.g. before | after | truth.
 * @param path - the file to write
 * @param panels - 2-D blocks (project volumes first with {@link maxProjection}) or RGB blocks
 * @param options - `labels`, `gap`, `shareRange`, `background`, and the scaling options
 * @throws {ValueError} for no panels, a wrong shape, or more labels than panels
 * @throws {PngError} if the file cannot be written
 * @example
 * ```ts
 * await sideBySidePng("compare.png", [maxProjection(noisy), maxProjection(result), maxProjection(truth)], {
 *   labels: ["raw", "deconvolved", "truth"],
 * });
 * ```
 */
export async function sideBySidePng(path: string, panels: readonly (Block | BlockLike)[], options: SideBySideOptions = {}): Promise<void> {
  const fn = "sideBySidePng";
  if (!Array.isArray(panels) || panels.length === 0) {
    throw new ValueError(fn, `panels must be a non-empty list of 2-D blocks; got ${show(panels)}. Pass e.g. [before, after]`);
  }
  const labels = options.labels ?? [];
  if (!Array.isArray(labels) || labels.length > panels.length || labels.some((l) => typeof l !== "string")) {
    throw new ValueError(fn, `labels must be at most one string per panel (${panels.length}); got ${show(labels)}. Pass one caption per panel`);
  }
  const gap = options.gap ?? 4;
  if (!Number.isInteger(gap) || gap < 0) throw new ValueError(fn, `gap must be a non-negative integer; got ${show(gap)}. Pass e.g. 4`);
  let scale: ScaleOptions = options;
  if (options.shareRange === true) {
    const parts = panels.map((p) => flatValues(asBlock(p, fn, "panel")));
    const all = new Float64Array(parts.reduce((n, v) => n + v.length, 0));
    parts.reduce((at, v) => (all.set(v, at), at + v.length), 0);
    const [min, maxValue] = displayRange(all, options);
    scale = { ...options, min, max: maxValue };
  }
  const zoom = checkZoom(fn, options.zoom);
  const rasters = panels.map((p) => zoomRaster(toRaster(p, scale), zoom));
  const height = Math.max(...rasters.map((r) => r.height));
  const fontScale = Math.max(1, Math.round(height / 160));
  const top = labels.length > 0 ? GLYPH.height * fontScale + 2 * gap + 2 : gap;
  const width = rasters.reduce((w, r) => w + r.width + gap, gap);
  const canvas = blankRaster(width, top + height + gap, options.background ?? [0, 0, 0]);
  let x = gap;
  rasters.forEach((r, i) => {
    const label = labels[i];
    if (label !== undefined) drawText(canvas, label, x + Math.max(0, (r.width - textWidth(label, fontScale)) >> 1), gap + 1, [255, 255, 255], fontScale);
    blit(canvas, r, x, top);
    x += r.width + gap;
  });
  await writeFileAtomic(fn, path, encodePng(canvas), options.signal);
}

function checkZoom(fn: string, zoom: number | undefined): number {
  if (zoom === undefined) return 1;
  if (!Number.isInteger(zoom) || zoom < 1 || zoom > 64) {
    throw new ValueError(fn, `zoom must be an integer from 1 to 64; got ${show(zoom)}. Pass e.g. 4 to enlarge a small PSF`);
  }
  return zoom;
}
