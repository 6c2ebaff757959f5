/**
 * Bundles the example page with esbuild, as an app would: `main.ts` and its worker script
 * `worker.ts` (a second entry point: esbuild does not follow `new Worker(new URL(...))`, Vite
 * does), ES modules with shared chunks, plus `index.html`.
 */
import { build, type Plugin } from "esbuild";
import { copyFile } from "node:fs/promises";
import * as nodePath from "node:path";
import { fileURLToPath } from "node:url";

const HERE = nodePath.dirname(fileURLToPath(import.meta.url));
const SRC = nodePath.join(HERE, "../../src");

/**
 * `chunkwise/...` as a browser bundle of the installed package resolves it (the default
 * targets of package.json's exports, not the "node" ones), from the sources: tsconfig.json's
 * paths point at the Node entries, which Node's tools (tsx, vitest) need.
 */
const ENTRIES: Record<string, string> = {
  chunkwise: "index.ts",
  "chunkwise/filters": "filters/index.ts",
  "chunkwise/zarr": "io/zarr/index.ts",
  "chunkwise/web-workers": "executors/web-workers/index.ts",
  "chunkwise/web-workers/worker": "executors/web-workers/worker.ts",
};
const browserEntries: Plugin = {
  name: "chunkwise-browser-entries",
  setup(b) {
    b.onResolve({ filter: /^chunkwise(\/.*)?$/ }, (a) => {
      const file = ENTRIES[a.path];
      return file === undefined ? { errors: [{ text: `the example must import only ${Object.keys(ENTRIES).join(", ")}; got ${a.path}` }] } : { path: nodePath.join(SRC, file) };
    });
  },
};

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
    plugins: [browserEntries],
  });
  await copyFile(nodePath.join(HERE, "index.html"), nodePath.join(outdir, "index.html"));
}
