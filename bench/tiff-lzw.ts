/**
 * LZW decoding on the PSF and stack input path: a realistic 16-bit stack (Gaussian spots on
 * a noisy background, 40 x 256 x 256 uint16, 5.2 MB) compressed by libtiff's tiffcp with
 * LZW alone and with LZW + horizontal predictor, read by chunkwise's readTiff and by the
 * `tiff` package (correct on these single-sample strips), in the same run. Prints MB/s of
 * decoded pixels and the ratio. Needs tiffcp (apt-get install -y libtiff-tools).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode } from "tiff";
import { fromTypedArray } from "../src/core/ndarray.js";
import { imwrite, readTiff } from "../src/io/tiff/index.js";
import { timeIt } from "./timing.js";

const [PAGES, H, W] = [40, 256, 256];

function stack(): Uint16Array {
  const out = new Uint16Array(PAGES * H * W);
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const spots = Array.from({ length: 30 }, () => [rand() * PAGES, rand() * H, rand() * W, 500 + rand() * 3000]);
  for (let z = 0; z < PAGES; z++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let v = 100;
        for (const [sz, sy, sx, a] of spots) v += a! * Math.exp(-((z - sz!) ** 2 / 8 + (y - sy!) ** 2 / 18 + (x - sx!) ** 2 / 18));
        // Poisson-like shot noise, sd = sqrt(v).
        v += Math.sqrt(v) * (rand() + rand() + rand() - 1.5) * 2;
        out[(z * H + y) * W + x] = Math.max(0, Math.round(v));
      }
    }
  }
  return out;
}

/** Prints the figures. */
export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "chunkwise-bench-tiff-"));
  try {
    const raw = join(dir, "raw.tif");
    await imwrite(raw, fromTypedArray("uint16", stack(), [PAGES, H, W]));
    const mb = (PAGES * H * W * 2) / 1e6;
    for (const [name, codec] of [["LZW", "lzw"], ["LZW + predictor", "lzw:2"]] as const) {
      const path = join(dir, `${codec.replace(":", "_")}.tif`);
      execFileSync("tiffcp", ["-c", codec, "-r", "16", raw, path]);
      const bytes = readFileSync(path);
      const ours = await timeIt(() => readTiff(path), 5);
      const theirs = await timeIt(() => decode(bytes), 5);
      const ratio = (bytes.length / (mb * 1e6)).toFixed(2);
      console.log(`${name} (stored ${ratio} of raw): chunkwise readTiff ${(mb / (ours / 1000)).toFixed(0)} MB/s (${ours.toFixed(0)} ms, file read included), tiff package ${(mb / (theirs / 1000)).toFixed(0)} MB/s (${theirs.toFixed(0)} ms); ratio ${(theirs / ours).toFixed(2)}x`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
