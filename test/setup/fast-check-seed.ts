/**
 * Vitest setup: `FC_SEED=<integer>` fixes fast-check's seed for every property in the run, so a
 * failure seen once is replayed exactly (`FC_SEED=380 npx vitest run test/property/...`), and
 * scripts/seed-sweep.ts can prove properties pass for a range of seeds. Without it, each
 * property draws its own seed and prints it in its title.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";

// The sweep reuses workers across seeds, so it passes each seed through a file it rewrites.
const file = process.env.FC_SEED_FILE;
const raw = file ? readFileSync(file, "utf8").trim() : process.env.FC_SEED;
if (raw !== undefined && raw !== "") {
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`FC_SEED must be an integer; got ${JSON.stringify(raw)}. Unset it, or pass e.g. FC_SEED=380`);
  }
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
