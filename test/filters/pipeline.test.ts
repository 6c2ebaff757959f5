import { describe, expect, it } from "vitest";
import { fromArray } from "../../src/array/creation.js";
import { gufunc } from "../../src/array/apply-gufunc.js";
import { cStrides, type Block } from "../../src/core/ndarray.js";
import { compute } from "../../src/schedule/compute.js";
import { kernelRefOf } from "../../src/graph/kernel.js";
import {
  applyPipeline, fftConvolve, gaussianFilter, pipeline, richardsonLucy, runPipeline, unsharpMask,
} from "../../src/filters/index.js";

function volume(shape: number[], seed = 1): Block<"float32"> {
  const n = shape.reduce((p, d) => p * d, 1);
  let s = seed;
  const data = Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return 0.1 + (s / 2 ** 32) * 0.9;
  });
  return { dtype: "float32", data, shape, stride: cStrides(shape), offset: 0 };
}

const psf = (() => {
  const p = volume([3, 5, 5], 7);
  const sum = p.data.reduce((a, b) => a + b, 0);
  p.data.forEach((v, i) => (p.data[i] = v / sum));
  return p;
})();

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? m : Infinity;
};

describe("pipeline", () => {
  const img = volume([8, 12, 10]);
  const p = pipeline([gaussianFilter, { sigma: 1 }], [unsharpMask, { radius: 2, amount: 1 }]);
  const q = pipeline([gaussianFilter, { sigma: [0.5, 1, 1] }], [richardsonLucy, { iterations: 3 }]);

  it("p(image) equals the stages applied by hand", () => {
    const byHand = unsharpMask(gaussianFilter(img, { sigma: 1 }), { radius: 2, amount: 1 });
    expect(maxDiff(p(img).data, byHand.data)).toBe(0);
    expect(p.needsPsf).toBe(false);
  });

  it("p(image, psf) hands the PSF to the deconvolution stage", () => {
    const byHand = richardsonLucy(gaussianFilter(img, { sigma: [0.5, 1, 1] }), psf, { iterations: 3 });
    expect(maxDiff(q(img, psf).data, byHand.data)).toBe(0);
    expect(q.needsPsf).toBe(true);
  });

  it("the JSON form runs through the named kernel runPipeline", () => {
    expect(kernelRefOf(runPipeline)?.name).toBe("runPipeline");
    expect(JSON.parse(JSON.stringify(q.params))).toEqual(q.params);
    expect(maxDiff(runPipeline(img, psf, q.params, {}).data, q(img, psf).data)).toBe(0);
    expect(maxDiff(runPipeline(img, p.params, {}).data, p(img).data)).toBe(0);
  });

  it("works through gufunc '(i,j,k),(a,b,c)->(i,j,k)' on a 5-D stack shape=[2,3,8,12,10]", () => {
    const stack = volume([2, 3, 8, 12, 10], 3);
    const f = gufunc("(i,j,k),(a,b,c)->(i,j,k)", q);
    const out = f(stack, psf) as Block;
    expect(out.shape).toEqual([2, 3, 8, 12, 10]);
    const slice = { ...stack, shape: [8, 12, 10], stride: stack.stride.slice(2), offset: 1 * stack.stride[0]! + 2 * stack.stride[1]! };
    const one = q(slice, psf);
    const got = out.data.subarray(5 * 960, 6 * 960);
    expect(maxDiff(got, one.data)).toBe(0);
  });

  it("depth sums the stages' halos: gaussian int(4 sigma + 0.5), unsharp int(4 radius + 0.5), deconvolution psf // 2", () => {
    expect(p.depth(3)).toEqual([4 + 8, 4 + 8, 4 + 8]);
    expect(q.depth(3, [3, 5, 5])).toEqual([2 + 1, 4 + 2, 4 + 2]);
    expect(() => q.depth(3)).toThrow(/psfShape must be given/);
    expect(q.outputDtype("uint16", "float32")).toBe("float32");
  });

  it.each([
    [[], /stages must include at least one/],
    [[[3, {}]], /stage 0 must be \[filter, options\]/],
    [[[fftConvolve, { mode: "full" }]], /must use mode "same"/],
  ])("bad stages %#", (stages, msg) => {
    expect(() => pipeline(...(stages as never[]))).toThrow(msg);
  });

  it("a missing PSF is reported", () => {
    expect(() => q(img)).toThrow(/psf must be given as the second argument/);
  });
});

describe("applyPipeline (mapOverlap)", () => {
  it("tiled gaussian + unsharp equals the whole volume, shape=[16,20,18] chunks=[6,8,7]", async () => {
    const img = volume([16, 20, 18], 5);
    const p = pipeline([gaussianFilter, { sigma: 1 }], [unsharpMask, { radius: 1, amount: 0.5 }]);
    const x = fromArray(img, { chunks: [6, 8, 7] });
    const tiled = await compute(applyPipeline(x, p));
    expect(tiled.shape).toEqual(img.shape);
    expect(tiled.dtype).toBe("float32");
    expect(maxDiff(tiled.data, p(img).data)).toBe(0);
  });

  it("tiled 1-iteration Richardson-Lucy with depth 2 (psf // 2) equals the whole volume, shape=[12,20,18] chunks=[6,10,9]", async () => {
    const img = volume([12, 20, 18], 9);
    const p = pipeline([richardsonLucy, { iterations: 1 }]);
    const x = fromArray(img, { chunks: [6, 10, 9] });
    const depth = [2, 4, 4];
    const tiled = await compute(applyPipeline(x, p, psf, { depth }));
    expect(maxDiff(tiled.data, p(img, psf).data)).toBeLessThan(1e-6);
  });

  it("tiled 3-iteration Richardson-Lucy with depth 2 * 3 * (psf // 2) equals the whole volume, shape=[12,40,18] chunks=[12,20,18]", async () => {
    const img = volume([12, 40, 18], 11);
    const p = pipeline([richardsonLucy, { iterations: 3, clip: false }]);
    const x = fromArray(img, { chunks: [12, 20, 18] });
    const tiled = await compute(applyPipeline(x, p, psf, { depth: [6, 12, 12] }));
    const whole = p(img, psf);
    let scale = 0;
    for (let i = 0; i < whole.data.length; i++) scale = Math.max(scale, Math.abs(whole.data[i]!));
    expect(maxDiff(tiled.data, whole.data) / scale).toBeLessThan(1e-5);
  });
});
