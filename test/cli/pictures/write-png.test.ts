import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { array } from "../../../src/core/creation.js";
import { ValueError } from "../../../src/core/errors.js";
import { fromTypedArray } from "../../../src/core/ndarray.js";
import { transpose } from "../../../src/core/views.js";
import { PngError, maxProjection, mipPng, sideBySidePng, writePng } from "../../../src/cli/pictures/write-png.js";
import { colormapTable } from "../../../src/cli/pictures/raster.js";

let dir = "";
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "chunkwise-png-")); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

async function decode(path: string): Promise<PNG & { colorType: number }> {
  return PNG.sync.read(await readFile(path)) as PNG & { colorType: number };
}
/** pngjs decodes to RGBA; the red channel of pixel (x, y). */
const red = (png: PNG, x: number, y: number): number => png.data[(y * png.width + x) * 4]!;

describe("writePng", () => {
  it("uint8 ramp shape=[16, 16] with min=0 max=255 round-trips exactly as 8-bit grayscale", async () => {
    const ramp = fromTypedArray("uint8", Uint8Array.from({ length: 256 }, (_, i) => i), [16, 16]);
    const path = join(dir, "ramp.png");
    await writePng(path, ramp, { min: 0, max: 255 });
    const png = await decode(path);
    expect([png.width, png.height, png.colorType]).toEqual([16, 16, 0]);
    for (let i = 0; i < 256; i++) expect(red(png, i % 16, Math.floor(i / 16))).toBe(i);
    expect(await readdir(dir)).toEqual(["ramp.png"]); // no temporary file left
  });

  it("float32 ramp shape=[3, 50] autoscales with percentiles=[0, 100]; height is the first axis", async () => {
    const ramp = fromTypedArray("float32", Float32Array.from({ length: 150 }, (_, i) => (i % 50) / 49 - 0.5), [3, 50]);
    const path = join(dir, "float.png");
    await writePng(path, ramp, { percentiles: [0, 100] });
    const png = await decode(path);
    expect([png.width, png.height]).toEqual([50, 3]);
    for (let x = 0; x < 50; x++) expect(red(png, x, 1)).toBe(Math.round((255 * x) / 49));
  });

  it("default percentiles [0.1, 99.9] clip a single hot pixel", async () => {
    const values = new Float32Array(100 * 100).map((_, i) => i % 100);
    values[0] = 1e6;
    const path = join(dir, "hot.png");
    await writePng(path, fromTypedArray("float32", values, [100, 100]));
    const png = await decode(path);
    expect(red(png, 0, 0)).toBe(255);
    expect(red(png, 50, 5)).toBeGreaterThan(120);
    expect(red(png, 50, 5)).toBeLessThan(135);
  });

  it("gamma=0.5 brightens mid-tones: level 255 * sqrt(x)", async () => {
    const path = join(dir, "gamma.png");
    await writePng(path, array([[0, 0.25, 1]]), { min: 0, max: 1, gamma: 0.5 });
    const png = await decode(path);
    expect([red(png, 0, 0), red(png, 1, 0), red(png, 2, 0)]).toEqual([0, 128, 255]);
  });

  it("colormap='viridis' writes RGB with the map's ends", async () => {
    const path = join(dir, "viridis.png");
    await writePng(path, array([[0, 1]]), { colormap: "viridis", min: 0, max: 1 });
    const png = await decode(path);
    expect(png.colorType).toBe(2);
    const table = colormapTable("viridis");
    expect(Array.from(png.data.subarray(0, 3))).toEqual(Array.from(table.subarray(0, 3)));
    expect(Array.from(png.data.subarray(4, 7))).toEqual([0xfd, 0xe7, 0x25]);
  });

  it("an RGB block shape=[2, 2, 3] is written as RGB", async () => {
    const rgb = fromTypedArray("uint8", Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]), [2, 2, 3]);
    const path = join(dir, "rgb.png");
    await writePng(path, rgb, { min: 0, max: 255 });
    const png = await decode(path);
    expect(png.colorType).toBe(2);
    expect(Array.from(png.data)).toEqual([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);
  });

  it("a transposed (strided) view is drawn as it reads", async () => {
    const base = array([[0, 10, 20], [30, 40, 50]], { dtype: "float32" });
    const path = join(dir, "transposed.png");
    await writePng(path, transpose(base), { min: 0, max: 50 });
    const png = await decode(path);
    expect([png.width, png.height]).toEqual([2, 3]);
    expect([red(png, 0, 0), red(png, 1, 0), red(png, 0, 2), red(png, 1, 2)]).toEqual([0, 153, 102, 255]);
  });

  it("zoom=3 repeats pixels", async () => {
    const path = join(dir, "zoom.png");
    await writePng(path, array([[0, 1]]), { zoom: 3, min: 0, max: 1 });
    const png = await decode(path);
    expect([png.width, png.height]).toEqual([6, 3]);
    expect([red(png, 2, 2), red(png, 3, 0)]).toEqual([0, 255]);
  });

  it.each([
    ["a 1-D block", array([1, 2, 3]), {}],
    ["a 3-D block that is not RGB", fromTypedArray("uint8", new Uint8Array(8), [2, 2, 2]), {}],
    ["an empty block", fromTypedArray("uint8", new Uint8Array(0), [0, 4]), {}],
    ["percentiles reversed", array([[1, 2]]), { percentiles: [90, 10] }],
    ["gamma 0", array([[1, 2]]), { gamma: 0 }],
    ["min NaN", array([[1, 2]]), { min: NaN }],
    ["an unknown colormap", array([[1, 2]]), { colormap: "jet" }],
    ["zoom 1.5", array([[1, 2]]), { zoom: 1.5 }],
  ])("%s throws ValueError", async (_what, image, options) => {
    await expect(writePng(join(dir, "bad.png"), image, options as object)).rejects.toThrow(ValueError);
  });

  it("a missing folder throws PngError naming the path and leaves nothing behind", async () => {
    const path = join(dir, "missing", "x.png");
    await expect(writePng(path, array([[1]]))).rejects.toThrow(PngError);
    await expect(writePng(path, array([[1]]))).rejects.toThrow(/its folder does not exist/);
  });
});

describe("mipPng", () => {
  it("volume shape=[3, 2, 4]: the picture is the max over z", async () => {
    const v = fromTypedArray("uint16", Uint16Array.from({ length: 24 }, (_, i) => (i * 7) % 24), [3, 2, 4]);
    const mip = maxProjection(v);
    expect(mip.shape).toEqual([2, 4]);
    const path = join(dir, "mip.png");
    await mipPng(path, v, { min: 0, max: 255 });
    const png = await decode(path);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) {
      const want = Math.max(...[0, 1, 2].map((z) => v.data[z * 8 + y * 4 + x]!));
      expect(red(png, x, y)).toBe(want);
    }
  });

  it("axis=1 projects along y (an x-z view)", async () => {
    const v = fromTypedArray("uint8", Uint8Array.from({ length: 24 }, (_, i) => i), [3, 2, 4]);
    const path = join(dir, "mip-xz.png");
    await mipPng(path, v, { axis: 1, min: 0, max: 255 });
    const png = await decode(path);
    expect([png.width, png.height]).toEqual([4, 3]);
    expect(red(png, 0, 0)).toBe(4);
  });

  it("rejects a 2-D volume", async () => {
    await expect(mipPng(join(dir, "bad.png"), array([[1, 2]]))).rejects.toThrow(/mipPng: volume must be 3-D/);
  });
});

describe("sideBySidePng", () => {
  const a = fromTypedArray("float32", new Float32Array(20 * 10).fill(1), [20, 10]);
  const b = fromTypedArray("float32", new Float32Array(12 * 6).fill(1), [12, 6]);

  it("panels [20x10, 12x6] gap=4 without labels: width 4+10+4+6+4, height 4+20+4, gaps black", async () => {
    const path = join(dir, "side.png");
    await sideBySidePng(path, [a, b], { min: 0, max: 1 });
    const png = await decode(path);
    expect([png.width, png.height, png.colorType]).toEqual([28, 28, 2]);
    expect(red(png, 4, 4)).toBe(255); // first panel's corner
    expect(red(png, 14, 10)).toBe(0); // the gap between panels
    expect(red(png, 18, 4)).toBe(255); // second panel's corner
    expect(red(png, 18, 16)).toBe(0); // below the shorter panel
  });

  it("labels add a caption strip above the panels, with white text", async () => {
    const path = join(dir, "labels.png");
    await sideBySidePng(path, [a, b], { labels: ["before", "after"], min: 0, max: 1, shareRange: true });
    const png = await decode(path);
    expect(png.height).toBe(28 + 7 + 4 + 2);
    let ink = 0;
    for (let y = 0; y < 13; y++) for (let x = 0; x < png.width; x++) if (red(png, x, y) === 255) ink++;
    expect(ink).toBeGreaterThan(20);
  });

  it("shareRange=true scales all panels together; default scales each alone", async () => {
    const dim = fromTypedArray("float32", new Float32Array(4).fill(1), [2, 2]);
    const bright = fromTypedArray("float32", Float32Array.from([0, 2, 4, 4]), [2, 2]);
    const shared = join(dir, "shared.png");
    await sideBySidePng(shared, [dim, bright], { percentiles: [0, 100], shareRange: true, gap: 0 });
    expect(red(await decode(shared), 0, 0)).toBe(64);
    const own = join(dir, "own.png");
    await sideBySidePng(own, [bright, bright], { percentiles: [0, 100], gap: 0 });
    expect(red(await decode(own), 1, 0)).toBe(128);
  });

  it.each([
    ["no panels", [], {}],
    ["more labels than panels", [array([[1]])], { labels: ["a", "b"] }],
    ["a negative gap", [array([[1]])], { gap: -1 }],
  ])("%s throws ValueError", async (_what, panels, options) => {
    await expect(sideBySidePng(join(dir, "bad.png"), panels, options as object)).rejects.toThrow(ValueError);
  });
});
