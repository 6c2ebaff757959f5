// Lazy gufuncs and mapOverlap give in Chromium exactly what they give in Node (the same
// cases, computed on both sides, compared value for value).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gufuncCase, mapOverlapCase, type GufuncCase, type MapOverlapCase } from "./cases/lazy-cases.js";
import { startSession, type Session, type TestPage } from "./harness/session.js";

let session: Session;
let page: TestPage;
beforeAll(async () => {
  session = await startSession({ pages: ["lazy"] });
  page = await session.open("lazy");
});
afterAll(async () => {
  await session?.close();
});

const gufuncCases: GufuncCase[] = [
  { shape: [5, 7, 6], chunks: [2, 3, 6], seed: 1 },
  { shape: [4, 9, 5], chunks: [4, 2, 5], seed: 7 },
  { shape: [1, 1, 3], chunks: [1, 1, 3], seed: 11 },
];
const overlapCases: MapOverlapCase[] = [
  { shape: [13, 11], chunks: [4, 5], depth: 1, boundary: "reflect", seed: 3 },
  { shape: [9, 12], chunks: [3, 4], depth: 2, boundary: "periodic", seed: 5 },
  { shape: [10, 10], chunks: [5, 3], depth: 1, boundary: "nearest", seed: 9 },
  { shape: [8, 7], chunks: [3, 3], depth: 2, boundary: 0, seed: 13 },
  { shape: [12, 9], chunks: [6, 4], depth: 1, boundary: "none", seed: 17 },
];

describe("lazy arrays in Chromium give what they give in Node", () => {
  it.each(gufuncCases.map((c) => [JSON.stringify(c), c] as const))("lazy gufuncs %s", async (_n, c) => {
    const inBrowser = await page.run("gufunc", c);
    expect(inBrowser).toEqual(await gufuncCase(c));
    expect(page.errors).toEqual([]);
  });

  it.each(overlapCases.map((c) => [JSON.stringify(c), c] as const))("mapOverlap %s", async (_n, c) => {
    const inBrowser = await page.run("mapOverlap", c);
    expect(inBrowser).toEqual(await mapOverlapCase(c));
    expect(page.errors).toEqual([]);
  });
});
