/**
 * OME-Zarr interop with other tools, both ways. Reading: the bioformats2raw sample vendored from
 * ome-zarr-py (test/fixtures/ome-zarr) opens with openOmeZarr, value for value as zarr-python 2
 * reads it (expected.json). Writing: zarr-python 2 (Debian's python3-zarr, run in this test;
 * it fails, never skips, when missing) opens what toOmeZarr writes as NGFF 0.4, follows the
 * `multiscales` metadata to every level, finds the expected shapes, and checks with NumPy that
 * each level is the block mean of the level below (trimmed, reshaped, averaged; integers
 * rounded half to even with numpy.rint).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromArray } from "../../../src/array/creation.js";
import type { DataType } from "../../../src/core/dtype.js";
import { toFlatArray } from "../../../src/core/ndarray.js";
import { openOmeZarr, toOmeZarr, ZarrError } from "../../../src/io/zarr/index.js";
import { seededBlock } from "../../../src/testing/gufunc-cases.js";
import { python, tempDir } from "./helpers.js";

const SAMPLE = join(import.meta.dirname, "../../fixtures/ome-zarr");
interface ExpectedLevel { path: string; shape: number[]; dtype: string; sum: number; scale: number[]; every97: number[] }
const expected = JSON.parse(readFileSync(join(SAMPLE, "expected.json"), "utf8")) as { series: Record<string, { axes: unknown[]; levels: ExpectedLevel[] }> };

describe("openOmeZarr reads the bioformats2raw sample as zarr-python does", () => {
  for (const series of ["0", "1"]) {
    it(`fake-series-2.zarr series ${series}: axes, level shapes and scales, values`, async () => {
      const img = await openOmeZarr(join(SAMPLE, "fake-series-2.zarr"), { path: series });
      const want = expected.series[series]!;
      expect(img.version).toBe("0.4");
      expect(img.axes).toEqual(want.axes);
      expect(img.levels.map((l) => [l.shape, l.dtype, l.scale])).toEqual(want.levels.map((l) => [l.shape, l.dtype, l.scale]));
      expect(img.metadata).toEqual({ method: "loci.common.image.SimpleImageScaler", version: "Bio-Formats 6.9.1" });
      for (const [k, level] of want.levels.entries()) {
        const values = toFlatArray(await (await img.level(k)).compute());
        expect(values.reduce((a, b) => a + b, 0)).toBe(level.sum);
        expect(values.filter((_, i) => i % 97 === 0)).toEqual(level.every97);
      }
    });
  }
  it("the container root is a bioformats2raw collection, not an image: the error says so", async () => {
    await expect(openOmeZarr(join(SAMPLE, "fake-series-2.zarr"))).rejects.toThrow(ZarrError);
    await expect(openOmeZarr(join(SAMPLE, "fake-series-2.zarr"))).rejects.toThrow(/got a "bioformats2raw.layout" collection, not an image. Open one of its images/);
  });
});

const CHECK_PYRAMID = `
import json, sys, zarr, numpy as np
root = zarr.open_group(sys.argv[1], mode="r")
ms = root.attrs["multiscales"][0]
out = {"version": ms["version"], "axes": ms["axes"], "levels": [], "errors": []}
below = None
for k, ds in enumerate(ms["datasets"]):
    a = root[ds["path"]]
    v = a[...]
    out["levels"].append({"path": ds["path"], "shape": list(a.shape), "chunks": list(a.chunks), "dtype": str(a.dtype),
                          "transforms": ds["coordinateTransformations"]})
    if below is not None:
        s0 = ms["datasets"][k - 1]["coordinateTransformations"][0]["scale"]
        s1 = ds["coordinateTransformations"][0]["scale"]
        f = [int(round(b / a_)) for a_, b in zip(s0, s1)]
        t = below[tuple(slice(0, n - n % g) for n, g in zip(below.shape, f))]
        shape = [d for n, g in zip(t.shape, f) for d in (n // g, g)]
        mean = t.reshape(shape).astype(np.float64).mean(axis=tuple(range(1, 2 * t.ndim, 2)))
        want = mean.astype(v.dtype) if v.dtype.kind == "f" else np.rint(mean).astype(v.dtype)
        if want.shape != v.shape:
            out["errors"].append(f"level {k}: shape {v.shape} != block means {want.shape}")
        elif not np.allclose(v, want, rtol=1e-6, atol=0):
            out["errors"].append(f"level {k}: max diff {np.abs(v.astype(np.float64) - want).max()}")
    below = v
print(json.dumps(out))
`;

describe("zarr-python 2 reads what toOmeZarr writes (NGFF 0.4), every level the block mean of the one below", () => {
  const CASES: [DataType, number[], number[] | undefined, number[]][] = [
    ["float32", [10, 37, 50], [0.5, 0.25, 0.25], [5, 16, 16]],
    ["uint16", [2, 6, 33, 20], [1, 1, 1, 1], [1, 6, 16, 16]],
    ["uint8", [40, 40], undefined, [16, 16]],
  ];
  for (const [dtype, shape, scale, chunks] of CASES) {
    it(`${dtype} shape=${JSON.stringify(shape)} chunks=${JSON.stringify(chunks)}${scale ? ` scale=${JSON.stringify(scale)}` : ""}`, async () => {
      const dir = join(tempDir(), "py.ome.zarr");
      const r = await toOmeZarr(fromArray(seededBlock(shape, 11, dtype), { chunks: shape.map((n) => Math.ceil(n / 2)) }), dir, { chunks, ...(scale ? { scale } : {}) });
      const got = JSON.parse(python(CHECK_PYRAMID, [dir])) as { version: string; levels: { shape: number[]; chunks: number[]; dtype: string }[]; errors: string[] };
      expect(got.version).toBe("0.4");
      expect(got.errors).toEqual([]);
      expect(got.levels.map((l) => l.shape)).toEqual(r.levels.map((l) => l.shape));
      expect(got.levels.map((l) => l.chunks)).toEqual(r.levels.map((l) => l.chunks));
      expect(got.levels.every((l) => l.dtype === dtype)).toBe(true);
      expect(got.levels.length).toBeGreaterThan(1);
    });
  }
});
