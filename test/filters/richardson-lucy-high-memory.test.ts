/**
 * Richardson-Lucy on the resident engine where it needs more than 3.5 GiB of wasm32's 4 GiB:
 * the blog's real chunk (201x1024x768 float32) with a 57x31x31 PSF, ITK's options and
 * Biggs-Andrews acceleration, whose extrapolation arrays bring the engine's need to 3.73 GiB
 * (the lean transfer function, two whole arrays of 270x1080x802, the image's staging area, the
 * compact previous estimate and gradient). The call must stay on the engine
 * (not the one-thread reference path), agree with the reference path, give the same bytes on
 * two threads, and with `stopOn: "divergence"` (the divide in TypeScript, over arrays that
 * reach past 2^31) the same bytes again.
 *
 * Big and slow (about 4 GB of wasm memory, 5 GB for the reference path before it, minutes of
 * compute): it runs only with CHUNKWISE_BIG_TESTS=1, e.g.
 *   CHUNKWISE_BIG_TESTS=1 npx vitest run test/filters/richardson-lucy-high-memory.test.ts
 * (named in docs/deconvolution.md, "Memory"). test/fft/resident-rfftn-high.test.ts checks the
 * engine's passes and kernels at the same addresses on every run.
 */
import * as v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type { Block } from "../../src/core/ndarray.js";
import { RESIDENT_MAX_BYTES } from "../../src/fft/resident-rfftn.js";
import { setDefaultFftBackend } from "../../src/fft/wasm-engine.js";
import { richardsonLucy, richardsonLucyWorkspace, type RichardsonLucyOptions } from "../../src/filters/index.js";
import { resolveRlOptions } from "../../src/filters/richardson-lucy-options.js";
import { richardsonLucyResident } from "../../src/filters/richardson-lucy-resident.js";
import { relErr } from "./load-fixtures.js";

const N = [201, 1024, 768];
const K = [57, 31, 31];
const OPTIONS: RichardsonLucyOptions = { init: "image", boundary: "neumann", clip: false, filterEpsilon: 1e-5, normalizePsf: false, acceleration: "biggs", iterations: 3 };

function block(data: Float32Array, shape: number[]): Block {
  return { dtype: "float32", data, shape, stride: shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1)), offset: 0 } as Block;
}

/** Beads on a background (positive), from a linear congruential generator. */
function image(): Float32Array {
  const out = new Float32Array(N[0]! * N[1]! * N[2]!);
  let seed = 7;
  for (let i = 0; i < out.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    out[i] = 100 + (seed >>> 24 === 0 ? 5000 : 0) + (seed >>> 16) / 4096;
  }
  return out;
}

/** A normalised Gaussian of extent K, wider along z as a light sheet's. */
function psf(): Float32Array {
  const out = new Float32Array(K[0]! * K[1]! * K[2]!);
  let sum = 0, i = 0;
  for (let z = 0; z < K[0]!; z++) {
    for (let y = 0; y < K[1]!; y++) {
      for (let x = 0; x < K[2]!; x++) sum += out[i++] = Math.exp(-(((z - 28) / 8) ** 2 + ((y - 15) / 3) ** 2 + ((x - 15) / 3) ** 2) / 2);
    }
  }
  return out.map((v) => v / sum);
}

const bytesOf = (d: ArrayBufferView): Buffer => Buffer.from(d.buffer, d.byteOffset, d.byteLength);

/**
 * Frees what nothing holds any more (the reference path's arrays, a closed team's 4 GiB
 * memory) before the next step allocates as much again: the garbage collector, exposed at run
 * time, after the idle team of the last call has stopped (5 s after its release).
 */
async function collect(): Promise<void> {
  await new Promise((r) => setTimeout(r, 6000));
  v8.setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

describe.runIf(process.env.CHUNKWISE_BIG_TESTS === "1")("Richardson-Lucy needing between 3.5 GiB and RESIDENT_MAX_BYTES of wasm memory (CHUNKWISE_BIG_TESTS=1)", () => {
  it("201x1024x768 float32, PSF 57x31x31, ITK's options, Biggs-Andrews, 3 iterations: resident on 1 and 2 threads (byte-identical, also with stopOn: divergence), within 1e-4 of the reference path", async () => {
    const need = richardsonLucyWorkspace(OPTIONS, [N, K], [4, 4]);
    expect(need).toBeGreaterThan(3.5 * 2 ** 30);
    expect(need).toBeLessThanOrEqual(RESIDENT_MAX_BYTES);
    const img = image(), kern = psf();
    const prev = setDefaultFftBackend("typescript");
    let reference: Block;
    try {
      reference = richardsonLucy(block(img, N), block(kern, K), OPTIONS);
    } finally {
      setDefaultFftBackend(prev);
    }
    await collect();
    const resident = (extra: RichardsonLucyOptions): Float32Array => {
      const o = resolveRlOptions({ ...OPTIONS, ...extra }, N, K);
      const out = richardsonLucyResident(img, N, kern, K, { ...o, eps: 1e-12 }, undefined);
      if (out === undefined) throw new Error("the resident engine did not take the call");
      return out.data as Float32Array;
    };
    const one = resident({ threads: 1 });
    expect(relErr(one, reference.data)).toBeLessThan(1e-4);
    expect(bytesOf(resident({ threads: 1, stopOn: "divergence" })).equals(bytesOf(one))).toBe(true);
    await collect();
    // Through the public call on two threads: the same bytes, so it ran on the engine too.
    expect(bytesOf(richardsonLucy(block(img, N), block(kern, K), { ...OPTIONS, threads: 2 }).data).equals(bytesOf(one))).toBe(true);
  }, 40 * 60_000);
});
