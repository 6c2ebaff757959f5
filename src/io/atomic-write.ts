/**
 * Writing a whole file so that no reader ever sees half of it: bytes go to a temporary name in
 * the same folder, ending `.tmp-<hex>`, then are renamed over the target (atomic on POSIX). On
 * any failure the temporary file is removed. The one writer of whole files: PNG and TIFF
 * images (hidden temporary names), Zarr keys (flushed to disk first; the store recognises and
 * cleans up their temporary names) and the distributed executor's scratch block files.
 * @module
 */
import { randomBytes } from "node:crypto";
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Options of {@link writeFileAtomically}. */
export interface AtomicWriteOptions {
  /** Stops the write; the temporary file is removed and the signal's reason thrown. */
  signal?: AbortSignal | undefined;
  /** Flush the data to disk before the rename, so a crash leaves the old file or the whole new one. */
  durable?: boolean;
  /** Name the temporary file `.<name>.tmp-<hex>` (hidden) rather than `<name>.tmp-<hex>`. */
  hidden?: boolean;
}

/** The bytes to write, or a function writing them through the open temporary file. */
export type AtomicContent = Uint8Array | string | ((file: FileHandle) => Promise<void>);

/**
 * Writes `content` to `path` through a temporary file in the same folder and a rename. The
 * folder must exist. Errors (and an abort) are rethrown as they come, after the temporary file
 * is removed.
 */
export async function writeFileAtomically(path: string, content: AtomicContent, options: AtomicWriteOptions = {}): Promise<void> {
  const { signal } = options;
  signal?.throwIfAborted();
  const name = `${options.hidden === true ? "." : ""}${basename(path)}.tmp-${randomBytes(6).toString("hex")}`;
  const temp = join(dirname(path), name);
  try {
    const handle = await open(temp, "w");
    try {
      if (typeof content === "function") await content(handle);
      else await handle.writeFile(content, signal ? { signal } : {});
      if (options.durable === true) await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (cause) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw cause;
  }
}

/**
 * Writes `bytes` to `path` as {@link writeFileAtomically} does (hidden temporary name) for the
 * image writers: a failure becomes `fail(why, cause)`, with `why` in words ("its folder does
 * not exist", "permission denied"); an abort rethrows the signal's reason.
 */
export async function replaceFileAtomically(
  path: string,
  bytes: Uint8Array | string,
  signal: AbortSignal | undefined,
  fail: (why: string, cause: unknown) => Error,
): Promise<void> {
  try {
    await writeFileAtomically(path, bytes, { signal, hidden: true });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    const code = (cause as { code?: string } | null)?.code;
    const why = code === "ENOENT" ? "its folder does not exist" : code === "EACCES" || code === "EPERM" ? "permission denied" : cause instanceof Error ? cause.message : String(cause);
    throw fail(why, cause);
  }
}
