import { describe, expect, test } from "vitest";
import { nextFastLen } from "../../src/fft/index.js";
import { nextFastLenTable } from "./load-fixtures.js";

describe("nextFastLen matches scipy.fft.next_fast_len", () => {
  const { targets, complex, real } = nextFastLenTable;
  test(`complex (11-smooth) for ${targets.length} targets`, () => {
    expect(targets.map((t) => nextFastLen(t))).toEqual(complex);
  });
  test(`real (5-smooth) for ${targets.length} targets`, () => {
    expect(targets.map((t) => nextFastLen(t, true))).toEqual(real);
  });
  test.each([[-1], [1.5], [Number.NaN]])("rejects target=%s", (t) => {
    expect(() => nextFastLen(t)).toThrow(/target must be a non-negative integer/);
  });
});
