/**
 * The pass job descriptor's layout (src/fft/pass-job-layout.ts). Both sides, pass-jobs.ts and
 * the AssemblyScript kernels, import that one file, so they cannot disagree on an offset; what
 * the file itself must keep is that its fields and record arrays do not overlap and fit in the
 * descriptor, which this test checks from the enums' values (a new field is covered as soon as
 * it is added to `Job`).
 */
import { describe, expect, it } from "vitest";
import * as layout from "../../src/fft/pass-job-layout.js";
import { AxisRecord, BufferRecord, Job, JobLimit, RowSums, StageRecord } from "../../src/fft/pass-job-layout.js";

/** An enum's members by name (const enums exist at run time too: isolatedModules preserves them). */
function members(name: "Job" | "AxisRecord" | "BufferRecord" | "StageRecord" | "RowSums"): [string, number][] {
  const e = (layout as unknown as Record<string, Record<string, number | string>>)[name]!;
  return Object.entries(e).filter((kv): kv is [string, number] => typeof kv[1] === "number" && kv[0] !== "Bytes");
}
const F64 = new Set(["Scale", "Fe", "Eps", "Alpha"]);
const ARRAYS: Record<string, number> = {
  Iter: JobLimit.IterAxes * AxisRecord.Bytes,
  Buffers: JobLimit.Parts * BufferRecord.Bytes,
  Stages: JobLimit.Stages * StageRecord.Bytes,
};

describe("pass job layout", () => {
  it("fields and record arrays are aligned, in order, disjoint and inside Job.Bytes", () => {
    const regions = members("Job").map(([k, at]) => {
      const bytes = ARRAYS[k] ?? (F64.has(k) ? 8 : 4);
      return { k, at, end: at + bytes, align: F64.has(k) ? 8 : 4 };
    }).sort((a, b) => a.at - b.at);
    expect(regions.length).toBeGreaterThan(30);
    for (const r of regions) expect(r.at % r.align, `${r.k} at ${r.at}`).toBe(0);
    regions.slice(1).forEach((r, i) => expect(r.at, `${r.k} overlaps ${regions[i]!.k}`).toBeGreaterThanOrEqual(regions[i]!.end));
    expect(regions[regions.length - 1]!.end).toBeLessThanOrEqual(Job.Bytes as number);
  });

  it.each([
    ["AxisRecord", AxisRecord.Bytes, 4],
    ["BufferRecord", BufferRecord.Bytes, 4],
    ["StageRecord", StageRecord.Bytes, 4],
    ["RowSums", RowSums.Bytes, 8],
  ] as const)("%s: fields at distinct aligned offsets inside its %d bytes (%d each)", (name, bytes, size) => {
    const offsets = members(name).map(([, o]) => o);
    expect(offsets.length).toBeGreaterThanOrEqual(3);
    expect(new Set(offsets).size).toBe(offsets.length);
    for (const o of offsets) {
      expect(o % size).toBe(0);
      expect(o + size).toBeLessThanOrEqual(bytes);
    }
  });
});
