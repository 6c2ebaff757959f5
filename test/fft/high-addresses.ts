/**
 * The resident engine's high-address scenario, shared by test/fft/resident-rfftn-high.test.ts
 * (Node) and test/browser/wasm-memory.browser.ts (Chromium): a filler the plan reserves but
 * never touches pushes its arrays, tables and image above 3.5 GiB, up to within 1 MiB of
 * 4 GiB, so byte addresses and row-table entries are at least 2^31 (negative as int32); the
 * "split" layout keeps the estimate below the filler and the rest above it, so the distances
 * the kernels add to addresses exceed 2^31 either way. The scenario runs every transform,
 * fused epilogue and prologue Richardson-Lucy uses, and the engine's own step and
 * extrapolation kernels, and returns every result's bytes. The untouched filler costs address
 * space, not memory. No Node builtins (the browser page bundles it).
 */
import { RESIDENT_MAX_BYTES, ResidentRfftn } from "../../src/fft/resident-rfftn.js";

/** The volume's shape (three axes: the step and extrapolation fuse into the row passes). */
export const SHAPE: readonly number[] = [6, 10, 12];
const ROWS = SHAPE[0]! * SHAPE[1]!;
const LEN = SHAPE[2]!;
const PITCH = 2 * (LEN / 2 + 1);
/** The lean transfer function's planes (Richardson-Lucy's PSF depth). */
const K0 = 3;
/** Bytes of one RowSums record (five float64 sums). */
const SUMS = 40;

/** Where the data lie: at the bottom of memory, above 3.5 GiB, or the estimate at the bottom and the rest above. */
export type Layout = "low" | "high" | "split";

/** What {@link highAddressScenario} returns. */
export interface HighScenario {
  /** Every result's bytes, in order. */
  readonly bytes: Uint8Array[];
  /** The byte addresses of the estimate, the other arrays and every table, the estimate first. */
  readonly addresses: number[];
  /** The end of the last table. */
  readonly top: number;
  /** The plan's threads. */
  readonly threads: number;
}

const round64 = (b: number): number => Math.ceil(b / 64) * 64;

/** Runs Richardson-Lucy's passes and kernels once on `SHAPE`; returns every result's bytes and where the data lay. */
export function highAddressScenario(dtype: "float32" | "float64", threads: number, layout: Layout): HighScenario {
  const E = dtype === "float32" ? 4 : 8;
  const compact = ROWS * LEN * E;
  const extras = {
    image: compact, rows: ROWS * 4, xmap: LEN * 4, prev: compact, grad: compact, table: ROWS * 4,
    sums: ROWS * SUMS, sums1: SUMS, absolute: ROWS * 4, ramp: 2 * SHAPE[0]! * E, lead: (ROWS / SHAPE[0]!) * PITCH * K0 * E,
  };
  const extraBytes = Object.values(extras).reduce((s, b) => s + round64(b), 0);
  // The largest filler the limit allows: the plan then ends within 1 MiB (plus its twiddle
  // tables and job descriptor) of 4 GiB.
  const filler = layout === "low" ? 0 : Math.floor((RESIDENT_MAX_BYTES - ResidentRfftn.bytesFor(SHAPE, dtype, threads, 3, SHAPE, extraBytes)) / 64) * 64;
  const f = ResidentRfftn.create(SHAPE, dtype, threads, 3, SHAPE, extraBytes + filler);
  if (f === undefined) throw new Error(`no resident plan with a filler of ${filler} bytes`);
  try {
    return run(f, E, layout, filler, extras);
  } finally {
    f.close();
  }
}

function run(f: ResidentRfftn, E: number, layout: Layout, filler: number, extras: Record<string, number>): HighScenario {
  const compact = ROWS * LEN * E;
  const real = (at: number, count: number): Float32Array | Float64Array => (E === 4 ? new Float32Array(f.buffer, at, count) : new Float64Array(f.buffer, at, count));
  // "split": the estimate below the filler, everything else above it.
  const a = layout === "split" ? f.alloc() : 0;
  if (layout !== "low") f.allocBytes(filler);
  const est = layout === "split" ? a : f.alloc();
  const h = f.alloc(), spec = f.alloc();
  const at = Object.fromEntries(Object.entries(extras).map(([k, b]) => [k, f.allocBytes(b)])) as Record<string, number> as Record<
    "image" | "rows" | "xmap" | "prev" | "grad" | "table" | "sums" | "sums1" | "absolute" | "ramp" | "lead", number
  >;
  const top = at.lead + extras.lead!;

  // Data: a positive estimate, a kernel (also the lean transfer function's first K0 planes),
  // a positive image read through a row table that permutes and repeats rows and a column
  // map that replicates the first column. Dyadic values from a linear congruential generator,
  // not Math.sin: V8's sine differs in the last bit between Node 20 and Chromium.
  let seed = 12345;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const e = f.real(est), k = f.real(h), lead = real(at.lead, extras.lead! / E);
  e.fill(0);
  k.fill(0);
  lead.fill(0);
  for (let r = 0; r < ROWS; r++) {
    for (let x = 0; x < LEN; x++) {
      e[r * PITCH + x] = 1 + next();
      k[r * PITCH + x] = 0.01 + next();
      if (r < (ROWS / SHAPE[0]!) * K0) lead[r * PITCH + x] = k[r * PITCH + x]!;
    }
  }
  real(at.image, ROWS * LEN).set(Float64Array.from({ length: ROWS * LEN }, () => 2 + next()));
  const rowTable = new Uint32Array(f.buffer, at.rows, ROWS);
  for (let r = 0; r < ROWS; r++) rowTable[r] = at.image + ((r * 7) % ROWS) * LEN * E;
  new Int32Array(f.buffer, at.xmap, LEN).set(Array.from({ length: LEN }, (_, x) => Math.max(0, x - 1)));
  real(at.ramp, 2 * SHAPE[0]!).set(Float64Array.from({ length: 2 * SHAPE[0]! }, () => next() - 0.5));
  const prev = real(at.prev, ROWS * LEN), grad = real(at.grad, ROWS * LEN);
  for (let r = 0; r < ROWS; r++) prev.set(e.subarray(r * PITCH, r * PITCH + LEN), r * LEN);
  grad.fill(0);
  new Uint32Array(f.buffer, at.table, ROWS).set(Array.from({ length: ROWS }, (_, r) => r * LEN * E));
  new Uint32Array(f.buffer, at.absolute, ROWS).set(Array.from({ length: ROWS }, (_, r) => est + r * PITCH * E));

  const bytes: Uint8Array[] = [];
  const snap = (...arrays: (readonly [number, number])[]): void => {
    for (const [where, count] of arrays) bytes.push(new Uint8Array(f.buffer, where, count).slice());
  };
  const whole = f.scalars * E;
  f.forward(h, h);
  f.forwardLeading(at.lead, K0);
  snap([h, whole], [at.lead, extras.lead!]);
  f.forward(est, spec, { at: h, conj: false });
  snap([spec, whole]);
  f.inverse(spec, spec, { divideImage: { rows: at.rows, xmap: at.xmap }, eps: 1e-3, fe: 0.05 });
  snap([spec, whole]);
  f.forward(spec, spec, { at: at.lead, conj: true, lines: { rows: K0, ramp: at.ramp } });
  snap([spec, whole]);
  if (!f.rowsFirst) throw new Error("the step and extrapolation must fuse into row passes on this shape");
  f.inverse(spec, spec, { rlStep: { at: est, table: at.table, prev: at.prev, grad: at.grad, sums: at.sums, acc: true } });
  snap([est, whole], [at.grad, compact], [at.sums, extras.sums!]);
  f.forward(est, spec, { at: h, conj: false }, { kind: "rlExtrapolate", table: at.table, prev: at.prev, alpha: 0.4 });
  snap([est, whole], [at.prev, compact], [spec, whole]);
  f.inverse(spec, spec, { multiplyInto: est });
  snap([est, whole], [spec, whole]);
  // The engine's own kernels on the calling thread, over a table of absolute row addresses.
  f.kernels.rlStep(at.absolute, ROWS, LEN, spec - est, at.prev, at.grad, 1, at.sums1);
  snap([est, whole], [at.grad, compact], [at.sums1, SUMS]);
  f.kernels.rlExtrapolate(at.absolute, ROWS, LEN, at.prev, 0.3);
  snap([est, whole], [at.prev, compact]);
  return { bytes, addresses: [est, h, spec, ...Object.values(at)], top, threads: f.threads };
}

/** Whether two scenarios' results are the same bytes. */
export function sameBytes(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((x, i) => x.length === b[i]!.length && x.every((v, j) => v === b[i]![j]));
}

/** A 32-bit FNV-1a hash of the results, as hex (to compare Chromium's bytes with Node's). */
export function digestBytes(list: readonly Uint8Array[]): string {
  let h = 0x811c9dc5;
  for (const x of list) {
    for (let i = 0; i < x.length; i++) h = Math.imul(h ^ x[i]!, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
