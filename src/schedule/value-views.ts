/**
 * The typed arrays inside a task's value (a block, a list of blocks, plain objects holding
 * them): one walk that the scheduler uses to measure held bytes and the executors use to move,
 * share or copy buffers across a thread or process boundary.
 * @module
 */
/** A typed array (any element type). */
export type View = ArrayBufferView & { readonly length: number };

function isTypedArray(v: unknown): v is View {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Rebuilds `value` with every typed array inside it (in blocks, lists, plain objects) passed
 * through `visit`; parts without a replaced array keep their identity.
 * @example mapViews([blockA, blockB], (v) => sharedCopy(v)) // the same blocks on shared memory
 */
export function mapViews(value: unknown, visit: (view: View) => View, depth = 0): unknown {
  if (isTypedArray(value)) return visit(value);
  if (depth > 16) return value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const w = mapViews(v, visit, depth + 1);
      changed ||= w !== v;
      return w;
    });
    return changed ? out : value;
  }
  if (isPlainObject(value)) {
    let out: Record<string, unknown> | undefined;
    for (const k of Object.keys(value)) {
      const v = value[k];
      const w = mapViews(v, visit, depth + 1);
      if (w !== v) (out ??= { ...value })[k] = w;
    }
    return out ?? value;
  }
  return value;
}

/** Total bytes of the typed arrays in a value (each buffer counted once). */
export function valueBytes(value: unknown): number {
  const seen = new Set<ArrayBufferLike>();
  let n = 0;
  mapViews(value, (v) => {
    if (!seen.has(v.buffer)) {
      seen.add(v.buffer);
      n += v.byteLength;
    }
    return v;
  });
  return n;
}
