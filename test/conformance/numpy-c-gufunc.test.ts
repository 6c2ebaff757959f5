/**
 * Differential test: chunkwise's gufunc against NumPy 1.24's compiled gufunc machinery on
 * random signatures. test/fixtures/gufunc/numpy-c/make_random_cases.py compiles
 * gufunc_factory.c (a real PyUFunc made by PyUFunc_FromFuncAndDataAndSignature for ANY
 * signature, with one generic float64 loop) and records NumPy's verdict for 4,000 seeded cases:
 * random signatures with frozen, optional and output-only dims, operands that broadcast with
 * sizes 0 and 1 (and some that do not bind), and the call keywords `axes`, `axis`, `keepdims`.
 *
 * Each case is replayed eagerly (blocks) and lazily (every input axis randomly chunked, seeded
 * by the case number, with `allowRechunk` merging split core axes), with a JavaScript twin of
 * the C loop (see `twin`). A NumPy success must give the same output shapes and values; a
 * NumPy exception must be a chunkwise error of the mapped class:
 *
 * | NumPy                                                                 | chunkwise      |
 * |-----------------------------------------------------------------------|----------------|
 * | ValueError "mismatch in its core dimension", "does not have enough    | BindingError   |
 * | dimensions"                                                           |                |
 * | ValueError "operands could not be broadcast together"                 | BroadcastError |
 * | AxisError (axis out of bounds)                                        | AxisError      |
 * | TypeError / ValueError about `axes`, `axis`, `keepdims` (entry form,  | ValueError (or |
 * | repeated axis, signature unsupported, plain ufunc "unexpected keyword | its subclass   |
 * | argument"); ValueError "core dimension ... unspecified"               | AxisError)     |
 *
 * Output-only dims: NumPy needs `out=` to size them, chunkwise `outputSizes`. The fixture gives
 * `kwargs.outputSizes` and NumPy's verdict with those dims written as frozen sizes (`result`),
 * and NumPy's verdict without sizes (`unsized`, "core dimension ... unspecified" unless another
 * check fails first). chunkwise with outputSizes must match `result`, eagerly and lazily.
 * Eagerly without outputSizes (a deliberate difference: chunkwise takes the size from the first
 * kernel call, as np.vectorize does) it must match `unsized` when that is another error, else
 * `result`, except that it may raise ValueError when the sized result is empty (a size-0 loop
 * never calls the kernel).
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { array } from "../../src/core/creation.js";
import { AxisError, BindingError, BroadcastError, ValueError } from "../../src/core/errors.js";
import { forEachIndex, get, sizeOf, toFlatArray, type Block } from "../../src/core/ndarray.js";
import { gufunc, type AnyGufuncOperand } from "../../src/array/apply-gufunc.js";
import { fromArray } from "../../src/array/creation.js";
import { isChunkedArray, type ChunkedArray } from "../../src/array/chunked-array.js";
import type { GufuncCallOptions } from "../../src/gufunc/gufunc.js";
import { parseSignature, type Signature } from "../../src/gufunc/signature.js";

interface Outcome {
  shapes?: number[][];
  values?: number[][];
  error?: string;
  message?: string;
}

interface Case {
  kind: "curated" | "random";
  signature: string;
  nin: number;
  nout: number;
  inputShapes: number[][];
  kwargs: { axes?: (number | number[])[]; axis?: number; keepdims?: boolean; outputSizes?: Record<string, number> };
  result: Outcome;
  unsized?: Outcome;
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/gufunc/numpy-c/random-cases.json", import.meta.url), "utf8")) as {
  numpy: string;
  seed: number;
  cases: Case[];
};

// ---------------------------------------------------------------------------- the twin

/**
 * NumPy's _validate_num_dims for the inputs (outputs are never given): an input with fewer axes
 * than core dims drops its optional dims left to right, each for every operand naming it,
 * until it has enough. Written here from NumPy's C source, apart from chunkwise's bind.ts.
 */
function numpyMissing(sig: Signature, ndims: readonly number[]): Set<string> {
  const missing = new Set<string>();
  const need = sig.inputs.map((dims) => dims.length);
  sig.inputs.forEach((dims, i) => {
    if (ndims[i]! >= need[i]!) return;
    for (const d of dims) {
      if (!d.optional || missing.has(d.name)) continue;
      missing.add(d.name);
      sig.inputs.forEach((other, j) => other.forEach((o) => o.name === d.name && need[j]!--));
      if (ndims[i] === need[i]) break;
    }
  });
  return missing;
}

/**
 * The JavaScript twin of gufunc_factory.c's loop: S = sum_k (k+1) sum_t (t+1) x_k[t] over each
 * input core in C order; output j holds S + (j+1) t at C-order core position t.
 */
function twin(sig: Signature, c: Case) {
  const missing = numpyMissing(sig, c.inputShapes.map((s) => s.length));
  const nin = sig.inputs.length;
  return (...args: unknown[]): unknown => {
    const xs = args.slice(0, nin) as Block[];
    const sizes: Record<string, number> = { ...c.kwargs.outputSizes };
    let s = 0;
    xs.forEach((x, k) => {
      let t = 0;
      forEachIndex(x.shape, (idx) => (s += (k + 1) * ++t * get(x, idx)));
      const kept = sig.inputs[k]!.filter((d) => !missing.has(d.name));
      kept.forEach((d, j) => (sizes[d.name] = x.shape[j]!));
    });
    const outs = sig.outputs.map((dims, j) => {
      const shape = c.kwargs.keepdims ? [] : dims.filter((d) => !missing.has(d.name)).map((d) => d.frozen ?? sizes[d.name]!);
      if (shape.length === 0) return s;
      const data = Float64Array.from({ length: sizeOf(shape) }, (_, t) => s + (j + 1) * t);
      return array(data, { shape });
    });
    return outs.length === 1 ? outs[0] : outs;
  };
}

// ---------------------------------------------------------------------------- replay

function fill(shape: readonly number[], k: number): Block {
  const values = Float64Array.from({ length: sizeOf(shape) }, (_, t) => ((7 * t + 3 * k) % 11) - 5);
  return array(values, { shape });
}

/** mulberry32: a small seeded generator for the chunkings. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random chunk sizes for every axis (core axes too: allowRechunk merges them). */
function randomChunks(shape: readonly number[], random: () => number): number[] {
  return shape.map((n) => 1 + Math.floor(random() * Math.max(1, n)));
}

type Mode = "eager" | "lazy" | "eager-unsized";

async function run(c: Case, caseIndex: number, mode: Mode): Promise<Block[]> {
  const sig = parseSignature(c.signature);
  const g = gufunc(c.signature, twin(sig, c), { name: "g", allowRechunk: true });
  const blocks = c.inputShapes.map((s, k) => fill(s, k));
  const { outputSizes: _sized, ...unsized } = c.kwargs;
  const kwargs: GufuncCallOptions = mode === "eager-unsized" ? unsized : c.kwargs;
  if (mode !== "lazy") {
    const out = g.apply(blocks, kwargs) as Block | Block[];
    return Array.isArray(out) ? out : [out];
  }
  const random = prng(fixture.seed + caseIndex);
  const lazy = blocks.map((b) => fromArray(b, { chunks: randomChunks(b.shape, random) }));
  const out = g.apply(lazy as AnyGufuncOperand[], kwargs) as ChunkedArray | ChunkedArray[];
  const list = Array.isArray(out) ? out : [out];
  if (!list.every(isChunkedArray)) throw new Error("lazy call returned blocks");
  return Promise.all(list.map((a) => a.compute()));
}

type ErrorClass = abstract new (...args: any[]) => Error;

/** The chunkwise error class for a NumPy exception (the table at the top). */
function mappedError(o: Outcome): ErrorClass {
  const { error = "", message = "" } = o;
  if (error === "AxisError") return AxisError;
  if (/could not be broadcast/.test(message)) return BroadcastError;
  if (/mismatch in its core dimension|does not have enough dimensions/.test(message)) return BindingError;
  if ((error === "TypeError" || error === "ValueError") && /axes|axis|keepdims|unspecified/.test(message)) return ValueError;
  throw new Error(`no chunkwise error class is mapped for NumPy's ${error}: ${message}`);
}

/** Why chunkwise's outcome disagrees with NumPy's, or undefined when it agrees. */
function disagreement(got: { outs?: Block[]; error?: unknown }, want: Outcome): string | undefined {
  if (want.error !== undefined) {
    if (got.error === undefined) return `NumPy raised ${want.error}: ${want.message}; chunkwise returned shapes ${JSON.stringify(got.outs!.map((b) => b.shape))}`;
    const cls = mappedError(want);
    return got.error instanceof cls ? undefined : `NumPy raised ${want.error}: ${want.message}; chunkwise threw ${String(got.error)}`;
  }
  if (got.error !== undefined) return `NumPy returned shapes ${JSON.stringify(want.shapes)}; chunkwise threw ${String(got.error)}`;
  const shapes = got.outs!.map((b) => [...b.shape]);
  if (JSON.stringify(shapes) !== JSON.stringify(want.shapes)) return `shapes: NumPy ${JSON.stringify(want.shapes)}, chunkwise ${JSON.stringify(shapes)}`;
  for (const [k, b] of got.outs!.entries()) {
    if (b.dtype !== "float64") return `output ${k} dtype ${b.dtype}, want float64`;
    const expected = want.values?.[k];
    if (expected === undefined) continue;
    const values = toFlatArray(b);
    const bad = values.findIndex((v, t) => v !== expected[t]);
    if (bad >= 0) return `output ${k} differs at flat ${bad}: NumPy ${expected[bad]}, chunkwise ${values[bad]}`;
  }
  return undefined;
}

async function outcome(c: Case, i: number, mode: Mode): Promise<{ outs?: Block[]; error?: unknown }> {
  try {
    return { outs: await run(c, i, mode) };
  } catch (error) {
    return { error };
  }
}

/** What chunkwise must do eagerly without outputSizes (see the header). */
function unsizedExpectation(c: Case): Outcome | "result-or-empty" {
  if (c.unsized?.error !== undefined && !/unspecified/.test(c.unsized.message ?? "")) return c.unsized;
  return "result-or-empty";
}

async function check(c: Case, i: number, mode: Mode): Promise<string | undefined> {
  const got = await outcome(c, i, mode);
  if (mode !== "eager-unsized") return disagreement(got, c.result);
  const want = unsizedExpectation(c);
  if (want !== "result-or-empty") return disagreement(got, want);
  const empty = c.result.shapes?.some((s) => s.includes(0)) ?? false;
  if (empty && got.error instanceof ValueError && /outputSizes/.test(String(got.error))) return undefined;
  return disagreement(got, c.result);
}

// ---------------------------------------------------------------------------- titles

const tuple = (s: readonly number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(",")})`);

function title(c: Case, i: number): string {
  const kw = Object.entries(c.kwargs).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const r = c.result;
  const outcomeText = r.shapes ? r.shapes.map(tuple).join(", ") : `${r.error}`;
  return `#${i} "${c.signature}" ${c.inputShapes.map(tuple).join(", ")}${kw.length ? ` ${kw.join(" ")}` : ""} -> ${outcomeText}`;
}

// ---------------------------------------------------------------------------- tests

const random = fixture.cases.map((c, i) => ({ c, i })).filter(({ c }) => c.kind === "random");
const curated = fixture.cases.map((c, i) => ({ c, i })).filter(({ c }) => c.kind === "curated");

describe(`gufunc matches NumPy ${fixture.numpy}'s C gufunc machinery on random signatures`, () => {
  // allowRechunk announces each merge on console.warn; thousands of them say nothing here.
  beforeAll(() => void vi.spyOn(console, "warn").mockImplementation(() => {}));
  afterAll(() => vi.restoreAllMocks());

  test("the fixture covers every feature with both verdicts", () => {
    const count = (p: (c: Case) => boolean, ok?: boolean): number =>
      random.filter(({ c }) => p(c) && (ok === undefined || (c.result.shapes !== undefined) === ok)).length;
    expect(random.length).toBeGreaterThanOrEqual(3900);
    const features: [string, (c: Case) => boolean][] = [
      ["axes", (c) => c.kwargs.axes !== undefined],
      ["axis", (c) => c.kwargs.axis !== undefined],
      ["keepdims", (c) => c.kwargs.keepdims !== undefined],
      ["output-only dims", (c) => c.kwargs.outputSizes !== undefined],
      ["optional dims", (c) => c.signature.includes("?")],
      ["frozen dims", (c) => /\d/.test(c.signature)],
      ["size-0 axes", (c) => c.inputShapes.some((s) => s.includes(0))],
      ["all-empty signatures", (c) => !/[\w]/.test(c.signature)],
    ];
    for (const [name, p] of features) {
      expect(count(p, true), `${name}: successes`).toBeGreaterThanOrEqual(name === "all-empty signatures" || name === "axis" ? 20 : 50);
      expect(count(p, false), `${name}: errors`).toBeGreaterThanOrEqual(10);
    }
  });

  describe("the cases issue 12 names", () => {
    for (const { c, i } of curated) {
      for (const mode of ["eager", "lazy"] as const) {
        test(`${mode} ${title(c, i)}`, async () => {
          expect(await check(c, i, mode)).toBeUndefined();
        });
      }
    }
  });

  // Batches of 500, so that a loaded machine stays within the timeout and a failure says where.
  const BATCH = 500;
  for (const mode of ["eager", "lazy", "eager-unsized"] as const) {
    const cases = mode === "eager-unsized" ? random.filter(({ c }) => c.unsized !== undefined) : random;
    for (let start = 0; start < cases.length; start += BATCH) {
      const batch = cases.slice(start, start + BATCH);
      test(`${mode}: random cases #${batch[0]!.i}..#${batch[batch.length - 1]!.i} (${batch.length} of ${cases.length}) agree`, async () => {
        const failures: string[] = [];
        for (const { c, i } of batch) {
          const why = await check(c, i, mode);
          if (why !== undefined) failures.push(`${title(c, i)}: ${why}`);
        }
        expect(failures.slice(0, 20), `${failures.length} of ${batch.length} disagree`).toEqual([]);
      }, 300_000);
    }
  }
});
