import { describe, expect, it } from "vitest";
import * as filters from "../../src/filters/index.js";
import { kernelRefOf } from "../../src/graph/kernel.js";

describe("chunkwise/filters exports", () => {
  it("the list of exports is stable", () => {
    expect(Object.keys(filters).sort()).toEqual([
      "applyPipeline", "convolve", "correlate", "fftConvolve", "gaussianDepth", "gaussianFilter", "gaussianKernel1d",
      "gaussianRadius", "pipeline", "richardsonLucy", "richardsonLucyDepth", "richardsonLucyWorkspace", "runPipeline", "unsharpMask", "unsharpMaskDepth", "wiener",
    ]);
  });
  it.each(["convolve", "correlate", "fftConvolve", "gaussianFilter", "unsharpMask", "wiener", "richardsonLucy", "runPipeline"])("%s is a named kernel of its module", (name) => {
    const ref = kernelRefOf((filters as Record<string, unknown>)[name]);
    expect(ref?.name).toBe(name);
    expect(ref?.module).toMatch(/\/src\/filters\/[a-z-]+\.ts$/);
  });
});
