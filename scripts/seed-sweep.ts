/**
 * Runs fast-check property files once per seed, to prove they are not flaky:
 *
 *   npx tsx scripts/seed-sweep.ts --from 1 --to 1000 [--chunk 100] test/property/lazy.property.test.ts ...
 *
 * It runs Vitest once per chunk of seeds (default 100, so that a long sweep reports as it goes
 * and a stopped one says which seeds it covered) with FC_SWEEP=<a>..<b>:
 * test/setup/fast-check-seed.ts then turns each
 * `test.prop` property into one test that checks it for every seed of the range (each seed
 * exactly as `FC_SEED=<seed>` would) and lists the failing seeds. With no files it sweeps every
 * test/property/*.property.test.ts and test/testing/*.test.ts. A failure replays alone with
 * `FC_SEED=<seed> npx vitest run <file>`. Exits 1 if any chunk failed.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";

function parseArgs(argv: readonly string[]): { from: number; to: number; chunk: number; files: string[] } {
  let from = 1;
  let to = 1000;
  let chunk = 100;
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
    else if (a === "--chunk") chunk = Math.max(1, int(a, argv[++i]));
    else files.push(a);
  }
  if (to < from) throw new Error(`seed-sweep: --to must be at least --from; got ${from}..${to}. Swap them`);
  if (files.length === 0) {
    const list = (dir: string, re: RegExp): string[] => readdirSync(dir).filter((f) => re.test(f)).map((f) => `${dir}/${f}`);
    files.push(...list("test/property", /\.property\.test\.ts$/), ...list("test/testing", /\.test\.ts$/));
  }
  return { from, to, chunk, files };
}

const { from, to, chunk, files } = parseArgs(process.argv.slice(2));
console.log(`seed-sweep: seeds ${from}..${to} over ${files.join(", ")}`);
const started = Date.now();
const failed: string[] = [];
for (let a = from; a <= to; a += chunk) {
  const b = Math.min(to, a + chunk - 1);
  const run = spawnSync("npx", ["vitest", "run", "--typecheck.enabled=false", ...files], {
    stdio: "inherit",
    env: { ...process.env, FC_SWEEP: `${a}..${b}`, FC_SEED: "" },
  });
  if (run.status !== 0) failed.push(`${a}..${b}`);
  console.log(`seed-sweep: seeds ${a}..${b}: ${run.status === 0 ? "passed" : "FAILED (see above)"}; ${Math.round((Date.now() - started) / 1000)} s so far`);
}
console.log(`seed-sweep: seeds ${from}..${to}: ${failed.length === 0 ? "all passed" : `failures in ${failed.join(", ")}`}`);
process.exitCode = failed.length === 0 ? 0 : 1;
