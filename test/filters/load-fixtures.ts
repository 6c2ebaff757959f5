/**
 * Loads the scipy/scikit-image/ITK reference cases written by
 * test/fixtures/filters/make_fixtures.py (versions recorded in cases.json).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Block } from "../../src/core/ndarray.js";
import { cStrides } from "../../src/core/ndarray.js";

const dir = fileURLToPath(new URL("../fixtures/filters/", import.meta.url));

type Ref = [number, number, "f4" | "f8"];

interface Manifest {
  scipy: string;
  skimage: string;
  itk: Record<string, unknown> | null;
  arrays: Record<string, { data: Ref; shape: number[]; dtype: string }>;
  cases: { name: string; func: string; inputs: string[]; params: Record<string, unknown>; output: Ref; outShape: number[]; outDtype: string }[];
}

const manifest = JSON.parse(readFileSync(dir + "cases.json", "utf8")) as Manifest;
const bytes = readFileSync(dir + "data.bin");
const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);

function read([off, count, kind]: Ref): Float32Array | Float64Array {
  return kind === "f4" ? new Float32Array(buffer, off, count) : new Float64Array(buffer, off, count);
}

function input(name: string): Block {
  const a = manifest.arrays[name]!;
  const raw = read(a.data);
  const data = a.dtype === "uint16" ? Uint16Array.from(raw) : raw;
  return { dtype: a.dtype as Block["dtype"], data, shape: a.shape, stride: cStrides(a.shape), offset: 0 } as Block;
}

export interface FilterCase {
  name: string;
  func: string;
  inputs: Block[];
  params: Record<string, unknown>;
  output: Float32Array | Float64Array;
  outShape: number[];
  outDtype: string;
}

export const versions = { scipy: manifest.scipy, skimage: manifest.skimage, itk: manifest.itk };

/** The cases of one function. */
export function casesOf(func: string): FilterCase[] {
  return manifest.cases.filter((c) => c.func === func).map((c) => ({ ...c, inputs: c.inputs.map(input), output: read(c.output) }));
}

/** Largest |a - b| over the largest |b|: the relative error every filter test states. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let err = 0;
  let max = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    err = Number.isNaN(d) ? Infinity : Math.max(err, d);
    max = Math.max(max, Math.abs(b[i]!));
  }
  return max === 0 ? err : err / max;
}

/** The tolerance of a case: relative 1e-4 for float32 results, 1e-9 for float64 (scipy and we round differently). */
export function tolerance(dtype: string): number {
  return dtype === "float32" ? 1e-4 : 1e-9;
}
