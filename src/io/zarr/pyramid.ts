/**
 * The plan of an OME-Zarr resolution pyramid, as NGFF converters make them: every level
 * halves y and x (the last two space axes) by 2x2 block means; a third space axis (z) is
 * halved too whenever its voxel size is at most x's, so z never becomes coarser than x (a
 * light-sheet stack of 1 um planes with 0.1 um pixels keeps all its planes until x reaches
 * 1 um, then all axes halve together). Time and channel axes are never downsampled.
 *
 * Geometry: a block mean of `f` voxels of size `s` starting at `t` is centred at
 * `t + (f - 1) s / 2`, so each level's translation moves by that much (as ngff-zarr writes;
 * without it a viewer would shift coarse levels by half a voxel). A length that does not
 * divide by its factor loses its last voxel (dask's `coarsen(..., trim_excess=True)`).
 * @module
 */
import type { OmeAxis } from "./ome-metadata.js";

/** One level of a planned pyramid. */
export interface PyramidLevel {
  readonly shape: readonly number[];
  /** Window length per axis from the level below (all 1 for level 0). */
  readonly factors: readonly number[];
  readonly scale: readonly number[];
  readonly translation: readonly number[];
  /** The Zarr chunk shape this level is written with. */
  readonly chunks: readonly number[];
}

/** Inputs of {@link planPyramid}, already checked. */
export interface PyramidInput {
  readonly shape: readonly number[];
  readonly axes: readonly OmeAxis[];
  readonly scale: readonly number[];
  readonly translation: readonly number[];
  /** Level 0's chunk shape; later levels use the same, clipped to their shape. */
  readonly chunks: readonly number[];
  /**
   * When level 0 keeps a source's large blocks as chunks: each later level's chunks are the
   * level below's divided by the factors, but never below these (the viewing chunks), so a
   * task reads one or a few chunks of the level below and writes one.
   */
  readonly shrinkTo?: readonly number[];
  /** Number of levels; default: until y and x each fit in one chunk. */
  readonly levels?: number;
}

/** Most levels ever planned by default (a 2^20 pixel wide image fits a 64-pixel tile after 15). */
const MAX_DEFAULT_LEVELS = 16;

/**
 * Default viewing chunks: 1 along time, channel and custom axes; 64 per space axis for 3-D
 * space (64^3 voxels: 1 MiB of float32, what napari and neuroglancer fetch quickly), 256 for
 * 2-D space; never more than the axis length.
 */
export function viewingChunks(shape: readonly number[], axes: readonly OmeAxis[]): number[] {
  const spaceCount = axes.filter((a) => a.type === "space").length;
  return shape.map((n, i) => (axes[i]!.type === "space" ? Math.max(1, Math.min(n, spaceCount === 3 ? 64 : 256)) : 1));
}

/** Per-level window lengths and shapes, from level 0 up. */
export function planPyramid(input: PyramidInput): PyramidLevel[] {
  const space = input.axes.flatMap((a, i) => (a.type === "space" ? [i] : []));
  const [yAxis, xAxis] = space.slice(-2) as [number, number];
  const zAxis = space.length === 3 ? space[0] : undefined;
  const clip = (chunks: readonly number[], shape: readonly number[]) => chunks.map((c, i) => Math.max(1, Math.min(c, shape[i]!)));
  const levels: PyramidLevel[] = [{ shape: [...input.shape], factors: input.shape.map(() => 1), scale: [...input.scale], translation: [...input.translation], chunks: clip(input.chunks, input.shape) }];
  const tile = input.shrinkTo ?? input.chunks;
  const wanted = input.levels ?? MAX_DEFAULT_LEVELS;
  for (;;) {
    const prev = levels[levels.length - 1]!;
    if (levels.length >= wanted) break;
    const fitsOneTile = prev.shape[yAxis]! <= tile[yAxis]! && prev.shape[xAxis]! <= tile[xAxis]!;
    if (input.levels === undefined && fitsOneTile) break;
    if (prev.shape[yAxis]! < 2 || prev.shape[xAxis]! < 2) break;
    const factors = prev.shape.map(() => 1);
    factors[yAxis] = 2;
    factors[xAxis] = 2;
    if (zAxis !== undefined && prev.shape[zAxis]! >= 2 && prev.scale[zAxis]! <= prev.scale[xAxis]! * (1 + 1e-9)) factors[zAxis] = 2;
    const shape = prev.shape.map((n, i) => Math.floor(n / factors[i]!));
    levels.push({
      shape, factors,
      scale: prev.scale.map((s, i) => s * factors[i]!),
      translation: prev.translation.map((t, i) => t + ((factors[i]! - 1) * prev.scale[i]!) / 2),
      chunks: clip(input.shrinkTo === undefined ? input.chunks : prev.chunks.map((c, i) => Math.max(input.shrinkTo![i]!, Math.ceil(c / factors[i]!))), shape),
    });
  }
  return levels;
}

/** The most levels `planPyramid` can make for this shape (until y or x would drop below 1). */
export function maxLevels(shape: readonly number[], axes: readonly OmeAxis[]): number {
  const space = axes.flatMap((a, i) => (a.type === "space" ? [i] : []));
  const smallest = Math.min(...space.slice(-2).map((i) => shape[i]!));
  return smallest < 1 ? 1 : Math.floor(Math.log2(smallest)) + 1;
}
