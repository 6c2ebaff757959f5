/**
 * A small light-sheet-like dataset for the browser example and its test: beads and a few
 * filaments blurred by a Gaussian PSF, with Poisson-like noise, as uint16 volumes (v, z, y, x)
 * in a Zarr v2 store (gzip). Deterministic, so the test's picture is the same every run.
 */
// Relative imports: this runs in Node (the example's server and its test), not in the page.
import { fromArray } from "../../src/array/creation.js";
import type { Block } from "../../src/core/ndarray.js";
import { toOmeZarr, toZarr } from "../../src/io/zarr/index.js";
import { encodeTiff } from "../../src/io/tiff/index.js";

/** Writes `volumes` volumes of 32 x 96 x 96 to the Zarr store directory `dir`; with `ome`, as an OME-Zarr image (axes czyx, 2 levels). */
export async function writeDemoZarr(dir: string, volumes = 2, ome = false): Promise<void> {
  const [nz, ny, nx] = [32, 96, 96];
  const n = nz * ny * nx;
  const data = new Uint16Array(volumes * n);
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  for (let v = 0; v < volumes; v++) {
    const beads = Array.from({ length: 40 }, () => [4 + rand() * (nz - 8), 8 + rand() * (ny - 16), 8 + rand() * (nx - 16), 400 + 800 * rand()] as const);
    for (let z = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++) {
          let s = 100;
          for (const [bz, by, bx, a] of beads) {
            const e = ((z - bz) / 2.5) ** 2 + ((y - by) / 1.8) ** 2 + ((x - bx) / 1.8) ** 2;
            if (e < 30) s += a * Math.exp(-e / 2);
          }
          // A filament along a sine, blurred the same way.
          const fy = ny / 2 + 20 * Math.sin((x + 10 * v) / 15);
          const ef = ((y - fy) / 1.8) ** 2 + ((z - nz / 2) / 2.5) ** 2;
          if (ef < 30) s += 300 * Math.exp(-ef / 2);
          data[v * n + (z * ny + y) * nx + x] = Math.round(s + Math.sqrt(s) * (rand() - 0.5) * 2);
        }
      }
    }
  }
  const block: Block<"uint16"> = { dtype: "uint16", data, shape: [volumes, nz, ny, nx], stride: [n, ny * nx, nx, 1], offset: 0 };
  const lazy = fromArray(block, { chunks: [1, nz, ny, nx] });
  if (ome) await toOmeZarr(lazy, dir, { axes: "czyx", scale: [1, 0.4, 0.1, 0.1], levels: 2, compressor: "gzip", overwrite: true });
  else await toZarr(lazy, dir, { compressor: "gzip", overwrite: true });
}

/** A Gaussian PSF (sigma 2, 1.5, 1.5 voxels) of 9 x 11 x 11 as a uint16 TIFF z-stack, for the PSF file input. */
export function demoPsfTiff(): Uint8Array {
  const [nz, ny, nx] = [9, 11, 11];
  const data = new Uint16Array(nz * ny * nx);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    data[(z * ny + y) * nx + x] = Math.round(60000 * Math.exp(-(((z - 4) / 2) ** 2 + ((y - 5) / 1.5) ** 2 + ((x - 5) / 1.5) ** 2) / 2));
  }
  return encodeTiff({ dtype: "uint16", data, shape: [nz, ny, nx], stride: [ny * nx, nx, 1], offset: 0 });
}
