/**
 * The page side of the browser tests. A test page (`test/browser/<name>.browser.ts`) calls
 * {@link definePageTests} with named async functions; the Node side (harness/session.ts) calls
 * one by name with a structured-cloneable input and gets its result back, or the error it
 * threw (message and stack). Kept free of DOM types: it only touches `globalThis`.
 */

/** A test run in the page: input from the Node side, result back to it. */
export type PageTest = (input: any) => unknown;

interface PageHarness {
  readonly names: string[];
  run(name: string, input: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: string }>;
}

/** Registers the page's tests and tells the Node side the page is ready. Call once per page. */
export function definePageTests(tests: Record<string, PageTest>): void {
  const harness: PageHarness = {
    names: Object.keys(tests),
    async run(name, input) {
      const test = tests[name];
      if (test === undefined) return { ok: false, error: `no page test named ${JSON.stringify(name)}; this page has ${Object.keys(tests).join(", ")}` };
      try {
        return { ok: true, value: await test(input) };
      } catch (e) {
        const err = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ""}` : String(e);
        return { ok: false, error: err };
      }
    },
  };
  (globalThis as { __chunkwiseTests?: PageHarness }).__chunkwiseTests = harness;
}

