/**
 * The pure parts of the example page: which volumes to deconvolve, the Gaussian PSF model,
 * a PSF from decoded TIFF pages, and maximum-intensity projections scaled to bytes.
 */
import { cStrides, type Block } from "chunkwise";

function float32Block(data: Float32Array, shape: number[]): Block<"float32"> {
  return { dtype: "float32", data, shape, stride: cStrides(shape), offset: 0 };
}

/** The leading-axis indices of flattened volume `v` of an array whose last three axes are (z, y, x). */
export function volumeIndex(shape: readonly number[], v: number): number[] {
  const lead = shape.slice(0, -3);
  const out = new Array<number>(lead.length);
  for (let a = lead.length - 1; a >= 0; a--) {
    out[a] = v % lead[a]!;
    v = Math.floor(v / lead[a]!);
  }
  return out;
}

/** Parses "0, 2, 5-7" into volume numbers below `count`. */
export function parseVolumes(text: string, count: number): number[] {
  const out: number[] = [];
  for (const part of text.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (m === null) throw new Error(`volumes must be numbers or ranges like "0, 2, 5-7"; got "${part}"`);
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    for (let v = a; v <= b; v++) {
      if (v >= count) throw new Error(`volumes must be below ${count} (the product of the leading axes); got ${v}`);
      out.push(v);
    }
  }
  if (out.length === 0) throw new Error("volumes must name at least one volume; got none");
  return out;
}

/** A normalised Gaussian PSF with `sigma` (z, y, x) in voxels, 3 sigma each side. */
export function gaussianPsf(sigma: readonly number[]): Block<"float32"> {
  if (sigma.length !== 3 || sigma.some((s) => !(s > 0))) throw new Error(`sigma must be three positive numbers (z, y, x); got ${sigma.join(", ")}`);
  const r = sigma.map((s) => Math.ceil(3 * s));
  const shape = r.map((k) => 2 * k + 1);
  const [nz, ny, nx] = shape as [number, number, number];
  const data = new Float32Array(nz * ny * nx);
  let sum = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const e = ((z - r[0]!) / sigma[0]!) ** 2 + ((y - r[1]!) / sigma[1]!) ** 2 + ((x - r[2]!) / sigma[2]!) ** 2;
        sum += data[(z * ny + y) * nx + x] = Math.exp(-e / 2);
      }
    }
  }
  for (let i = 0; i < data.length; i++) data[i]! /= sum;
  return float32Block(data, shape);
}

/** Grey pages of one size, stacked along z as a float32 PSF, normalised to sum 1. */
export function stackPages(pages: readonly { width: number; height: number; data: ArrayLike<number> }[]): Block<"float32"> {
  const first = pages[0];
  if (first === undefined) throw new Error("a TIFF PSF must have at least one page; got none");
  const plane = first.width * first.height;
  const data = new Float32Array(pages.length * plane);
  pages.forEach((p, z) => {
    if (p.width !== first.width || p.height !== first.height || p.data.length !== plane) {
      throw new Error(`every PSF page must be ${first.width}x${first.height} and grey; got page ${z} of ${p.width}x${p.height} with ${p.data.length} samples`);
    }
    for (let i = 0; i < plane; i++) data[z * plane + i] = p.data[i]!;
  });
  let sum = 0;
  for (const v of data) sum += v;
  if (!(sum > 0)) throw new Error("a TIFF PSF must have a positive sum; got 0");
  for (let i = 0; i < data.length; i++) data[i]! /= sum;
  return float32Block(data, [pages.length, first.height, first.width]);
}

/** The maximum along z of a C-contiguous (z, y, x) block. */
export function mip(b: Block): { width: number; height: number; data: Float32Array } {
  const [nz, ny, nx] = b.shape as [number, number, number];
  const out = new Float32Array(ny * nx).fill(-Infinity);
  for (let z = 0; z < nz; z++) {
    for (let i = 0; i < ny * nx; i++) {
      const v = Number(b.data[b.offset + z * ny * nx + i]);
      if (v > out[i]!) out[i] = v;
    }
  }
  return { width: nx, height: ny, data: out };
}

/** RGBA bytes of projections placed side by side, each scaled from its own 0.1% to 99.9% quantile to 0-255. */
export function toRgba(images: readonly { width: number; height: number; data: Float32Array }[]): { width: number; height: number; rgba: Uint8ClampedArray } {
  const width = images.reduce((w, im) => w + im.width, 0);
  const height = Math.max(...images.map((im) => im.height));
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
  let left = 0;
  for (const im of images) {
    const sorted = Float32Array.from(im.data).sort();
    const lo = sorted[Math.floor(0.001 * (sorted.length - 1))]!;
    const hi = sorted[Math.ceil(0.999 * (sorted.length - 1))]!;
    const scale = hi > lo ? 255 / (hi - lo) : 0;
    for (let y = 0; y < im.height; y++) {
      for (let x = 0; x < im.width; x++) {
        const g = (im.data[y * im.width + x]! - lo) * scale;
        const p = (y * width + left + x) * 4;
        rgba[p] = rgba[p + 1] = rgba[p + 2] = g;
      }
    }
    left += im.width;
  }
  return { width, height, rgba };
}
