/**
 * The Node side of the browser tests: bundles the pages (bundle.ts), serves them and the test
 * fixtures from a local server (server.ts), and drives Debian's headless Chromium through
 * playwright-core (which never downloads a browser: it launches `/usr/bin/chromium`, or
 * `$CHROMIUM` when set). A test file opens one session in `beforeAll`:
 *
 *     const session = await startSession({ pages: ["lazy"] });
 *     const page = await session.open("lazy");
 *     expect(await page.run("gufunc", input)).toEqual(expected);
 *     expect(page.errors).toEqual([]);
 *
 * Served: the bundles at `/`, `test/fixtures` at `/fixtures/`, plus `mounts`; every path also
 * under `/no-isolation/` without the cross-origin isolation headers.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as nodePath from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { bundlePages, ROOT, type BundlePagesOptions } from "./bundle.js";
import { startServer, type StaticServer } from "./server.js";

/** Options for {@link startSession}. */
export interface SessionOptions extends Omit<BundlePagesOptions, "outdir"> {
  /** More folders to serve: URL prefix ("/name/") to folder. */
  mounts?: Record<string, string>;
}

/** An open test page. */
export interface TestPage {
  readonly page: Page;
  /** Console errors, uncaught page errors and failed requests seen so far. */
  readonly errors: string[];
  /** Runs the page test `name` with `input`; resolves to its result, rejects with its error. */
  run<T = unknown>(name: string, input?: unknown): Promise<T>;
}

/** A running browser, server and bundle folder. */
export interface Session {
  readonly server: StaticServer;
  readonly browser: Browser;
  /** The bundle folder (served at `/`), for tests that add files. */
  readonly outdir: string;
  /** Opens `<name>.html` (under `/no-isolation/` when `isolated` is false) and waits until its tests are registered. */
  open(name: string, options?: { isolated?: boolean }): Promise<TestPage>;
  close(): Promise<void>;
}

/** The Chromium binary: `$CHROMIUM`, else Debian's `/usr/bin/chromium`. */
function chromiumPath(): string {
  return process.env.CHROMIUM ?? "/usr/bin/chromium";
}

/** Bundles, serves and launches; see the module comment. */
export async function startSession(options: SessionOptions): Promise<Session> {
  const outdir = await mkdtemp(nodePath.join(tmpdir(), "chunkwise-browser-"));
  let server: StaticServer | undefined;
  try {
    await bundlePages({ ...options, outdir });
    server = await startServer({ "/": outdir, "/fixtures/": nodePath.join(ROOT, "test", "fixtures"), ...options.mounts });
    // Running as root (CI, containers) Chromium needs --no-sandbox.
    const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ["--no-sandbox"] });
    const srv = server;
    return {
      server: srv,
      browser,
      outdir,
      open: (name, opts) => openPage(browser, `${srv.origin}${opts?.isolated === false ? "/no-isolation" : ""}/${name}.html`),
      async close() {
        await browser.close();
        await srv.close();
        await rm(outdir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await server?.close();
    await rm(outdir, { recursive: true, force: true });
    throw e;
  }
}

async function openPage(browser: Browser, url: string): Promise<TestPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console.error: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.method()} ${r.url()} (${r.failure()?.errorText ?? "?"})`));
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const response = await page.goto(url);
  if (!response?.ok()) throw new Error(`browser test page ${url} must load; got HTTP ${response?.status()}`);
  try {
    await page.waitForFunction(() => (globalThis as { __chunkwiseTests?: unknown }).__chunkwiseTests !== undefined, undefined, { timeout: 30_000 });
  } catch (e) {
    throw new Error(`browser test page ${url} must call definePageTests; it did not within 30 s (errors: ${errors.join("; ") || "none"})`, { cause: e });
  }
  return {
    page,
    errors,
    async run<T>(name: string, input?: unknown): Promise<T> {
      const out = await page.evaluate(
        ([n, i]) => (globalThis as unknown as { __chunkwiseTests: { run(n: string, i: unknown): Promise<{ ok: boolean; value?: unknown; error?: string }> } }).__chunkwiseTests.run(n, i),
        [name, input] as const,
      );
      if (!out.ok) throw new Error(`page test ${name} failed in Chromium: ${out.error}`);
      return out.value as T;
    },
  };
}
