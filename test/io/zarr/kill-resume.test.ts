/**
 * A real kill: a child process writing with toZarr is SIGKILLed part-way; `resume: true`
 * then finishes the array, and every chunk file is byte-identical to an uninterrupted run.
 * No temporary or partial chunk survives.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { toZarr } from "../../../src/io/zarr/index.js";
import { listFiles, tempDir } from "./helpers.js";
import { slowSource } from "./slow-writer.js";

const here = dirname(fileURLToPath(import.meta.url));
const sha = (p: string): string => createHash("sha256").update(readFileSync(p)).digest("hex");
const chunkFiles = (dir: string): string[] => listFiles(join(dir, "g/out")).filter((f) => !f.startsWith("."));

it("SIGKILL mid-write, then resume: output byte-identical to an uninterrupted write", async () => {
  const reference = tempDir();
  const full = await toZarr(slowSource(), reference, { path: "g/out", compressor: "zstd" });
  expect(full.chunksWritten).toBe(36);

  const dir = tempDir();
  const child = spawn(process.execPath, ["--import", "tsx", join(here, "slow-writer.ts"), dir], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
  // Kill once a few chunks are on disk (polling the store, never later than 60 s).
  const started = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    let n = 0;
    try {
      n = chunkFiles(dir).filter((f) => !f.includes(".tmp-")).length;
    } catch {
      n = 0;
    }
    if (n >= 5 || Date.now() - started > 60_000) break;
  }
  child.kill("SIGKILL");
  expect(await exited, stderr).toBe("SIGKILL");

  const partial = chunkFiles(dir).filter((f) => !f.includes(".tmp-"));
  expect(partial.length).toBeGreaterThanOrEqual(5);
  expect(partial.length).toBeLessThan(36);

  const resumed = await toZarr(slowSource(), dir, { path: "g/out", compressor: "zstd", resume: true });
  expect(resumed.chunksSkipped).toBe(partial.length);
  expect(resumed.chunksWritten).toBe(36 - partial.length);
  const files = chunkFiles(reference);
  expect(chunkFiles(dir)).toEqual(files);
  for (const f of files) expect(sha(join(dir, "g/out", f)), f).toBe(sha(join(reference, "g/out", f)));
  expect(readFileSync(join(dir, "g/out/.zarray"), "utf8")).toBe(readFileSync(join(reference, "g/out/.zarray"), "utf8"));
}, 120_000);
