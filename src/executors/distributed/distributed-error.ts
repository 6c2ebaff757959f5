/**
 * The error of the distributed executor and its workers, in the house template with a `kind`
 * callers branch on.
 * @module
 */
import { ChunkwiseError } from "../../core/errors.js";

/**
 * Failures of the distributed machinery (not of a kernel): Redis unreachable, a refused job, a timeout.
 * @example
 * ```ts
 * try { await compute(x, { executor }); }
 * catch (e) { if (e instanceof DistributedError && e.kind === "unreachable") console.error("start redis-server"); }
 * ```
 */
export class DistributedError extends ChunkwiseError {
  /** What went wrong: "unreachable", "refused" (a job the worker will not run), "timeout". */
  readonly kind: "unreachable" | "refused" | "timeout";
  constructor(fn: string, message: string, details: { kind: DistributedError["kind"]; cause?: unknown }) {
    super(fn, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
  }
}
