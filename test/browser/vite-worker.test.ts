// The bundler-friendly way to name kernels, with Vite: `vite build` of a page whose worker is
// `new Worker(new URL("./worker.ts", import.meta.url), { type: "module" })`. Vite builds the
// worker as a bundle of its own, so the kernel's module URL on the page is not one the worker
// knows: the worker finds the kernel by export name among those its script registered.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as nodePath from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT } from "./harness/bundle.js";
import { startSession, type Session } from "./harness/session.js";

let session: Session;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(nodePath.join(tmpdir(), "chunkwise-vite-app-"));
  const { build } = await import("vite");
  await build({ root: nodePath.join(ROOT, "test/browser/vite-app"), base: "./", logLevel: "warn", configFile: false, build: { outDir: dir, emptyOutDir: true, minify: false }, worker: { format: "es" } });
  session = await startSession({ pages: [], mounts: { "/app/": dir } });
});
afterAll(async () => {
  await session?.close();
  await rm(dir, { recursive: true, force: true });
});

it("a Vite-built page runs a user's kernel on webWorkers(2): the worker is its own bundle and finds the kernel by name", async () => {
  const assets = await readdir(nodePath.join(dir, "assets"));
  expect(assets.filter((f) => f.startsWith("worker")).length).toBe(1);
  const page = await session.browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  try {
    await page.goto(`${session.server.origin}/app/index.html`);
    await page.waitForFunction(() => (globalThis as { runApp?: unknown }).runApp !== undefined);
    const out = await page.evaluate(() => (globalThis as unknown as { runApp(): Promise<{ values: number[]; pageModule: string }> }).runApp());
    expect(out.values).toEqual(Array.from({ length: 24 }, (_, i) => 3 * i + 1));
    expect(out.pageModule).toMatch(/\/app\/assets\/index-[^/]+\.js$/);
    expect(errors).toEqual([]);
  } finally {
    await page.close();
  }
});
