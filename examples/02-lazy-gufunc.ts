/**
 * The blog's graph at full size: a (channel, time, z, y, x) = (3, 199, 201, 1024, 768) uint16
 * stack in one-volume chunks, cast to float32, against a (3, 1, 101, 64, 64) PSF through
 * "(i,j,k),(a,b,c)->(i,j,k)". Builds the lazy graph (nothing is read or computed), prints
 * dask's summary, then computes a single output block.
 *
 * Run: npx tsx examples/02-lazy-gufunc.ts
 */
import { compute, fromArray, full, gufunc, sum, zeros, type Block } from "chunkwise";

// A stand-in kernel: scales each volume by its PSF's total (a real job would use richardsonLucy).
function scaleByPsfTotal(volume: Block, psf: Block): Block {
  const total = (sum(psf).data[0] as number) || 1;
  const out = new Float32Array(volume.shape.reduce((a, b) => a * b, 1));
  let i = 0;
  const [nz, ny, nx] = volume.shape as [number, number, number];
  const [sz, sy, sx] = volume.stride as [number, number, number];
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0, p = volume.offset + z * sz + y * sy; x < nx; x++, p += sx) out[i++] = (volume.data[p] as number) * total;
  return { dtype: "float32", data: out, shape: volume.shape, stride: [ny * nx, nx, 1], offset: 0 };
}

const memory = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
const before = memory();
const t0 = performance.now();

const raw = zeros([3, 199, 201, 1024, 768], { dtype: "uint16", chunks: [1, 1, 201, 1024, 768] });
const imgs = raw.astype("float32");
const psf = fromArray(full([3, 1, 101, 64, 64], 1 / (101 * 64 * 64), { dtype: "float32" }), { chunks: [1, 1, 101, 64, 64] });
const deconvolve = gufunc("(i,j,k),(a,b,c)->(i,j,k)", scaleByPsfTotal, { outputDtypes: "float32" });
const out = deconvolve(imgs, psf);

const buildMs = performance.now() - t0;
const usedMB = (memory() - before) / 1e6;
console.log("input (the blog's table: 188.74 GB, 597 chunks)\n" + String(raw) + "\n");
console.log("output\n" + String(out) + "\n");
console.log(`graph built in ${buildMs.toFixed(0)} ms using about ${usedMB.toFixed(1)} MB (heap and buffers; the PSF itself is 4.96 MB of float32)`);
if (out.numBlocks.reduce((a, b) => a * b, 1) !== 597) throw new Error("expected 597 chunks");

const t1 = performance.now();
const first = await compute(out.blocks([0, 0]));
console.log(`computed block (0, 0): shape (${first.shape.join(", ")}) ${first.dtype} in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
