/**
 * fast-check, loaded so that a missing install reads as advice, not as Node's bare
 * ERR_MODULE_NOT_FOUND: fast-check is an optional peer dependency, needed only by
 * `chunkwise/testing`, so a static import would fail at link time with a message that names
 * neither chunkwise nor the fix.
 * @module
 */
import type FastCheck from "fast-check";

/** fast-check's default export (the `fc` namespace). */
export type FastCheckModule = typeof FastCheck;

/**
 * Imports fast-check, or throws an error saying how to install it.
 * @param load - the importer (tests pass one that fails).
 * @throws {Error} When fast-check is not installed: `chunkwise/testing: fast-check must be installed ...`.
 * @example const fc = await loadFastCheck();
 */
export async function loadFastCheck(load: () => Promise<{ default: FastCheckModule }> = () => import("fast-check")): Promise<FastCheckModule> {
  try {
    return (await load()).default;
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw cause;
    throw new Error(
      "chunkwise/testing: fast-check must be installed (an optional peer dependency of chunkwise, used only by chunkwise/testing); got ERR_MODULE_NOT_FOUND. Install it: npm install --save-dev fast-check",
      { cause },
    );
  }
}

/** fast-check, for the arbitraries of this entry point. */
export const fc: FastCheckModule = await loadFastCheck();
