/**
 * The kernel of the Chromium Richardson-Lucy benchmark: fetches the benchmark's volume and
 * PSF (raw float32 files the bench serves), runs richardsonLucy with ITK's options on a Web
 * Worker and returns the time of each iteration, measured there.
 */
import { defineKernel } from "../../src/graph/kernel.js";
import { richardsonLucy } from "../../src/filters/index.js";

/** What the bench asks for. */
export interface RlTimedParams {
  image: string;
  psf: string;
  shape: number[];
  psfShape: number[];
  iterations: number;
  threads: number;
}

async function floats(url: string): Promise<Float32Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`rlTimed: ${url} must be served; got HTTP ${res.status}`);
  return new Float32Array(await res.arrayBuffer());
}

/** `{ perIter, total }` in seconds. */
export const rlTimed = defineKernel(import.meta.url, "rlTimed", async (params: RlTimedParams) => {
  const img = { data: await floats(params.image), shape: params.shape };
  const psf = { data: await floats(params.psf), shape: params.psfShape };
  const stamps: number[] = [];
  const t0 = performance.now();
  richardsonLucy(img, psf, {
    iterations: params.iterations, threads: params.threads, init: "image", boundary: "neumann", normalizePsf: false, clip: false, filterEpsilon: 1e-5,
    onIteration: () => void stamps.push(performance.now()),
  });
  const total = (performance.now() - t0) / 1000;
  return { perIter: stamps.map((t, i) => (t - (i === 0 ? t0 : stamps[i - 1]!)) / 1000), total };
});
