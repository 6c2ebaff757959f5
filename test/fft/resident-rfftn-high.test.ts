/**
 * The resident engine at the top of wasm32 memory (test/fft/high-addresses.ts): arrays and
 * tables above 3.5 GiB and up to within 1 MiB of 4 GiB, and the estimate 3.5 GiB below the
 * rest, give the bytes the same passes give at the bottom of memory, on one thread and on two;
 * and `create` takes plans up to RESIDENT_MAX_BYTES exactly. The same scenario runs in
 * Chromium in test/browser/wasm-memory.test.ts.
 */
import { describe, expect, test } from "vitest";
import { RESIDENT_MAX_BYTES, ResidentRfftn } from "../../src/fft/resident-rfftn.js";
import { SHAPE, highAddressScenario, sameBytes } from "./high-addresses.js";

const GIB = 2 ** 30;

describe("ResidentRfftn at high addresses", () => {
  for (const dtype of ["float32", "float64"] as const) {
    test(`${dtype} shape=[${SHAPE}]: arrays and tables above 3.5 GiB (up to 4 GiB - 1 MiB), and the estimate 3.5 GiB below the rest, give the bytes of the bottom of memory on 1 and 2 threads`, () => {
      const want = highAddressScenario(dtype, 1, "low");
      expect(Math.max(...want.addresses)).toBeLessThan(2 ** 20);
      for (const threads of [1, 2]) {
        for (const layout of ["high", "split"] as const) {
          const got = highAddressScenario(dtype, threads, layout);
          expect(got.threads).toBe(threads);
          const above = layout === "high" ? got.addresses : got.addresses.slice(1);
          expect(Math.min(...above), `${layout}: the lowest address`).toBeGreaterThan(3.5 * GIB);
          expect(got.top, `${layout}: the end of the data`).toBeGreaterThan(4 * GIB - 2 ** 21);
          expect(got.top).toBeLessThanOrEqual(4 * GIB);
          if (layout === "split") expect(got.addresses[0]).toBeLessThan(2 ** 20);
          expect(got.bytes.length).toBe(want.bytes.length);
          got.bytes.forEach((b, i) => expect(sameBytes([b], [want.bytes[i]!]), `${layout} threads=${threads}: result ${i}`).toBe(true));
        }
      }
    });
  }

  test("create accepts a plan whose bytesFor is exactly RESIDENT_MAX_BYTES (4 GiB - 1 MiB) and refuses one byte more", () => {
    expect(RESIDENT_MAX_BYTES).toBe(4 * GIB - 2 ** 20);
    const base = ResidentRfftn.bytesFor(SHAPE, "float32", 1, 2);
    const fits = ResidentRfftn.create(SHAPE, "float32", 1, 2, SHAPE, RESIDENT_MAX_BYTES - base);
    expect(fits).toBeDefined();
    expect(fits!.bytes).toBeGreaterThan(4 * GIB - 2 ** 20);
    expect(fits!.bytes).toBeLessThanOrEqual(4 * GIB);
    fits!.close();
    expect(ResidentRfftn.create(SHAPE, "float32", 1, 2, SHAPE, RESIDENT_MAX_BYTES - base + 1)).toBeUndefined();
  });
});
