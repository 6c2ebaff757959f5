/**
 * The README's first code block, run as written on camera counts: a (channel, time, z, y, x)
 * uint16 Zarr array written by zarr-python and one uint16 PSF per channel written by tifffile
 * (test/fixtures/filters/readme-camera/, made by make_readme_camera.py). Only the block's two
 * dataset paths are pointed at a copy of the fixture and its `chunkwise` imports at the
 * sources; every call is the README's. Its result must be scikit-image's
 * `richardson_lucy(raw[c, t], psf[c], num_iter=10, clip=False)` to 1e-4 of the maximum.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compute } from "../../src/schedule/compute.js";
import { toFlatArray } from "../../src/core/ndarray.js";
import { fromZarr } from "../../src/io/zarr/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const fixture = join(root, "test/fixtures/filters/readme-camera");
const meta = JSON.parse(readFileSync(join(fixture, "meta.json"), "utf8")) as { shape: number[]; iterations: number; referenceMax: number; clippedFraction: number; skimage: string };
const ENTRY_POINTS: Record<string, string> = {
  chunkwise: "src/index.ts",
  "chunkwise/zarr": "src/io/zarr/index.ts",
  "chunkwise/tiff": "src/io/tiff/index.ts",
  "chunkwise/filters": "src/filters/index.ts",
  "chunkwise/threads": "src/executors/threads/index.ts",
};

/** The README's first ```ts block. */
function firstReadmeBlock(): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const m = /```ts\n([\s\S]*?)```/.exec(readme);
  if (m === null) throw new Error("README.md has no ts code block");
  return m[1]!;
}

const dir = mkdtempSync(join(tmpdir(), "chunkwise-readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`README's first code block on uint16 camera counts ${JSON.stringify(meta.shape)} equals skimage ${meta.skimage} richardson_lucy(clip=False) to 1e-4 of the maximum`, () => {
  it("runs verbatim (paths aside) and matches the reference", async () => {
    const block = firstReadmeBlock();
    // The block must still be the one this test pins: the README's dataset and call pattern.
    for (const s of ['"AOLLSMData_m4_raw.zarr"', '"AOLLSMData/m4/psfs_z0p1/*.tif"', "richardsonLucy, { params: { iterations: 10 } }", 'astype("float32")', "threads({ workers: 2 })"]) {
      expect(block).toContain(s);
    }
    cpSync(join(fixture, "raw.zarr"), join(dir, "raw.zarr"), { recursive: true });
    let code = block
      .replaceAll('"AOLLSMData_m4_raw.zarr"', JSON.stringify(join(dir, "raw.zarr")))
      .replaceAll('"AOLLSMData/m4/psfs_z0p1/*.tif"', JSON.stringify(join(fixture, "psfs/*.tif")));
    code = code.replace(/from "(chunkwise(?:\/\w+)?)"/g, (_, spec: string) => {
      const file = ENTRY_POINTS[spec];
      if (file === undefined) throw new Error(`the README imports ${spec}, which this test does not map`);
      return `from ${JSON.stringify(pathToFileURL(join(root, file)).href)}`;
    });
    const script = join(dir, "readme-block.ts");
    writeFileSync(script, code);
    await import(pathToFileURL(script).href);

    const out = await compute(await fromZarr(join(dir, "raw.zarr"), { path: "deconvolved" }));
    expect(out.shape).toEqual(meta.shape);
    expect(out.dtype).toBe("float32");
    const got = toFlatArray(out);
    const want = new Float32Array(readFileSync(join(fixture, "reference.f32")).buffer.slice(0));
    let maxErr = 0;
    for (let i = 0; i < want.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i]! - want[i]!));
    expect(maxErr / meta.referenceMax).toBeLessThanOrEqual(1e-4);
    // What the old default (scikit-image's clip=True) destroyed: nearly every voxel above 1.
    expect(meta.clippedFraction).toBeGreaterThan(0.99);
  });
});
