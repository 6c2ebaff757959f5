/**
 * The error every Zarr read or write problem raises: which store, which array path and, for a
 * chunk, which chunk key, as structured fields beside the one-template message.
 * @module
 */
import { ChunkwiseError } from "../../core/errors.js";

/** What went wrong, for callers that react without parsing messages. */
export type ZarrErrorKind =
  | "not-found"
  | "not-an-array"
  | "exists"
  | "metadata"
  | "mismatch"
  | "codec"
  | "dtype"
  | "corrupt-chunk"
  | "unsafe-path"
  | "store"
  | "overlap"
  | "busy";

/** A Zarr store, array or chunk could not be read or written as asked. */
export class ZarrError extends ChunkwiseError {
  readonly kind: ZarrErrorKind;
  /** The array (or group) path inside the store, when known. */
  readonly path: string | undefined;
  /** The chunk key (relative to the store root), for chunk problems. */
  readonly chunkKey: string | undefined;
  constructor(fn: string, message: string, details: { kind: ZarrErrorKind; path?: string; chunkKey?: string; cause?: unknown }) {
    super(fn, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.path = details.path;
    this.chunkKey = details.chunkKey;
  }
}

/** The message of an unknown thrown value, for `got ...` parts of messages. */
export function reason(e: unknown): string {
  if (e instanceof Error) {
    const inner = e.cause instanceof Error ? ` (${e.cause.message})` : "";
    return `${e.message}${inner}`;
  }
  return String(e);
}
