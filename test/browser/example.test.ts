// The browser example page (examples/browser/) in Chromium: it opens the demo Zarr served
// locally, deconvolves two volumes on Web Workers and draws the before/after projections;
// the canvases are checked from a screenshot (not blank: many grey levels, some bright).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as nodePath from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExample } from "../../examples/browser/build.js";
import { demoPsfTiff, writeDemoZarr } from "../../examples/browser/demo-data.js";
import { startSession, type Session } from "./harness/session.js";

let session: Session;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(nodePath.join(tmpdir(), "chunkwise-example-test-"));
  await buildExample(nodePath.join(dir, "page"));
  await writeDemoZarr(nodePath.join(dir, "data", "demo.zarr"));
  await writeDemoZarr(nodePath.join(dir, "data", "demo.ome.zarr"), 2, true);
  session = await startSession({ pages: [], mounts: { "/example/": nodePath.join(dir, "page"), "/data/": nodePath.join(dir, "data") } });
});
afterAll(async () => {
  await session?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Distinct grey levels and the brightest value of a PNG screenshot. */
function greyStats(png: Buffer): { levels: number; max: number } {
  const img = PNG.sync.read(png);
  const seen = new Set<number>();
  let max = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    seen.add(img.data[i]!);
    max = Math.max(max, img.data[i]!);
  }
  return { levels: seen.size, max };
}

describe("examples/browser in Chromium", () => {
  const cases = [
    { threads: 1, store: "demo.zarr", psf: "gaussian", info: "Zarr array: shape [2,32,96,96], uint16", isolated: true },
    { threads: 2, store: "demo.zarr", psf: "gaussian", info: "Zarr array: shape [2,32,96,96], uint16", isolated: true },
    { threads: 2, store: "demo.ome.zarr", psf: "tiff", info: "OME-Zarr image 'image', axes c,z,y,x, level 0 of 2: shape [2,32,96,96], uint16", isolated: true },
    { threads: 2, store: "demo.zarr", psf: "gaussian", info: "Zarr array: shape [2,32,96,96], uint16", isolated: false },
  ] as const;
  for (const { threads, store, psf, info, isolated } of cases) {
    it(`opens ${store}, deconvolves volumes 0 and 1 with a ${psf} PSF (5 iterations, 2 workers x ${threads} thread(s)${isolated ? "" : ", page not isolated"}), and draws non-blank projections`, async () => {
      const page = await session.browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => {
        // 404s are reported by the response listener, with their URL.
        if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
      });
      const missing: string[] = [];
      page.on("response", (r) => {
        if (r.status() >= 400) missing.push(`${r.status()} ${new URL(r.url()).pathname}`);
      });
      try {
        const url = `${session.server.origin}/data/${store}`;
        await page.goto(`${session.server.origin}${isolated ? "" : "/no-isolation"}/example/index.html?url=${encodeURIComponent(url)}&volumes=0-1&iterations=5&workers=2&threads=${threads}`);
        await page.waitForSelector("body[data-state=idle]");
        if (psf === "tiff") {
          await page.check("input[name=psf][value=tiff]");
          await page.setInputFiles("#psfFiles", { name: "psf.tif", mimeType: "image/tiff", buffer: Buffer.from(demoPsfTiff()) });
        }
        await page.click("#run");
        await page.waitForSelector("body[data-state=done], body[data-state=error]", { timeout: 120_000 });
        const text = await page.textContent("#status");
        expect(await page.getAttribute("body", "data-state"), String(text)).toBe("done");
        expect(text).toContain(`deconvolved 2 volume(s), 5 iterations, PSF ${psf === "tiff" ? "[9,11,11]" : "[13,11,11]"}`);
        expect(await page.textContent("#info")).toContain(info);
        if (!isolated) expect(text).toContain("(page not cross-origin isolated: each volume ran on 1 thread)");
        expect(Number(await page.locator("#progress").evaluate((el) => (el as unknown as { value: number }).value))).toBeGreaterThan(0);
        for (const id of ["#before", "#after"]) {
          // Two volumes of 96 x 96 side by side.
          expect(await page.locator(id).evaluate((c) => [(c as unknown as { width: number }).width, (c as unknown as { height: number }).height])).toEqual([192, 96]);
          const s = greyStats(await page.locator(id).screenshot());
          expect(s.levels).toBeGreaterThan(50);
          expect(s.max).toBeGreaterThan(200);
        }
        expect(errors).toEqual([]);
        // Only metadata probes may miss (is it OME-Zarr? Zarr v3 or v2?), never chunks or scripts.
        for (const m of missing) expect(m).toMatch(/^404 (\/no-isolation)?\/data\/demo(\.ome)?\.zarr\/(.*\/)?(zarr\.json|\.zattrs|\.zgroup|\.zarray)$/);
      } finally {
        await page.close();
      }
    });
  }
});
