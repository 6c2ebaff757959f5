/**
 * Tagged error classes. Every message follows one template:
 * `<function>: <what> must <rule>; got <value>. <How to fix>.`
 * Structured fields let callers react without parsing messages.
 * @module
 */

/** Base class of every error chunkwise throws on purpose. */
export class ChunkwiseError extends Error {
  /** The public function that detected the problem. */
  readonly fn: string;
  constructor(fn: string, message: string, options?: { cause?: unknown }) {
    super(`${fn}: ${message}`, options);
    this.fn = fn;
    this.name = new.target.name;
  }
}

/** An argument has the wrong type, value or range. */
export class ValueError extends ChunkwiseError {}

/** A gufunc signature does not follow NumPy's grammar. */
export class SignatureError extends ChunkwiseError {
  /** The signature text and the 0-based position of the problem, when known. */
  readonly signature: string;
  readonly position: number | undefined;
  constructor(fn: string, message: string, signature: string, position?: number) {
    super(fn, message);
    this.signature = signature;
    this.position = position;
  }
}

/** Shapes cannot be broadcast together. */
export class BroadcastError extends ChunkwiseError {
  readonly shapes: readonly (readonly number[])[];
  readonly axis: number | undefined;
  constructor(fn: string, message: string, shapes: readonly (readonly number[])[], axis?: number) {
    super(fn, message);
    this.shapes = shapes;
    this.axis = axis;
  }
}

/** Arrays do not fit a gufunc signature (core dims, frozen sizes, missing operands). */
export class BindingError extends ChunkwiseError {
  readonly operand: number | undefined;
  readonly dim: string | undefined;
  constructor(fn: string, message: string, details: { operand?: number; dim?: string } = {}) {
    super(fn, message);
    this.operand = details.operand;
    this.dim = details.dim;
  }
}

/** A kernel returned something other than its declared shape or dtype, or threw. */
export class KernelError extends ChunkwiseError {
  readonly output: number | undefined;
  readonly index: readonly number[] | undefined;
  constructor(
    fn: string,
    message: string,
    details: { output?: number; index?: readonly number[]; cause?: unknown } = {},
  ) {
    super(fn, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.output = details.output;
    this.index = details.index;
  }
}

/** An index or slice is invalid for an array's shape. */
export class IndexError extends ChunkwiseError {
  readonly axis: number | undefined;
  constructor(fn: string, message: string, axis?: number) {
    super(fn, message);
    this.axis = axis;
  }
}

/** An axis number is out of range or repeated (NumPy's AxisError). */
export class AxisError extends ValueError {
  readonly axis: number | undefined;
  constructor(fn: string, message: string, axis?: number) {
    super(fn, message);
    this.axis = axis;
  }
}

/** Chunks, depths or boundaries do not fit an array's shape (a bad chunk grid or overlap). */
export class ChunkError extends ValueError {
  /** The axis the problem is on, when it is on one. */
  readonly axis: number | undefined;
  constructor(fn: string, message: string, axis?: number) {
    super(fn, message);
    this.axis = axis;
  }
}

/** A task of a lazy computation failed (after its retries); `cause` is the kernel's own error. */
export class TaskError extends ChunkwiseError {
  readonly key: string;
  readonly blockIndex: readonly number[] | undefined;
  constructor(fn: string, message: string, details: { key: string; blockIndex?: readonly number[]; cause?: unknown }) {
    super(fn, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.key = details.key;
    this.blockIndex = details.blockIndex;
  }
}

/** A dtype is unsupported or a cast is not allowed. */
export class DtypeError extends ChunkwiseError {}

/** Formats a value for an error message: shapes as `(2, 3)`, strings quoted, short JSON else. */
export function show(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v === "number")) {
    return value.length === 1 ? `(${value[0]},)` : `(${value.join(", ")})`;
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  try {
    const s = JSON.stringify(value);
    if (s === undefined) return String(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}
