/**
 * Richardson-Lucy in Chromium next to Node (`npm run bench -- rl-browser`): the volume and
 * PSF of `npm run bench -- rl` (101x512x384 float32, PSF 51x64x64, ITK's options), by default
 * 5 iterations instead of 10. Node runs richardsonLucy in this process; Chromium (Debian's,
 * headless, through playwright-core) runs it on a Web Worker of `webWorkers(1)` in a
 * cross-origin isolated page served from 127.0.0.1, fetching the same data as raw float32
 * files. Both on 1 and 2 threads (two threads share the one volume's FFT passes: worker
 * threads in Node, nested Web Workers in Chromium). Prints seconds per iteration (median over
 * iterations 2..N, timed where the kernel runs) and the ratio Chromium / Node.
 *
 * Run: npx tsx bench/rl-browser.ts [--iterations 5] [--shape 101,512,384] [--psf 51,64,64]
 */
import { build } from "esbuild";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as nodePath from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { richardsonLucy } from "../src/entries/node-filters.js";
import { startServer } from "../test/browser/harness/server.js";
import { makePsf, makeVolume } from "./rl.js";
import { median } from "./timing.js";

const here = nodePath.dirname(fileURLToPath(import.meta.url));

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

interface Timing {
  perIter: number[];
  total: number;
}

/** Seconds per iteration: the median over iterations 2..N (the first includes setup). */
const perIteration = (t: Timing): number => median(t.perIter.length > 1 ? t.perIter.slice(1) : t.perIter);

async function bundle(outdir: string): Promise<void> {
  await build({
    entryPoints: { "rl-page": nodePath.join(here, "browser/rl-page.ts"), "rl-worker": nodePath.join(here, "browser/rl-worker.ts") },
    outdir, bundle: true, splitting: true, format: "esm", platform: "browser", target: "es2022", logLevel: "warning",
    tsconfig: nodePath.join(here, "../tsconfig.json"),
  });
  await writeFile(nodePath.join(outdir, "rl.html"), `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><script type="module" src="./rl-page.js"></script></body></html>\n`);
}

/** Runs the benchmark and prints its figures and ratios. */
export async function main(): Promise<void> {
  const iterations = Number(arg("iterations", "5"));
  const shape = arg("shape", "101,512,384").split(",").map(Number);
  const psfShape = arg("psf", "51,64,64").split(",").map(Number);
  const dir = await mkdtemp(nodePath.join(tmpdir(), "chunkwise-rl-browser-"));
  const server = await startServer({ "/": dir });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
  try {
    const psf = makePsf(psfShape);
    const image = makeVolume(shape, psf);
    await writeFile(nodePath.join(dir, "image.f32"), image);
    await writeFile(nodePath.join(dir, "psf.f32"), psf);
    await bundle(dir);
    console.log(`volume ${shape.join("x")} float32, PSF ${psfShape.join("x")}, ${iterations} iterations (npm run bench -- rl uses 10), ITK's options; Chromium ${browser.version()}, Node ${process.version}`);
    const page = await browser.newPage();
    await page.goto(`${server.origin}/rl.html`);
    await page.waitForFunction(() => (globalThis as { runBench?: unknown }).runBench !== undefined);
    for (const threads of [1, 2]) {
      const stamps: number[] = [];
      const t0 = performance.now();
      richardsonLucy({ data: image, shape }, { data: psf, shape: psfShape }, {
        iterations, threads, init: "image", boundary: "neumann", normalizePsf: false, clip: false, filterEpsilon: 1e-5,
        onIteration: () => void stamps.push(performance.now()),
      });
      const node: Timing = { perIter: stamps.map((t, i) => (t - (i === 0 ? t0 : stamps[i - 1]!)) / 1000), total: (performance.now() - t0) / 1000 };
      const params = { image: `${server.origin}/image.f32`, psf: `${server.origin}/psf.f32`, shape, psfShape, iterations, threads };
      const web = await page.evaluate((p) => (globalThis as unknown as { runBench(p: unknown): Promise<Timing> }).runBench(p), params);
      const [n, w] = [perIteration(node), perIteration(web)];
      console.log(`threads ${threads}: Node ${n.toFixed(3)} s/iteration (total ${node.total.toFixed(2)} s), Chromium Web Worker ${w.toFixed(3)} s/iteration (total ${web.total.toFixed(2)} s); ratio Chromium / Node ${(w / n).toFixed(2)}`);
    }
  } finally {
    await browser.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) await main();
