/** A small deconvolution problem, made the same way in the page and in Node: two float32 volumes and a Gaussian PSF. */
import { fromTypedArray, type Block } from "../../../src/core/ndarray.js";

/** Volumes [2, 24, 40, 36]: a few blurred spheres plus deterministic noise (non power-of-two sizes on purpose). */
export function volumes(): Block<"float32"> {
  const [v, z, y, x] = [2, 24, 40, 36];
  const data = new Float32Array(v * z * y * x);
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let t = 0; t < v; t++) {
    for (let k = 0; k < z; k++) {
      for (let j = 0; j < y; j++) {
        for (let i = 0; i < x; i++) {
          const d1 = (k - 8 - t) ** 2 + (j - 12) ** 2 + (i - 10) ** 2;
          const d2 = (k - 15) ** 2 + (j - 27 + t) ** 2 + (i - 24) ** 2;
          data[((t * z + k) * y + j) * x + i] = 100 * Math.exp(-d1 / 18) + 60 * Math.exp(-d2 / 8) + 5 + 2 * rand();
        }
      }
    }
  }
  return fromTypedArray("float32", data, [v, z, y, x]);
}

/** A normalised Gaussian PSF of shape [7, 9, 9]. */
export function gaussianPsf(): Block<"float32"> {
  const [z, y, x] = [7, 9, 9];
  const data = new Float32Array(z * y * x);
  let sum = 0;
  for (let k = 0; k < z; k++) for (let j = 0; j < y; j++) for (let i = 0; i < x; i++) sum += data[(k * y + j) * x + i] = Math.exp(-((k - 3) ** 2 / 4 + (j - 4) ** 2 / 2.5 + (i - 4) ** 2 / 2.5));
  for (let n = 0; n < data.length; n++) data[n]! /= sum;
  return fromTypedArray("float32", data, [z, y, x]);
}
