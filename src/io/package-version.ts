/**
 * chunkwise's own version, read from its package.json (the same relative path from
 * `src/io/` and from the built `dist/io/`). The Zarr writer records it in every fingerprint
 * and lease; the CLI prints it for `--version`.
 * @module
 */
import { createRequire } from "node:module";

/** chunkwise's version from package.json (require's cache reads it once), or "unknown" when it cannot be read. */
export function packageVersion(): string {
  try {
    return (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}
