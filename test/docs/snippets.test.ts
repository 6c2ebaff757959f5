/**
 * The docs are run: every TypeScript block of README.md and docs/*.md is type-checked strict
 * (one program, resolving `chunkwise/...` through tsconfig's paths to the sources, which
 * test/exports.test.ts checks against package.json's exports) and, unless its marker says why
 * not, run with tsx in a directory holding the README's small camera-like dataset
 * (test/fixtures/filters/readme-camera as `AOLLSMData_m4_raw.zarr` and
 * `AOLLSMData/m4/psfs_z0p1/*.tif`), so a block that reads those names reads real files. See
 * test/docs/snippets.ts for the markers.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { allSnippets, placeReadmeData } from "./snippets.js";

const root = resolve(".");
const out = join(root, ".snippets");
const snippets = allSnippets(root);
const bin = (name: string): string => join(root, "node_modules/.bin", name);

beforeAll(() => {
  rmSync(out, { recursive: true, force: true });
  for (const s of snippets) {
    mkdirSync(join(out, s.page), { recursive: true });
    writeFileSync(join(out, s.page, s.file), `// ${s.where}${s.typecheckOnly ? ` (typecheck-only: ${s.typecheckOnly})` : ""}\n${s.code}\n`);
  }
  writeFileSync(join(out, "tsconfig.json"), JSON.stringify({
    extends: "../tsconfig.json",
    compilerOptions: { noEmit: true, rootDir: "..", moduleDetection: "force" },
    // The sources' own ambient declarations (types for untyped packages) come with them.
    include: ["**/*.ts", "../src/**/*.d.ts"],
  }, null, 2));
});

it("README.md and docs/*.md have TypeScript blocks, every one run or saying why not", () => {
  expect(snippets.length).toBeGreaterThan(20);
  expect(snippets.filter((s) => s.typecheckOnly === undefined).length).toBeGreaterThan(snippets.length / 2);
});

it("every block type-checks strict, importing chunkwise as a user does", () => {
  const r = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(out, "tsconfig.json")], { encoding: "utf8" });
  expect(r.stdout + r.stderr).toBe("");
  expect(r.status).toBe(0);
}, 300_000);

for (const s of snippets.filter((x) => x.typecheckOnly === undefined)) {
  it(`${s.where} runs`, () => {
    const dir = join(out, s.page, `run-${s.file.replace(/\.ts$/, "")}`);
    mkdirSync(dir, { recursive: true });
    placeReadmeData(root, dir);
    const r = spawnSync(bin("tsx"), [join("..", s.file)], { cwd: dir, encoding: "utf8", timeout: 120_000 });
    expect(r.status, `${s.where} exited ${r.status} (${r.signal ?? "no signal"}):\n${r.stdout}\n${r.stderr}`).toBe(0);
  }, 180_000);
}
