import { describe, expect, it } from "vitest";
import { zeros } from "../../src/array/creation.js";
import { BroadcastError } from "../../src/core/errors.js";
import { identity } from "../../src/graph/block-kernels.js";
import { blockwise, type ArrayMeta } from "../../src/graph/blockwise.js";

/** The block keys each task of `out`'s own layer reads, in block order. */
function refsOf(out: ArrayMeta): string[][] {
  const layer = out.graph.layers.get(out.name)!;
  return [...layer.tasks.values()].map((t) => t.args.flatMap((a) => (typeof a === "object" && a !== null && "ref" in a ? [a.ref] : [])));
}

describe("blockwise alignment", () => {
  const x = zeros([6], { chunks: [[3, 3]] });
  const y = zeros([8], { chunks: [[4, 4]] });
  const psf = zeros([5], { chunks: -1 });
  const spec = (inputs: ArrayMeta[], alignArrays?: boolean) => ({
    op: "test",
    kernel: identity,
    inputs: inputs.map((array) => ({ array, labels: ["i"] })),
    outputs: [{ labels: ["i"], dtype: "float64" as const }],
    chunks: { i: [3, 3] },
    ...(alignArrays === undefined ? {} : { alignArrays }),
  });

  it("unifies by default: split axes of lengths 6 and 8 are refused", () => {
    expect(() => blockwise(spec([x, y]))).toThrow(BroadcastError);
    expect(() => blockwise(spec([x, y]))).toThrow("test: axis 0 of array 1 must have the same length as axis 0 of array 0 when both are split into blocks; got 8 and 6");
  });

  it("alignArrays: false pairs blocks by position: chunks (3, 3) with (4, 4)", () => {
    const [out] = blockwise(spec([x, y], false));
    expect(refsOf(out!)).toEqual([
      [`${x.name}[0]`, `${y.name}[0]`],
      [`${x.name}[1]`, `${y.name}[1]`],
    ]);
    expect(out!.chunks).toEqual([[3, 3]]);
  });

  it("alignArrays: false hands a one-block axis to every task: (3, 3) with a whole (5,)", () => {
    const [out] = blockwise(spec([x, psf], false));
    expect(refsOf(out!)).toEqual([
      [`${x.name}[0]`, `${psf.name}[0]`],
      [`${x.name}[1]`, `${psf.name}[0]`],
    ]);
  });

  it("alignArrays: false refuses different block counts: 2 blocks with 3", () => {
    const z = zeros([9], { chunks: 3 });
    const run = () => blockwise(spec([x, z], false));
    expect(run).toThrow(BroadcastError);
    expect(run).toThrow("test: axis 0 of array 1 must have as many blocks as axis 0 of array 0, or one; got 3 and 2. Rechunk them alike");
  });
});
