/**
 * OME-Zarr metadata against the specification's own files (test/fixtures/ngff-schemas, vendored
 * from ome/ngff 0.5.2 with its licence): what toOmeZarr writes validates against the official
 * JSON schemas (`strict_image.schema` of NGFF 0.4 for Zarr v2's `.zattrs`, of 0.5 for Zarr v3's
 * `zarr.json` attributes), and chunkwise's reader parses every image example of the spec (axes,
 * levels, composed scales) and refuses every non-image example (plates, wells, series, labels
 * without an image) with a ZarrError saying what the group is.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { fromArray } from "../../../src/array/creation.js";
import { toOmeZarr, ZarrError, type ToOmeZarrOptions } from "../../../src/io/zarr/index.js";
import { parseOmeImage } from "../../../src/io/zarr/ome-metadata.js";
import { seededBlock } from "../../../src/testing/gufunc-cases.js";
import { tempDir } from "./helpers.js";

const ROOT = join(import.meta.dirname, "../../fixtures/ngff-schemas");
type Version = "0.4" | "0.5";

/** The spec's examples are JSON with `//` line comments; its harness strips them the same way. */
const readJsonc = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(file, "utf8").split("\n").filter((l) => !/^\s*\/\//.test(l)).join("\n")) as Record<string, unknown>;

function validator(version: Version) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const dir = join(ROOT, version, "schemas");
  // Looked up by file name: 0.4's bf2raw and ome schemas carry "latest" in their $id upstream.
  const ids = new Map<string, string>();
  for (const f of readdirSync(dir)) {
    const schema = JSON.parse(readFileSync(join(dir, f), "utf8")) as { $id: string };
    ajv.addSchema(schema);
    ids.set(f, schema.$id);
  }
  return (schema: string, doc: unknown): string[] => {
    const validate = ajv.getSchema(ids.get(schema) ?? schema);
    if (validate === undefined) throw new Error(`schema ${schema} of ${version} is not vendored`);
    return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
  };
}

const CASES: [string, number[], ToOmeZarrOptions][] = [
  ["yx, defaults", [40, 30], {}],
  ["zyx with units and anisotropic scale", [8, 40, 40], { axes: [{ name: "z", unit: "um" }, { name: "y", unit: "um" }, { name: "x", unit: "um" }], scale: [0.5, 0.1, 0.1], chunks: [8, 16, 16] }],
  ["czyx with channels and a translation", [2, 4, 32, 32], { channels: [{ label: "DAPI" }, { label: "GFP", color: "00FF00" }], translation: [0, 5, -2, 3.5], chunks: [1, 4, 16, 16] }],
  ["tczyx with time unit", [2, 1, 4, 16, 16], { axes: [{ name: "t", unit: "second" }, "c", "z", "y", "x"], scale: [2, 1, 1, 0.3, 0.3], chunks: [1, 1, 4, 8, 8] }],
  ["user attributes beside the OME keys (deconvolve's provenance)", [6, 20, 20], { attributes: { deconvolve: { iterations: 10, psf: "psfs/*.tif" } } }],
  ["custom axis before space", [3, 16, 16], { axes: [{ name: "angle", type: "angle" }, "y", "x"], chunks: [1, 8, 8] }],
];

describe("what toOmeZarr writes validates against the official NGFF schemas", () => {
  for (const format of [2, 3] as const) {
    const version: Version = format === 2 ? "0.4" : "0.5";
    const check = validator(version);
    for (const [name, shape, options] of CASES) {
      it(`NGFF ${version} (Zarr v${format}): ${name} shape=${JSON.stringify(shape)}`, async () => {
        const dir = join(tempDir(), "s.ome.zarr");
        await toOmeZarr(fromArray(seededBlock(shape, 5, "float32"), { chunks: shape }), dir, { ...options, format });
        const attrs = format === 2
          ? JSON.parse(readFileSync(join(dir, ".zattrs"), "utf8"))
          : (JSON.parse(readFileSync(join(dir, "zarr.json"), "utf8")) as { attributes: unknown }).attributes;
        expect(check("strict_image.schema", attrs)).toEqual([]);
        expect(check("image.schema", attrs)).toEqual([]);
        if (format === 3) expect(check("ome_zarr.schema", attrs)).toEqual([]);
      });
    }
  }

  it("the validator is not vacuous: forged metadata fails the schema", () => {
    const check = validator("0.4");
    const bad = { multiscales: [{ version: "0.4", name: "x", type: "t", metadata: {}, axes: [{ name: "x", type: "space" }], datasets: [{ path: "0", coordinateTransformations: [{ type: "scale", scale: [1] }] }] }] };
    expect(check("strict_image.schema", bad).length).toBeGreaterThan(0);
    expect(validator("0.5")("strict_image.schema", { ome: { version: "0.4", multiscales: [] } }).length).toBeGreaterThan(0);
  });
});

interface Example { version: Version; folder: string; file: string; doc: Record<string, unknown>; schema: string }
const examples: Example[] = (["0.4", "0.5"] as const).flatMap((version) => {
  const dir = join(ROOT, version, "examples");
  return readdirSync(dir).filter((f) => statSync(join(dir, f)).isDirectory()).flatMap((folder) => {
    const schema = (JSON.parse(readFileSync(join(dir, folder, ".config.json"), "utf8")) as { schema: string }).schema.replace(/^schemas\//, "");
    return readdirSync(join(dir, folder)).filter((f) => f.endsWith(".json") && f !== ".config.json")
      .map((file) => ({ version, folder, file, doc: readJsonc(join(dir, folder, file)), schema }));
  });
});

describe("chunkwise's reader on every example of the NGFF specification", () => {
  it("found the spec's examples: 0.4 and 0.5, images among them", () => {
    expect(examples.length).toBeGreaterThanOrEqual(20);
    expect(examples.filter((e) => e.folder === "multiscales_strict")).toHaveLength(4);
  });
  for (const e of examples) {
    const format = e.version === "0.4" ? 2 : 3;
    const attrs = (format === 3 ? e.doc.attributes : e.doc) as Record<string, unknown>;
    const ms = ((format === 3 ? (attrs.ome as Record<string, unknown>) : attrs).multiscales as Record<string, unknown>[] | undefined)?.[0];
    it(`${e.version}/${e.folder}/${e.file}: valid against ${e.schema}, ${ms ? "parsed as an image" : "refused as not an image"}`, () => {
      expect(validator(e.version)(e.schema, attrs)).toEqual([]);
      if (ms === undefined) {
        expect(() => parseOmeImage("openOmeZarr", attrs, format, e.file)).toThrow(ZarrError);
        expect(() => parseOmeImage("openOmeZarr", attrs, format, e.file)).toThrow(/must have "multiscales" \(an image\); got/);
        return;
      }
      const img = parseOmeImage("openOmeZarr", attrs, format, e.file);
      expect(img.version).toBe(e.version);
      expect(img.axes.map((a) => a.name)).toEqual((ms.axes as { name: string }[]).map((a) => a.name));
      expect(img.datasets.map((d) => d.path)).toEqual((ms.datasets as { path: string }[]).map((d) => d.path));
      expect(img.type).toBe(ms.type);
    });
  }

  it("0.5 multiscales_example: the multiscale-wide time scale 0.1 composes with each level's (t scale 0.1, z 0.5 -> 1 -> 2)", () => {
    const e = examples.find((x) => x.version === "0.5" && x.file === "multiscales_example.json")!;
    const img = parseOmeImage("openOmeZarr", e.doc.attributes as Record<string, unknown>, 3, e.file);
    expect(img.datasets.map((d) => d.scale)).toEqual([[0.1, 1, 0.5, 0.5, 0.5], [0.1, 1, 1, 1, 1], [0.1, 1, 2, 2, 2]]);
    expect(img.axes[0]).toEqual({ name: "t", type: "time", unit: "millisecond" });
  });
});
