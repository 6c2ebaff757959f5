/**
 * Loads the scipy.fft reference cases written by test/fixtures/fft/make_fixtures.py.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../fixtures/fft/", import.meta.url));

type Ref = [number, number, "f4" | "f8"];

export interface FftCase {
  name: string;
  func: "fftn" | "ifftn" | "rfftn" | "irfftn";
  dtype: "float32" | "float64";
  complexInput: boolean;
  shape: number[];
  axes: number[] | null;
  s: number[] | null;
  norm: "backward" | "ortho" | "forward";
  input: Float32Array | Float64Array;
  outShape: number[];
  outDtype: string;
  output: Float32Array | Float64Array;
}

interface Manifest {
  scipy: string;
  cases: (Omit<FftCase, "input" | "output"> & { input: Ref; output: Ref })[];
  nextFastLen: { targets: number[]; complex: number[]; real: number[] };
}

const manifest = JSON.parse(readFileSync(dir + "cases.json", "utf8")) as Manifest;
const bytes = readFileSync(dir + "data.bin");
const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);

function read([off, count, kind]: Ref): Float32Array | Float64Array {
  return kind === "f4" ? new Float32Array(buffer, off, count) : new Float64Array(buffer, off, count);
}

export const scipyVersion = manifest.scipy;
export const fftCases: FftCase[] = manifest.cases.map((c) => ({ ...c, input: read(c.input), output: read(c.output) }));
export const nextFastLenTable = manifest.nextFastLen;

/** Largest |a - b| over the largest |b| (0 when both are empty). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let err = 0;
  let max = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    max = Math.max(max, Math.abs(b[i]!));
  }
  return max === 0 ? err : err / max;
}
