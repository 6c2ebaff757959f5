// The package's browser entries bundle, through its `exports` and `browser` map as a user's
// bundler sees them, with esbuild (platform "browser") and Vite (library build), with no
// Node polyfill: both builds succeed, the output imports nothing from node: (nor Vite's
// browser-external stubs for Node builtins), and Node-only modules stay out. Prints the
// minified and gzipped size of each entry's bundle (the README's "In the browser" figures).
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as nodePath from "node:path";
import { gzipSync } from "node:zlib";
import { build as esbuild } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./harness/bundle.js";

const ENTRIES = ["chunkwise", "chunkwise/zarr", "chunkwise/filters", "chunkwise/fft", "chunkwise/testing"] as const;
const fileName = (entry: string): string => entry.replace("/", "-");

let work: string;
let app: string;
beforeAll(async () => {
  // The package as installed: package.json and a freshly compiled dist/ (no src/ needed),
  // its dependencies resolved from this checkout's node_modules.
  work = await mkdtemp(nodePath.join(tmpdir(), "chunkwise-bundle-"));
  const pkg = nodePath.join(work, "pkg");
  await mkdir(pkg);
  execFileSync(process.execPath, [nodePath.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", nodePath.join(ROOT, "tsconfig.build.json"), "--outDir", nodePath.join(pkg, "dist"), "--declaration", "false", "--declarationMap", "false", "--sourceMap", "false"], { stdio: "inherit" });
  await writeFile(nodePath.join(pkg, "package.json"), await readFile(nodePath.join(ROOT, "package.json")));
  await symlink(nodePath.join(ROOT, "node_modules"), nodePath.join(pkg, "node_modules"), "dir");
  app = nodePath.join(work, "app");
  await mkdir(nodePath.join(app, "node_modules"), { recursive: true });
  await symlink(pkg, nodePath.join(app, "node_modules", "chunkwise"), "dir");
  await writeFile(nodePath.join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  for (const entry of ENTRIES) {
    // Every export kept (no tree shaking), so the whole entry must bundle.
    await writeFile(nodePath.join(app, `${fileName(entry)}.js`), `import * as api from ${JSON.stringify(entry)};\nglobalThis.api = api;\n`);
  }
  await writeFile(nodePath.join(app, "gufunc-only.js"), `import { fromArray, gufunc } from "chunkwise";\nglobalThis.api = { fromArray, gufunc };\n`);
}, 300_000);
afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

/** What a browser bundle must not contain: node: imports, Vite's stubs for Node builtins, Node-only chunkwise modules. */
function nodeLeaks(code: string): string[] {
  const leaks: string[] = [];
  for (const m of code.matchAll(/["'`](node:[a-z_/]+)["'`]/g)) leaks.push(m[1]!);
  if (code.includes("__vite-browser-external")) leaks.push("__vite-browser-external");
  for (const m of code.matchAll(/require\(["'](fs|path|os|crypto|zlib|worker_threads|child_process|events|readline)["']\)/g)) leaks.push(m[0]);
  return leaks;
}

const sizes: Record<string, { esbuild?: [number, number]; vite?: [number, number] }> = {};
const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

describe("browser bundles of the package's entries, no Node polyfills", () => {
  it.each([...ENTRIES, "gufunc-only"].map((e) => [e] as const))("esbuild (platform browser): %s", async (entry) => {
    const result = await esbuild({
      entryPoints: [nodePath.join(app, `${fileName(entry)}.js`)], absWorkingDir: app,
      bundle: true, minify: true, format: "esm", platform: "browser", target: "es2022", write: false, metafile: true, logLevel: "silent",
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(nodeLeaks(code)).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((f) => /dist\/(io\/zarr\/host\.js|entries\/|executors\/)/.test(f))).toEqual([]);
    if (entry === "chunkwise/zarr") expect(inputs.some((f) => f.endsWith("io/zarr/host.browser.js"))).toBe(true);
    (sizes[entry] ??= {}).esbuild = [code.length, gzipSync(code).length];
  });

  it.each([...ENTRIES].map((e) => [e] as const))("Vite (library build): %s", async (entry) => {
    const { build } = await import("vite");
    const outDir = nodePath.join(work, "vite", fileName(entry));
    const warnings: string[] = [];
    // What Vite swapped for its empty browser stub, by import: only modules the package's
    // browser map sets to false may be (a Node builtin there would be a polyfill gap).
    const stubbed: string[] = [];
    const recordStubs = {
      name: "record-browser-external", enforce: "pre" as const,
      async resolveId(this: { resolve(s: string, i?: string, o?: object): Promise<{ id: string } | null> }, source: string, importer: string | undefined) {
        const r = await this.resolve(source, importer, { skipSelf: true });
        if (r?.id.startsWith("__vite-browser-external")) stubbed.push(source);
        return r;
      },
    };
    await build({
      plugins: [recordStubs],
      root: app, configFile: false, logLevel: "silent",
      customLogger: { info: () => {}, warn: (m: string) => warnings.push(m), warnOnce: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m), clearScreen: () => {}, hasErrorLogged: () => false, hasWarned: false },
      build: { outDir, emptyOutDir: true, minify: true, lib: { entry: nodePath.join(app, `${fileName(entry)}.js`), formats: ["es"], fileName: "bundle" } },
    });
    const files = (await readdir(outDir, { recursive: true })).filter((f) => f.endsWith(".js"));
    const code = (await Promise.all(files.map((f) => readFile(nodePath.join(outDir, f), "utf8")))).join("\n");
    expect(nodeLeaks(code).filter((l) => l !== "__vite-browser-external")).toEqual([]);
    expect([...new Set(stubbed)]).toEqual(code.includes("__vite-browser-external") ? ["cli-progress"] : []);
    expect(warnings.filter((w) => /externalized for browser compatibility|node:/.test(w))).toEqual([]);
    (sizes[entry] ??= {}).vite = [code.length, gzipSync(code).length];
  });

  it("prints the bundle sizes", () => {
    const lines = Object.entries(sizes).map(([entry, s]) =>
      `${entry.padEnd(18)} esbuild ${s.esbuild ? `${kib(s.esbuild[0])} min, ${kib(s.esbuild[1])} gzip` : "-"}${s.vite ? `; vite ${kib(s.vite[0])} min, ${kib(s.vite[1])} gzip` : ""}`);
    console.log(`browser bundle sizes (minified, all exports kept; gufunc-only is a tree-shaken app):\n${lines.join("\n")}`);
    expect(sizes.chunkwise?.esbuild?.[1]).toBeGreaterThan(0);
  });
});
