/**
 * OME-Zarr out and in: write a (c, z, y, x) stack as an OME-Zarr image (NGFF 0.4) with axes,
 * units, voxel sizes and channel names, level 0 plus a pyramid of 2x block means; read it back
 * with its metadata and open the coarsest level lazily. View the result with
 * `napari --plugin napari-ome-zarr <printed path>`.
 *
 * Run: npx tsx examples/07-ome-zarr.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { coarsen, fromArray, toFlatArray, zeros } from "chunkwise";
import { openOmeZarr, toOmeZarr } from "chunkwise/zarr";

const store = join(mkdtempSync(join(tmpdir(), "chunkwise-example-")), "cells.ome.zarr");

// 1. Two channels of a 16 x 256 x 256 stack (uint16): a bright sphere per channel.
const [c, nz, ny, nx] = [2, 16, 256, 256];
const stack = zeros([c, nz, ny, nx], { dtype: "uint16" });
for (let ch = 0; ch < c; ch++)
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const r = Math.hypot((z - 8) * 4, y - 100 - 50 * ch, x - 128);
        stack.data[((ch * nz + z) * ny + y) * nx + x] = r < 40 ? 1000 + 500 * ch : 100;
      }

// 2. Write it: 0.4 um planes, 0.1 um pixels. z is kept until x's voxel reaches 0.4 um.
const written = await toOmeZarr(fromArray(stack, { chunks: [1, nz, 128, 128] }), store, {
  axes: ["c", { name: "z", unit: "micrometer" }, { name: "y", unit: "um" }, { name: "x", unit: "um" }],
  scale: [1, 0.4, 0.1, 0.1],
  channels: [{ label: "nuclei", color: "0000FF" }, { label: "membrane", color: "00FF00" }],
});
console.log(`wrote ${store} (NGFF ${written.version}): ${written.chunksWritten} chunks in ${written.levels.length} levels`);

// 3. Read the metadata back: axes, and each level's shape and voxel size.
const img = await openOmeZarr(store);
console.log(`axes: ${img.axes.map((a) => `${a.name} (${a.type}${a.unit ? `, ${a.unit}` : ""})`).join(", ")}`);
for (const [k, level] of img.levels.entries()) console.log(`  level ${k}: shape ${JSON.stringify(level.shape)}, voxel ${JSON.stringify(level.scale)}`);

// 4. Level 1 is the 2x2 block mean of level 0 in y and x (integers rounded to nearest).
const level0 = await (await img.level(0)).compute();
const level1 = await (await img.level(1)).compute();
const means = toFlatArray(coarsen(level0, { 2: 2, 3: 2 }));
const stored = toFlatArray(level1);
const same = means.every((v, i) => Math.abs(v - stored[i]!) <= 0.5);
console.log(`level 1 is the block mean of level 0: ${same}`);
console.log(`view it: napari --plugin napari-ome-zarr ${store}`);

rmSync(join(store, ".."), { recursive: true, force: true });
