/**
 * Runs fast-check property files once per seed, to prove they are not flaky:
 *
 *   npx tsx scripts/seed-sweep.ts --from 1 --to 1000 test/property/lazy.property.test.ts ...
 *   npx tsx scripts/seed-sweep.ts --seeds 380,867,1390 test/property/lazy.property.test.ts
 *
 * One Vitest instance runs every seed (test/setup/fast-check-seed.ts reads FC_SEED in each
 * worker), so a seed costs the tests' own time, not Vitest's start-up. With no files it sweeps
 * every test/property/*.property.test.ts and test/testing/*.test.ts. It prints one line per
 * failing seed (file, test, error) and a summary, and exits 1 if any seed failed. A failure
 * replays alone with `FC_SEED=<seed> npx vitest run <file>`.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVitest } from "vitest/node";
import type { TestModule } from "vitest/node";

interface Args {
  seeds: number[];
  files: string[];
}

function parseArgs(argv: readonly string[]): Args {
  let from = 1;
  let to = 1000;
  let list: number[] | undefined;
  const files: string[] = [];
  const int = (flag: string, text: string | undefined): number => {
    const v = Number(text);
    if (!Number.isSafeInteger(v)) throw new Error(`seed-sweep: ${flag} must be an integer; got ${text}. Pass e.g. ${flag} 1`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--from") from = int(a, argv[++i]);
    else if (a === "--to") to = int(a, argv[++i]);
    else if (a === "--seeds") list = (argv[++i] ?? "").split(",").map((t) => int(a, t));
    else files.push(a);
  }
  const args: Args = { seeds: list ?? Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => from + k), files };
  if (args.files.length === 0) {
    const list = (dir: string, re: RegExp): string[] => readdirSync(dir).filter((f) => re.test(f)).map((f) => `${dir}/${f}`);
    args.files = [...list("test/property", /\.property\.test\.ts$/), ...list("test/testing", /\.test\.ts$/)];
  }
  return args;
}

/** "file > test: message" for every failed test of a module (or the module's own error). */
function failuresOf(m: TestModule): string[] {
  const out: string[] = [];
  for (const t of m.children.allTests()) {
    const r = t.result();
    if (r.state === "failed") out.push(`${m.moduleId} > ${t.fullName}: ${r.errors?.[0]?.message?.split("\n")[0] ?? "failed"}`);
  }
  const errors = m.errors();
  if (errors.length > 0) out.push(`${m.moduleId}: ${errors[0]!.message}`);
  return out;
}

async function main(): Promise<void> {
  const { seeds, files } = parseArgs(process.argv.slice(2));
  // Workers stay alive between seeds (isolate: false), keeping the modules they imported; the
  // setup file re-reads the seed from this file before each test file.
  const seedDir = mkdtempSync(join(tmpdir(), "seed-sweep-"));
  const seedFile = join(seedDir, "seed");
  writeFileSync(seedFile, String(seeds[0] ?? 0));
  process.env.FC_SEED_FILE = seedFile;
  const vitest = await createVitest("test", { watch: false, reporters: [{}], typecheck: { enabled: false }, isolate: false, maxWorkers: 1 });
  const specs = await vitest.globTestSpecifications(files);
  if (specs.length === 0) throw new Error(`seed-sweep: files must match test files; got ${files.join(" ")}. Pass paths under test/`);
  const failed: number[] = [];
  const started = Date.now();
  for (const [n, seed] of seeds.entries()) {
    writeFileSync(seedFile, String(seed));
    const { testModules, unhandledErrors } = await vitest.runTestSpecifications(specs);
    const lines = testModules.flatMap(failuresOf).concat(unhandledErrors.map((e) => `unhandled: ${String(e)}`));
    if (lines.length > 0) {
      failed.push(seed);
      for (const l of lines) console.log(`seed ${seed}: ${l}`);
    }
    if ((n + 1) % 10 === 0) console.log(`... ${n + 1} seeds done (last ${seed}), ${failed.length} failing, ${Math.round((Date.now() - started) / 1000)} s`);
  }
  await vitest.close();
  rmSync(seedDir, { recursive: true, force: true });
  const range = seeds.length > 2 && seeds.every((x, k) => x === seeds[0]! + k) ? `${seeds[0]}..${seeds[seeds.length - 1]}` : seeds.join(",");
  console.log(`seed-sweep: seeds ${range} over ${specs.length} files (${specs.map((s) => s.moduleId.replace(`${process.cwd()}/`, "")).join(", ")}): ${failed.length === 0 ? "all passed" : `failed for ${failed.join(", ")}`}`);
  process.exitCode = failed.length === 0 ? 0 : 1;
}

await main();
