/**
 * A Gaussian pre-filter composed with Richardson-Lucy deconvolution into one pipeline, applied
 * three ways: eagerly to one synthetic volume, through a gufunc "(i,j,k),(a,b,c)->(i,j,k)" to a
 * small (channel, time, z, y, x) stack with a (channel, 1, z, y, x) PSF stack, and tiled over a
 * chunked volume with the pipeline's halo (mapOverlap). Prints the error against the ground
 * truth before and after.
 *
 * Run: npx tsx examples/05-pipeline.ts
 */
import { cStrides, fromArray, gufunc, toFlatArray, type Block } from "chunkwise";
import { applyPipeline, fftConvolve, gaussianFilter, pipeline, richardsonLucy } from "chunkwise/filters";

/** A deterministic ground truth: small round beads (smoothed points) on a dark background. */
function beads(shape: number[], seed: number): Block<"float32"> {
  const n = shape.reduce((p, d) => p * d, 1);
  const points = new Float32Array(n);
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let b = 0; b < n / 400; b++) points[Math.floor(rand() * n)] = 4 + 4 * rand();
  return gaussianFilter({ dtype: "float32", data: points, shape, stride: cStrides(shape), offset: 0 }, { sigma: 1 }) as Block<"float32">;
}

/** A normalised anisotropic Gaussian PSF (elongated along z, as a light sheet's). */
function gaussianPsf(shape: number[], sigma: number[]): Block<"float32"> {
  const [a, b, c] = shape as [number, number, number];
  const data = new Float32Array(a * b * c);
  let sum = 0;
  for (let z = 0; z < a; z++) for (let y = 0; y < b; y++) for (let x = 0; x < c; x++) {
    const v = Math.exp(-(((z - (a - 1) / 2) / sigma[0]!) ** 2 + ((y - (b - 1) / 2) / sigma[1]!) ** 2 + ((x - (c - 1) / 2) / sigma[2]!) ** 2) / 2);
    data[(z * b + y) * c + x] = v;
    sum += v;
  }
  for (let i = 0; i < data.length; i++) data[i]! /= sum;
  return { dtype: "float32", data, shape, stride: cStrides(shape), offset: 0 };
}

/** Root-mean-square difference from the ground truth. */
function rmsError(x: ArrayLike<number>, truth: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < truth.length; i++) e += (x[i]! - truth[i]!) ** 2;
  return Math.sqrt(e / truth.length);
}

const psf = gaussianPsf([7, 9, 9], [2, 1.2, 1.2]);
const truth = beads([24, 48, 48], 1);
const blurred = fftConvolve(truth, psf, { mode: "same" });

// 1. Eagerly, on one volume.
// Richardson-Lucy from the image (ITK's start) for 10 iterations; more would start to amplify
// the zero-boundary edge effects scikit-image's algorithm has.
const rl = { iterations: 10, init: "image", clip: false } as const;
const deconvolve = pipeline([gaussianFilter, { sigma: 0.5 }], [richardsonLucy, rl]);
let t = performance.now();
const restored = deconvolve(blurred, psf);
console.log(`eager 24x48x48, gaussian sigma 0.5 + 10 iterations: RMS error ${rmsError(blurred.data, truth.data).toFixed(4)} (blurred) -> ${rmsError(restored.data, truth.data).toFixed(4)} (restored) in ${(performance.now() - t).toFixed(0)} ms`);
const curve: string[] = [];
// The estimate is a strided view into the working memory: read its elements with toFlatArray.
richardsonLucy(blurred, psf, { ...rl, iterations: 20, onIteration: (i, est) => { if (i % 5 === 0) curve.push(`${i}: ${rmsError(toFlatArray(est), truth.data).toFixed(4)}`); } });
console.log(`  Richardson-Lucy alone, error by iteration (onIteration): ${curve.join(", ")}`);

// 2. Through a gufunc, on a (channel=2, time=2, 16, 32, 32) stack with a (2, 1, 7, 9, 9) PSF stack.
const [C, T] = [2, 2];
const vol = [16, 32, 32];
const nvox = vol.reduce((p, d) => p * d, 1);
const truthStack = new Float32Array(C * T * nvox);
const blurredStack = new Float32Array(C * T * nvox);
const psfStack = new Float32Array(C * psf.data.length);
for (let c = 0; c < C; c++) {
  const p = gaussianPsf([7, 9, 9], [1.5 + c, 1.2, 1.2]);
  psfStack.set(p.data, c * p.data.length);
  for (let tt = 0; tt < T; tt++) {
    const g = beads(vol, 10 * c + tt + 2);
    truthStack.set(g.data, (c * T + tt) * nvox);
    blurredStack.set(fftConvolve(g, p, { mode: "same" }).data, (c * T + tt) * nvox);
  }
}
const stack: Block = { dtype: "float32", data: blurredStack, shape: [C, T, ...vol], stride: cStrides([C, T, ...vol]), offset: 0 };
const psfs: Block = { dtype: "float32", data: psfStack, shape: [C, 1, 7, 9, 9], stride: cStrides([C, 1, 7, 9, 9]), offset: 0 };
t = performance.now();
const out = gufunc("(i,j,k),(a,b,c)->(i,j,k)", deconvolve)(stack, psfs) as Block;
console.log(`gufunc over shape ${out.shape.join("x")} (PSF ${psfs.shape.join("x")}, its time axis broadcast) in ${(performance.now() - t).toFixed(0)} ms:`);
for (let c = 0; c < C; c++) for (let tt = 0; tt < T; tt++) {
  const k = (c * T + tt) * nvox;
  const sl = (a: ArrayLike<number>): number[] => Array.from({ length: nvox }, (_, i) => a[k + i]!);
  console.log(`  channel ${c} time ${tt}: RMS error ${rmsError(sl(blurredStack), sl(truthStack)).toFixed(4)} -> ${rmsError(sl(out.data), sl(truthStack)).toFixed(4)}`);
}

// 3. Tiled over a chunked volume: each block gets the pipeline's halo (gaussian 2 + psf // 2).
const chunked = fromArray(blurred, { chunks: [24, 24, 24] });
console.log(`tiled: depth ${JSON.stringify(deconvolve.depth(3, psf.shape))} per axis on chunks 24x24x24`);
t = performance.now();
const tiled = await applyPipeline(chunked, deconvolve, psf).compute();
let seam = 0;
for (let i = 0; i < tiled.data.length; i++) seam = Math.max(seam, Math.abs(tiled.data[i]! - restored.data[i]!));
console.log(`  RMS error ${rmsError(tiled.data, truth.data).toFixed(4)}; max |tiled - whole| ${seam.toExponential(2)} (halo of half the PSF: approximate near seams, see docs/deconvolution.md) in ${(performance.now() - t).toFixed(0)} ms`);
