/**
 * The light-sheet shapes in memory: a (channel, time, z, y, x) stack against a
 * (channel, 1, z, y, x) kernel through "(i,j,k),(a,b,c)->(i,j,k)". The size-1 time axis of
 * the kernel broadcasts over the stack's time points; nothing is squeezed or re-added.
 *
 * Run: npx tsx examples/01-gufunc.ts
 */
import { array, full, get, gufunc, type Block } from "chunkwise";

// A small direct 3-D convolution ("same" size, zero padding) as the per-volume kernel.
function convolveSame(image: Block, kernel: Block, _params: unknown, ctx: { index: readonly number[] }): Block {
  const [nz, ny, nx] = image.shape as [number, number, number];
  const [kz, ky, kx] = kernel.shape as [number, number, number];
  const out = new Float32Array(nz * ny * nx);
  const cz = kz >> 1, cy = ky >> 1, cx = kx >> 1;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        let acc = 0;
        for (let a = 0; a < kz; a++) {
          const iz = z + cz - a;
          if (iz < 0 || iz >= nz) continue;
          for (let b = 0; b < ky; b++) {
            const iy = y + cy - b;
            if (iy < 0 || iy >= ny) continue;
            for (let c = 0; c < kx; c++) {
              const ix = x + cx - c;
              if (ix < 0 || ix >= nx) continue;
              acc += get(image, [iz, iy, ix]) * get(kernel, [a, b, c]);
            }
          }
        }
        out[(z * ny + y) * nx + x] = acc;
      }
  if (ctx.index.length !== 2) throw new Error("expected two loop dims (channel, time)");
  return array(out, { shape: [nz, ny, nx] });
}

const blur = gufunc("(i,j,k),(a,b,c)->(i,j,k)", convolveSame, { outputDtypes: "float32" });

const stack = full([2, 3, 16, 32, 32], 1, { dtype: "float32" }); // (channel, time, z, y, x)
const psf = full([2, 1, 5, 7, 7], 1 / (5 * 7 * 7), { dtype: "float32" }); // one PSF per channel, time axis of size 1

const t0 = performance.now();
const blurred = blur(stack, psf);
const ms = performance.now() - t0;

console.log(`stack ${stack.shape.join("x")} with psf ${psf.shape.join("x")} -> ${blurred.shape.join("x")} ${blurred.dtype} in ${ms.toFixed(0)} ms`);
// Away from the edges a normalised kernel over a constant image gives the constant back.
const centre = get(blurred, [1, 2, 8, 16, 16]);
console.log(`centre value ${centre.toFixed(4)} (expected 1)`);
if (Math.abs(centre - 1) > 1e-5) throw new Error("unexpected result");
