// The browser-test harness itself: the page is cross-origin isolated (or not, under
// /no-isolation/), Range requests answer as HTTP says, and page failures reach the test.
import { readFile } from "node:fs/promises";
import * as nodePath from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./harness/bundle.js";
import { parseRange } from "./harness/server.js";
import { startSession, type Session } from "./harness/session.js";

let session: Session;
beforeAll(async () => {
  session = await startSession({ pages: ["harness"] });
});
afterAll(async () => {
  await session?.close();
});

describe("browser test harness", () => {
  it("serves pages cross-origin isolated, and without isolation under /no-isolation/", async () => {
    const page = await session.open("harness");
    expect(await page.run("isolation")).toEqual({ crossOriginIsolated: true, sharedArrayBuffer: true });
    const plain = await session.open("harness", { isolated: false });
    expect(await plain.run("isolation")).toEqual({ crossOriginIsolated: false, sharedArrayBuffer: false });
    expect([...page.errors, ...plain.errors]).toEqual([]);
  });

  it("answers Range requests with 206 and the bytes asked for", async () => {
    const page = await session.open("harness");
    const file = await readFile(nodePath.join(ROOT, "test/fixtures/zarr/v2.zarr/.zgroup"));
    const size = file.byteLength;
    const url = "/fixtures/zarr/v2.zarr/.zgroup";
    expect(await page.run("range", { url, range: "bytes=2-5" })).toEqual({ status: 206, contentRange: `bytes 2-5/${size}`, bytes: [...file.subarray(2, 6)] });
    expect(await page.run("range", { url, range: "bytes=-3" })).toEqual({ status: 206, contentRange: `bytes ${size - 3}-${size - 1}/${size}`, bytes: [...file.subarray(size - 3)] });
    expect(page.errors).toEqual([]);
  });

  it("refuses unsatisfiable ranges (416) and parses ranges as RFC 9110 says", async () => {
    const page = await session.open("harness");
    const out = await page.run<{ status: number }>("range", { url: "/fixtures/zarr/v2.zarr/.zgroup", range: "bytes=100000-" });
    expect(out.status).toBe(416);
    expect(parseRange("bytes=0-", 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=5-100", 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange("bytes=-0", 10)).toBeUndefined();
    expect(parseRange("bytes=-20", 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=4-2", 10)).toBeUndefined();
    expect(parseRange("bytes=0-1,3-4", 10)).toBeUndefined();
  });

  it("never serves a file outside a mounted folder", async () => {
    const res = await fetch(`${session.server.origin}/fixtures/..%2F..%2Fpackage.json`);
    expect(res.status).toBe(404);
  });

  it("reports a page test's error and the page's console errors", async () => {
    const page = await session.open("harness");
    await expect(page.run("throws")).rejects.toThrow(/RangeError: thrown in the page/);
    await expect(page.run("missing")).rejects.toThrow(/no page test named "missing"/);
    await page.run("consoleError");
    expect(page.errors).toEqual(["console.error: an error logged by the page"]);
  });
});
