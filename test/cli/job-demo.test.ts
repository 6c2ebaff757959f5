/**
 * `chunkwise demo --size tiny` end to end (inline, 3 iterations): the Zarr store, the PSF
 * TIFFs, the pictures (PNG and SVG files), and an error against the ground truth that falls;
 * then `--help` for every command, the top-level help and --version.
 */
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fromZarr, openOmeZarr } from "../../src/io/zarr/index.js";
import { imread } from "../../src/io/tiff/index.js";
import { cli, jsonLines, tempDir } from "./job-helpers.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("demo", () => {
  it("--size tiny --iterations 3 --executor inline: store, PSF files, pictures, falling error", async () => {
    const dir = await tempDir("demo");
    dirs.push(dir);
    const r = await cli("demo", "--size", "tiny", "--out", dir, "--iterations", "3", "--executor", "inline");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`pictures in ${join(dir, "pictures")}`);
    expect(r.out).toMatch(/error against the ground truth .*: recorded 0\.\d+ -> deconvolved 0\.\d+ after 3 iterations/);
    const store = join(dir, "demo.zarr");
    for (const [path, dtype] of [["data", "uint16"], ["truth", "float32"]]) {
      const a = await fromZarr(store, { path });
      expect([path, a.shape, a.dtype]).toEqual([path, [2, 1, 16, 48, 48], dtype]);
    }
    // The result is an OME-Zarr image: NGFF axis order (t, c, z, y, x), the demo's voxel sizes in micrometres.
    const img = await openOmeZarr(join(dir, "deconvolved.ome.zarr"));
    expect([img.version, img.axes.map((a) => `${a.name}:${a.unit ?? ""}`), img.levels[0]!.shape, img.levels[0]!.dtype]).toEqual(["0.4", ["t:", "c:", "z:micrometer", "y:micrometer", "x:micrometer"], [1, 2, 16, 48, 48], "float32"]);
    expect(r.out).toContain(`napari --plugin napari-ome-zarr ${join(dir, "deconvolved.ome.zarr")}`);
    const psfs = await imread(join(dir, "psfs", "psf_*.tif"));
    expect([psfs.shape, psfs.dtype]).toEqual([[2, 9, 15, 15], "uint16"]);
    for (const f of ["mip-before.png", "mip-after.png", "mip-compare.png", "mip-compare-side.png", "error-per-iteration.png"]) {
      const bytes = await readFile(join(dir, "pictures", f));
      expect(bytes.subarray(1, 4).toString()).toBe("PNG");
    }
    expect((await readFile(join(dir, "pictures", "error-per-iteration.svg"), "utf8")).startsWith("<svg")).toBe(true);
  });

  it("--json: deconvolve's events then the demo's, with one error per iteration, falling", async () => {
    const dir = await tempDir("demo-json");
    dirs.push(dir);
    const r = await cli("demo", "--size", "tiny", "--out", dir, "--iterations", "4", "--executor", "inline", "--json");
    expect(r.code).toBe(0);
    const events = jsonLines(r.out);
    expect(events.map((e) => e.event).filter((e) => e !== "progress")).toEqual(["plan", "done", "demo"]);
    const demo = events.at(-1) as { errors: number[]; acceleratedErrors: number[]; blurredError: number; pictures: string[] };
    expect(demo.errors).toHaveLength(5);
    expect(demo.acceleratedErrors).toHaveLength(5);
    expect(demo.acceleratedErrors[0]).toBe(demo.errors[0]);
    expect(demo.acceleratedErrors[4]!).toBeLessThan(demo.acceleratedErrors[0]!);
    expect(demo.errors[4]!).toBeLessThan(demo.errors[0]!);
    expect(demo.errors[4]!).toBeLessThan(demo.blurredError);
    for (const p of demo.pictures) expect((await stat(p)).size).toBeGreaterThan(100);
  });
});

describe("help and usage", () => {
  it.each([
    ["deconvolve", ["--psf", "--psf-model", "--out", "--out-path", "--iterations", "--executor", "--workers", "--redis", "--resume", "--overwrite", "--json", "--verbose", "Exit codes"]],
    ["info", ["--path", "--json", "Exit codes"]],
    ["demo", ["--size", "--out", "--iterations", "--executor", "--workers", "--json", "Exit codes"]],
    ["worker", ["--redis"]],
  ])("%s --help: exit 0, documents its options", async (name, options) => {
    const r = await cli(name, "--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Usage: chunkwise ${name}`));
    for (const o of options) expect(r.out).toContain(o);
  });

  it("--help lists every command; --version prints the package version; no command is exit 2", async () => {
    const help = await cli("--help");
    expect(help.code).toBe(0);
    for (const c of ["deconvolve", "demo", "info", "worker"]) expect(help.out).toMatch(new RegExp(`^  ${c}\\s`, "m"));
    const version = await cli("--version");
    const pkg = JSON.parse(await readFile("package.json", "utf8")) as { version: string };
    expect([version.code, version.out.trim()]).toEqual([0, pkg.version]);
    const none = await cli();
    expect(none.code).toBe(2);
    const unknown = await cli("deconvolv");
    expect([unknown.code, unknown.err.trim()]).toEqual([2, 'chunkwise: unknown command "deconvolv"; choose from deconvolve, demo, info, worker. Run \'chunkwise --help\'']);
  });
});
