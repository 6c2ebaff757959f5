/**
 * Where one Richardson-Lucy iteration's time goes on the resident engine
 * (`npm run bench -- rl-passes [--size full] [--threads 1,2] [--repeats 2]`): the four
 * transforms of one iteration with ITK's options (forward with the transfer function's
 * product, inverse with the divide, forward with the conjugate, inverse with the update), each
 * axis pass timed on its own, on 1 and 2 threads. Prints seconds per pass (the least over the
 * repeats), its share of the iteration and the speed-up from 1 to 2 threads per pass.
 *
 * The arrays hold smooth positive data (what the passes compute does not depend on it); the
 * shapes are the padded domains chunkwise picks for bench/rl.ts's sizes.
 */
import { pathToFileURL } from "node:url";
import { nextFastLen } from "../src/entries/node-fft.js";
import { ResidentRfftn } from "../src/fft/internal.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

const SHAPES = { medium: [[101, 512, 384], [51, 64, 64]], full: [[201, 1024, 768], [101, 64, 64]] } as const;

type Timed = Map<string, number>;
/** The transfer function: a whole array, or the lean one (richardson-lucy-resident.ts) when three whole arrays do not fit. */
type Tf = { at: number; lines?: { rows: number; ramp: number } };

/** One iteration's four transforms with every pass timed under `label/axis`. */
function iteration(fft: ResidentRfftn, est: number, spec: number, tf: Tf, image: { rows: number; xmap: number }, times: Timed): void {
  // runPass is private: wrap it on this instance to time each pass (the bench only).
  const inner = fft as unknown as { runPass: (p: { axis: number; kind: string }, ...rest: unknown[]) => void };
  const original = inner.runPass.bind(fft);
  let label = "";
  inner.runPass = (p, ...rest) => {
    const t = performance.now();
    original(p, ...rest);
    const key = `${label} axis ${p.axis} (${p.kind})`;
    times.set(key, Math.min(times.get(key) ?? Infinity, (performance.now() - t) / 1000));
  };
  label = "1 forward x H";
  fft.forward(est, spec, { ...tf, conj: false });
  label = "2 inverse, divide";
  fft.inverse(spec, spec, { divideImage: image, eps: 1e-12, fe: 1e-5 });
  label = "3 forward x conj H";
  fft.forward(spec, spec, { ...tf, conj: true });
  label = "4 inverse, update";
  fft.inverse(spec, spec, { multiplyInto: est });
  inner.runPass = original;
}

function run(p: readonly number[], psfDepth: number, threads: number, repeats: number): { times: Timed; lean: boolean } | undefined {
  const rowCount = p.slice(0, -1).reduce((a, b) => a * b, 1), len = p.at(-1)!;
  const maps = rowCount * 4 + len * 4 + 256;
  const leanBytes = (rowCount / p[0]!) * psfDepth * 2 * ((len >> 1) + 1) * 4 + 2 * p[0]! * 4 + 128;
  let fft = ResidentRfftn.create(p, "float32", threads, 3, p, maps);
  const lean = fft === undefined;
  if (lean) fft = ResidentRfftn.create(p, "float32", threads, 2, p, maps + leanBytes);
  if (fft === undefined) return undefined;
  try {
    const est = fft.alloc(), spec = fft.alloc();
    const tfAt = lean ? fft.allocBytes(fft.leadingBytes(psfDepth)) : fft.alloc();
    const rampAt = lean ? fft.allocBytes(2 * p[0]! * 4) : 0;
    const rows = fft.allocBytes(rowCount * 4), xmap = fft.allocBytes(len * 4);
    const e = fft.real(est);
    for (let i = 0; i < e.length; i++) e[i] = 10 + (i % 97) / 97;
    // A delta PSF: the product is the identity (the timing does not depend on it).
    const h = new Float32Array(fft.buffer, tfAt, lean ? fft.leadingBytes(psfDepth) / 4 : fft.scalars);
    h.fill(0);
    h[0] = 1;
    let tf: Tf = { at: tfAt };
    if (lean) {
      fft.forwardLeading(tfAt, psfDepth);
      const ramp = new Float32Array(fft.buffer, rampAt, 2 * p[0]!);
      for (let j = 0; j < p[0]!; j++) ramp[2 * j] = 1;
      tf = { at: tfAt, lines: { rows: psfDepth, ramp: rampAt } };
    } else fft.forwardFull(tfAt, tfAt);
    // The divide reads "the image" from the estimate's own rows (any positive data will do).
    const r = new Int32Array(fft.buffer, rows, rowCount);
    for (let i = 0; i < rowCount; i++) r[i] = est + i * fft.pitch * 4;
    const m = new Int32Array(fft.buffer, xmap, len);
    for (let i = 0; i < len; i++) m[i] = i;
    const times: Timed = new Map();
    for (let k = 0; k < repeats; k++) iteration(fft, est, spec, tf, { rows, xmap }, times);
    return { times, lean };
  } finally {
    fft.close();
  }
}

/** Times the passes and prints the table. */
export async function main(): Promise<void> {
  const size = arg("size", "medium") as keyof typeof SHAPES;
  const [n, k] = SHAPES[size] ?? SHAPES.medium;
  const p = n.map((d, i) => nextFastLen(d + k[i]!, true));
  const threads = arg("threads", "1,2").split(",").map(Number);
  const repeats = Number(arg("repeats", "2"));
  console.log(`padded ${p.join("x")} float32 (rows of ${2 * ((p.at(-1)! >> 1) + 1)} scalars), least of ${repeats} iterations per pass`);
  const results = threads.map((t) => {
    const r = run(p, k[0]!, t, repeats);
    return { t, times: r?.times, lean: r?.lean };
  });
  if (results.some((r) => r.lean)) console.log(`lean transfer function (three whole arrays do not fit wasm32 memory): the PSF's first ${k[0]} planes, finished per line in the forwards' last passes`);
  const keys = [...(results.find((r) => r.times !== undefined)?.times?.keys() ?? [])];
  console.log(`| pass | ${results.map((r) => `${r.t} thread${r.t > 1 ? "s" : ""} s (share)`).join(" | ")} |${results.length > 1 ? " speed-up |" : ""}`);
  console.log(`|---|${results.map(() => "---|").join("")}${results.length > 1 ? "---|" : ""}`);
  const total = (t: Timed | undefined): number => [...(t?.values() ?? [])].reduce((a, b) => a + b, 0);
  for (const key of keys) {
    const cells = results.map((r) => {
      const s = r.times?.get(key);
      return s === undefined ? "n/a" : `${s.toFixed(3)} (${((100 * s) / total(r.times)).toFixed(0)}%)`;
    });
    const a = results[0]?.times?.get(key), b = results[results.length - 1]?.times?.get(key);
    console.log(`| ${key} | ${cells.join(" | ")} |${results.length > 1 && a !== undefined && b !== undefined ? ` ${(a / b).toFixed(2)}x |` : ""}`);
  }
  const a = total(results[0]?.times), b = total(results[results.length - 1]?.times);
  console.log(`| iteration | ${results.map((r) => total(r.times).toFixed(3)).join(" | ")} |${results.length > 1 ? ` ${(a / b).toFixed(2)}x |` : ""}`);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) await main();
