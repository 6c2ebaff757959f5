// wasm32's whole 4 GiB in Chromium: a shared WebAssembly.Memory grows to 65536 pages and is
// readable at its last byte, and the resident engine gives the same bytes with its arrays and
// tables above 3.5 GiB (up to within 1 MiB of 4 GiB) as at the bottom of memory, and as Node
// (test/fft/resident-rfftn-high.test.ts runs the same scenario there, on 1 and 2 threads).
// The page's own thread runs it: one thread, over shared memory (the page is cross-origin isolated).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestBytes, highAddressScenario } from "../fft/high-addresses.js";
import { startSession, type Session, type TestPage } from "./harness/session.js";

let session: Session;
let page: TestPage;
beforeAll(async () => {
  session = await startSession({ pages: ["wasm-memory"] });
  page = await session.open("wasm-memory");
});
afterAll(async () => {
  await session?.close();
});

describe("wasm32's 4 GiB in Chromium", () => {
  it("a shared WebAssembly.Memory grows to 65536 pages (4 GiB), viewed whole by a Float32Array", async () => {
    expect(await page.run("grow")).toEqual({ shared: true, byteLength: 4 * 2 ** 30, last: 42 });
    expect(page.errors).toEqual([]);
  });

  for (const dtype of ["float32", "float64"] as const) {
    it(`${dtype}: the resident engine's arrays and tables above 3.5 GiB, and 3.5 GiB apart, give the bytes of the bottom of memory and of Node`, async () => {
      const got = await page.run<Record<string, unknown>>("scenario", { dtype });
      expect(got.lowest).toBeGreaterThan(3.5 * 2 ** 30);
      expect(got.top).toBeGreaterThan(4 * 2 ** 30 - 2 ** 21);
      expect(got.splitEstimate).toBeLessThan(2 ** 20);
      expect(got.splitRest).toBeGreaterThan(3.5 * 2 ** 30);
      expect(got).toMatchObject({ high: true, split: true, digest: digestBytes(highAddressScenario(dtype, 1, "low").bytes) });
      expect(page.errors).toEqual([]);
    });
  }
});
