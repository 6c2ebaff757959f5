/**
 * gufunc dispatch overhead: an inner product "(i),(i)->()" over a (200000, 8) float64 stack,
 * called per loop index (vectorize: true), once with whole blocks (vectorize: false), and
 * as a hand-written loop (the baseline). Prints milliseconds and ratios to the baseline.
 */
import { gufunc, type Block } from "../src/entries/node-index.js";
import { fromTypedArray } from "../src/core/ndarray.js";

function time(fn: () => unknown, repeats = 5): number {
  fn();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(repeats / 2)]!;
}

export async function main(): Promise<void> {
  const n = 200_000;
  const k = 8;
  const a = fromTypedArray("float64", Float64Array.from({ length: n * k }, (_, i) => (i % 17) / 17), [n, k]);
  const b = fromTypedArray("float64", Float64Array.from({ length: k }, (_, i) => i), [k]);

  const perIndex = gufunc("(i),(i)->()", (x: Block, y: Block) => {
    let s = 0;
    for (let i = 0, p = x.offset, q = y.offset; i < x.shape[0]!; i++, p += x.stride[0]!, q += y.stride[0]!) s += x.data[p]! * y.data[q]!;
    return s;
  });
  const whole = gufunc(
    "(i),(i)->()",
    (x: Block, y: Block) => {
      const out = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        let s = 0;
        for (let i = 0; i < k; i++) s += x.data[x.offset + r * x.stride[0]! + i * x.stride[1]!]! * y.data[y.offset + i * y.stride[1]!]!;
        out[r] = s;
      }
      return fromTypedArray("float64", out, [n]);
    },
    { vectorize: false },
  );
  const baseline = (): Float64Array => {
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += a.data[r * k + i]! * b.data[i]!;
      out[r] = s;
    }
    return out;
  };
  const tBase = time(baseline);
  const tPer = time(() => perIndex(a, b));
  const tWhole = time(() => whole(a, b));
  console.log(`inner product over (${n}, ${k}) float64`);
  console.log(`  hand-written loop (baseline)  ${tBase.toFixed(1)} ms`);
  console.log(`  gufunc vectorize: true        ${tPer.toFixed(1)} ms  (${(tPer / tBase).toFixed(1)}x baseline, ${((tPer * 1e6) / n).toFixed(0)} ns per loop index)`);
  console.log(`  gufunc vectorize: false       ${tWhole.toFixed(1)} ms  (${(tWhole / tBase).toFixed(1)}x baseline)`);
}
