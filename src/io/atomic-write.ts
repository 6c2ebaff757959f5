/**
 * Writing a whole file so that no reader ever sees half of it: bytes go to a hidden temporary
 * name in the same folder, then are renamed over the target (atomic on POSIX). Shared by the
 * PNG and TIFF writers; Zarr chunks use their own variant with flush and resume markers.
 * @module
 */
import { rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes `bytes` to `path` through a temporary file. On failure the temporary file is removed
 * and `fail(why, cause)` makes the error to throw (an abort rethrows the signal's reason).
 */
export async function replaceFileAtomically(
  path: string,
  bytes: Uint8Array | string,
  signal: AbortSignal | undefined,
  fail: (why: string, cause: unknown) => Error,
): Promise<void> {
  signal?.throwIfAborted();
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    await writeFile(temp, bytes, signal ? { signal } : {});
    await rename(temp, path);
  } catch (cause) {
    await unlink(temp).catch(() => undefined);
    if (signal?.aborted) throw cause;
    const code = (cause as { code?: string } | null)?.code;
    const why = code === "ENOENT" ? "its folder does not exist" : code === "EACCES" || code === "EPERM" ? "permission denied" : cause instanceof Error ? cause.message : String(cause);
    throw fail(why, cause);
  }
}
