import { describe, expect, it } from "vitest";
import { airy, besselJ1, erf } from "../../../src/cli/demo-data/special.js";

// Reference values from scipy.special 1.x (j1, erf), printed with float64 repr.
describe("besselJ1", () => {
  it.each([
    [0.5, 0.24226845767487387], [1, 0.44005058574493355], [2, 0.5767248077568734],
    [3.8317059702075125, 0], [5, -0.3275791375914653], [7.9, 0.21917939992175126],
    [8.1, 0.24760776698159287], [10, 0.04347274616886141], [25, -0.1253502495802898],
    [-3, -0.33905895852593654], [0, 0],
  ])("J1(%d) matches scipy.special.j1 to 1e-8", (x, expected) => {
    expect(Math.abs(besselJ1(x) - expected)).toBeLessThan(1e-8);
  });

  it("is odd: J1(-x) = -J1(x)", () => {
    for (const x of [0.3, 4, 9, 30]) expect(besselJ1(-x)).toBe(-besselJ1(x));
  });
});

describe("airy", () => {
  it("is 1 at 0, 0 at the first zero of J1, and about 0.5 at v = 1.6163", () => {
    expect(airy(0)).toBe(1);
    expect(airy(3.8317059702075125)).toBeLessThan(1e-15);
    expect(airy(1.616339948310703)).toBeCloseTo(0.5, 7);
  });
});

describe("erf", () => {
  it.each([
    [-2, -0.9953222650189527], [-0.7, -0.6778011938374183], [-0.3, -0.3286267594591274],
    [0.1, 0.1124629160182849], [0.49, 0.511668261188523], [0.51, 0.5292436198411704],
    [1, 0.8427007929497148], [1.5, 0.9661051464753108], [3, 0.9999779095030014], [0, 0],
  ])("erf(%d) matches scipy.special.erf to 1.2e-7", (x, expected) => {
    expect(Math.abs(erf(x) - expected)).toBeLessThan(1.2e-7);
  });

  it("is odd and tends to +-1", () => {
    for (const x of [0.2, 0.8, 2.5]) expect(erf(-x)).toBe(-erf(x));
    expect(erf(10)).toBe(1);
    expect(erf(-10)).toBe(-1);
  });
});
