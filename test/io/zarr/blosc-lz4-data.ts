/**
 * The inputs of test/fixtures/zarr/blosc-lz4/ (make_fixtures.py makes the same bytes with
 * numpy) and the fixture cases themselves.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/zarr/blosc-lz4");

/** One frame numcodecs made: its input's recipe, settings, and the frame (when stored whole). */
export interface FrameCase {
  kind: "ramp" | "noise" | "smooth" | "const";
  n: number;
  typesize: number;
  clevel: number;
  shuffle: 0 | 1;
  size: number;
  sha256: string;
  offset?: number;
}

/** make_fixtures.py's 32-bit integer hash. */
function mix(x: number): number {
  let h = Math.imul(x >>> 0, 0x9e3779b1) >>> 0;
  h = (h ^ (h >>> 15)) >>> 0;
  h = Math.imul(h, 0x85ebca77) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/** The input bytes of a case, as make_fixtures.py generates them. */
export function caseData(c: Pick<FrameCase, "kind" | "n" | "typesize">): Uint8Array {
  const { kind, n, typesize: ts } = c;
  const out = new Uint8Array(n * ts);
  if (kind === "noise") {
    for (let k = 0; k < out.length; k++) out[k] = mix(k) & 255;
    return out;
  }
  if (kind === "const") return out.fill(0x2a);
  for (let i = 0; i < n; i++) {
    let v = kind === "ramp" ? BigInt(i) * 3n : BigInt(Math.floor(i / 7) * 5 + (mix(i) & 3));
    for (let b = 0; b < ts; b++) {
      out[i * ts + b] = Number(v & 255n);
      v >>= 8n;
    }
  }
  return out;
}

/** Every case of cases.json, with its frame bytes when stored. */
export function frameCases(): (FrameCase & { frame?: Uint8Array })[] {
  const { cases } = JSON.parse(readFileSync(join(DIR, "cases.json"), "utf8")) as { cases: FrameCase[] };
  const blob = new Uint8Array(readFileSync(join(DIR, "frames.bin")));
  return cases.map((c) => (c.offset === undefined ? c : { ...c, frame: blob.subarray(c.offset, c.offset + c.size) }));
}
