/**
 * Bundles the example page with esbuild, as an app would: `main.ts` and its worker script
 * `worker.ts` (a second entry point: esbuild does not follow `new Worker(new URL(...))`, Vite
 * does), ES modules with shared chunks, plus `index.html`.
 */
import { build } from "esbuild";
import { copyFile } from "node:fs/promises";
import * as nodePath from "node:path";
import { fileURLToPath } from "node:url";

const HERE = nodePath.dirname(fileURLToPath(import.meta.url));

/** Writes the bundled page to `outdir` (index.html, main.js, worker.js and chunks). */
export async function buildExample(outdir: string): Promise<void> {
  await build({
    entryPoints: { main: nodePath.join(HERE, "main.ts"), worker: nodePath.join(HERE, "worker.ts") },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: "linked",
    logLevel: "warning",
    tsconfig: nodePath.join(HERE, "../../tsconfig.json"),
  });
  await copyFile(nodePath.join(HERE, "index.html"), nodePath.join(outdir, "index.html"));
}
