/**
 * The OME-Zarr part of `chunkwise info`: for a group that is an OME-Zarr image, its NGFF
 * version, axes (name, type, unit) and one row per resolution level (path, shape, chunks,
 * voxel size, translation), from the metadata alone.
 * @module
 */
import { openOmeZarr, type OmeZarrImage } from "../io/zarr/index.js";

const tuple = (s: readonly number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(", ")})`);
const num = (v: number): string => String(+v.toPrecision(6));

/**
 * The image at `path`, or undefined when the group is not an OME-Zarr image (or its metadata
 * is unreadable: `info` then shows the group's arrays as for any group, and says why).
 */
export async function omeImageOf(store: string, path: string): Promise<{ image: OmeZarrImage } | { problem: string } | undefined> {
  try {
    return { image: await openOmeZarr(store, { path }) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/got no "multiscales"|must have an "ome" attribute/.test(message)) return undefined;
    return { problem: message };
  }
}

/** The image as text lines for `info`. */
export function omeImageText(img: OmeZarrImage): string {
  const axes = img.axes.map((a) => `${a.name} (${[a.type ?? "custom", a.unit].filter(Boolean).join(", ")})`).join(", ");
  const rows = [["level", "path", "shape", "chunks", "dtype", "scale", "translation"], ...img.levels.map((l, k) => [
    String(k), img.path === "" ? l.path : l.path.slice(img.path.length + 1), tuple(l.shape), tuple(l.chunks), String(l.dtype),
    `(${l.scale.map(num).join(", ")})`, l.translation.every((t) => t === 0) ? "-" : `(${l.translation.map(num).join(", ")})`,
  ])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const channels = img.channels?.map((c, i) => c.label ?? `#${i}`).join(", ");
  return [
    `OME-Zarr image${img.name === undefined ? "" : ` "${img.name}"`} (NGFF ${img.version}, zarr v${img.zarrFormat}): ${img.levels.length} level${img.levels.length === 1 ? "" : "s"}${img.type === undefined ? "" : `, downsampled by ${img.type}`}`,
    `axes: ${axes}`,
    ...rows.map((r) => `  ${r.map((v, c) => v.padEnd(widths[c]!)).join("  ")}`.trimEnd()),
    ...(channels ? [`channels: ${channels}`] : []),
    "",
  ].join("\n");
}

/** The image as the `ome` field of `info --json`. */
export function omeImageJson(img: OmeZarrImage): Record<string, unknown> {
  return {
    version: img.version, zarrFormat: img.zarrFormat, name: img.name ?? null, axes: img.axes, type: img.type ?? null,
    levels: img.levels.map((l) => ({ path: l.path, shape: l.shape, chunks: l.chunks, dtype: l.dtype, scale: l.scale, translation: l.translation })),
    channels: img.channels ?? null,
  };
}
