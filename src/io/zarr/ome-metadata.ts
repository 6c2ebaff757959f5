/**
 * OME-Zarr (OME-NGFF) image metadata, versions 0.4 (Zarr v2: `multiscales` in the group's
 * `.zattrs`) and 0.5 (Zarr v3: under `attributes.ome` of the group's `zarr.json`), as the
 * specification (https://ngff.openmicroscopy.org/0.4/, /0.5/) and its JSON schemas define them.
 *
 * Reading checks what chunkwise relies on and explains the rest: 2 to 5 axes with unique
 * names, 2 or 3 of type "space", at most one "time" and one "channel"; per dataset exactly one
 * `scale` transformation, optionally followed by one `translation`, each with one number per
 * axis; an optional multiscale-wide scale/translation, composed into every level's (physical
 * position = scale * index + translation). Writing builds the same structure; the tests
 * validate it against the official schemas (`strict_image.schema` of each version).
 * @module
 */
import { ZarrError } from "./errors.js";

/** An axis of an OME-Zarr image. */
export interface OmeAxis {
  /** e.g. `"t"`, `"c"`, `"z"`, `"y"`, `"x"`. */
  readonly name: string;
  /** `"space"`, `"time"`, `"channel"`, or a custom type (or none). */
  readonly type?: string;
  /** A UDUNITS-2 name, e.g. `"micrometer"`, `"second"`. */
  readonly unit?: string;
}

/** One channel of the `omero` rendering metadata. */
export interface OmeChannel {
  readonly label?: string;
  /** Hex RGB without `#`, e.g. `"00FF00"`. */
  readonly color?: string;
  readonly active?: boolean;
  /** Display range (`start`, `end`) and data range (`min`, `max`). */
  readonly window?: { readonly start: number; readonly end: number; readonly min: number; readonly max: number };
}

/** One resolution level as the metadata names it. */
export interface OmeDatasetMeta {
  /** The array's path relative to the image group, e.g. `"0"`. */
  readonly path: string;
  /** Physical size of one voxel per axis (the multiscale-wide scale already applied). */
  readonly scale: readonly number[];
  /** Physical position of voxel 0 per axis (zeros when not given). */
  readonly translation: readonly number[];
}

/** The parsed multiscales image metadata. */
export interface OmeImageMeta {
  readonly version: "0.4" | "0.5";
  readonly name: string | undefined;
  readonly axes: readonly OmeAxis[];
  /** Highest resolution first, as the specification orders them. */
  readonly datasets: readonly OmeDatasetMeta[];
  /** The downscaling method (`type`) and its details (`metadata`), when given. */
  readonly type: string | undefined;
  readonly metadata: unknown;
  readonly channels: readonly OmeChannel[] | undefined;
  /** How many multiscales the group lists (chunkwise reads the first, as the specification says). */
  readonly multiscalesCount: number;
}

/** UDUNITS-2 space units the specification lists. */
export const SPACE_UNITS: readonly string[] = ["angstrom", "attometer", "centimeter", "decimeter", "exameter", "femtometer", "foot", "gigameter", "hectometer", "inch", "kilometer", "megameter", "meter", "micrometer", "mile", "millimeter", "nanometer", "parsec", "petameter", "picometer", "terameter", "yard", "yoctometer", "yottameter", "zeptometer", "zettameter"];
/** UDUNITS-2 time units the specification lists. */
export const TIME_UNITS: readonly string[] = ["attosecond", "centisecond", "day", "decisecond", "exasecond", "femtosecond", "gigasecond", "hectosecond", "hour", "kilosecond", "megasecond", "microsecond", "millisecond", "minute", "nanosecond", "petasecond", "picosecond", "second", "terasecond", "yoctosecond", "yottasecond", "zeptosecond", "zettasecond"];
const UNIT_ALIASES: Record<string, string> = {
  um: "micrometer", "µm": "micrometer", "μm": "micrometer", micron: "micrometer", nm: "nanometer", mm: "millimeter", cm: "centimeter", m: "meter", "Å": "angstrom",
  s: "second", sec: "second", ms: "millisecond", us: "microsecond", "µs": "microsecond", ns: "nanosecond", min: "minute", h: "hour",
};

/** The specification's unit name for `unit` (`"um"` -> `"micrometer"`), or `unit` itself. */
export function canonicalUnit(unit: string): string {
  return UNIT_ALIASES[unit] ?? unit;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isNumbers = (v: unknown, n: number): v is number[] => Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number" && Number.isFinite(x));

/**
 * Finds the OME image metadata in a group's attributes, or says what the group is instead.
 * @param attrs - `.zattrs` (v2) or `attributes` of `zarr.json` (v3)
 * @param format - the group's Zarr format
 * @param where - the group, for messages
 * @throws {ZarrError} (kind "metadata") for groups that are not OME-Zarr images, unsupported
 *   versions, and metadata that breaks the rules in the module notes
 */
export function parseOmeImage(fn: string, attrs: Json, format: 2 | 3, where: string): OmeImageMeta {
  const fail = (what: string, got: unknown, fix: string): never => {
    throw new ZarrError(fn, `the OME-Zarr metadata of ${where} must have ${what}; got ${typeof got === "string" ? got : JSON.stringify(got)}. ${fix}`, { kind: "metadata" });
  };
  const ome = format === 3 ? attrs.ome : attrs;
  if (!isObject(ome)) fail(`an "ome" attribute (NGFF 0.5 in Zarr v3)`, Object.keys(attrs).length === 0 ? "no attributes" : `the attributes ${Object.keys(attrs).join(", ")}`, "Open an OME-Zarr image group, or a plain array with fromZarr");
  const root = ome as Json;
  if (!Array.isArray(root.multiscales)) {
    const other = ["plate", "well", "bioformats2raw.layout", "series"].find((k) => k in root);
    const got = other !== undefined ? `a "${other}" collection, not an image` : `no "multiscales" (attributes: ${Object.keys(root).join(", ") || "none"})`;
    fail(`"multiscales" (an image)`, got, other !== undefined ? "Open one of its images, e.g. the path of a well field or series (\"0\")" : "Open an OME-Zarr image group, or a plain array with fromZarr");
  }
  const list = root.multiscales as unknown[];
  if (list.length === 0 || !isObject(list[0])) fail("at least one multiscales entry", list, "Fix the metadata or re-write the image");
  const ms = list[0] as Json;
  const version = format === 3 ? root.version : ms.version ?? root.version;
  const expected = format === 3 ? "0.5" : "0.4";
  if (version !== expected) {
    fail(`version "${expected}" for a Zarr v${format} group`, version ?? "no version", format === 2 ? "chunkwise reads NGFF 0.4 (Zarr v2) and 0.5 (Zarr v3); upgrade older images, e.g. with ome-zarr-py or ngff-zarr" : "chunkwise reads NGFF 0.5 in Zarr v3 groups");
  }
  const axes = parseAxes(ms.axes, fail);
  const n = axes.length;
  const global = ms.coordinateTransformations === undefined ? undefined : parseTransforms(ms.coordinateTransformations, n, "the multiscale-wide coordinateTransformations", fail);
  if (!Array.isArray(ms.datasets) || ms.datasets.length === 0) fail("a non-empty datasets list", ms.datasets, "Fix the metadata or re-write the image");
  const datasets = (ms.datasets as unknown[]).map((d, i): OmeDatasetMeta => {
    if (!isObject(d) || typeof d.path !== "string" || d.path === "") fail(`a path string in dataset ${i}`, d, "Fix the metadata or re-write the image");
    const ds = d as Json;
    const own = parseTransforms(ds.coordinateTransformations, n, `the coordinateTransformations of dataset ${i} ("${String(ds.path)}")`, fail);
    const gs = global?.scale ?? own.scale.map(() => 1);
    const gt = global?.translation ?? own.scale.map(() => 0);
    return { path: ds.path as string, scale: own.scale.map((s, a) => s * gs[a]!), translation: own.translation.map((t, a) => t * gs[a]! + gt[a]!) };
  });
  const omero = root.omero;
  const channels = isObject(omero) && Array.isArray(omero.channels) ? (omero.channels as unknown[]).filter(isObject).map(parseChannel) : undefined;
  return {
    version: expected, name: typeof ms.name === "string" ? ms.name : undefined, axes, datasets,
    type: typeof ms.type === "string" ? ms.type : undefined, metadata: ms.metadata, channels, multiscalesCount: list.length,
  };
}

type Fail = (what: string, got: unknown, fix: string) => never;

function parseAxes(raw: unknown, fail: Fail): OmeAxis[] {
  const fix = "Fix the axes or re-write the image";
  if (!Array.isArray(raw) || raw.length < 2 || raw.length > 5) fail("2 to 5 axes", raw ?? "no axes", fix);
  const axes = (raw as unknown[]).map((a, i): OmeAxis => {
    if (typeof a === "string") fail(`axes as objects ({ "name": ..., "type": ... }, NGFF 0.4 and later)`, `the name "${a}" at axis ${i} (NGFF 0.3)`, "Upgrade the image to NGFF 0.4, e.g. with ome-zarr-py");
    if (!isObject(a) || typeof a.name !== "string" || a.name === "") fail(`a name string on axis ${i}`, a, fix);
    const ax = a as Json;
    if (ax.type !== undefined && typeof ax.type !== "string") fail(`a string type on axis ${i}`, ax.type, fix);
    if (ax.unit !== undefined && typeof ax.unit !== "string") fail(`a string unit on axis ${i}`, ax.unit, fix);
    return { name: ax.name as string, ...(ax.type === undefined ? {} : { type: ax.type as string }), ...(ax.unit === undefined ? {} : { unit: ax.unit as string }) };
  });
  const problem = axesProblem(axes);
  if (problem !== undefined) fail(problem.rule, problem.got, fix);
  return axes;
}

/**
 * What breaks the specification's axis rules, or undefined: unique names, 2-3 "space" axes,
 * at most one "time" and one "channel", time first, then channel or custom axes, space last.
 */
export function axesProblem(axes: readonly OmeAxis[]): { rule: string; got: string } | undefined {
  const names = axes.map((a) => a.name);
  const got = JSON.stringify(axes.map((a) => `${a.name}:${a.type ?? "-"}`));
  if (new Set(names).size !== names.length) return { rule: "unique axis names", got };
  const count = (t: string) => axes.filter((a) => a.type === t).length;
  if (count("space") < 2 || count("space") > 3) return { rule: `2 or 3 axes of type "space"`, got };
  if (count("time") > 1 || count("channel") > 1) return { rule: `at most one "time" and one "channel" axis`, got };
  const rank = (a: OmeAxis) => (a.type === "time" ? 0 : a.type === "space" ? 2 : 1);
  for (let i = 1; i < axes.length; i++) {
    if (rank(axes[i]!) < rank(axes[i - 1]!)) return { rule: "the time axis first, then channel or custom axes, then the space axes", got };
  }
  return undefined;
}

function parseTransforms(raw: unknown, n: number, what: string, fail: Fail): { scale: number[]; translation: number[] } {
  const fix = "Fix the metadata or re-write the image";
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > 2) fail(`${what}: one "scale", optionally followed by one "translation"`, raw ?? "nothing", fix);
  const [first, second] = raw as unknown[];
  if (!isObject(first) || first.type !== "scale") fail(`${what}: a "scale" first`, first, fix);
  const s = first as Json;
  if (s.path !== undefined && s.scale === undefined) fail(`${what}: the scale inline (a "scale" list)`, `a scale stored in the file "${String(s.path)}"`, "Write the scale values into the metadata");
  if (!isNumbers(s.scale, n) || (s.scale as number[]).some((v) => v <= 0)) fail(`${what}: a "scale" of ${n} positive numbers (one per axis)`, s.scale, fix);
  let translation = new Array<number>(n).fill(0);
  if (second !== undefined) {
    if (!isObject(second) || second.type !== "translation" || !isNumbers(second.translation, n)) fail(`${what}: a "translation" of ${n} numbers after the scale`, second, fix);
    translation = [...((second as Json).translation as number[])];
  }
  return { scale: [...(s.scale as number[])], translation };
}

function parseChannel(c: Json): OmeChannel {
  const w = c.window;
  const window = isObject(w) && ["start", "end", "min", "max"].every((k) => typeof w[k] === "number")
    ? { start: w.start as number, end: w.end as number, min: w.min as number, max: w.max as number } : undefined;
  return {
    ...(typeof c.label === "string" ? { label: c.label } : {}),
    ...(typeof c.color === "string" ? { color: c.color } : {}),
    ...(typeof c.active === "boolean" ? { active: c.active } : {}),
    ...(window ? { window } : {}),
  };
}

/** What {@link buildOmeAttributes} writes. */
export interface OmeWriteMeta {
  readonly version: "0.4" | "0.5";
  readonly name: string;
  readonly axes: readonly OmeAxis[];
  readonly datasets: readonly OmeDatasetMeta[];
  readonly type: string;
  readonly metadata: Record<string, unknown>;
  /** Written as `omero` only when every channel has a window and a color (0.4 requires both). */
  readonly channels?: readonly OmeChannel[];
}

/** The group attributes of an image: `.zattrs` content for 0.4, `attributes` of `zarr.json` for 0.5. */
export function buildOmeAttributes(meta: OmeWriteMeta): Record<string, unknown> {
  const zeros = (t: readonly number[]) => t.every((v) => v === 0);
  const multiscale: Record<string, unknown> = {
    name: meta.name,
    axes: meta.axes.map((a) => ({ name: a.name, ...(a.type === undefined ? {} : { type: a.type }), ...(a.unit === undefined ? {} : { unit: a.unit }) })),
    datasets: meta.datasets.map((d) => ({
      path: d.path,
      coordinateTransformations: [{ type: "scale", scale: [...d.scale] }, ...(zeros(d.translation) ? [] : [{ type: "translation", translation: [...d.translation] }])],
    })),
    type: meta.type,
    metadata: meta.metadata,
    ...(meta.version === "0.4" ? { version: "0.4" } : {}),
  };
  const omero = meta.channels !== undefined && meta.channels.length > 0 ? { omero: { channels: meta.channels.map((c) => ({ ...c })) } } : {};
  const body = { multiscales: [multiscale], ...omero };
  return meta.version === "0.4" ? body : { ome: { version: "0.5", ...body } };
}
