/**
 * The CLI's advice for a run over the memory budget counts the volumes that compute at once
 * (the executor's workers), not the tasks it keeps in flight (two per worker for `threads`).
 */
import { describe, expect, it } from "vitest";
import { MemoryError, type MemoryPlan } from "../../src/schedule/memory-plan.js";
import { memoryAdvice } from "../../src/cli/job-safety.js";
import type { DeconvolveJob } from "../../src/cli/job-plan.js";

const GB = 1e9;
const job = (workers: number) => ({ executor: { kind: "threads", workers } }) as unknown as DeconvolveJob;
const refusal = (workers: number, taskGB: number, budgetGB: number): MemoryError => {
  const plan: MemoryPlan = {
    peakBytes: 2 * workers * taskGB * GB, heldPeakBytes: taskGB * GB, taskPeakBytes: taskGB * GB, largestTask: "toZarr-x[0,0,0,0,0]",
    largestShape: [1, 1, 201, 1024, 768], concurrency: 2 * workers, computing: workers, taskInputBytes: 1e6, reservedBytes: 0,
  };
  return new MemoryError("compute", "over budget", plan, budgetGB * GB);
};

describe("deconvolve's memory advice", () => {
  it("4 workers (8 tasks in flight), 5.74 GB per volume, 19 GB budget: 4 volumes at once, pass --workers 3", () => {
    const text = memoryAdvice(refusal(4, 5.74, 19), job(4));
    expect(text).toContain("(4 volumes at once with --workers 4)");
    expect(text).toContain("Pass --workers 3 to deconvolve fewer volumes at once");
  });

  it("2 workers whose 2 volumes alone would fit the budget (9.4 GB each, 18.96 GB) but not with the rest: pass --workers 1, not 'one volume needs more memory'", () => {
    const text = memoryAdvice(refusal(2, 9.4, 18.96), job(2));
    expect(text).toContain("Pass --workers 1 to deconvolve fewer volumes at once");
    expect(text).not.toContain("One volume needs");
  });

  it("1 worker whose one volume does not fit: never advises --workers 1 again", () => {
    const text = memoryAdvice(refusal(1, 20, 19), job(1));
    expect(text).toContain("(1 volume at once with --workers 1)");
    expect(text).not.toContain("Pass --workers");
    expect(text).toContain("One volume needs about 20.00 GB");
  });
});
