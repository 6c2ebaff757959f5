/**
 * FFT benchmark: a forward + inverse real 3-D round trip at 160x576x480 float32 (about the
 * deconvolution benchmark's padded size), one thread, through the reusable plan that
 * Richardson-Lucy uses (buffers allocated once, outside the timing). When /usr/bin/python3
 * has scipy, the same round trip is timed there in the same run (scipy.fft.rfftn/irfftn,
 * workers=1, float32) and the ratio printed. DESIGN.md's figures on this machine: FFTW 0.75 s,
 * scipy 1.35 s.
 *
 * Run: npx tsx bench/fft.ts [--shape 160,576,480] [--repeats 3] [--pruned]
 * (`--pruned` adds the Richardson-Lucy-shaped round trip that skips padding lines).
 * (exports `main()` for bench/run.ts as well).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { complexZeros, createRfftnPlan } from "../src/fft/index.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

const shape = arg("shape", "160,576,480").split(",").map(Number);
const repeats = Number(arg("repeats", "3"));
const size = shape.reduce((p, d) => p * d, 1);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function benchChunkwise(): { fwd: number; inv: number; total: number; best: number; err: number } {
  const plan = createRfftnPlan(shape, { dtype: "float32" });
  const x = new Float32Array(size);
  let seed = 12345;
  for (let i = 0; i < size; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    x[i] = seed / 2 ** 32;
  }
  const spec = complexZeros(plan.complexShape, plan.complexDtype);
  const y = new Float32Array(size);
  plan.forward(x, spec); // warm-up: JIT, plans, page faults
  plan.inverse(spec, y);
  const fwd: number[] = [], inv: number[] = [];
  for (let r = 0; r < repeats; r++) {
    let t = performance.now();
    plan.forward(x, spec);
    fwd.push((performance.now() - t) / 1000);
    t = performance.now();
    plan.inverse(spec, y);
    inv.push((performance.now() - t) / 1000);
  }
  let err = 0;
  for (let i = 0; i < size; i += 101) err = Math.max(err, Math.abs(y[i]! - x[i]!));
  const totals = fwd.map((f, i) => f + inv[i]!);
  return { fwd: median(fwd), inv: median(inv), total: median(totals), best: Math.min(...totals), err };
}

/**
 * The Richardson-Lucy shape of the issue: a 101x512x384 image zero-padded to 160x576x450
 * (image + PSF 51x64x64 - 1, rounded to 5-smooth lengths); forward skips all-padding lines,
 * inverse computes only the 101x512x384 "same" region.
 */
function benchPruned(): number {
  const full = [160, 576, 450], img = [101, 512, 384];
  const plan = createRfftnPlan(full, { dtype: "float32" });
  const n = img.reduce((p, d) => p * d, 1);
  const x = { data: new Float32Array(n).fill(1), shape: img };
  const spec = complexZeros(plan.complexShape, plan.complexDtype);
  const y = { data: new Float32Array(n), shape: img };
  const offset = [25, 32, 32];
  plan.forward(x, spec);
  plan.inverse(spec, y, { offset });
  const ts: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    plan.forward(x, spec);
    plan.inverse(spec, y, { offset });
    ts.push((performance.now() - t) / 1000);
  }
  return median(ts);
}

function benchScipy(): number | undefined {
  const py = "/usr/bin/python3";
  if (!existsSync(py)) return undefined;
  const code = `
import time, numpy as np
import scipy.fft as f
x = np.random.default_rng(0).random((${shape.join(",")}), dtype=np.float32)
X = f.rfftn(x, workers=1); y = f.irfftn(X, s=x.shape, workers=1)
ts = []
for _ in range(${repeats}):
    t = time.perf_counter(); X = f.rfftn(x, workers=1); y = f.irfftn(X, s=x.shape, workers=1); ts.append(time.perf_counter() - t)
print(sorted(ts)[len(ts) // 2])
`;
  const r = spawnSync(py, ["-c", code], { encoding: "utf8" });
  if (r.status !== 0) return undefined;
  const t = Number(r.stdout.trim());
  return Number.isFinite(t) ? t : undefined;
}

/** Runs the benchmark and prints its figures and the ratio to scipy. */
export async function main(): Promise<void> {
  const cw = benchChunkwise();
  console.log(`shape ${shape.join("x")} float32, median of ${repeats}, one thread`);
  console.log(`chunkwise rfftn ${cw.fwd.toFixed(3)} s + irfftn ${cw.inv.toFixed(3)} s = round trip ${cw.total.toFixed(3)} s (best ${cw.best.toFixed(3)} s; max round-trip error ${cw.err.toExponential(1)})`);
  const sp = benchScipy();
  if (sp === undefined) {
    console.log("scipy: not available (/usr/bin/python3 with scipy), ratio skipped");
  } else {
    console.log(`scipy.fft round trip ${sp.toFixed(3)} s; chunkwise / scipy = ${(cw.total / sp).toFixed(2)}`);
  }
  console.log("reference (DESIGN.md, this machine): FFTW float32 0.75 s, scipy 1.35 s; target < 1.5 s");
  if (process.argv.includes("--pruned")) {
    console.log(`pruned RL round trip (101x512x384 in 160x576x450, same-region inverse): ${benchPruned().toFixed(3)} s`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
