/**
 * Lazy computations run twice by the browser tests: in Chromium (lazy.browser.ts) and in Node
 * (lazy.test.ts), which compares the two results value for value. Inputs are made from the
 * case's numbers alone, so both sides build the same arrays.
 */
import { cStrides, fromArray, type ChunkedArray, gufunc, mapOverlap, type Block } from "../../../src/index.js";

/** A result as plain data both sides can compare exactly (NaN and -0 survive the trip). */
export interface PlainResult {
  dtype: string;
  shape: number[];
  values: number[];
}

function plainOf(b: Block): PlainResult {
  const values: number[] = [];
  const { shape, stride, offset, data } = b;
  const idx = new Array<number>(shape.length).fill(0);
  const total = shape.reduce((a, n) => a * n, 1);
  for (let k = 0; k < total; k++) {
    let at = offset;
    for (let d = 0; d < shape.length; d++) at += idx[d]! * stride[d]!;
    values.push(Number((data as ArrayLike<number>)[at]));
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return { dtype: b.dtype, shape: [...shape], values };
}

/** A float32 block of `shape` filled with a deterministic, irregular sequence (includes negatives and fractions). */
export function input(shape: readonly number[], seed: number): Block<"float32"> {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    data[i] = ((x >>> 8) / 2 ** 24) * 20 - 7;
  }
  return { dtype: "float32", data, shape: [...shape], stride: cStrides(shape), offset: 0 };
}

/** Parameters of {@link gufuncCase}. */
export interface GufuncCase {
  shape: [number, number, number];
  chunks: [number, number, number];
  seed: number;
}

/** A lazy inner product `(i),(i)->()` with broadcasting, then a lazy normalisation `(n)->(n)`. */
export async function gufuncCase(c: GufuncCase): Promise<PlainResult[]> {
  const a = fromArray(input(c.shape, c.seed), { chunks: c.chunks });
  const b = fromArray(input([c.shape[2]], c.seed + 1), { chunks: [c.shape[2]] });
  const inner = gufunc("(i),(i)->()", (x: Block, y: Block) => {
    let s = 0;
    for (let i = 0; i < x.shape[0]!; i++) s += Number(x.data[x.offset + i * x.stride[0]!]) * Number(y.data[y.offset + i * y.stride[0]!]);
    return { dtype: "float64", data: new Float64Array([s]), shape: [], stride: [], offset: 0 } as Block<"float64">;
  }, { vectorize: true, outputDtypes: ["float64"] });
  const normalise = gufunc("(n)->(n)", (x: Block) => {
    const n = x.shape[0]!;
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(Number(x.data[x.offset + i * x.stride[0]!])));
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = Number(x.data[x.offset + i * x.stride[0]!]) / (max || 1);
    return { dtype: "float32", data: out, shape: [n], stride: [1], offset: 0 } as Block<"float32">;
  }, { vectorize: true, allowRechunk: true });
  const dots = await inner(a, b).compute();
  const normed = await (normalise.apply([a], { axes: [[1], [1]] }) as ChunkedArray).compute();
  return [plainOf(dots), plainOf(normed)];
}

/** Parameters of {@link mapOverlapCase}. */
export interface MapOverlapCase {
  shape: [number, number];
  chunks: [number, number];
  depth: number;
  boundary: "reflect" | "nearest" | "periodic" | "none" | number;
  seed: number;
}

/** A (2 depth + 1)-wide box mean with mapOverlap. */
export async function mapOverlapCase(c: MapOverlapCase): Promise<PlainResult> {
  const x = fromArray(input(c.shape, c.seed), { chunks: c.chunks });
  const box = (b: Block): Block<"float32"> => {
    const [h, w] = b.shape as [number, number];
    const out = new Float32Array(h * w);
    const at = (i: number, j: number): number => Number(b.data[b.offset + i * b.stride[0]! + j * b.stride[1]!]);
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        let s = 0;
        let n = 0;
        for (let di = -c.depth; di <= c.depth; di++) {
          for (let dj = -c.depth; dj <= c.depth; dj++) {
            const ii = i + di;
            const jj = j + dj;
            if (ii < 0 || jj < 0 || ii >= h || jj >= w) continue;
            s += at(ii, jj);
            n++;
          }
        }
        out[i * w + j] = s / n;
      }
    }
    return { dtype: "float32", data: out, shape: [h, w], stride: [w, 1], offset: 0 };
  };
  const y = mapOverlap(box, x, { depth: c.depth, boundary: c.boundary, dtype: "float32" });
  return plainOf(await y.compute());
}
