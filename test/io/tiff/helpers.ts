/**
 * Shared pieces of the TIFF tests: the fixtures written by tifffile (make_fixtures.py) with
 * their expected values, a scratch folder per test file, and a bridge to tifffile through
 * Debian's python3 that fails (never skips) when tifffile is missing.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { DataType } from "../../../src/core/dtype.js";
import { fromTypedArray, type Block } from "../../../src/core/ndarray.js";
import { allocate } from "../../../src/core/dtype.js";

/** The fixtures folder (absolute). */
export const FIXTURES = resolve(fileURLToPath(new URL("../../fixtures/tiff/", import.meta.url)));

/** One expected array. */
export interface Expected {
  readonly dtype: DataType;
  readonly shape: number[];
  readonly values: number[];
}

const manifest = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as {
  files: Record<string, Expected>;
  bad: Record<string, string>;
};

/** Readable fixtures by relative path, and the files that must be refused with the reason. */
export const EXPECTED: Readonly<Record<string, Expected>> = manifest.files;
export const BAD: Readonly<Record<string, string>> = manifest.bad;

/** The absolute path of a fixture. */
export function fixture(rel: string): string {
  return join(FIXTURES, rel);
}

/** An expected array as a block. */
export function expectedBlock(e: Expected): Block {
  const data = allocate(e.dtype, e.values.length);
  e.values.forEach((v, i) => (data[i] = v));
  return fromTypedArray(e.dtype, data, e.shape);
}

/** A fresh scratch folder and a function removing it. */
export function scratch(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `chunkwise-tiff-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const PYTHON = "/usr/bin/python3";

/**
 * Runs a Python snippet with tifffile and numpy imported and returns its stdout parsed as
 * JSON. Throws (failing the test) with the install command when tifffile is missing.
 */
export function python(code: string, args: readonly string[] = []): unknown {
  let out: string;
  try {
    out = execFileSync(PYTHON, ["-c", `import json, sys\nimport numpy as np\nimport tifffile\n${code}`, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? err);
    if (/No module named '(tifffile|numpy)'|ENOENT/.test(stderr) || (err as { code?: string }).code === "ENOENT") {
      throw new Error(`tifffile interop tests need Debian's python3 with tifffile and numpy: run apt-get install -y python3-tifffile python3-numpy. (${stderr.trim().split("\n").pop()})`);
    }
    throw new Error(`python failed: ${(err as Error).message}\n${stderr}`);
  }
  return JSON.parse(out);
}
