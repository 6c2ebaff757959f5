/**
 * Bundles browser test pages with esbuild, as a user's bundler would: platform "browser" (so
 * the `browser` export conditions and package.json `browser` maps apply), ES modules with code
 * splitting (dynamic imports and worker entries become chunks), and chunkwise resolved from
 * `src/` through tsconfig.json's `paths`. Each page gets `<name>.html` loading `<name>.js`.
 */
import { build, type BuildOptions, type Metafile } from "esbuild";
import { writeFile } from "node:fs/promises";
import * as nodePath from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = nodePath.resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");

/** Where a page entry lives: `test/browser/<name>.browser.ts`. */
function pageEntry(name: string): string {
  return nodePath.join(ROOT, "test", "browser", `${name}.browser.ts`);
}

/** Options for {@link bundlePages}. */
export interface BundlePagesOptions {
  /** Page names: each bundles `test/browser/<name>.browser.ts` and gets `<name>.html`. */
  pages: readonly string[];
  /** More entries with no HTML page (e.g. worker scripts): output name (no extension) to file. */
  extraEntries?: Record<string, string>;
  /** The output folder (served at the server's root). */
  outdir: string;
  /** esbuild options merged over the defaults (e.g. `define`, `plugins`). */
  esbuild?: BuildOptions;
}

/** Bundles the pages and writes their HTML; returns esbuild's metafile. */
export async function bundlePages(options: BundlePagesOptions): Promise<Metafile> {
  const entryPoints: Record<string, string> = { ...options.extraEntries };
  for (const name of options.pages) entryPoints[name] = pageEntry(name);
  const result = await build({
    entryPoints,
    outdir: options.outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: "linked",
    metafile: true,
    logLevel: "silent",
    absWorkingDir: ROOT,
    tsconfig: nodePath.join(ROOT, "tsconfig.json"),
    ...options.esbuild,
  });
  for (const name of options.pages) {
    const html = `<!doctype html>\n<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${name}</title></head>\n<body><script type="module" src="./${name}.js"></script></body></html>\n`;
    await writeFile(nodePath.join(options.outdir, `${name}.html`), html);
  }
  return result.metafile!;
}
