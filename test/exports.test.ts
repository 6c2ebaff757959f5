/**
 * The public surface of every entry point in package.json's `exports`, snapshot-tested so
 * every change to the list of exports is deliberate (zarrita's habit), and the source-mode
 * mapping (tsconfig `paths`, used by tests, examples and the docs runner) checked against it.
 */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { exports: Record<string, string | { types: string; node?: string; default: string }> };
const tsconfig = JSON.parse(readFileSync("tsconfig.json", "utf8")) as { compilerOptions: { paths: Record<string, string[]> } };

/** `./dist/io/zarr/index.js` -> `./src/io/zarr/index.ts`. */
const sourceOf = (distJs: string): string => distJs.replace(/^\.\/dist\//, "./src/").replace(/\.js$/, ".ts");

const entries = Object.entries(pkg.exports)
  .filter(([sub]) => sub !== "./package.json")
  .map(([sub, target]) => {
    if (typeof target === "string") throw new Error(`package.json: exports["${sub}"] must give types and default; got ${target}`);
    return { name: sub === "." ? "chunkwise" : `chunkwise/${sub.slice(2)}`, target };
  });

it("package.json exports 10 entry points, each with its .d.ts beside its .js", () => {
  expect(entries.map((e) => e.name).sort()).toEqual([
    "chunkwise", "chunkwise/distributed", "chunkwise/fft", "chunkwise/filters", "chunkwise/testing",
    "chunkwise/threads", "chunkwise/tiff", "chunkwise/web-workers", "chunkwise/web-workers/worker", "chunkwise/zarr",
  ]);
  for (const { target } of entries) expect(target.types).toBe(target.default.replace(/\.js$/, ".d.ts"));
});

it("the entries that reach the FFT or the memory plan have a \"node\" condition (types first, default last) whose file installs Node's services and re-exports the default", () => {
  const withNode = entries.filter((e) => e.target.node !== undefined);
  expect(withNode.map((e) => e.name).sort()).toEqual([
    "chunkwise", "chunkwise/fft", "chunkwise/filters", "chunkwise/testing", "chunkwise/tiff", "chunkwise/zarr",
  ]);
  for (const { target } of withNode) {
    expect(Object.keys(target)).toEqual(["types", "node", "default"]);
    expect(target.node).toMatch(/^\.\/dist\/entries\/node-[a-z]+\.js$/);
    const text = readFileSync(sourceOf(target.node!), "utf8");
    expect(text).toMatch(/^installNodeHost\(\);$/m);
    const reexport = [...text.matchAll(/^export \* from "(\.\.\/[^"]+)";$/gm)].map((m) => m[1]);
    expect(reexport).toEqual([sourceOf(target.default).replace(/^\.\/src\//, "../").replace(/\.ts$/, ".js")]);
  }
});

it("tsconfig paths map each entry point to the source of what package.json exports to Node (tests, examples and docs run in Node)", () => {
  const paths = Object.fromEntries(Object.entries(tsconfig.compilerOptions.paths).map(([k, v]) => [k, v[0]]));
  expect(paths).toEqual(Object.fromEntries(entries.map((e) => [e.name, sourceOf(e.target.node ?? e.target.default)])));
});

for (const { name, target } of entries) {
  it(`${name} exports exactly these values`, async () => {
    const mod = (await import(/* @vite-ignore */ `../${sourceOf(target.default)}`)) as Record<string, unknown>;
    expect(Object.keys(mod).sort()).toMatchSnapshot();
  });
  const nodeTarget = target.node;
  if (nodeTarget === undefined) continue;
  it(`${name} in Node (its "node" condition) exports the same values`, async () => {
    const mod = (await import(/* @vite-ignore */ `../${sourceOf(target.default)}`)) as Record<string, unknown>;
    const node = (await import(/* @vite-ignore */ `../${sourceOf(nodeTarget)}`)) as Record<string, unknown>;
    expect(Object.keys(node).sort()).toEqual(Object.keys(mod).sort());
  });
}

it("the root never loads zarrita, piscina or bullmq (following its relative imports)", async () => {
  const { dirname, resolve } = await import("node:path");
  const heavy = /from "(zarrita|@zarrita\/[^"]*|piscina|bullmq|ioredis|numcodecs[^"]*|pngjs)"/;
  const seen = new Set<string>();
  const offenders: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    if (heavy.test(text)) offenders.push(file);
    for (const m of text.matchAll(/from "(\.[^"]+)\.js"/g)) visit(resolve(dirname(file), `${m[1]}.ts`));
  };
  visit(resolve("src/index.ts"));
  expect(seen.size).toBeGreaterThan(20);
  expect(offenders).toEqual([]);
});

/** Every source file `entry` loads through relative imports, and the Node builtins they import. */
async function reach(entry: string): Promise<{ files: string[]; builtins: string[] }> {
  const { dirname, relative, resolve } = await import("node:path");
  const seen = new Set<string>();
  const builtins = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from |import\()"(node:[^"]+)"/g)) builtins.add(`${relative("src", file)} ${m[1]}`);
    for (const m of text.matchAll(/(?:from |import\()"(\.[^"]+)\.js"/g)) visit(resolve(dirname(file), `${m[1]}.ts`));
  };
  visit(resolve(entry));
  return { files: [...seen].map((f) => relative("src", f)), builtins: [...builtins].sort() };
}

it("the browser-safe entries (root, fft, filters) load no cli/, executors/ or entries/ module and no Node builtin", async () => {
  for (const name of ["chunkwise", "chunkwise/fft", "chunkwise/filters"]) {
    const { files, builtins } = await reach(sourceOf(entries.find((e) => e.name === name)!.target.default));
    expect(files.length, name).toBeGreaterThan(5);
    expect(files.filter((f) => /^(cli|executors|entries)\//.test(f)), name).toEqual([]);
    expect(builtins, name).toEqual([]);
  }
});

it("no \"default\" target of an entry with a node condition loads node:worker_threads, nor node:os outside io/ (the Node-only file layer); the node entries do", async () => {
  for (const { name, target } of entries.filter((e) => e.target.node !== undefined)) {
    const { builtins } = await reach(sourceOf(target.default));
    expect(builtins.filter((b) => / node:worker_threads$/.test(b) || (/ node:os$/.test(b) && !b.startsWith("io/"))), name).toEqual([]);
    const node = await reach(sourceOf(target.node!));
    expect(node.builtins, name).toEqual(expect.arrayContaining(["executors/threads/node-pass-teams.ts node:worker_threads", "executors/node-host.ts node:os"]));
  }
});
