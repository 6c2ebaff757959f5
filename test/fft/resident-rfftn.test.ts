/**
 * The resident engine (arrays in one shared wasm memory, passes split between threads):
 * fast-check properties against the TypeScript reference plan (`scipy.fft.rfftn`'s
 * semantics, tested against scipy fixtures elsewhere) for random 5-smooth shapes of 1 to 4
 * axes, both precisions and 1 to 3 threads — forward, the inverse round trip, each fused
 * epilogue — and byte-identical results whatever the number of threads.
 */
import fc from "fast-check";
import { afterEach, describe, expect, test } from "vitest";
import { createRfftnPlan } from "../../src/fft/index.js";
import { ResidentRfftn } from "../../src/fft/resident-rfftn.js";

const NUM_RUNS = 25;
const SMOOTH = [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 18, 20, 24, 25, 27, 30];
const open: ResidentRfftn[] = [];
afterEach(() => {
  for (const f of open.splice(0)) f.close();
});

function plan(shape: number[], dtype: "float32" | "float64", threads: number): ResidentRfftn {
  const f = ResidentRfftn.create(shape, dtype, threads, 3);
  expect(f, `a resident plan for ${JSON.stringify(shape)}`).toBeDefined();
  // The setup file installs Node's thread teams: a team of `threads`, not the 1-thread fallback.
  expect(f!.threads).toBe(threads);
  open.push(f!);
  return f!;
}

/** The flat C-order index of every element, in the plan's row-pitched layout. */
function pitchedIndex(f: ResidentRfftn): Int32Array {
  const shape = f.shape;
  const size = shape.reduce((p, d) => p * d, 1);
  const st = f.realStride;
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    let r = i, o = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      o += (r % shape[d]!) * st[d]!;
      r = Math.floor(r / shape[d]!);
    }
    out[i] = o;
  }
  return out;
}

const maxAbs = (a: ArrayLike<number>): number => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!)); return m; };
const relDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m / Math.max(maxAbs(b), 1e-300);
};

const caseArb = fc.record({
  shape: fc.array(fc.constantFrom(...SMOOTH), { minLength: 1, maxLength: 4 }).filter((s) => s.reduce((p, d) => p * d, 1) <= 4000),
  dtype: fc.constantFrom("float32" as const, "float64" as const),
  threads: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 1, max: 1000 }),
});

function signal(size: number, seed: number, f32: boolean): Float32Array | Float64Array {
  const x = f32 ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) x[i] = Math.sin(0.7 * i + seed) + 0.3 * Math.cos(1.3 * i * seed);
  return x;
}

describe("ResidentRfftn", () => {
  test("forward matches the reference rfftn; inverse(forward(x)) is x (float64 1e-12, float32 1e-5)", () => {
    fc.assert(fc.property(caseArb, ({ shape, dtype, threads, seed }) => {
      const f32 = dtype === "float32";
      const tol = f32 ? 1e-5 : 1e-12;
      const f = plan(shape, dtype, threads);
      const size = shape.reduce((p, d) => p * d, 1);
      const x = signal(size, seed, f32);
      const idx = pitchedIndex(f);
      const a = f.alloc(), b = f.alloc();
      const va = f.real(a);
      for (let i = 0; i < size; i++) va[idx[i]!] = x[i]!;
      f.forward(a, b);
      const ref = createRfftnPlan(shape, { dtype: "float64", backend: "typescript" }).forward(Float64Array.from(x));
      expect(relDiff(f.real(b).subarray(0, ref.data.length), ref.data)).toBeLessThan(tol);
      f.inverse(b, b);
      const vb = f.real(b);
      expect(relDiff(Array.from(idx, (o) => vb[o]!), x)).toBeLessThan(tol);
      f.close();
      open.pop();
    }), { numRuns: NUM_RUNS });
  });

  test("fused epilogues: times (and conj), divide with a threshold, multiplyInto equal the unfused steps", () => {
    fc.assert(fc.property(caseArb, fc.boolean(), ({ shape, dtype, threads, seed }, conj) => {
      const f32 = dtype === "float32";
      const tol = f32 ? 1e-4 : 1e-11;
      const f = plan(shape, dtype, threads);
      const size = shape.reduce((p, d) => p * d, 1);
      const idx = pitchedIndex(f);
      const [a, h, img] = [f.alloc(), f.alloc(), f.alloc()];
      const x = signal(size, seed, f32);
      const put = (at: number, v: ArrayLike<number>) => { const t = f.real(at); for (let i = 0; i < size; i++) t[idx[i]!] = v[i]!; };
      const get = (at: number) => { const t = f.real(at); return Array.from(idx, (o) => t[o]!); };
      // times: spectrum of x times spectrum of h, against the unfused product.
      put(h, signal(size, seed + 1, f32));
      f.forward(h, h);
      const H = Float64Array.from(f.real(h));
      put(a, x);
      f.forward(a, a);
      const X = Float64Array.from(f.real(a));
      put(a, x);
      f.forward(a, a, { at: h, conj });
      const Y = f.real(a);
      const want = new Float64Array(size > 0 ? X.length : 0);
      for (let i = 0; i + 1 < X.length; i += 2) {
        const hr = H[i]!, hi = conj ? -H[i + 1]! : H[i + 1]!;
        want[i] = X[i]! * hr - X[i + 1]! * hi;
        want[i + 1] = X[i]! * hi + X[i + 1]! * hr;
      }
      const bins = (f.scalars / f.pitch) * 2 * f.complexShape[f.complexShape.length - 1]!;
      // Only the stored bins are compared (the row padding of an odd last axis holds nothing).
      expect(relDiff(Y.subarray(0, bins), want.subarray(0, bins))).toBeLessThan(tol);
      // divide: image / (x + eps), 0 where x + eps < fe.
      const image = signal(size, seed + 2, f32).map((v) => v + 2);
      put(img, image);
      put(a, x);
      f.forward(a, a);
      const fe = 0.1;
      f.inverse(a, a, { divide: img, eps: 1e-12, fe });
      const q = get(a);
      for (let i = 0; i < size; i++) {
        const c = x[i]! + 1e-12;
        if (Math.abs(c - fe) < 1e-3) continue; // round-off may put it on either side of the threshold
        const expected = c < fe ? 0 : image[i]! / c;
        expect(Math.abs(q[i]! - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)) * 10);
      }
      // multiplyInto: the real array at `img` times the inverse.
      put(a, x);
      f.forward(a, a);
      f.inverse(a, a, { multiplyInto: img });
      const prod = get(img);
      for (let i = 0; i < size; i++) expect(Math.abs(prod[i]! - image[i]! * x[i]!)).toBeLessThanOrEqual(tol * 10 * Math.abs(image[i]!) * Math.max(1, Math.abs(x[i]!)));
      f.close();
      open.pop();
    }), { numRuns: NUM_RUNS });
  });

  test("inverse's slabs: the last pass in ranges of the first axis gives the bytes of one pass (plain, divide, multiplyInto; any region), calling before() over consecutive ranges", () => {
    const arb = fc.record({ c: caseArb, planes: fc.integer({ min: 1, max: 31 }), cut: fc.integer({ min: 0, max: 30 }), epi: fc.constantFrom("none", "divide", "multiplyInto") });
    fc.assert(fc.property(arb, ({ c: { shape, dtype, threads, seed }, planes, cut, epi }) => {
      // A region (the leading corner holding data) cut short along the first axis when it can be.
      const region = shape.map((d, i) => (i === 0 ? Math.max(1, d - (cut % d)) : d));
      const f = ResidentRfftn.create(shape, dtype, threads, 3, region)!;
      open.push(f);
      const size = shape.reduce((p, d) => p * d, 1);
      const x = signal(size, seed, dtype === "float32");
      const [a, other] = [f.alloc(), f.alloc()];
      const run = (slabs: boolean): { out: number[]; other: number[]; calls: [number, number][] } => {
        const t = f.real(a), o = f.real(other);
        t.fill(0);
        for (let i = 0; i < t.length; i++) { t[i] = x[i % size]!; o[i] = 2 + Math.abs(x[(i * 7) % size]!); }
        f.forward(a, a);
        const calls: [number, number][] = [];
        const e = epi === "divide" ? { divide: other, eps: 1e-12, fe: 0.05 } : epi === "multiplyInto" ? { multiplyInto: other } : undefined;
        f.inverse(a, a, e, slabs ? { planes, before: (lo, hi) => calls.push([lo, hi]) } : undefined);
        return { out: Array.from(f.real(a)), other: Array.from(f.real(other)), calls };
      };
      const whole = run(false), parts = run(true);
      expect(parts.out).toEqual(whole.out);
      expect(parts.other).toEqual(whole.other);
      const want: [number, number][] = [];
      if (shape.length === 1) want.push([0, region[0]!]);
      else for (let lo = 0; lo < region[0]!; lo += planes) want.push([lo, Math.min(region[0]!, lo + planes)]);
      expect(parts.calls).toEqual(want);
      f.close();
      open.pop();
    }), { numRuns: NUM_RUNS });
  });

  test("results are byte-identical on 1, 2 and 3 threads (each batch of lines is computed the same way)", () => {
    const shape = [10, 24, 30];
    const outs = [1, 2, 3].map((threads) => {
      const f = plan(shape, "float32", threads);
      const a = f.alloc();
      const v = f.real(a);
      for (let i = 0; i < v.length; i++) v[i] = Math.sin(i * 0.01);
      f.forward(a, a);
      f.inverse(a, a);
      return Float32Array.from(f.real(a));
    });
    expect(Buffer.from(outs[1]!.buffer).equals(Buffer.from(outs[0]!.buffer))).toBe(true);
    expect(Buffer.from(outs[2]!.buffer).equals(Buffer.from(outs[0]!.buffer))).toBe(true);
  });

  test("no resident plan for a length that is not 5-smooth (7) or more threads than a job can split", () => {
    expect(ResidentRfftn.create([4, 7], "float32", 1, 2)).toBeUndefined();
    expect(ResidentRfftn.create([4, 8], "float32", 9, 2)).toBeUndefined();
  });

  test("a closed plan refuses to run", () => {
    const f = ResidentRfftn.create([8, 8], "float64", 2, 1)!;
    const a = f.alloc();
    f.close();
    expect(() => f.forward(a, a)).toThrow(/closed/);
  });
});
