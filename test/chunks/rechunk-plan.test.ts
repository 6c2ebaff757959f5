import { describe, expect, it } from "vitest";
import { axisRangePieces, axisRechunkPieces, rechunkPieces, rechunkPlan } from "../../src/chunks/rechunk-plan.js";
import { ChunkError } from "../../src/core/errors.js";

describe("rechunk plan", () => {
  it("axisRechunkPieces old=[4,6] new=[6,4]", () => {
    expect(axisRechunkPieces([4, 6], [6, 4])).toEqual([
      [
        { oldBlock: 0, start: 0, stop: 4, newStart: 0, newStop: 4 },
        { oldBlock: 1, start: 0, stop: 2, newStart: 4, newStop: 6 },
      ],
      [{ oldBlock: 1, start: 2, stop: 6, newStart: 0, newStop: 4 }],
    ]);
  });

  it("axisRechunkPieces skips zero-size chunks: old=[2,0,3] new=[0,5]", () => {
    expect(axisRechunkPieces([2, 0, 3], [0, 5])).toEqual([
      [],
      [
        { oldBlock: 0, start: 0, stop: 2, newStart: 0, newStop: 2 },
        { oldBlock: 2, start: 0, stop: 3, newStart: 2, newStop: 5 },
      ],
    ]);
  });

  it("rechunkPieces old=[[2,2],[3]] new=[[4],[1,2]] block=[0,1]", () => {
    const plan = rechunkPlan([[2, 2], [3]], [[4], [1, 2]]);
    expect(rechunkPieces(plan, [0, 1])).toEqual([
      { oldBlock: [0, 0], oldSlice: { start: [0, 1], stop: [2, 3] }, newSlice: { start: [0, 0], stop: [2, 2] } },
      { oldBlock: [1, 0], oldSlice: { start: [0, 1], stop: [2, 3] }, newSlice: { start: [2, 0], stop: [4, 2] } },
    ]);
  });

  it("rechunkPieces of a 0-d array gives one piece", () => {
    expect(rechunkPieces(rechunkPlan([], []), [])).toEqual([
      { oldBlock: [], oldSlice: { start: [], stop: [] }, newSlice: { start: [], stop: [] } },
    ]);
  });

  it("axisRangePieces chunks=[4,4,2] range=[3,9)", () => {
    expect(axisRangePieces([4, 4, 2], 3, 9)).toEqual([
      { oldBlock: 0, start: 3, stop: 4, newStart: 0, newStop: 1 },
      { oldBlock: 1, start: 0, stop: 4, newStart: 1, newStop: 5 },
      { oldBlock: 2, start: 0, stop: 1, newStart: 5, newStop: 6 },
    ]);
  });

  const bad: [string, () => unknown, string][] = [
    ["different ndim", () => rechunkPlan([[4]], [[4], [1]]), "rechunkPlan: new chunks must have one entry per axis (1); got 2"],
    ["different length", () => rechunkPlan([[4], [3]], [[4], [2]]), "new chunks on axis 1 must sum to the axis length 3; got [2] (sum 2)"],
    ["block out of range", () => rechunkPieces(rechunkPlan([[4]], [[2, 2]]), [2]), "block index on axis 0 must be an integer in [0, 2); got 2"],
    ["block of wrong length", () => rechunkPieces(rechunkPlan([[4]], [[2, 2]]), [0, 0]), "one entry per axis (1)"],
    ["range beyond the axis", () => axisRangePieces([4], 2, 5), "axisRangePieces: range must satisfy 0 <= start <= stop <= 4; got [2, 5)"],
    ["negative range start", () => axisRangePieces([4], -1, 2), "got [-1, 2)"],
  ];
  it.each(bad)("rejects %s", (_t, run, message) => {
    expect(run).toThrow(ChunkError);
    expect(run).toThrow(message);
  });
});
