/**
 * LZW decoding on the PSF and stack input path: a realistic 16-bit stack (Gaussian spots on
 * a noisy background, 40 x 256 x 256 uint16, 5.2 MB) compressed by libtiff's tiffcp with
 * LZW alone and with LZW + horizontal predictor, read by chunkwise's readTiff and by the
 * `tiff` package (correct on these single-sample strips), in the same run, and lzwDecode alone
 * on the file's strips. Prints MB/s of decoded pixels by wall time and by CPU time (the
 * process's user + system time, steadier on a shared machine: the median of 5 runs each),
 * and the ratio. Needs tiffcp (apt-get install -y libtiff-tools).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode } from "tiff";
import { fromTypedArray } from "../src/core/ndarray.js";
import { bufferSource, readHeader } from "../src/io/tiff/header.js";
import { imwrite, readTiff } from "../src/io/tiff/index.js";
import { lzwDecode } from "../src/io/tiff/lzw.js";
import { median, timeIt } from "./timing.js";

/** The median CPU time (user + system) in milliseconds of `repeats` runs of `fn`. */
async function cpuTime(fn: () => unknown, repeats = 5): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.cpuUsage();
    await fn();
    const t = process.cpuUsage(t0);
    times.push((t.user + t.system) / 1000);
  }
  return median(times);
}

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
      const header = await readHeader(bufferSource(bytes), path, "bench");
      const strips = header.pages.flatMap((p) => p.offsets.map((o, i) => bytes.subarray(o, o + p.byteCounts![i]!)));
      const rate = (ms: number): string => `${(mb / (ms / 1000)).toFixed(0)} MB/s`;
      const ours = await timeIt(() => readTiff(path), 5);
      const theirs = await timeIt(() => decode(bytes), 5);
      const oursCpu = await cpuTime(() => readTiff(path));
      const theirsCpu = await cpuTime(() => decode(bytes));
      const lzwCpu = await cpuTime(() => strips.forEach((s) => lzwDecode(s, 16 * W * 2)));
      const ratio = (bytes.length / (mb * 1e6)).toFixed(2);
      console.log(`${name} (stored ${ratio} of raw): chunkwise readTiff ${rate(ours)} wall, ${rate(oursCpu)} CPU (file read included); tiff package ${rate(theirs)} wall, ${rate(theirsCpu)} CPU; ratio ${(theirs / ours).toFixed(2)}x wall, ${(theirsCpu / oursCpu).toFixed(2)}x CPU; lzwDecode alone ${rate(lzwCpu)} CPU`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
