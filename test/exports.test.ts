/**
 * The public surface of every entry point in package.json's `exports`, snapshot-tested so
 * every change to the list of exports is deliberate (zarrita's habit), and the source-mode
 * mapping (tsconfig `paths`, used by tests, examples and the docs runner) checked against it.
 */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { exports: Record<string, string | { types: string; default: string }> };
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

it("tsconfig paths map each entry point to the source of what package.json exports", () => {
  const paths = Object.fromEntries(Object.entries(tsconfig.compilerOptions.paths).map(([k, v]) => [k, v[0]]));
  expect(paths).toEqual(Object.fromEntries(entries.map((e) => [e.name, sourceOf(e.target.default)])));
});

for (const { name, target } of entries) {
  it(`${name} exports exactly these values`, async () => {
    const mod = (await import(/* @vite-ignore */ `../${sourceOf(target.default)}`)) as Record<string, unknown>;
    expect(Object.keys(mod).sort()).toMatchSnapshot();
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

it("the root loads no cli/ or executors/ module, and no Node builtin but the schedule/ exception of eslint.config.js", async () => {
  const { dirname, relative, resolve } = await import("node:path");
  const seen = new Set<string>();
  const builtins = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/from "(node:[^"]+)"/g)) builtins.add(`${relative("src", file)} ${m[1]}`);
    for (const m of text.matchAll(/from "(\.[^"]+)\.js"/g)) visit(resolve(dirname(file), `${m[1]}.ts`));
  };
  visit(resolve("src/index.ts"));
  const files = [...seen].map((f) => relative("src", f));
  expect(files.filter((f) => f.startsWith("cli/") || f.startsWith("executors/"))).toEqual([]);
  expect([...builtins].sort()).toEqual(["schedule/memory-plan.ts node:os"]);
});
