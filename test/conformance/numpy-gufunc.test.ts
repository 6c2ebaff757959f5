/**
 * chunkwise's gufunc against cases recorded from NumPy's own gufunc machinery (the compiled
 * gufuncs of numpy.core._umath_tests and np.matmul) and from np.vectorize(signature=...).
 * The fixture and the script that wrote it: test/fixtures/gufunc/numpy-cases.json and
 * make_cases.py (rerun with `/usr/bin/python3 test/fixtures/gufunc/make_cases.py`).
 *
 * Each case is replayed with a JavaScript twin of the NumPy kernel, inputs filled identically
 * (input k at C-order flat position t holds ((7t + 3k) mod 11) - 5), and the same call keywords.
 * A success must give the same output shapes, and the same values within 1e-9 (relative, for
 * values above 1) where the fixture recorded them. A NumPy exception must be a chunkwise error
 * of the mapped class:
 *
 * | NumPy                                                                      | chunkwise      |
 * |----------------------------------------------------------------------------|----------------|
 * | ValueError "mismatch in its core dimension", "does not have enough          | BindingError   |
 * | dimensions", vectorize "inconsistent size for core dimension"; TypeError    |                |
 * | "wrong number of positional arguments"                                      |                |
 * | ValueError "could not be broadcast" / "cannot be broadcast"                 | BroadcastError |
 * | AxisError (axis out of range)                                               | AxisError      |
 * | TypeError / ValueError about `axes`, `axis`, `keepdims` (wrong entry form,  | ValueError     |
 * | repeated axis, both axis and axes, unsupported signature); vectorize "size 0| (AxisError, a  |
 * | inputs" with new output dims                                                | subclass, is ok)|
 * | RuntimeError from always_error_gufunc's loop                               | KernelError    |
 *
 * Deliberate differences, checked as such:
 * - An output-only core dim with no size (euclidean_pdist "(n,d)->(p)" without `out=`): NumPy's
 *   compiled machinery raises "core dimension 0 unspecified"; chunkwise takes the size from the
 *   first kernel call, as np.vectorize does, so it must return what NumPy returns when given an
 *   `out` of the right size (recorded as `result.inferred`), or raise ValueError when the loop
 *   is empty and the kernel is never called.
 * - chunkwise has no int64: NumPy's int loops give int64/int32 outputs, chunkwise gives the
 *   common float type of the inputs (float64 here); values agree.
 * - np.vectorize is called with otypes set, so that size-0 loops work without calling f.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { array, zeros } from "../../src/core/creation.js";
import { AxisError, BindingError, BroadcastError, KernelError, ValueError } from "../../src/core/errors.js";
import { forEachIndex, get, sizeOf, toFlatArray, type Block } from "../../src/core/ndarray.js";
import { gufunc, type GufuncCallOptions } from "../../src/gufunc/gufunc.js";
import { parseSignature, type Signature } from "../../src/gufunc/signature.js";

interface Outcome {
  shapes?: number[][];
  values?: number[][];
  error?: string;
  message?: string;
  inferred?: Outcome & { loopShape: number[] };
}

interface Case {
  source: "ufunc" | "vectorize";
  name: string;
  signature: string;
  inputShapes: number[][];
  inputDtypes?: ("float64" | "int32")[];
  kwargs: { axes?: (number | number[])[]; axis?: number; keepdims?: boolean; outputSizes?: Record<string, number> };
  newDimSizes?: Record<string, number>;
  kind: string;
  result: Outcome;
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/gufunc/numpy-cases.json", import.meta.url), "utf8")) as {
  numpy: string;
  cases: Case[];
};

// ---------------------------------------------------------------------------- kernels

/** A float64 block of `shape`, element at C-order position t = f(t). */
function build(shape: readonly number[], f: (t: number) => number): Block {
  const b = zeros(shape);
  for (let t = 0; t < b.data.length; t++) b.data[t] = f(t);
  return b;
}

/** matmul with optional dims: (n?,k),(k,m?)->(n?,m?); also matrix_multiply's (m,n),(n,p)->(m,p). */
function matmul(a: Block, b: Block): Block | number {
  const n = a.shape.length === 2 ? a.shape[0]! : undefined;
  const m = b.shape.length === 2 ? b.shape[1]! : undefined;
  const k = a.shape[a.shape.length - 1]!;
  const A = (i: number, t: number): number => (n === undefined ? get(a, [t]) : get(a, [i, t]));
  const B = (t: number, j: number): number => (m === undefined ? get(b, [t]) : get(b, [t, j]));
  const dot = (i: number, j: number): number => {
    let s = 0;
    for (let t = 0; t < k; t++) s += A(i, t) * B(t, j);
    return s;
  };
  if (n === undefined && m === undefined) return dot(0, 0);
  const shape = [n, m].filter((d): d is number => d !== undefined);
  const cols = m ?? 1;
  return build(shape, (t) => dot(Math.floor(t / cols), t % cols));
}

function inner1d(a: Block, b: Block): number {
  let s = 0;
  for (let i = 0; i < a.shape[0]!; i++) s += get(a, [i]) * get(b, [i]);
  return s;
}

function innerwt(a: Block, b: Block, w: Block): number {
  let s = 0;
  for (let i = 0; i < a.shape[0]!; i++) s += get(a, [i]) * get(b, [i]) * get(w, [i]);
  return s;
}

function cumsum(a: Block): Block {
  let s = 0;
  return build(a.shape, (t) => (s += get(a, [t])));
}

function cross1d(a: Block, b: Block): Block {
  const x = (v: Block, i: number): number => get(v, [i]);
  const c = [x(a, 1) * x(b, 2) - x(a, 2) * x(b, 1), x(a, 2) * x(b, 0) - x(a, 0) * x(b, 2), x(a, 0) * x(b, 1) - x(a, 1) * x(b, 0)];
  return build([3], (t) => c[t]!);
}

/** Distances between rows i < j, in NumPy's loop order. */
function euclideanPdist(a: Block): Block {
  const [n, d] = a.shape as [number, number];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (get(a, [i, k]) - get(a, [j, k])) ** 2;
      out.push(Math.sqrt(s));
    }
  }
  return build([out.length], (t) => out[t]!);
}

function alwaysError(): never {
  throw new Error("How unexpected :)!");
}

const KERNELS: Record<string, (...args: any[]) => unknown> = {
  matrix_multiply: matmul,
  matmul,
  "np.matmul": matmul,
  inner1d,
  innerwt,
  cumsum,
  cross1d,
  euclidean_pdist: euclideanPdist,
  always_error_gufunc: alwaysError,
};

/**
 * Twin of make_cases.py's vectorize_kernel: s = sum_k (k+1) sum_t (t+1) x_k[t] over each core
 * in C order; output j has the signature's core shape and holds s + (j+1) t at position t.
 */
function vectorizeKernel(sig: Signature, newDimSizes: Record<string, number>) {
  const nin = sig.inputs.length;
  return (...args: unknown[]): unknown => {
    const xs = args.slice(0, nin) as Block[];
    const dims: Record<string, number> = { ...newDimSizes };
    let s = 0;
    xs.forEach((x, k) => {
      let t = 0;
      forEachIndex(x.shape, (idx) => (s += (k + 1) * (++t) * get(x, idx)));
      x.shape.forEach((n, j) => (dims[sig.inputs[k]![j]!.name] = n));
    });
    const outs = sig.outputs.map((core, j) => {
      const shape = core.map((d) => dims[d.name]!);
      return shape.length === 0 ? s : build(shape, (t) => s + (j + 1) * t);
    });
    return outs.length === 1 ? outs[0] : outs;
  };
}

// ---------------------------------------------------------------------------- replay

function fill(shape: readonly number[], k: number, dtype: "float64" | "int32"): Block {
  const values = Array.from({ length: sizeOf(shape) }, (_, t) => ((7 * t + 3 * k) % 11) - 5);
  return array(dtype === "int32" ? Int32Array.from(values) : Float64Array.from(values), { shape });
}

function replay(c: Case): Block[] {
  const sig = parseSignature(c.signature);
  const kernel = c.source === "vectorize" ? vectorizeKernel(sig, c.newDimSizes ?? {}) : KERNELS[c.name]!;
  const g = gufunc(c.signature, kernel, { name: c.name });
  const inputs = c.inputShapes.map((s, k) => fill(s, k, c.inputDtypes?.[k] ?? "float64"));
  const out = g.apply(inputs, c.kwargs as GufuncCallOptions);
  return Array.isArray(out) ? out : [out];
}

type ErrorClass = abstract new (...args: any[]) => Error;

/** The chunkwise error class for a NumPy exception (the table at the top). */
function mappedError(error: string, message: string): ErrorClass {
  if (error === "AxisError") return AxisError;
  if (error === "RuntimeError") return KernelError;
  if (/could not be broadcast|cannot be broadcast/.test(message)) return BroadcastError;
  if (/mismatch in its core dimension|does not have enough dimensions|inconsistent size for core dimension|wrong number of positional arguments/.test(message)) {
    return BindingError;
  }
  if ((error === "TypeError" || error === "ValueError") && /axes|axis|keepdims|cannot call `vectorize`/.test(message)) return ValueError;
  throw new Error(`no chunkwise error class is mapped for NumPy's ${error}: ${message}`);
}

function expectOutputs(got: Block[], want: Outcome): void {
  expect(got.map((b) => [...b.shape])).toEqual(want.shapes);
  for (const b of got) expect(b.dtype).toBe("float64");
  if (want.values === undefined) return;
  got.forEach((b, k) => {
    const values = toFlatArray(b);
    const expected = want.values![k]!;
    expect(values.length).toBe(expected.length);
    const bad = values.findIndex((v, t) => !(Math.abs(v - expected[t]!) <= 1e-9 * Math.max(1, Math.abs(expected[t]!))));
    expect(bad, `output ${k} differs at ${bad}: got ${values[bad]}, NumPy ${expected[bad]}`).toBe(-1);
  });
}

function expectError(run: () => unknown, cls: ErrorClass, numpy: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `NumPy raised ${numpy}; chunkwise returned normally`).toBeDefined();
  expect(thrown, `NumPy raised ${numpy}; chunkwise threw ${String(thrown)}`).toBeInstanceOf(cls);
}

// ---------------------------------------------------------------------------- titles

const tuple = (s: readonly number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(",")})`);

function title(c: Case, i: number): string {
  const joiner = c.name.endsWith("matmul") || c.name === "matrix_multiply" ? "@" : ", ";
  const kw = Object.entries(c.kwargs).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const outcome = c.result.shapes ? c.result.shapes.map(tuple).join(", ") : c.result.error;
  const what = c.source === "vectorize" ? `vectorize "${c.signature}"` : c.name;
  return `#${i} ${what} ${c.inputShapes.map(tuple).join(joiner)}${kw.length ? ` ${kw.join(" ")}` : ""} -> ${outcome}`;
}

// ---------------------------------------------------------------------------- tests

describe(`gufunc matches NumPy ${fixture.numpy}`, () => {
  test("the fixture holds several hundred cases from both sources", () => {
    const by = (s: string): number => fixture.cases.filter((c) => c.source === s).length;
    expect(by("ufunc")).toBeGreaterThan(200);
    expect(by("vectorize")).toBeGreaterThan(100);
  });

  for (const source of ["ufunc", "vectorize"] as const) {
    describe(source, () => {
      fixture.cases.forEach((c, i) => {
        if (c.source !== source) return;
        test(title(c, i), () => {
          const r = c.result;
          if (r.shapes) return expectOutputs(replay(c), r);
          if (r.inferred) {
            // Deliberate difference: chunkwise sizes the output-only dim from the first kernel call.
            const inf = r.inferred;
            if (inf.error) return expectError(() => replay(c), mappedError(inf.error, inf.message!), inf.error);
            if (inf.loopShape.includes(0)) return expectError(() => replay(c), ValueError, "(loop is empty)");
            return expectOutputs(replay(c), inf);
          }
          expectError(() => replay(c), mappedError(r.error!, r.message!), `${r.error}: ${r.message}`);
        });
      });
    });
  }
});
