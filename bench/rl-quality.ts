/**
 * Richardson-Lucy quality against ground truth (`npm run bench -- rl-quality`): how fast each
 * method's estimate approaches the specimen, per iteration and per second.
 *
 * Data: one volume of the demo's synthetic light-sheet generator (`syntheticStack`, channel 0,
 * t = 0) with its light-sheet PSF, at the "medium" preset's shape (48, 256, 256) by default
 * (`--shape 101,512,384` for the blog's full chunk); Poisson and read noise on
 * blurred + background, the background (camera offset) subtracted and clamped at 0, as the
 * demo does. Methods run with the CLI's options (ITK's algorithm: estimate from the image,
 * Neumann padding, filterEpsilon 1e-5) on one thread.
 *
 * Error: the best-scale relative RMS error `min_s ||s x - truth|| / ||truth||` (the scale
 * that a flux mismatch between the blurred model and the recording would otherwise dominate).
 * Time: wall time of each iteration, excluding the error measurement, the least over
 * `--repeats` (default 3) runs of every method in turn, summed: the machine may be shared and
 * its load moves, so a method run once while it is busy would look slower than it is.
 * Iteration counts are robust; times are as measured.
 *
 * Prints each method's error per iteration with its cumulative seconds, then the goal's
 * figures: the iteration and time at which each method first reaches plain RL's error at
 * iteration 20, and each method's best error. `--plot PREFIX` writes the error per iteration
 * and per second (PREFIX-iterations.png, PREFIX-seconds.png, each with an SVG beside it).
 *
 * Methods (`--methods`, all by default): plain, biggs (Biggs-Andrews), tv (total-variation
 * regularised, lambda `--tv`, default 0.002) and biggs-tv (both).
 *
 * Run: npx tsx bench/rl-quality.ts [--iterations 30] [--repeats 3] [--shape 48,256,256] [--methods plain,biggs,tv] [--tv 0.002] [--plot docs/images/rl-quality]
 */
import { copy, type Block } from "../src/entries/node-index.js";
import { syntheticStack } from "../src/cli/demo-data/index.js";
import { richardsonLucy, type RichardsonLucyOptions } from "../src/entries/node-filters.js";
import { linePlotPng, writeLinePlotSvg } from "../src/cli/pictures/index.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

const BASE = { init: "image", boundary: "neumann", filterEpsilon: 1e-5 } as const;
/** Dey et al.'s total-variation weight for the "tv" methods (`--tv`; their paper's 0.002 by default). */
const TV = Number(arg("tv", "0.002"));
/** The methods compared, by name. */
export const METHODS: Record<string, RichardsonLucyOptions> = {
  plain: { ...BASE },
  biggs: { ...BASE, acceleration: "biggs" },
  tv: { ...BASE, regularization: { tv: TV } },
  "biggs-tv": { ...BASE, acceleration: "biggs", regularization: { tv: TV } },
};

/** `min_s ||s x - t|| / ||t||` = sqrt(1 - <x,t>^2 / (|x|^2 |t|^2)). */
export function bestScaleError(x: ArrayLike<number>, t: ArrayLike<number>): number {
  let xt = 0, xx = 0, tt = 0;
  for (let i = 0; i < t.length; i++) {
    xt += x[i]! * t[i]!;
    xx += x[i]! * x[i]!;
    tt += t[i]! * t[i]!;
  }
  return xx === 0 ? 1 : Math.sqrt(Math.max(0, 1 - (xt * xt) / (xx * tt)));
}

interface Curve { name: string; errors: number[]; seconds: number[] }

/** One run: the error after each iteration (when `errors` is given) and each iteration's seconds. */
function run(name: string, recorded: Block, psf: Block, truth: ArrayLike<number>, iterations: number, errors?: number[]): number[] {
  const times: number[] = [];
  let last = performance.now();
  richardsonLucy(recorded, psf, {
    ...METHODS[name], iterations,
    onIteration: (_i, estimate) => {
      times.push((performance.now() - last) / 1000);
      if (errors !== undefined) errors.push(bestScaleError(copy(estimate).data as ArrayLike<number>, truth));
      last = performance.now();
    },
  });
  return times;
}

/**
 * Every method `repeats` times, alternating (the machine is shared and its load moves): the
 * errors of the first run, and per iteration the least time any run took, summed.
 */
function measure(names: readonly string[], recorded: Block, psf: Block, truth: ArrayLike<number>, iterations: number, repeats: number): Curve[] {
  const start = bestScaleError(copy(recorded).data as ArrayLike<number>, truth);
  const curves = names.map((name) => ({ name, errors: [start], seconds: [0], best: [] as number[] }));
  for (let r = 0; r < repeats; r++) {
    for (const c of curves) {
      const times = run(c.name, recorded, psf, truth, iterations, r === 0 ? c.errors : undefined);
      times.forEach((t, i) => (c.best[i] = Math.min(c.best[i] ?? Infinity, t)));
    }
  }
  for (const c of curves) c.best.forEach((t, i) => c.seconds.push(c.seconds[i]! + t));
  return curves.map(({ name, errors, seconds }) => ({ name, errors, seconds }));
}

/** The first iteration whose error is at most `target` (undefined: never). */
function reaches(c: Curve, target: number): number | undefined {
  const i = c.errors.findIndex((e, k) => k > 0 && e <= target);
  return i < 0 ? undefined : i;
}

export async function main(): Promise<void> {
  const iterations = Number(arg("iterations", "30"));
  const shape = arg("shape", "48,256,256").split(",").map(Number);
  const names = arg("methods", Object.keys(METHODS).join(",")).split(",");
  const data = syntheticStack({ size: "medium", channels: 1, timepoints: 1, shape });
  const n = shape.reduce((a, b) => a * b, 1);
  const truth = data.truth.data.subarray(0, n);
  const recorded = new Float32Array(n);
  for (let i = 0; i < n; i++) recorded[i] = Math.max(0, data.noisy.data[i]! - data.background);
  const rec: Block = { dtype: "float32", data: recorded, shape, stride: [shape[1]! * shape[2]!, shape[2]!, 1], offset: 0 };
  const psfShape = data.psfs.shape.slice(1);
  const psf: Block = { dtype: "float32", data: data.psfs.data.subarray(0, psfShape.reduce((a, b) => a * b, 1)), shape: psfShape, stride: [psfShape[1]! * psfShape[2]!, psfShape[2]!, 1], offset: 0 };
  console.log(`volume (${shape.join(", ")}), PSF (${psfShape.join(", ")}), ${iterations} iterations, ITK's options, 1 thread; error = best-scale relative RMS against the truth; seconds: per iteration the least of ${arg("repeats", "3")} alternating runs, summed`);
  const repeats = Number(arg("repeats", "3"));
  const curves = measure(names, rec, psf, truth, iterations, repeats);
  console.log(`\niteration  ${curves.map((c) => `${c.name.padStart(8)} err    s`).join("  ")}`);
  for (let i = 0; i <= iterations; i++) {
    console.log(`${String(i).padStart(9)}  ${curves.map((c) => c.errors[i] === undefined ? " ".repeat(19) : `${c.errors[i]!.toFixed(5).padStart(12)} ${c.seconds[i]!.toFixed(1).padStart(6)}`).join("  ")}`);
  }
  const plain = curves.find((c) => c.name === "plain");
  if (plain !== undefined && plain.errors.length > 20) {
    const target = plain.errors[20]!;
    console.log(`\nplain RL's error at iteration 20: ${target.toFixed(5)} (${plain.seconds[20]!.toFixed(1)} s)`);
    for (const c of curves) {
      const at = reaches(c, target);
      const best = c.errors.reduce((b, e, k) => (k > 0 && e < c.errors[b]! ? k : b), 1);
      console.log(`${c.name}: reaches it at iteration ${at ?? "never"}${at === undefined ? "" : ` in ${c.seconds[at]!.toFixed(1)} s (${(c.seconds[at]! / plain.seconds[20]!).toFixed(2)}x plain's time)`}; best error ${c.errors[best]!.toFixed(5)} at iteration ${best}`);
    }
  }
  const plot = arg("plot", "");
  if (plot !== "") {
    // Two figures: per iteration (robust) and per second (as measured on this machine).
    for (const [suffix, xOf, xLabel] of [["iterations", (c: Curve) => c.errors.map((_, i) => i), "iteration"], ["seconds", (c: Curve) => c.seconds, "seconds (1 thread)"]] as const) {
      const series = curves.map((c) => ({ name: c.name, x: xOf(c), y: c.errors }));
      const options = { title: `RL error vs truth (${shape.join("x")})`, xLabel, yLabel: "best-scale rel. RMS error" };
      const file = `${plot}-${suffix}.png`;
      await linePlotPng(file, series, options);
      await writeLinePlotSvg(file.replace(/\.png$/, ".svg"), series, options);
      console.log(`wrote ${file}`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
