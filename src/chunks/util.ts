/**
 * Small helpers shared by the chunk modules (not exported from the package).
 * @module
 */

/** Formats a list for an error message as `[30, 30]`. */
export function list(values: readonly unknown[]): string {
  const text = `[${values.map((v) => (typeof v === "string" ? JSON.stringify(v) : Array.isArray(v) ? list(v) : String(v))).join(", ")}]`;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Regular chunks of `size` over an axis of length `n`, ragged last chunk exact; `[0]` when n is 0. */
export function regularChunks(n: number, size: number): number[] {
  if (n === 0) return [0];
  const out = new Array<number>(Math.floor(n / size)).fill(size);
  if (n % size !== 0) out.push(n % size);
  return out;
}
