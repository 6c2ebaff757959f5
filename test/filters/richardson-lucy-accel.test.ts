import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cStrides, toFlatArray, type Block } from "../../src/core/ndarray.js";
import { ResidentRfftn } from "../../src/fft/resident-rfftn.js";
import { setDefaultFftBackend } from "../../src/fft/wasm-engine.js";
import { richardsonLucy, richardsonLucyWorkspace, type RichardsonLucyOptions, type RichardsonLucyStopInfo } from "../../src/filters/index.js";
import { baselineCases } from "../fixtures/rl-accel/baseline-cases.js";
import { relErr } from "./load-fixtures.js";

const dir = fileURLToPath(new URL("../fixtures/rl-accel/", import.meta.url));
interface Stored { offset: number; shape: number[] }
const manifest = JSON.parse(readFileSync(dir + "cases.json", "utf8")) as {
  numpy: string; arrays: Record<string, Stored>;
  cases: { name: string; image: string; psf: string; params: Record<string, unknown>; used: number; output: Stored }[];
};
const bin = readFileSync(dir + "data.bin");
function stored(s: Stored): Block {
  const count = s.shape.reduce((p, d) => p * d, 1);
  const data = new Float64Array(bin.buffer.slice(bin.byteOffset + s.offset, bin.byteOffset + s.offset + 8 * count));
  return { dtype: "float64", data, shape: s.shape, stride: cStrides(s.shape), offset: 0 } as Block;
}
const digest = (d: ArrayBufferView): string => createHash("sha256").update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)).digest("hex");
const bytesOf = (d: ArrayBufferView): Buffer => Buffer.from(d.buffer, d.byteOffset, d.byteLength);

function onBackend<T>(backend: "wasm" | "typescript", f: () => T): T {
  const prev = setDefaultFftBackend(backend);
  try {
    return f();
  } finally {
    setDefaultFftBackend(prev);
  }
}

function run(image: Block, psf: Block, params: RichardsonLucyOptions): { out: Block; stop: RichardsonLucyStopInfo; changes: (number | undefined)[] } {
  let stop: RichardsonLucyStopInfo | undefined;
  const changes: (number | undefined)[] = [];
  const out = richardsonLucy(image, psf, { ...params, onIteration: (_i, _e, info) => changes.push(info.change), onStop: (s) => { stop = s; } });
  return { out, stop: stop!, changes };
}

describe("acceleration 'none' and absent options give the bytes plain Richardson-Lucy gave before acceleration existed (digests in test/fixtures/rl-accel/baseline.json)", () => {
  const want = JSON.parse(readFileSync(dir + "baseline.json", "utf8")) as Record<string, string>;
  for (const backend of ["wasm", "typescript"] as const) {
    for (const c of baselineCases()) {
      it(`${backend} ${c.name}`, () => onBackend(backend, () => {
        expect(digest(richardsonLucy(c.image, c.psf, c.options).data)).toBe(want[`${backend} ${c.name}`]);
        expect(digest(richardsonLucy(c.image, c.psf, { ...c.options, acceleration: "none" }).data)).toBe(want[`${backend} ${c.name}`]);
      }));
    }
  }
});

describe(`richardsonLucy matches an independent float64 NumPy ${manifest.numpy} implementation of Richardson-Lucy, Biggs-Andrews and the stopping rule (test/fixtures/rl-accel/make_fixtures.py); max error <= 1e-5 of the maximum`, () => {
  for (const c of manifest.cases) {
    for (const backend of ["wasm", "typescript"] as const) {
      it(`${c.name} on ${backend}: output and iterations used (${c.used})`, () => onBackend(backend, () => {
        const { out, stop } = run(stored(manifest.arrays[c.image]!), stored(manifest.arrays[c.psf]!), c.params as RichardsonLucyOptions);
        expect(relErr(out.data, stored(c.output).data)).toBeLessThan(1e-5);
        expect(stop.iterations).toBe(c.used);
        expect(stop.converged).toBe(c.used < (c.params.iterations as number));
      }));
    }
  }
});

describe("Biggs-Andrews acceleration", () => {
  const c = manifest.cases.find((x) => x.name.startsWith("itk psf=even acceleration=biggs iterations=25"))!;
  const image = stored(manifest.arrays[c.image]!), psf = stored(manifest.arrays[c.psf]!);
  const f32 = (b: Block): Block => ({ ...b, dtype: "float32", data: Float32Array.from(b.data as Float64Array) }) as Block;
  it("threads: 2 and 3 give byte-identical results to threads: 1 (both algorithms, float32 and float64, with a tolerance)", () => {
    for (const [x, k] of [[image, psf], [f32(image), f32(psf)]]) {
      for (const opts of [{ ...c.params, iterations: 12 }, { iterations: 12, acceleration: "biggs", tolerance: 1e-2 }] as RichardsonLucyOptions[]) {
        const one = richardsonLucy(x!, k!, { ...opts, threads: 1 }).data;
        for (const threads of [2, 3]) expect(bytesOf(richardsonLucy(x!, k!, { ...opts, threads }).data).equals(bytesOf(one))).toBe(true);
      }
    }
  });
  it("the resident engine fuses the step and extrapolation into the row passes for these shapes (the guard that the fused path is what the tests above ran)", () => {
    for (const shape of [[12, 20, 18], [16, 27, 25], [15, 25, 24]]) {
      const fft = ResidentRfftn.create(shape, "float32", 1, 1, shape.map((d) => d - 3));
      expect(fft?.rowsFirst, String(shape)).toBe(true);
      fft?.close();
    }
  });
  it("the estimate stays non-negative at every iteration, though the extrapolation overshoots (float32, both algorithms)", () => {
    for (const opts of [{ iterations: 25, acceleration: "biggs" }, { ...c.params, iterations: 25 }] as RichardsonLucyOptions[]) {
      let min = Infinity;
      richardsonLucy(f32(image), f32(psf), { ...opts, onIteration: (_i, e) => { for (const v of toFlatArray(e)) min = Math.min(min, v); } });
      expect(min).toBeGreaterThanOrEqual(0);
    }
  });
  it("conserves the total flux within 1e-3 (relative) when the object lies inside the image, as plain RL does: sum(x H^T(f / Hx)) = sum(f) for a normalised PSF", () => {
    // A blob far from the edges, blurred: "same" convolutions lose no flux over the edges, and
    // the extrapolation keeps the sum except where max(., 0) clips.
    const shape = [16, 24, 24];
    const blob = new Float64Array(16 * 24 * 24).map((_, i) => {
      const z = Math.floor(i / 576) - 7.5, y = (Math.floor(i / 24) % 24) - 11.5, x = (i % 24) - 11.5;
      return 1e-3 + 500 * Math.exp(-(z * z + y * y + x * x) / 6) * (1 + 0.3 * Math.sin(i));
    });
    const odd = stored(manifest.arrays.psf_odd!);
    const b: Block = { dtype: "float64", data: blob, shape, stride: cStrides(shape), offset: 0 } as Block;
    const total = (d: ArrayLike<number>): number => {
      let t = 0;
      for (let i = 0; i < d.length; i++) t += d[i]!;
      return t;
    };
    for (const acceleration of ["none", "biggs"] as const) {
      for (const boundary of ["zero", "neumann"] as const) {
        const out = richardsonLucy(b, odd, { iterations: 20, acceleration, boundary, init: "image" });
        expect(Math.abs(total(out.data) - total(blob)) / total(blob), `${acceleration} ${boundary}`).toBeLessThan(1e-3);
      }
    }
  });
  it("workspace declares two more arrays of the estimate's domain (the image's for zero, the padded one for neumann), and a row table and per-row sums (44 bytes per padded row) with acceleration or a tolerance", () => {
    const shapes = [[12, 20, 18], [4, 6, 6]];
    const zeroRows = 15 * 25; // nextFastLen(12 + 4 - 1) x nextFastLen(20 + 6 - 1)
    expect(richardsonLucyWorkspace({ acceleration: "biggs" }, shapes, [4, 4]) - richardsonLucyWorkspace({}, shapes, [4, 4])).toBe(2 * 4 * 12 * 20 * 18 + 44 * zeroRows + 256);
    expect(richardsonLucyWorkspace({ tolerance: 1e-3 }, shapes, [4, 4]) - richardsonLucyWorkspace({}, shapes, [4, 4])).toBe(44 * zeroRows + 256);
    expect(richardsonLucyWorkspace({ regularization: { tv: 1e-3 } }, shapes, [4, 4]) - richardsonLucyWorkspace({}, shapes, [4, 4])).toBe(2 * 8 * 20 * 18);
    const p = [16, 27, 25];
    expect(richardsonLucyWorkspace({ acceleration: "biggs", boundary: "neumann", fftShape: p }, shapes, [8, 8]) - richardsonLucyWorkspace({ boundary: "neumann", fftShape: p }, shapes, [8, 8])).toBe(2 * 8 * 16 * 27 * 25 + 44 * 16 * 27 + 256);
  });
});

describe("the stopping rule", () => {
  const c = manifest.cases.find((x) => x.name.startsWith("itk psf=odd acceleration=biggs iterations=25"))!;
  const image = stored(manifest.arrays[c.image]!), psf = stored(manifest.arrays[c.psf]!);
  for (const acceleration of ["none", "biggs"] as const) {
    for (const tolerance of [5e-2, 1e-2, 4e-3]) {
      it(`acceleration=${acceleration} tolerance=${tolerance}: stops after the first iteration whose relative change is at most the tolerance, and says so`, () => {
        const { stop, changes } = run(image, psf, { ...c.params, acceleration, iterations: 200, tolerance });
        const first = changes.findIndex((v) => v! <= tolerance) + 1;
        expect(first).toBeGreaterThan(0);
        expect(stop).toEqual({ iterations: first, change: changes[first - 1], converged: true });
        expect(changes.length).toBe(first);
      });
    }
  }
  for (const acceleration of ["none", "biggs"] as const) {
    it(`stopOn=divergence acceleration=${acceleration}: the measure is the I-divergence's relative decrease (Infinity first), it stops at the first at most the tolerance, and plain RL never increases the divergence`, () => {
      const seen: { change: number | undefined; divergence: number | undefined }[] = [];
      let stop: RichardsonLucyStopInfo | undefined;
      richardsonLucy(image, psf, { ...c.params, acceleration, iterations: 60, tolerance: 1e-3, stopOn: "divergence", onIteration: (_i, _e, info) => seen.push(info), onStop: (s) => { stop = s; } });
      expect(seen[0]!.change).toBe(Infinity);
      for (let i = 1; i < seen.length; i++) {
        const [a, b] = [seen[i - 1]!.divergence!, seen[i]!.divergence!];
        expect(seen[i]!.change).toBeCloseTo((a - b) / a, 12);
        if (acceleration === "none") expect(b).toBeLessThanOrEqual(a * (1 + 1e-12));
      }
      const first = seen.findIndex((v) => v.change! <= 1e-3) + 1;
      expect(first).toBeGreaterThan(1);
      expect(stop).toEqual({ iterations: first, change: seen[first - 1]!.change, converged: true });
    });
  }
  it("damping: a threshold far above the noise suppresses every update (the estimate stays the image, ITK's algorithm with a normalised PSF); a moderate one changes the result", () => {
    for (const acceleration of ["none", "biggs"] as const) {
      const frozen = richardsonLucy(image, psf, { ...c.params, acceleration, iterations: 5, damping: 1e9 });
      expect(relErr(frozen.data, image.data)).toBeLessThan(1e-9);
      const damped = richardsonLucy(image, psf, { ...c.params, acceleration, iterations: 5, damping: 4.5 });
      expect(relErr(damped.data, richardsonLucy(image, psf, { ...c.params, acceleration, iterations: 5 }).data)).toBeGreaterThan(1e-3);
    }
  });
  it("regularization { tv }: threads 2 and 3 give byte-identical results to threads 1 (both algorithms, float32 and float64, plain and accelerated with a tolerance); a visible lambda changes the result", () => {
    const f32 = (b: Block): Block => ({ ...b, dtype: "float32", data: Float32Array.from(b.data as Float64Array) }) as Block;
    for (const [x, k] of [[image, psf], [f32(image), f32(psf)]]) {
      for (const opts of [{ ...c.params, iterations: 8, acceleration: "none" }, { iterations: 8, acceleration: "biggs", tolerance: 1e-2 }] as RichardsonLucyOptions[]) {
        const one = richardsonLucy(x!, k!, { ...opts, regularization: { tv: 0.01 }, threads: 1 }).data;
        for (const threads of [2, 3]) expect(bytesOf(richardsonLucy(x!, k!, { ...opts, regularization: { tv: 0.01 }, threads }).data).equals(bytesOf(one))).toBe(true);
        expect(relErr(one, richardsonLucy(x!, k!, opts).data)).toBeGreaterThan(1e-3);
      }
    }
  });
  it("iterations is the maximum: a tolerance never met runs them all and reports converged: false", () => {
    const { stop, changes } = run(image, psf, { ...c.params, iterations: 3, tolerance: 1e-9 });
    expect(stop).toMatchObject({ iterations: 3, converged: false });
    expect(changes.every((v) => typeof v === "number" && v > 1e-9)).toBe(true);
  });
  it("without tolerance or acceleration the change is not computed (the fused update runs) and onStop still reports the count", () => {
    const { stop, changes } = run(image, psf, { iterations: 2 });
    expect(changes).toEqual([undefined, undefined]);
    expect(stop).toEqual({ iterations: 2, change: undefined, converged: false });
  });
  it("bad inputs", () => {
    for (const acceleration of ["Biggs", "momentum", 1, true]) {
      expect(() => richardsonLucy(image, psf, { acceleration } as never)).toThrow(/richardsonLucy: acceleration must be "none" or "biggs"; got .*\. Pass "biggs"/);
    }
    for (const tolerance of [-1, Number.NaN, Infinity, "1e-3"]) {
      expect(() => richardsonLucy(image, psf, { tolerance } as never)).toThrow(/richardsonLucy: tolerance must be a non-negative finite number/);
    }
    expect(() => richardsonLucy(image, psf, { onStop: 3 } as never)).toThrow(/richardsonLucy: onStop must be a function; got 3/);
    for (const damping of [-1, Number.NaN, "3"]) {
      expect(() => richardsonLucy(image, psf, { damping } as never)).toThrow(/richardsonLucy: damping must be a non-negative finite number/);
    }
    for (const regularization of [{ tv: -1e-3 }, { tv: Number.NaN }, { tv: 1 / 6 }, { tv: "0.01" }]) {
      expect(() => richardsonLucy(image, psf, { regularization } as never)).toThrow(/richardsonLucy: regularization must have tv a finite number in \[0, 0\.1666\d*\) for a 3-D image \(typically 1e-4 to 1e-2;.*got \{"tv":.*\}\. Pass e\.g\. \{ tv: 0\.002 \}/);
    }
    for (const regularization of [0.01, [0.01], { tv: 0.01, l2: 1 }]) {
      expect(() => richardsonLucy(image, psf, { regularization } as never)).toThrow(/richardsonLucy: regularization must be \{ tv: lambda \}; got /);
    }
    expect(() => richardsonLucy(image, psf, { stopOn: "likelihood" } as never)).toThrow(/richardsonLucy: stopOn must be "change" or "divergence"; got "likelihood"/);
  });
});
