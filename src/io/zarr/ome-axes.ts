/**
 * The axes, scale and channel options of `toOmeZarr`, checked once at the public boundary:
 * names to NGFF axis objects (`"t"` time, `"c"` channel, `"z"`/`"y"`/`"x"` space), unit
 * aliases to the specification's UDUNITS-2 names (`"um"` -> `"micrometer"`), and the
 * specification's rules on counts, order and units.
 * @module
 */
import { ValueError, show } from "../../core/errors.js";
import { axesProblem, canonicalUnit, SPACE_UNITS, TIME_UNITS, type OmeAxis, type OmeChannel } from "./ome-metadata.js";

/** An axis as `toOmeZarr` takes it: a name (type from the name) or an axis object. */
export type OmeAxisInput = string | OmeAxis;

const DEFAULT_AXES: Record<number, string> = { 2: "yx", 3: "zyx", 4: "czyx", 5: "tczyx" };
const TYPE_OF: Record<string, string> = { t: "time", c: "channel", z: "space", y: "space", x: "space" };

/**
 * The NGFF axes for an array of `ndim` dimensions.
 * @param input - undefined (by dimension count: yx, zyx, czyx, tczyx), a string of one-letter
 *   names (`"tczyx"`), or a list of names or axis objects
 * @throws {ValueError} for a wrong count, repeated names, an order or unit the specification forbids
 */
export function checkAxes(fn: string, input: string | readonly OmeAxisInput[] | undefined, ndim: number): OmeAxis[] {
  if (input === undefined && DEFAULT_AXES[ndim] === undefined) {
    throw new ValueError(fn, `the array must have 2 to 5 dimensions to be an OME-Zarr image; got ${ndim}. Index or reshape it to at most 5 axes (t, c, z, y, x), or add axes with expandDims`);
  }
  const raw = input ?? DEFAULT_AXES[ndim]!;
  const list: readonly OmeAxisInput[] = typeof raw === "string" ? [...raw] : raw;
  if (!Array.isArray(list) || list.length !== ndim) {
    throw new ValueError(fn, `axes must name one axis per array dimension (${ndim}); got ${show(input)}. Pass e.g. "${DEFAULT_AXES[ndim] ?? "tczyx".slice(-Math.min(5, Math.max(2, ndim)))}"`);
  }
  const axes = list.map((a, i): OmeAxis => {
    const ax = typeof a === "string" ? { name: a } : a;
    if (typeof ax !== "object" || ax === null || typeof ax.name !== "string" || ax.name === "") {
      throw new ValueError(fn, `axis ${i} must be a name or { name, type?, unit? }; got ${show(a)}. Pass e.g. "z" or { name: "z", type: "space", unit: "micrometer" }`);
    }
    const type = ax.type ?? TYPE_OF[ax.name.toLowerCase()];
    const unit = ax.unit === undefined ? undefined : canonicalUnit(ax.unit);
    return { name: ax.name, ...(type === undefined ? {} : { type }), ...(unit === undefined ? {} : { unit }) };
  });
  const problem = axesProblem(axes);
  if (problem !== undefined) {
    throw new ValueError(fn, `axes must follow the OME-Zarr rules (${problem.rule}); got ${problem.got}. Name them e.g. "tczyx" in that order, or give types explicitly`);
  }
  axes.forEach((a) => {
    const known = a.type === "space" ? SPACE_UNITS : a.type === "time" ? TIME_UNITS : undefined;
    if (a.unit !== undefined && known !== undefined && !known.includes(a.unit)) {
      throw new ValueError(fn, `the unit of axis "${a.name}" must be a ${a.type} unit of the OME-Zarr specification; got ${show(a.unit)}. Use e.g. ${a.type === "space" ? `"micrometer" (or "um"), "nanometer"` : `"second", "millisecond"`}`);
    }
  });
  return axes;
}

/**
 * A per-axis list of finite numbers (positive for `scale`), `fill` everywhere when undefined.
 * @throws {ValueError} otherwise
 */
export function checkPerAxis(fn: string, what: "scale" | "translation", value: readonly number[] | undefined, axes: readonly OmeAxis[], fill: number): number[] {
  if (value === undefined) return axes.map(() => fill);
  const ok = Array.isArray(value) && value.length === axes.length && value.every((v) => typeof v === "number" && Number.isFinite(v) && (what === "translation" || v > 0));
  if (!ok) {
    throw new ValueError(fn, `${what} must have one ${what === "scale" ? "positive " : ""}finite number per axis (${axes.map((a) => a.name).join(", ")}); got ${show(value)}. Pass e.g. [${axes.map(() => fill).join(", ")}]`);
  }
  return [...value];
}

/** Hex colours for channels without one: white for a single channel, else green, magenta, cyan, red, yellow, blue, cycling. */
const COLORS = ["00FF00", "FF00FF", "00FFFF", "FF0000", "FFFF00", "0000FF"];

/**
 * The `omero` channels to write: one per entry of the channel axis (or one without it), each
 * with a colour (default above) and a window (default `fallback(i)`, the data range).
 * @throws {ValueError} when the count does not match the channel axis or a field has the wrong type
 */
export function checkChannels(fn: string, channels: readonly OmeChannel[], count: number): void {
  if (!Array.isArray(channels) || channels.length !== count) {
    throw new ValueError(fn, `channels must list one entry per channel (${count}); got ${show(channels)}. Pass e.g. [{ label: "GFP", color: "00FF00" }]`);
  }
  channels.forEach((c, i) => {
    const bad = typeof c !== "object" || c === null
      || (c.label !== undefined && typeof c.label !== "string")
      || (c.color !== undefined && !/^[0-9A-Fa-f]{6}$/.test(String(c.color)))
      || (c.active !== undefined && typeof c.active !== "boolean")
      || (c.window !== undefined && !["start", "end", "min", "max"].every((k) => Number.isFinite((c.window as Record<string, unknown>)[k])));
    if (bad) {
      throw new ValueError(fn, `channel ${i} must be { label?: string, color?: 6 hex digits, active?: boolean, window?: { start, end, min, max } }; got ${show(c)}. Pass e.g. { label: "GFP", color: "00FF00" }`);
    }
  });
}

/** The channel with every field the 0.4 schema requires (a colour and a window). */
export function completeChannel(c: OmeChannel, i: number, count: number, range: { min: number; max: number }): OmeChannel {
  return {
    ...(c.label === undefined ? {} : { label: c.label }),
    color: c.color ?? (count === 1 ? "FFFFFF" : COLORS[i % COLORS.length]!),
    active: c.active ?? true,
    window: c.window ?? { start: range.min, end: range.max, min: range.min, max: range.max },
  };
}
