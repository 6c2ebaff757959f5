/** store and runOptionsOf: compute's options reach every store (toZarr gained `optimize` this way). */
import { describe, expect, it } from "vitest";
import { fromArray } from "../../src/array/creation.js";
import { add, multiply } from "../../src/array/elementwise.js";
import { arange } from "../../src/core/creation.js";
import { runOptionsOf } from "../../src/schedule/compute.js";
import { inline } from "../../src/schedule/inline.js";
import type { Progress } from "../../src/schedule/scheduler.js";
import { fromZarr, toZarr } from "../../src/io/zarr/index.js";
import { compute } from "../../src/schedule/compute.js";
import { tempDir } from "../io/zarr/helpers.js";

describe("runOptionsOf", () => {
  it("fills compute's defaults: inline(), retries=0, optimize=true, no budget", () => {
    const o = runOptionsOf({});
    expect(o.executor.name).toBe("inline");
    expect(o.retries).toBe(0);
    expect(o.optimize).toBe(true);
    expect("memoryBudget" in o).toBe(false);
    expect("signal" in o).toBe(false);
  });

  it("passes every option through: executor, signal, onProgress, retries=2, optimize=false, memoryBudget=1e6", () => {
    const executor = inline({ concurrency: 2 });
    const signal = new AbortController().signal;
    const onProgress = (): void => undefined;
    expect(runOptionsOf({ executor, signal, onProgress, retries: 2, optimize: false, memoryBudget: 1e6 })).toEqual({ executor, signal, onProgress, retries: 2, optimize: false, memoryBudget: 1e6 });
  });
});

describe("toZarr takes compute's options", () => {
  // shape=[12] chunks=[4]: a chain of two elementwise ops after fromArray, three blocks.
  const chain = () => multiply(add(fromArray(arange(0, 12, 1, { dtype: "float64" }), { chunks: 4 }), 1), 2);

  async function write(optimize: boolean): Promise<number> {
    const totals: number[] = [];
    const dir = tempDir();
    const result = await toZarr(chain(), dir, { optimize, onProgress: (p: Progress) => totals.push(p.total) });
    expect(result.chunksWritten).toBe(3);
    const back = await compute(await fromZarr(dir));
    expect(Array.from(back.data)).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1) * 2));
    return totals[0]!;
  }

  it("optimize=true and optimize=false write the same chunks; unfused runs more tasks", async () => {
    const fused = await write(true);
    const unfused = await write(false);
    // Unfused, each block's slice of the source, add, multiply and write are four tasks, not
    // one (3 blocks x 3 more). Before toZarr took compute's options, optimize was ignored.
    expect(unfused - fused).toBe(3 * 3);
  });
});
