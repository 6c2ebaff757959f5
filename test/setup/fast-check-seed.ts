/**
 * Vitest setup for fast-check properties.
 *
 * - `FC_SEED=<integer>` fixes the seed of every property in the run, so a failure seen once is
 *   replayed exactly: `FC_SEED=380 npx vitest run test/property/lazy.property.test.ts`.
 * - `FC_SWEEP=<from>..<to>` (what scripts/seed-sweep.ts sets) runs every `test.prop` property
 *   once per seed in that range, inside one test, and fails listing each failing seed. Each
 *   seed runs exactly what `FC_SEED=<seed>` runs (`fc.assert` of the same property with the
 *   same parameters and that seed), without starting Vitest a thousand times.
 */
import fc from "fast-check";
import { test as vitestTest, vi } from "vitest";

function seedOf(raw: string, what: string): number {
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`${what} must hold integers; got ${JSON.stringify(raw)}. Pass e.g. FC_SEED=380 or FC_SWEEP=1..1000`);
  }
  return seed;
}

const single = process.env.FC_SEED;
if (single !== undefined && single !== "") fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: seedOf(single, "FC_SEED") });

const sweep = process.env.FC_SWEEP;
if (sweep !== undefined && sweep !== "") {
  const [from, to] = sweep.split("..").map((t) => seedOf(t, "FC_SWEEP"));
  if (from === undefined || to === undefined || to < from) throw new Error(`FC_SWEEP must be <from>..<to> with from <= to; got ${JSON.stringify(sweep)}. Pass e.g. FC_SWEEP=1..1000`);
  vi.doMock("@fast-check/vitest", async (importOriginal) => {
    const original = await importOriginal<typeof import("@fast-check/vitest")>();
    type Prop = (...args: any[]) => unknown;
    const prop =
      (arbitraries: fc.Arbitrary<unknown>[], params: fc.Parameters<unknown> = {}) =>
      (label: string, body: Prop): void => {
        vitestTest(`${label} (seeds ${from}..${to})`, async () => {
          const failures: string[] = [];
          for (let seed = from; seed <= to; seed++) {
            // As @fast-check/vitest builds it: one async property over the arbitraries, in order.
            const asyncProperty = fc.asyncProperty as unknown as (...args: unknown[]) => fc.IAsyncProperty<unknown[]>;
            const property = asyncProperty(...arbitraries, (...args: unknown[]) => Promise.resolve(body(...args)));
            const details = await fc.check(property, { ...params, seed } as fc.Parameters<unknown[]>);
            if (details.failed) failures.push(`seed ${seed}: ${String(details.errorInstance ?? "failed").split("\n")[0]} (counterexample ${fc.stringify(details.counterexample)})`);
          }
          if (failures.length > 0) throw new Error(`${failures.length} of ${to - from + 1} seeds failed:\n${failures.join("\n")}`);
        }, 0);
      };
    const test = new Proxy(original.test, { get: (target, key, receiver) => (key === "prop" ? prop : Reflect.get(target, key, receiver)) });
    return { ...original, test, it: test };
  });
}
