// The package as a user gets it: `npm pack`, install the tarball into a fresh project, and
//  1. `npm pack` leaves every tracked file as it was (the build writes only dist/);
//  2. `chunkwise/testing` without fast-check says to install it;
//  3. in Node the "node" export targets give richardsonLucy worker-thread FFT teams (the
//     "default" target alone runs it on one thread, with a note), and the "default" targets of
//     chunkwise, chunkwise/fft and chunkwise/filters reach no Node builtin;
//  4. the README's first code block, an import of all 8 entry points and every docs block
//     type-check strict with skipLibCheck false on TypeScript 5.9 and the newest,
//     moduleResolution bundler, node16 and nodenext;
//  5. the README's first code block, compiled and run verbatim on camera-like uint16 data
//     (test/fixtures/filters/readme-camera, placed under the README's file names), gives
//     scikit-image's richardson_lucy(..., clip=False) to 1e-4 of the maximum.
// Run by .ci/run. Needs the npm registry or npm's cache (`npm install --prefer-offline`).
//
// Usage: npm run check:packed [-- --keep]   (--keep leaves the temporary project for a look)
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { allSnippets, placeReadmeData, snippetsOf } from "../test/docs/snippets.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const fixture = join(root, "test/fixtures/filters/readme-camera");
const work = mkdtempSync(join(tmpdir(), "chunkwise-packed-"));
const project = join(work, "project");
const failures: string[] = [];

function run(cmd: string, args: string[], cwd: string, timeoutMs = 600_000): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: timeoutMs, env: { ...process.env, npm_config_fund: "false", npm_config_audit: "false" } });
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

function step(name: string, ok: boolean, detail = ""): void {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? `\n${detail.trimEnd().replace(/^/gm, "     ")}` : ""}`);
  if (!ok) failures.push(name);
}

function must(name: string, r: { ok: boolean; out: string }): void {
  if (!r.ok) {
    step(name, false, r.out);
    finish();
  }
}

function finish(): never {
  if (process.argv.includes("--keep")) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  if (failures.length > 0) {
    console.log(`check-packed: ${failures.length} check(s) failed: ${failures.join("; ")}`);
    process.exit(1);
  }
  console.log("check-packed: all checks passed");
  process.exit(0);
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const tracked = (): string => execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, encoding: "utf8" })
  + execFileSync("git", ["diff", "--no-ext-diff"], { cwd: root, encoding: "utf8" });

// 1. Pack (runs `prepare`, the build) and check it touched no tracked file.
const before = tracked();
must("npm pack", run(npm, ["pack", "--pack-destination", work], root));
const after = tracked();
step("npm pack leaves tracked files as they were", before === after, before === after ? "" : `git status before:\n${before}\nafter:\n${after}`);
const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
if (tarball === undefined) {
  step("npm pack writes a tarball", false);
  finish();
}

// 2. A fresh project with only chunkwise: chunkwise/testing must ask for fast-check.
rmSync(project, { recursive: true, force: true });
mkdirSync(project, { recursive: true });
placeReadmeData(root, project);
cpSync(join(fixture, "reference.f32"), join(project, "reference.f32"));
cpSync(join(fixture, "meta.json"), join(project, "meta.json"));
writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2));
must("npm install <tarball>", run(npm, ["install", "--prefer-offline", join(work, tarball)], project));
const testing = run(process.execPath, ["--input-type=module", "-e", "await import('chunkwise/testing')"], project);
step("chunkwise/testing without fast-check says to install it", !testing.ok && /chunkwise\/testing: fast-check must be installed.*npm install --save-dev fast-check/.test(testing.out), testing.ok ? "imported without fast-check" : testing.out.split("\n").find((l) => /^\w*Error: /.test(l)) ?? testing.out);

// 3. The export conditions: in Node the "node" targets install the worker-thread FFT teams
// (richardsonLucy with threads: 2 runs without the one-thread note); the "default" targets of
// the browser-safe entries reach no Node builtin (their relative imports followed in dist/).
const rlScript = (from: string): string => `
import { richardsonLucy } from ${JSON.stringify(from)};
const shape = [8, 16, 16], data = new Float32Array(8 * 16 * 16).map((_, i) => 1 + (i % 7));
const psf = { dtype: "float32", data: new Float32Array(27).fill(1 / 27), shape: [3, 3, 3], stride: [9, 3, 1], offset: 0 };
richardsonLucy({ dtype: "float32", data, shape, stride: [256, 16, 1], offset: 0 }, psf, { iterations: 2, threads: 2 });
`;
const dist = join(project, "node_modules/chunkwise");
const teams = run(process.execPath, ["--input-type=module", "-e", rlScript("chunkwise/filters")], project);
step("in Node, chunkwise/filters runs richardsonLucy on a team of 2 threads (no one-thread note)", teams.ok && !/running on 1 thread/.test(teams.out), teams.out);
const alone = run(process.execPath, ["--input-type=module", "-e", rlScript(pathToFileURL(join(dist, "dist/filters/index.js")).href)], project);
step("its \"default\" target alone runs it on 1 thread, with the note", alone.ok && /2 threads asked, running on 1 thread/.test(alone.out), alone.out);
const installed = JSON.parse(readFileSync(join(dist, "package.json"), "utf8")) as { exports: Record<string, { default?: string }> };
for (const sub of [".", "./fft", "./filters"]) {
  const seen = new Set<string>();
  const builtins: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from |import\()\s*"(node:[^"]+)"/g)) builtins.push(`${file.slice(dist.length + 1)}: ${m[1]}`);
    for (const m of text.matchAll(/(?:from |import\()\s*"(\.[^"]+\.js)"/g)) visit(resolve(dirname(file), m[1]!));
  };
  visit(join(dist, installed.exports[sub]!.default!));
  step(`the "default" target of ${sub === "." ? "chunkwise" : `chunkwise/${sub.slice(2)}`} reaches no Node builtin (${seen.size} files)`, builtins.length === 0 && seen.size > 5, builtins.join("\n"));
}

// 4. Type-check the README block and every entry point, strict, skipLibCheck false.
must("npm install typescript@5.9, typescript@latest, @types/node@20, fast-check@4", run(npm, [
  "install", "--prefer-offline", "typescript@5.9", "typescript-latest@npm:typescript@latest", "@types/node@20", "fast-check@4",
], project));
const readme = snippetsOf(root, "README.md")[0]!;
writeFileSync(join(project, "readme.ts"), `${readme.code}\n`);
// Every docs block too, each page in its own directory (blocks import each other by file name).
const docs = allSnippets(root);
for (const d of docs) {
  mkdirSync(join(project, "snippets", d.page), { recursive: true });
  writeFileSync(join(project, "snippets", d.page, d.file), `// ${d.where}\n${d.code}\n`);
}
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, unknown> };
const entries = Object.keys(pkg.exports).filter((k) => k !== "./package.json").map((k) => (k === "." ? "chunkwise" : `chunkwise/${k.slice(2)}`));
writeFileSync(join(project, "entries.ts"), entries.map((e, i) => `import * as e${i} from "${e}";`).join("\n") + `\nexport { ${entries.map((_, i) => `e${i}`).join(", ")} };\n`);
for (const [mod, resolution] of [["esnext", "bundler"], ["node16", "node16"], ["nodenext", "nodenext"]] as const) {
  writeFileSync(join(project, `tsconfig.${resolution}.json`), JSON.stringify({
    compilerOptions: {
      target: "ES2022", lib: ["ES2022"], types: ["node"], module: mod, moduleResolution: resolution,
      strict: true, skipLibCheck: false, noEmit: true, outDir: "build", moduleDetection: "force",
    },
    files: ["readme.ts", "entries.ts"],
    include: ["snippets/**/*.ts"],
  }, null, 2));
  for (const ts of ["typescript", "typescript-latest"]) {
    const version = JSON.parse(readFileSync(join(project, "node_modules", ts, "package.json"), "utf8")).version as string;
    const r = run(process.execPath, [join(project, "node_modules", ts, "bin/tsc"), "-p", `tsconfig.${resolution}.json`], project);
    step(`TypeScript ${version}, moduleResolution ${resolution}, strict, skipLibCheck false: the README block, all ${entries.length} entry points and the ${docs.length} docs blocks compile`, r.ok, r.out);
  }
}

// 5. Compile the README block as written and run it; compare with scikit-image.
must("compile readme.ts", run(process.execPath, [join(project, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.nodenext.json", "--noEmit", "false"], project));
const ran = run(process.execPath, ["build/readme.js"], project, 300_000);
step("the README's first block runs on camera-like uint16 data", ran.ok, ran.out);
if (ran.ok) {
  writeFileSync(join(project, "compare.mjs"), `
import { readFileSync } from "node:fs";
import { compute, toFlatArray } from "chunkwise";
import { fromZarr } from "chunkwise/zarr";
const meta = JSON.parse(readFileSync("meta.json", "utf8"));
const want = new Float32Array(readFileSync("reference.f32").buffer.slice(0));
const got = await compute(await fromZarr("AOLLSMData_m4_raw.zarr", { path: "deconvolved" }));
if (JSON.stringify(got.shape) !== JSON.stringify(meta.shape)) throw new Error("shape " + JSON.stringify(got.shape) + " is not " + JSON.stringify(meta.shape));
const flat = toFlatArray(got);
let max = 0, diff = 0;
for (let i = 0; i < want.length; i++) { max = Math.max(max, Math.abs(want[i])); diff = Math.max(diff, Math.abs(flat[i] - want[i])); }
console.log(JSON.stringify({ dtype: got.dtype, maxAbsDiff: diff, referenceMax: max, relative: diff / max }));
process.exit(got.dtype === "float32" && diff <= 1e-4 * max ? 0 : 1);
`);
  const cmp = run(process.execPath, ["compare.mjs"], project);
  step("its result equals skimage.restoration.richardson_lucy(..., clip=False) to 1e-4 of the maximum", cmp.ok, cmp.out);
}
finish();
