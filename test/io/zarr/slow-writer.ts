/**
 * A write job for the kill-and-resume test: run as a child process
 * (`node --import tsx slow-writer.ts <dir>`), it writes a 6x6-chunk array to `<dir>/g/out`,
 * each block taking about 60 ms (SLOW_WRITER_MS in the environment), so the parent can SIGKILL it part-way. With `--resume` it
 * finishes an interrupted write instead.
 */
import { add, fromArray, mapBlocks, multiply, type Block, type ChunkedArray } from "../../../src/index.js";
import { defineKernel } from "../../../src/graph/kernel.js";
import { toZarr } from "../../../src/io/zarr/index.js";
import { seededBlock } from "../../../src/testing/gufunc-cases.js";

/** Sleeps synchronously (kernels are synchronous), then returns the block unchanged. */
export const slowIdentity = defineKernel(import.meta.url, "slowIdentity", (b: Block) => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.SLOW_WRITER_MS ?? 60));
  return b;
});

/** The array both the killed run and the reference write. */
export function slowSource(): ChunkedArray {
  const base = add(multiply(fromArray(seededBlock([24, 30], 7), { chunks: [4, 5] }), 3), 1);
  return mapBlocks(slowIdentity, base, { dtype: "float64" }) as ChunkedArray;
}

if (process.argv[2] !== undefined && import.meta.url.endsWith(process.argv[1]!.split("/").pop()!)) {
  await toZarr(slowSource(), process.argv[2], { path: "g/out", compressor: "zstd", resume: process.argv.includes("--resume") });
  process.stdout.write("done\n");
}
