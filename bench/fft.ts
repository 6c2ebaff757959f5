/**
 * FFT benchmark, one thread, float32, through the reusable plan that Richardson-Lucy uses
 * (buffers allocated once, outside the timing):
 * 1. a forward + inverse real 3-D round trip at 160x576x480 (about the deconvolution
 *    benchmark's padded size);
 * 2. the Richardson-Lucy-shaped round trip: a 101x512x384 image zero-padded for a 51x64x64 PSF
 *    to nextFastLen(image + PSF - 1) = 160x576x450, forward skipping all-padding lines,
 *    inverse computing only the 101x512x384 "same" region. One RL iteration costs two of
 *    these (one forward + one inverse per half-iteration) plus elementwise work.
 * Each is timed for the WebAssembly SIMD backend and the TypeScript reference backend, and,
 * when /usr/bin/python3 has scipy, for scipy.fft (rfftn/irfftn, workers=1, float32; scipy
 * cannot skip lines, so its RL-shaped figure transforms the whole padded volume and crops),
 * all in the same run, with ratios. DESIGN.md's figures on this machine: FFTW 0.75 s, scipy
 * 1.35 s for the round trip.
 *
 * Run: npx tsx bench/fft.ts [--shape 160,576,480] [--repeats 3] [--backend both|wasm|typescript]
 * [--no-pruned] (exports `main()` for bench/run.ts as well).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { complexZeros, createRfftnPlan, nextFastLen, type FftBackend } from "../src/entries/node-fft.js";
import { median } from "./timing.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

const shape = arg("shape", "160,576,480").split(",").map(Number);
const repeats = Number(arg("repeats", "3"));
const which = arg("backend", "both");
const backends: FftBackend[] = which === "both" ? ["wasm", "typescript"] : [which as FftBackend];
const image = [101, 512, 384], psf = [51, 64, 64];
const padded = image.map((n, i) => nextFastLen(n + psf[i]! - 1, true));
const offset = psf.map((p) => p >> 1);

function random(n: number): Float32Array {
  const x = new Float32Array(n);
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    x[i] = seed / 2 ** 32;
  }
  return x;
}

interface RoundTrip { fwd: number; inv: number; total: number; err: number }

/** Median forward, inverse and round-trip seconds of a plan over `full`, input and output `part`. */
function roundTrip(backend: FftBackend, full: number[], part: number[], at: number[]): RoundTrip {
  const plan = createRfftnPlan(full, { dtype: "float32", backend });
  const n = part.reduce((p, d) => p * d, 1);
  const x = { data: random(n), shape: part };
  const spec = complexZeros(plan.complexShape, plan.complexDtype);
  const y = { data: new Float32Array(n), shape: part };
  plan.forward(x, spec); // warm-up: JIT, plans, page faults
  plan.inverse(spec, y, { offset: at });
  const fwd: number[] = [], inv: number[] = [], tot: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    plan.forward(x, spec);
    const t1 = performance.now();
    plan.inverse(spec, y, { offset: at });
    const t2 = performance.now();
    fwd.push((t1 - t0) / 1000);
    inv.push((t2 - t1) / 1000);
    tot.push((t2 - t0) / 1000);
  }
  let err = 0;
  const same = part.every((d, i) => d === full[i]);
  if (same) for (let i = 0; i < n; i += 101) err = Math.max(err, Math.abs(y.data[i]! - x.data[i]!));
  return { fwd: median(fwd), inv: median(inv), total: median(tot), err };
}

function scipy(full: number[], part: number[]): number | undefined {
  const py = "/usr/bin/python3";
  if (!existsSync(py)) return undefined;
  const crop = part.map((d, i) => `${offset[i]! * (d === full[i] ? 0 : 1)}:${offset[i]! * (d === full[i] ? 0 : 1) + d}`).join(",");
  const code = `
import time, numpy as np
import scipy.fft as f
x = np.random.default_rng(0).random((${part.join(",")}), dtype=np.float32)
s = (${full.join(",")},)
def rt():
    X = f.rfftn(x, s=s, workers=1); return f.irfftn(X, s=s, workers=1)[${crop}]
rt()
ts = []
for _ in range(${repeats}):
    t = time.perf_counter(); rt(); ts.append(time.perf_counter() - t)
print(sorted(ts)[len(ts) // 2])
`;
  const r = spawnSync(py, ["-c", code], { encoding: "utf8" });
  if (r.status !== 0) return undefined;
  const t = Number(r.stdout.trim());
  return Number.isFinite(t) ? t : undefined;
}

function report(title: string, full: number[], part: number[], at: number[]): void {
  console.log(`\n${title}`);
  const res = new Map<FftBackend, RoundTrip>();
  for (const b of backends) {
    const r = roundTrip(b, full, part, at);
    res.set(b, r);
    const err = r.err > 0 ? `; max round-trip error ${r.err.toExponential(1)}` : "";
    console.log(`  chunkwise ${b.padEnd(10)} forward ${r.fwd.toFixed(3)} s + inverse ${r.inv.toFixed(3)} s = ${r.total.toFixed(3)} s${err}`);
  }
  const sp = scipy(full, part);
  if (sp === undefined) console.log("  scipy: not available (/usr/bin/python3 with scipy), ratios skipped");
  else {
    console.log(`  scipy.fft  ${sp.toFixed(3)} s`);
    for (const [b, r] of res) console.log(`  chunkwise ${b} / scipy = ${(r.total / sp).toFixed(2)}`);
  }
  const w = res.get("wasm"), t = res.get("typescript");
  if (w !== undefined && t !== undefined) console.log(`  wasm speed-up over typescript: ${(t.total / w.total).toFixed(2)}x`);
}

/** Runs the benchmark and prints its figures and ratios. */
export async function main(): Promise<void> {
  console.log(`FFT round trips, float32, one thread, median of ${repeats}`);
  report(`full round trip ${shape.join("x")}`, shape, shape, shape.map(() => 0));
  if (!process.argv.includes("--no-pruned")) {
    report(
      `RL-shaped round trip: ${image.join("x")} in ${padded.join("x")} (PSF ${psf.join("x")}), same-region inverse; one RL iteration = 2 of these`,
      padded, image, offset,
    );
  }
  console.log("\nreference (DESIGN.md, this machine): FFTW float32 0.75 s, scipy 1.35 s for 160x576x450..480; target < 1.5 s");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
