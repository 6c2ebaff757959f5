/**
 * The error every TIFF reader and writer function throws on purpose: it names the file (and
 * page, when there is one) so a user with hundreds of files knows which one to fix.
 * @module
 */
import { ChunkwiseError } from "../../core/errors.js";

/** Details of a {@link TiffError}. */
export interface TiffErrorDetails {
  /** The file the problem is in (absolute when it came from a glob), when there is one. */
  readonly path?: string;
  /** The 0-based page (image file directory) the problem is in, when it is in one. */
  readonly page?: number;
  /** The underlying error (a file-system or decoder error). */
  readonly cause?: unknown;
}

/**
 * A TIFF file is missing, unreadable, truncated, unsupported, or differs from its siblings.
 * @example
 * ```ts
 * try {
 *   await compute(await imread("psfs/*.tif"));
 * } catch (e) {
 *   const cause = e instanceof TaskError ? e.cause : e;
 *   if (cause instanceof TiffError) console.error(`fix ${cause.path}: ${cause.message}`);
 * }
 * ```
 */
export class TiffError extends ChunkwiseError {
  /** The file the problem is in, when there is one. */
  readonly path: string | undefined;
  /** The 0-based page the problem is in, when it is in one. */
  readonly page: number | undefined;
  constructor(fn: string, message: string, details: TiffErrorDetails = {}) {
    super(fn, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.path = details.path;
    this.page = details.page;
  }
}
