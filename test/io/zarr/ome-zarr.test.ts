/**
 * toOmeZarr and openOmeZarr/fromOmeZarr round trips on directory stores (NGFF 0.4 in Zarr v2,
 * 0.5 in Zarr v3): level shapes, chunks, scales and translations; every level equals the block
 * means of the level below; integer pyramids keep their dtype; channels; resume after an
 * interrupted write; overwrite of an older, taller image; and the bad-input tables.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ChunkedArray } from "../../../src/array/chunked-array.js";
import { coarsen } from "../../../src/array/coarsen.js";
import { mapBlocks } from "../../../src/array/map-blocks.js";
import { fromArray, zeros } from "../../../src/array/creation.js";
import { ValueError } from "../../../src/core/errors.js";
import { toFlatArray, type Block } from "../../../src/core/ndarray.js";
import { fromOmeZarr, openOmeZarr, toOmeZarr, toZarr, ZarrError } from "../../../src/io/zarr/index.js";
import { planPyramid, viewingChunks } from "../../../src/io/zarr/pyramid.js";
import { seededBlock } from "../../../src/testing/gufunc-cases.js";
import { inline } from "../../../src/schedule/inline.js";
import { threads } from "../../../src/executors/threads/threads.js";
import { listFiles, tempDir } from "./helpers.js";

const axesZyx = [{ name: "z", unit: "micrometer" }, { name: "y", unit: "micrometer" }, { name: "x", unit: "micrometer" }];

describe("planPyramid: the NGFF converters' rule", () => {
  it("anisotropic zyx scale=[1, 0.1, 0.1]: z kept until x's voxel reaches z's, then all halve", () => {
    const axes = [{ name: "z", type: "space" }, { name: "y", type: "space" }, { name: "x", type: "space" }];
    const plan = planPyramid({ shape: [64, 2048, 2048], axes, scale: [1, 0.1, 0.1], translation: [0, 0, 0], chunks: [64, 64, 64] });
    expect(plan.map((l) => l.factors[0])).toEqual([1, 1, 1, 1, 1, 2]);
    expect(plan.map((l) => l.shape)).toEqual([[64, 2048, 2048], [64, 1024, 1024], [64, 512, 512], [64, 256, 256], [64, 128, 128], [32, 64, 64]]);
    expect(plan[5]!.scale.map((s) => +s.toFixed(6))).toEqual([2, 3.2, 3.2]);
  });
  it("isotropic zyx: every level halves z too; translation moves by half a voxel per halving", () => {
    const axes = [{ name: "z", type: "space" }, { name: "y", type: "space" }, { name: "x", type: "space" }];
    const plan = planPyramid({ shape: [40, 40, 40], axes, scale: [0.5, 0.5, 0.5], translation: [10, 0, 0], chunks: [16, 16, 16] });
    expect(plan.map((l) => l.shape)).toEqual([[40, 40, 40], [20, 20, 20], [10, 10, 10]]);
    expect(plan[1]!.translation).toEqual([10.25, 0.25, 0.25]);
    expect(plan[2]!.translation).toEqual([10.75, 0.75, 0.75]);
  });
  it("tczyx: time and channel never downsampled; default chunks 1 on them and 64 on space", () => {
    const axes = [{ name: "t", type: "time" }, { name: "c", type: "channel" }, { name: "z", type: "space" }, { name: "y", type: "space" }, { name: "x", type: "space" }];
    expect(viewingChunks([2, 3, 30, 500, 500], axes)).toEqual([1, 1, 30, 64, 64]);
    const plan = planPyramid({ shape: [2, 3, 30, 500, 500], axes, scale: [1, 1, 2, 1, 1], translation: [0, 0, 0, 0, 0], chunks: [1, 1, 30, 64, 64] });
    expect(plan.every((l) => l.shape[0] === 2 && l.shape[1] === 3)).toBe(true);
    expect(plan[plan.length - 1]!.shape.slice(3).every((n) => n <= 64)).toBe(true);
  });
});

async function valuesOf(store: string, level: number, path?: string): Promise<Block> {
  return (await fromOmeZarr(store, { level, ...(path === undefined ? {} : { path }) })).compute();
}

describe("toOmeZarr -> openOmeZarr", () => {
  for (const format of [2, 3] as const) {
    it(`format=${format}: float32 zyx shape=[12,50,70] chunks=[12,16,16] scale=[0.2,0.1,0.1] -> NGFF ${format === 2 ? "0.4" : "0.5"}, every level the block means of the one below`, async () => {
      const dir = join(tempDir(), "img.ome.zarr");
      const x = seededBlock([12, 50, 70], 7, "float32");
      const result = await toOmeZarr(fromArray(x, { chunks: [6, 25, 35] }), dir, { format, axes: axesZyx, scale: [0.2, 0.1, 0.1], chunks: [12, 16, 16], name: "cells" });
      expect(result.version).toBe(format === 2 ? "0.4" : "0.5");
      const img = await openOmeZarr(dir);
      expect(img.version).toBe(result.version);
      expect(img.zarrFormat).toBe(format);
      expect(img.name).toBe("cells");
      expect(img.axes).toEqual([{ name: "z", type: "space", unit: "micrometer" }, { name: "y", type: "space", unit: "micrometer" }, { name: "x", type: "space", unit: "micrometer" }]);
      // z halves once its voxel (0.2) is at most x's: from level 2 on; the default stops when y and x fit one chunk.
      expect(img.levels.map((l) => l.shape)).toEqual([[12, 50, 70], [12, 25, 35], [6, 12, 17], [3, 6, 8]]);
      expect(img.levels.map((l) => l.chunks)).toEqual([[12, 16, 16], [12, 16, 16], [6, 12, 16], [3, 6, 8]]);
      expect(img.levels.map((l) => l.scale.map((s) => +s.toFixed(9)))).toEqual([[0.2, 0.1, 0.1], [0.2, 0.2, 0.2], [0.4, 0.4, 0.4], [0.8, 0.8, 0.8]]);
      expect(img.levels[2]!.translation.map((t) => +t.toFixed(9))).toEqual([0.1, 0.15, 0.15]);
      expect(img.type).toBe("local_mean");
      expect(img.channels).toBeUndefined();
      let below = await valuesOf(dir, 0);
      expect(toFlatArray(below)).toEqual(toFlatArray(x));
      for (let k = 1; k < img.levels.length; k++) {
        const level = await valuesOf(dir, k);
        const f = img.levels[k]!.scale.map((s, a) => Math.round(s / img.levels[k - 1]!.scale[a]!));
        const want = coarsen(below, Object.fromEntries(f.map((v, a) => [a, v])), { trimExcess: true });
        expect(level.dtype).toBe("float32");
        expect(toFlatArray(level)).toEqual(toFlatArray(want));
        below = level;
      }
    });
  }

  it("uint16 czyx keeps its dtype: means rounded half to even; channels get windows from the coarsest level", async () => {
    const dir = join(tempDir(), "u16.ome.zarr");
    const x = seededBlock([2, 4, 8, 8], 3, "uint16");
    await toOmeZarr(fromArray(x, { chunks: [1, 4, 8, 8] }), dir, { chunks: [1, 4, 4, 4], levels: 2, channels: [{ label: "GFP", color: "00FF00" }, { label: "RFP" }] });
    const img = await openOmeZarr(dir);
    expect(img.axes.map((a) => `${a.name}:${a.type}`)).toEqual(["c:channel", "z:space", "y:space", "x:space"]);
    expect(img.levels.map((l) => [l.shape, l.dtype])).toEqual([[[2, 4, 8, 8], "uint16"], [[2, 2, 4, 4], "uint16"]]);
    const level1 = await valuesOf(dir, 1);
    const means = toFlatArray(coarsen(x, { 1: 2, 2: 2, 3: 2 }));
    const rint = (v: number) => (Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));
    expect(toFlatArray(level1)).toEqual(means.map(rint));
    const vals = toFlatArray(level1);
    const c0 = vals.slice(0, vals.length / 2);
    expect(img.channels).toEqual([
      { label: "GFP", color: "00FF00", active: true, window: { start: Math.min(...c0), end: Math.max(...c0), min: Math.min(...c0), max: Math.max(...c0) } },
      expect.objectContaining({ label: "RFP", color: "FF00FF", active: true }),
    ]);
  });

  it("a 2-D yx image in a group path, default levels: until y and x fit one 256 chunk", async () => {
    const dir = tempDir();
    const x = seededBlock([600, 300], 1, "float64");
    const seen = new Set<string>();
    await toOmeZarr(fromArray(x, { chunks: 300 }), dir, { path: "images/a", onProgress: (p) => seen.add(`${p.level}/${p.levels}`) });
    expect([...seen]).toEqual(["0/3", "1/3", "2/3"]);
    const img = await openOmeZarr(dir, { path: "images/a" });
    expect(img.levels.map((l) => l.shape)).toEqual([[600, 300], [300, 150], [150, 75]]);
    expect(img.levels.map((l) => l.path)).toEqual(["images/a/0", "images/a/1", "images/a/2"]);
    expect(await img.level(2).then((a) => a.shape)).toEqual([150, 75]);
    await expect(img.level(3)).rejects.toThrow(/level must be an integer in \[0, 2\]; got 3/);
  });
});

describe("toOmeZarr: the source is computed once", () => {
  it("each source block runs once although level 0 is rechunked smaller and every level reads the one below", async () => {
    let calls = 0;
    const source = mapBlocks((b: Block) => {
      calls++;
      return b;
    }, [fromArray(seededBlock([2, 8, 64, 64], 3, "float32"), { chunks: [1, 8, 64, 64] })]) as ChunkedArray;
    const r = await toOmeZarr(source, join(tempDir(), "once.ome.zarr"), { chunks: [1, 8, 16, 16] });
    expect(r.levels.length).toBe(3);
    expect(calls).toBe(2);
  });
});

describe("toOmeZarr: large source blocks are not cut into viewing chunks", () => {
  it("a 48 MiB block (one deconvolved volume) stays one level-0 chunk; levels above shrink their chunks by the factors", async () => {
    const x = zeros([1, 1, 48, 512, 512], { dtype: "float32", chunks: [1, 1, 48, 512, 512] });
    const r = await toOmeZarr(x, join(tempDir(), "big.ome.zarr"));
    expect(r.levels.map((l) => l.chunks)).toEqual([[1, 1, 48, 512, 512], [1, 1, 24, 256, 256], [1, 1, 12, 128, 128], [1, 1, 6, 64, 64]]);
    expect(r.levels.map((l) => l.chunksWritten)).toEqual([1, 1, 1, 1]);
  });
  it("small blocks, or chunks given explicitly, use the viewing chunks", async () => {
    const small = await toOmeZarr(zeros([4, 128, 128], { dtype: "float32", chunks: [4, 128, 128] }), join(tempDir(), "small.ome.zarr"), { levels: 1 });
    expect(small.levels[0]!.chunks).toEqual([4, 64, 64]);
    const given = await toOmeZarr(zeros([1, 1, 48, 512, 512], { dtype: "float32", chunks: [1, 1, 48, 512, 512] }), join(tempDir(), "given.ome.zarr"), { levels: 1, chunks: [1, 1, 48, 256, 256] });
    expect(given.levels[0]!.chunks).toEqual([1, 1, 48, 256, 256]);
  });
});

describe("toOmeZarr: resume and overwrite", () => {
  it("resume after losing level 1's chunks and the image metadata rewrites only what is missing", async () => {
    const dir = join(tempDir(), "r.ome.zarr");
    const x = fromArray(seededBlock([8, 64, 64], 2, "float32"), { chunks: [8, 32, 32] });
    const opts = { axes: "zyx", chunks: [8, 16, 16], levels: 3 } as const;
    await toOmeZarr(x, dir, opts);
    const before = listFiles(dir);
    const { rmSync } = await import("node:fs");
    rmSync(join(dir, ".zattrs"));
    const level1 = before.filter((f) => /^1\/0\.\d\.\d$/.test(f));
    expect(level1).toHaveLength(4);
    for (const f of level1.slice(0, 3)) rmSync(join(dir, f));
    rmSync(join(dir, "2"), { recursive: true });
    await expect(openOmeZarr(dir)).rejects.toThrow(ZarrError);
    const r = await toOmeZarr(x, dir, { ...opts, resume: true });
    expect(r.levels.map((l) => l.chunksWritten)).toEqual([0, 3, 1]);
    expect(listFiles(dir)).toEqual(before);
    expect((await openOmeZarr(dir)).levels).toHaveLength(3);
  });

  it("aborted during level 1, then resumed: the same files and values as an uninterrupted write", async () => {
    const x = fromArray(seededBlock([8, 64, 64], 9, "uint16"), { chunks: [8, 32, 32] });
    const opts = { chunks: [8, 16, 16], levels: 3 } as const;
    const clean = join(tempDir(), "clean.ome.zarr");
    await toOmeZarr(x, clean, opts);
    const dir = join(tempDir(), "aborted.ome.zarr");
    const controller = new AbortController();
    let level = -1;
    const run = toOmeZarr(x, dir, {
      ...opts, signal: controller.signal, executor: inline(),
      onProgress: (p) => {
        if (p.done === 1) level++;
        if (level === 1 && p.done === 2) controller.abort(new Error("stop"));
      },
    });
    await expect(run).rejects.toThrow();
    expect(existsSync(join(dir, ".zattrs"))).toBe(false); // the image is not advertised half-written
    await expect(openOmeZarr(dir)).rejects.toThrow(/got no "multiscales"/);
    const r = await toOmeZarr(x, dir, { ...opts, resume: true });
    expect(r.levels[0]!.chunksSkipped).toBe(16);
    expect(listFiles(dir)).toEqual(listFiles(clean));
    for (let k = 0; k < 3; k++) expect(toFlatArray(await valuesOf(dir, k))).toEqual(toFlatArray(await valuesOf(clean, k)));
  });

  it("threads({ workers: 2 }) writes the same pyramid as inline (the coarsen and rounding kernels are named)", async () => {
    const x = fromArray(seededBlock([2, 6, 40, 40], 5, "int16"), { chunks: [1, 6, 20, 20] });
    const a = join(tempDir(), "inline.ome.zarr");
    const b = join(tempDir(), "threads.ome.zarr");
    await toOmeZarr(x, a, { chunks: [1, 6, 8, 8] });
    const pool = threads({ workers: 2 });
    try {
      await toOmeZarr(x, b, { chunks: [1, 6, 8, 8], executor: pool });
    } finally {
      await pool.close();
    }
    const img = await openOmeZarr(b);
    expect(img.levels.length).toBe(4);
    for (let k = 0; k < img.levels.length; k++) expect(toFlatArray(await valuesOf(b, k))).toEqual(toFlatArray(await valuesOf(a, k)));
  });

  it("an existing image is refused without overwrite; overwrite removes the older image's extra levels", async () => {
    const dir = join(tempDir(), "o.ome.zarr");
    const big = fromArray(seededBlock([4, 64, 64], 4, "float32"), { chunks: 32 });
    await toOmeZarr(big, dir, { levels: 4, chunks: [4, 8, 8] });
    await expect(toOmeZarr(big, dir)).rejects.toThrow(/must not hold an OME-Zarr image when overwrite is false; got an image at .*Pass overwrite: true/);
    await toOmeZarr(big, dir, { levels: 2, overwrite: true, chunks: [4, 8, 8] });
    expect(existsSync(join(dir, "2", ".zarray"))).toBe(false);
    expect(existsSync(join(dir, "3", ".zarray"))).toBe(false);
    expect((await openOmeZarr(dir)).levels).toHaveLength(2);
  });

  it("overwrite never deletes outside the image: a forged dataset path '../victim' is refused", async () => {
    const root = tempDir();
    const dir = join(root, "img");
    const x = fromArray(seededBlock([4, 8, 8], 4, "float32"), { chunks: 8 });
    await toOmeZarr(x, dir, { levels: 1 });
    await toZarr(x, join(root, "victim"));
    const attrs = JSON.parse(readFileSync(join(dir, ".zattrs"), "utf8"));
    attrs.multiscales[0].datasets.push({ path: "../victim", coordinateTransformations: [{ type: "scale", scale: [1, 1, 1] }] });
    writeFileSync(join(dir, ".zattrs"), JSON.stringify(attrs));
    await expect(toOmeZarr(x, dir, { levels: 1, overwrite: true })).rejects.toThrow(/path must stay inside the store/);
    expect(existsSync(join(root, "victim", ".zarray"))).toBe(true);
  });
});

describe("toOmeZarr: bad options", () => {
  const x = fromArray(seededBlock([4, 8, 8], 1, "float32"), { chunks: 4 });
  const dir = () => join(tempDir(), "bad.ome.zarr");
  const BAD: [string, () => Promise<unknown>, RegExp][] = [
    ["a 1-d array", () => toOmeZarr(fromArray(seededBlock([5], 1), { chunks: 5 }), dir()), /must have 2 to 5 dimensions to be an OME-Zarr image; got 1/],
    ["axes of the wrong count", () => toOmeZarr(x, dir(), { axes: "yx" }), /axes must name one axis per array dimension \(3\); got "yx"/],
    ["a space axis before the channel axis", () => toOmeZarr(x, dir(), { axes: "ycx" }), /axes must follow the OME-Zarr rules \(the time axis first, then channel or custom axes, then the space axes\)/],
    ["four space axes impossible; two channel axes", () => toOmeZarr(x, dir(), { axes: [{ name: "c", type: "channel" }, { name: "d", type: "channel" }, { name: "x" }] }), /2 or 3 axes of type "space"/],
    ["repeated names", () => toOmeZarr(x, dir(), { axes: ["y", "y", "x"] }), /unique axis names/],
    ["a unit that is not a length", () => toOmeZarr(x, dir(), { axes: [{ name: "z", unit: "second" }, "y", "x"] }), /unit of axis "z" must be a space unit .*got "second"/],
    ["scale with a zero", () => toOmeZarr(x, dir(), { scale: [1, 0, 1] }), /scale must have one positive finite number per axis \(z, y, x\); got \(1, 0, 1\)/],
    ["scale of the wrong length", () => toOmeZarr(x, dir(), { scale: [1, 1] }), /scale must have one positive/],
    ["translation NaN", () => toOmeZarr(x, dir(), { translation: [0, Number.NaN, 0] }), /translation must have one finite number per axis/],
    ["levels 0", () => toOmeZarr(x, dir(), { levels: 0 }), /levels must be an integer from 1 to 4 for shape \(4, 8, 8\)/],
    ["levels 5 on 8x8", () => toOmeZarr(x, dir(), { levels: 5 }), /levels must be an integer from 1 to 4/],
    ["chunks with a zero", () => toOmeZarr(x, dir(), { chunks: [4, 0, 4] }), /chunks must have one positive integer per axis/],
    ["two channels for no channel axis", () => toOmeZarr(x, dir(), { channels: [{}, {}] }), /channels must list one entry per channel \(1\)/],
    ["a colour that is not hex", () => toOmeZarr(x, dir(), { channels: [{ color: "green" }] }), /channel 0 must be/],
    ["format 4", () => toOmeZarr(x, dir(), { format: 4 as 2 }), /format must be 2 \(NGFF 0.4\) or 3 \(NGFF 0.5\); got 4/],
  ];
  for (const [name, run, message] of BAD) {
    it(name, async () => {
      await expect(run()).rejects.toThrow(ValueError);
      await expect(run()).rejects.toThrow(message);
    });
  }
  it("an array at the image path is refused", async () => {
    const d = dir();
    await toZarr(x, d);
    await expect(toOmeZarr(x, d)).rejects.toThrow(/must be empty or a group; got the array/);
  });
});

describe("openOmeZarr: what is not an image", () => {
  const write = (dir: string, file: string, doc: unknown) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), JSON.stringify(doc));
  };
  const CASES: [string, (d: string) => void, RegExp][] = [
    ["nothing", () => undefined, /must hold an OME-Zarr image group; got nothing/],
    ["a plain v2 group", (d) => write(d, ".zgroup", { zarr_format: 2 }), /must have an "ome" attribute|"multiscales" \(an image\); got no "multiscales"/],
    ["a plate", (d) => { write(d, ".zgroup", { zarr_format: 2 }); write(d, ".zattrs", { plate: { wells: [] } }); }, /got a "plate" collection, not an image/],
    ["NGFF 0.3 in v2", (d) => { write(d, ".zgroup", { zarr_format: 2 }); write(d, ".zattrs", { multiscales: [{ version: "0.3", axes: ["y", "x"], datasets: [{ path: "0" }] }] }); }, /version "0.4" for a Zarr v2 group; got 0.3/],
    ["a v3 group without ome", (d) => write(d, "zarr.json", { zarr_format: 3, node_type: "group", attributes: { multiscales: [] } }), /must have an "ome" attribute \(NGFF 0.5 in Zarr v3\)/],
    ["a listed level that is missing", (d) => { write(d, ".zgroup", { zarr_format: 2 }); write(d, ".zattrs", { multiscales: [{ version: "0.4", axes: [{ name: "y", type: "space" }, { name: "x", type: "space" }], datasets: [{ path: "0", coordinateTransformations: [{ type: "scale", scale: [1, 1] }] }] }] }); }, /every dataset listed in the multiscales .* must be a Zarr array; got nothing at "0"/],
    ["a scale of the wrong length", (d) => { write(d, ".zgroup", { zarr_format: 2 }); write(d, ".zattrs", { multiscales: [{ version: "0.4", axes: [{ name: "y", type: "space" }, { name: "x", type: "space" }], datasets: [{ path: "0", coordinateTransformations: [{ type: "scale", scale: [1] }] }] }] }); }, /a "scale" of 2 positive numbers/],
    ["a dataset path leaving the store", (d) => { write(d, ".zgroup", { zarr_format: 2 }); write(d, ".zattrs", { multiscales: [{ version: "0.4", axes: [{ name: "y", type: "space" }, { name: "x", type: "space" }], datasets: [{ path: "../../etc", coordinateTransformations: [{ type: "scale", scale: [1, 1] }] }] }] }); }, /path must stay inside the store/],
    ["a scale stored in a file", (d) => { write(d, ".zgroup", { zarr_format: 2 }); write(d, ".zattrs", { multiscales: [{ version: "0.4", axes: [{ name: "y", type: "space" }, { name: "x", type: "space" }], datasets: [{ path: "0", coordinateTransformations: [{ type: "scale", path: "scale.bin" }] }] }] }); }, /the scale inline .*got a scale stored in the file "scale.bin"/],
    ["axes as plain names (NGFF 0.3) under version 0.4", (d) => { write(d, ".zgroup", { zarr_format: 2 }); write(d, ".zattrs", { multiscales: [{ version: "0.4", axes: ["y", "x"], datasets: [{ path: "0" }] }] }); }, /axes as objects .*got the name "y" at axis 0 \(NGFF 0.3\)/],
    ["unreadable .zattrs", (d) => { write(d, ".zgroup", { zarr_format: 2 }); writeFileSync(join(d, ".zattrs"), "{not json"); }, /the attributes of .* must be JSON/],
    ["a translation before the scale", (d) => { write(d, ".zgroup", { zarr_format: 2 }); write(d, ".zattrs", { multiscales: [{ version: "0.4", axes: [{ name: "y", type: "space" }, { name: "x", type: "space" }], datasets: [{ path: "0", coordinateTransformations: [{ type: "translation", translation: [1, 1] }] }] }] }); }, /a "scale" first/],
  ];
  for (const [name, make, message] of CASES) {
    it(name, async () => {
      const d = join(tempDir(), "x.zarr");
      make(d);
      await expect(openOmeZarr(d)).rejects.toThrow(ZarrError);
      await expect(openOmeZarr(d)).rejects.toThrow(message);
    });
  }
  it("a plain array points to fromZarr", async () => {
    const d = join(tempDir(), "a.zarr");
    await toZarr(fromArray(seededBlock([4, 4], 1), { chunks: 4 }), d);
    await expect(openOmeZarr(d)).rejects.toThrow(/got a plain array .*Open it with fromZarr/);
  });
});

