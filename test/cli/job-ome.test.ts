/**
 * OME-Zarr through the CLI, in process on the tiny demo dataset: `deconvolve --ome-zarr`
 * writes an NGFF image whose full-resolution level equals the plain-Zarr result (in NGFF axis
 * order t, c, z, y, x); an OME-Zarr input is read without --path, its axes, units, voxel sizes
 * and channel labels kept (and its per-channel PSFs matched to the right channel although NGFF
 * puts time first); `--zarr-format 3` writes NGFF 0.5; `info` shows levels, axes and scales;
 * bad combinations are exit code 2 with nothing written.
 */
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromArray, moveaxis, toFlatArray } from "../../src/index.js";
import { fromOmeZarr, fromZarr, openOmeZarr, toOmeZarr, toZarr } from "../../src/io/zarr/index.js";
import { writeDemoData, type DemoData } from "../../src/cli/demo.js";
import { cli, jsonLines, snapshot, tempDir } from "./job-helpers.js";

let dir: string;
let demo: DemoData;
let plain: number[];
const common = () => ["--psf", demo.psfPattern, "--iterations", "2", "--executor", "inline", "--background", String(demo.data.background)];

beforeAll(async () => {
  dir = await tempDir("ome");
  demo = await writeDemoData(dir, "tiny", 1);
  const r = await cli("deconvolve", demo.store, "--path", "data", "--out", join(dir, "plain.zarr"), "--out-path", "r", ...common());
  expect(r.code).toBe(0);
  // The plain result is (c, t, z, y, x); NGFF's order is (t, c, z, y, x).
  plain = toFlatArray(await moveaxis(await fromZarr(join(dir, "plain.zarr"), { path: "r" }), 1, 0).compute());
  // The recording as an OME-Zarr image, as a converter would leave it: t, c, z, y, x with units and labels.
  await toOmeZarr(moveaxis(fromArray(demo.data.noisy, { chunks: [1, 1, 16, 48, 48] }), 1, 0), join(dir, "input.ome.zarr"), {
    axes: [{ name: "t", unit: "second" }, "c", { name: "z", unit: "micrometer" }, { name: "y", unit: "micrometer" }, { name: "x", unit: "micrometer" }],
    scale: [2, 1, 0.4, 0.1, 0.1], translation: [0, 0, 1, 2, 3], channels: [{ label: "beads 488", color: "00FF00" }, { label: "filaments 561", color: "FF00FF" }],
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("deconvolve --ome-zarr", () => {
  it("plain (c, t, z, y, x) input -> NGFF 0.4 image at the --out root, axes tczyx, level 0 equal to the plain result", async () => {
    const out = join(dir, "a.ome.zarr");
    const r = await cli("deconvolve", demo.store, "--path", "data", "--ome-zarr", "--out", out, ...common());
    expect([r.code, r.err.split("\n").filter((l) => /error/i.test(l))]).toEqual([0, []]);
    expect(r.out).toContain(`OME-Zarr 0.4 image, axes tczyx`);
    expect(r.out).toContain(`open it in napari: napari --plugin napari-ome-zarr ${out}`);
    const img = await openOmeZarr(out);
    expect([img.version, img.axes.map((a) => `${a.name}:${a.type}`)]).toEqual(["0.4", ["t:time", "c:channel", "z:space", "y:space", "x:space"]]);
    expect(toFlatArray(await (await img.level(0)).compute())).toEqual(plain);
    const attrs = JSON.parse(await readFile(join(out, ".zattrs"), "utf8")) as { deconvolve: { iterations: number; path: string } };
    expect([attrs.deconvolve.iterations, attrs.deconvolve.path]).toEqual([2, "data"]);
  });

  it("OME-Zarr input without --path, --zarr-format 3: NGFF 0.5, the input's axes, units, scales, translation and channel labels kept; values equal the plain result", async () => {
    const out = join(dir, "b.ome.zarr");
    const r = await cli("deconvolve", join(dir, "input.ome.zarr"), "--ome-zarr", "--zarr-format", "3", "--out", out, "--json", ...common());
    expect(r.code).toBe(0);
    const done = jsonLines(r.out).find((e) => e.event === "done") as { omeZarr: { version: string; levels: { shape: number[] }[] } };
    expect(done.omeZarr.version).toBe("0.5");
    expect(jsonLines(r.out).filter((e) => e.event === "progress").every((e) => e.level === 0)).toBe(true);
    const input = await openOmeZarr(join(dir, "input.ome.zarr"));
    const img = await openOmeZarr(out);
    expect([img.version, img.zarrFormat]).toEqual(["0.5", 3]);
    expect(img.axes).toEqual(input.axes);
    expect(img.levels[0]!.scale).toEqual([2, 1, 0.4, 0.1, 0.1]);
    expect(img.levels[0]!.translation).toEqual([0, 0, 1, 2, 3]);
    expect(img.channels?.map((c) => [c.label, c.color])).toEqual([["beads 488", "00FF00"], ["filaments 561", "FF00FF"]]);
    // Each channel deconvolved with its own PSF: equal to the plain run, where channel c took psf_c.
    expect(toFlatArray(await (await fromOmeZarr(out)).compute())).toEqual(plain);
  });

  it("OME-Zarr input to plain Zarr output (no --ome-zarr): the input's (t, c, ...) is deconvolved as (c, t, ...)", async () => {
    const r = await cli("deconvolve", join(dir, "input.ome.zarr"), "--out", join(dir, "c.zarr"), "--out-path", "r", ...common());
    expect(r.code).toBe(0);
    expect(r.out).toContain("input is an OME-Zarr 0.4 image (1 level, full resolution read): axes t (second), c, z (micrometer), y (micrometer), x (micrometer), voxel size (2, 1, 0.4, 0.1, 0.1); deconvolved and written as (c, t, z, y, x)");
    expect(toFlatArray(await moveaxis(await fromZarr(join(dir, "c.zarr"), { path: "r" }), 1, 0).compute())).toEqual(plain);
  });

  it("info shows the OME-Zarr image: version, axes with units, levels with scales (text and --json)", async () => {
    const text = await cli("info", join(dir, "input.ome.zarr"));
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/OME-Zarr image "image" \(NGFF 0.4, zarr v2\): 1 level/);
    expect(text.out).toContain("axes: t (time, second), c (channel), z (space, micrometer), y (space, micrometer), x (space, micrometer)");
    expect(text.out).toMatch(/0\s+0\s+\(1, 2, 16, 48, 48\)\s+\(1, 1, 16, 48, 48\)\s+uint16\s+\(2, 1, 0.4, 0.1, 0.1\)\s+\(0, 0, 1, 2, 3\)/);
    expect(text.out).toContain("channels: beads 488, filaments 561");
    const json = jsonLines((await cli("info", join(dir, "input.ome.zarr"), "--json")).out)[0] as { ome: { version: string; levels: { scale: number[] }[] } };
    expect([json.ome.version, json.ome.levels[0]!.scale]).toEqual(["0.4", [2, 1, 0.4, 0.1, 0.1]]);
  });
});

describe("info on a group with broken OME-Zarr metadata", () => {
  it("says why it is not a readable image, then lists the group as any group (exit 0)", async () => {
    const g = join(dir, "broken.ome.zarr");
    await mkdir(g, { recursive: true });
    await writeFile(join(g, ".zgroup"), JSON.stringify({ zarr_format: 2 }));
    await writeFile(join(g, ".zattrs"), JSON.stringify({ multiscales: [{ version: "0.4", axes: [{ name: "x", type: "space" }], datasets: [{ path: "0" }] }] }));
    const r = await cli("info", g);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^not a readable OME-Zarr image: openOmeZarr: the OME-Zarr metadata of .* must have 2 to 5 axes/m);
    expect(r.out).toMatch(/^group .*broken.ome.zarr \(zarr v2\): 0 arrays/m);
  });
});

describe("deconvolve --ome-zarr: refusals (exit 2, nothing written)", () => {
  const CASES: [string, () => string[], RegExp][] = [
    ["the input image's own path as output", () => [join(dir, "input.ome.zarr"), "--ome-zarr", "--out", join(dir, "input.ome.zarr"), "--out-path", ""], /the output must not overlap the input/],
    ["an output image whose level 0 is the input (an image's level read as a plain array)", () => [join(dir, "input.ome.zarr"), "--path", "0", "--ome-zarr", "--out", join(dir, "input.ome.zarr"), "--out-path", ""], /the output must not overlap the input; got .* which holds the input/],
    ["the same, the image named as the directory above", () => [join(dir, "input.ome.zarr", "0"), "--ome-zarr", "--out", join(dir, "input.ome.zarr")], /the output must not overlap the input/],
    ["--zarr-format 4", () => [demo.store, "--path", "data", "--ome-zarr", "--zarr-format", "4"], /--zarr-format must be one of 2, 3; got "4"/],
    ["a plain array at the output path", () => [demo.store, "--path", "data", "--ome-zarr", "--out", demo.store, "--out-path", "truth"], /the OME-Zarr output path must be new or an image group; got the array/],
  ];
  for (const [name, args, message] of CASES) {
    it(name, async () => {
      const before = await snapshot(dir);
      const r = await cli("deconvolve", ...args(), ...common());
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(await snapshot(dir)).toEqual(before);
    });
  }
  it("an existing OME-Zarr output without --overwrite or --resume", async () => {
    const out = join(dir, "twice.ome.zarr");
    expect((await cli("deconvolve", demo.store, "--path", "data", "--ome-zarr", "--out", out, ...common())).code).toBe(0);
    const before = await snapshot(dir);
    const r = await cli("deconvolve", demo.store, "--path", "data", "--ome-zarr", "--out", out, ...common());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the output must not exist yet; got an OME-Zarr image at .*Pass --overwrite/);
    expect(await snapshot(dir)).toEqual(before);
    expect((await cli("deconvolve", demo.store, "--path", "data", "--ome-zarr", "--out", out, "--overwrite", ...common())).code).toBe(0);
  });

  it("--overwrite refuses a level folder that is a symbolic link out of the image; the array it points to is intact", async () => {
    const out = join(dir, "linked.ome.zarr");
    expect((await cli("deconvolve", demo.store, "--path", "data", "--ome-zarr", "--out", out, ...common())).code).toBe(0);
    const victim = join(dir, "victim.zarr");
    await toZarr(fromArray(demo.data.noisy, { chunks: [1, 1, 16, 48, 48] }), victim, { path: "keep" });
    const before = await snapshot(victim);
    await rm(join(out, "0"), { recursive: true });
    await symlink(join(victim, "keep"), join(out, "0"));
    const r = await cli("deconvolve", demo.store, "--path", "data", "--ome-zarr", "--out", out, "--overwrite", ...common());
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^chunkwise: deconvolve: the output folder must lie inside its store .*linked\.ome\.zarr; got .*linked\.ome\.zarr\/0, which leads to .*victim\.zarr\/keep through a symbolic link/);
    expect(await snapshot(victim)).toEqual(before);
    await rm(out, { recursive: true, force: true });
    await rm(victim, { recursive: true, force: true });
  });

  it("--resume of an OME-Zarr output continues only the same computation (the fingerprint on level 0)", async () => {
    const out = join(dir, "resume.ome.zarr");
    expect((await cli("deconvolve", demo.store, "--path", "data", "--ome-zarr", "--out", out, ...common())).code).toBe(0);
    const other = await cli("deconvolve", demo.store, "--path", "data", "--ome-zarr", "--out", out, "--resume", ...common().map((a) => (a === "2" ? "3" : a)));
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/same computation|fingerprint/);
    const same = await cli("deconvolve", demo.store, "--path", "data", "--ome-zarr", "--out", out, "--resume", ...common());
    expect(same.code).toBe(0);
    expect(same.out).toMatch(/0 chunks written, 2 already there \(resumed\)/);
  });
});
