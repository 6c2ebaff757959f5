/**
 * Registers tsx in this thread before a TypeScript module (`.ts`, `.mts`, `.cts`) is imported,
 * for `chunkwise worker --kernels my-kernels.ts` run from the compiled package. Node caches a
 * failed `import()`, so registering must come first. tsx is looked up next to the module (the
 * user's project), then next to chunkwise. The same approach as the thread worker's.
 * @module
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ValueError } from "../core/errors.js";

const TSX_READY = Symbol.for("chunkwise.tsxRegistered");
const TYPESCRIPT = /\.[cm]?tsx?$/;
let pending: Promise<void> | undefined;

function tsxActive(): boolean {
  if ((globalThis as Record<symbol, unknown>)[TSX_READY] === true) return true;
  // Started as `node --import tsx` or `tsx`: the loader is already there.
  const flags = `${process.execArgv.join(" ")} ${process.env.NODE_OPTIONS ?? ""}`;
  return /(^|[\s=/])tsx(\/esm)?(\s|$)/.test(flags) || /tsx[/\\]dist/.test(flags);
}

/**
 * Makes sure `moduleUrl` can be imported: a no-op for JavaScript modules or when tsx is active.
 * @throws {ValueError} when the module is TypeScript and tsx cannot be found
 * @example
 * ```ts
 * await ensureTsx(pathToFileURL("kernels.ts").href);
 * await import(pathToFileURL("kernels.ts").href);
 * ```
 */
export async function ensureTsx(moduleUrl: string): Promise<void> {
  if (!TYPESCRIPT.test(new URL(moduleUrl).pathname) || tsxActive()) return;
  return registerTsx(moduleUrl, "worker");
}

/**
 * Registers tsx in this thread (once), found next to `moduleUrl` or next to chunkwise. Worker
 * threads call this directly: on Node 20 they do not inherit the parent's `--import tsx`
 * loader even though they inherit its flags.
 * @param fn - the public function named in the error
 * @throws {ValueError} when tsx cannot be found
 */
export function registerTsx(moduleUrl: string, fn: string): Promise<void> {
  pending ??= register(moduleUrl, fn);
  return pending;
}

async function register(moduleUrl: string, fn: string): Promise<void> {
  const api = (await tsxApiNear(moduleUrl)) ?? ((await import("tsx/esm/api").catch(() => undefined)) as { register: () => unknown } | undefined);
  if (api === undefined) {
    throw new ValueError(fn, `a TypeScript kernel module must be loadable; got ${moduleUrl} and no 'tsx' package to load it. Install tsx (npm i -D tsx) or compile the kernel module to JavaScript`);
  }
  api.register();
  (globalThis as Record<symbol, unknown>)[TSX_READY] = true;
}

/** tsx's ESM API as installed next to `from` (the user's project), if it is. */
async function tsxApiNear(from: string): Promise<{ register: () => unknown } | undefined> {
  try {
    // createRequire resolves with the "require" condition; tsx's CJS API cannot be imported
    // from ESM, so find the "import" entry in its package.json instead.
    const pkgPath = createRequire(from).resolve("tsx/package.json");
    const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { exports?: Record<string, unknown> };
    const entry = pkg.exports?.["./esm/api"] as { import?: string | { default?: string } } | undefined;
    const file = typeof entry?.import === "string" ? entry.import : entry?.import?.default;
    if (file === undefined) return undefined;
    return (await import(pathToFileURL(join(dirname(pkgPath), file)).href)) as { register: () => unknown };
  } catch {
    return undefined;
  }
}
