/**
 * Byte counts as dask prints them, for summaries and memory-plan messages.
 * @module
 */
/**
 * Bytes in dask's units (decimal: kB, MB, GB), e.g. `188.74 GB`.
 * @example formatBytes(188_743_680_000) // "188.74 GB"
 */
export function formatBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let u = 0;
  let v = n;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(2)} ${units[u]}`;
}
