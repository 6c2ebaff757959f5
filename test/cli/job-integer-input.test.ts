/**
 * `chunkwise deconvolve` passes integer images of at most 16 bits to the kernel as stored (the
 * kernel converts a few planes at a time) and subtracts `--background` in the integer dtype as
 * max(x, B) - B: the output must be byte-identical to that of the same counts stored as
 * float32 (the float path: cast, then max(x - B, 0) in float32), and the memory plan must
 * count no float32 copy of the volume.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromArray, type Block } from "../../src/index.js";
import { fromZarr, toZarr } from "../../src/io/zarr/index.js";
import { writeDemoData, type DemoData } from "../../src/cli/demo.js";
import { cli, jsonLines, tempDir } from "./job-helpers.js";

let dir: string;
let demo: DemoData;
let floatStore: string;
let int16Store: string;

beforeAll(async () => {
  dir = await tempDir("deconvolve-int");
  demo = await writeDemoData(dir, "tiny", 1);
  const counts = await (await fromZarr(demo.store, { path: "data" })).compute();
  const store = (dtype: "float32" | "int16", data: Float32Array | Int16Array): Block => ({ ...counts, dtype, data } as Block);
  floatStore = join(dir, "float.zarr");
  int16Store = join(dir, "int16.zarr");
  await toZarr(fromArray(store("float32", Float32Array.from(counts.data as Uint16Array))), floatStore, { path: "data" });
  await toZarr(fromArray(store("int16", Int16Array.from(counts.data as Uint16Array))), int16Store, { path: "data" });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(input: string, out: string, background: string): Promise<{ bytes: Buffer; peakBytes: number; volumeVoxels: number }> {
  const r = await cli("deconvolve", input, "--path", "data", "--psf", demo.psfPattern, "--out", out, "--out-path", "result",
    "--iterations", "3", "--background", background, "--executor", "inline", "--json");
  expect(r.code, r.err).toBe(0);
  const plan = jsonLines(r.out)[0] as { peakBytes: number; codecBytes: number; input: { shape: number[] } };
  const result = await (await fromZarr(out, { path: "result" })).compute();
  expect(result.dtype).toBe("float32");
  const d = result.data as Float32Array;
  // The codecs' buffers depend on the stores' compressed sizes, not on the cast: set apart.
  return { bytes: Buffer.from(d.buffer, d.byteOffset, d.byteLength), peakBytes: plan.peakBytes - plan.codecBytes, volumeVoxels: plan.input.shape.slice(-3).reduce((a, b) => a * b, 1) };
}

describe("deconvolve: integer input stays integer until the kernel", () => {
  const B = (): string => String(demo.data.background);
  it.each([["the demo's background", B], ["no background", () => "0"], ["a fractional background (float path)", () => "2.5"], ["a background past int16's range (float path for int16)", () => "40000"]])(
    "%s: uint16 and int16 input give the bytes of the same counts stored as float32",
    async (_label, background) => {
      const tag = background().replace(".", "_");
      const want = await run(floatStore, join(dir, `f-${tag}.zarr`), background());
      for (const [name, store] of [["u16", demo.store], ["i16", int16Store]] as const) {
        const got = await run(store, join(dir, `${name}-${tag}.zarr`), background());
        expect(got.bytes.equals(want.bytes), `${name} background ${background()}`).toBe(true);
      }
    },
  );
  it("the memory plan (beside the codecs' buffers) holds no float32 copy of uint16 input: the block as read (2 n) instead of the float32 store's (4 n); with a background, its integer copy (2 n) against the float copy (4 n)", async () => {
    const none = { f: await run(floatStore, join(dir, "m-f0.zarr"), "0"), u: await run(demo.store, join(dir, "m-u0.zarr"), "0") };
    const n = none.u.volumeVoxels;
    expect(none.f.peakBytes - none.u.peakBytes).toBe(2 * n);
    const bg = { f: await run(floatStore, join(dir, "m-fb.zarr"), B()), u: await run(demo.store, join(dir, "m-ub.zarr"), B()) };
    expect(bg.f.peakBytes - bg.u.peakBytes).toBe(4 * n);
    expect(bg.u.peakBytes - none.u.peakBytes).toBe(2 * n);
  });
});
