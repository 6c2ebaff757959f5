/**
 * Timing helpers shared by the benchmarks: the median of a sample, and the median wall time
 * of an async function over repeats.
 */

/** The median of `xs` (the upper one for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
}

/** The median wall time in milliseconds of `repeats` sequential runs of `fn`. */
export async function timeIt(fn: () => Promise<unknown> | unknown, repeats = 1): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}
