/**
 * Deterministic tokens for task keys: the same expression always builds the same graph, as
 * dask's `tokenize`. Pure and synchronous (no node:crypto), stable across runs and machines.
 * @module
 */

/** Canonical JSON: object keys sorted, typed arrays as their class name and contents. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value, 0));
}

function normalize(value: unknown, depth: number): unknown {
  if (depth > 100) return "<deep>";
  if (value === undefined) return "<undefined>";
  if (typeof value === "function") return `<fn ${value.name}:${hashString(value.toString())}>`;
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" && !Number.isFinite(value)) return `<${value}>`;
  if (ArrayBuffer.isView(value)) {
    return [`<${value.constructor.name}>`, hashNumbers(value)];
  }
  if (Array.isArray(value)) return value.map((v) => normalize(v, depth + 1));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = normalize((value as Record<string, unknown>)[k], depth + 1);
    return out;
  }
  return value;
}

/** 64-bit hash (two 32-bit lanes of a murmur-style mix) of a string, as 16 hex digits. */
function hashString(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, "0") + (h1 >>> 0).toString(16).padStart(8, "0");
}

// Hashes the bytes (as 32-bit words): a numeric reading such as `v | 0` plus a scaled fraction
// maps NaN, Infinity and 0 (and 2**32 + 1 and 1) to the same words, so fromArray of two
// different arrays would get the same name and one would replace the other in a merged graph.
function hashNumbers(view: ArrayBufferView): string {
  const aligned = view.byteOffset % 4 === 0 && view.byteLength % 4 === 0;
  const words: ArrayLike<number> = aligned
    ? new Int32Array(view.buffer, view.byteOffset, view.byteLength / 4)
    : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  let h1 = 0x9e3779b9 ^ words.length;
  let h2 = 0x85ebca6b;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    h1 = Math.imul(h1 ^ w, 2654435761);
    h2 = Math.imul(h2 ^ w, 1597334677) ^ (h1 >>> 15);
  }
  return hashString(`${h1}:${h2}:${view.byteLength}`);
}

/** A token for the given parts, as dask's `tokenize(*args)`. */
export function tokenize(...parts: unknown[]): string {
  return hashString(canonicalJson(parts));
}
