/** Shared helpers of the Zarr tests: fixtures, temporary stores, file listings, Python. */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import type { DataType } from "../../../src/core/dtype.js";
import { fromTypedArray, type Block } from "../../../src/core/ndarray.js";
import { typedArrayConstructor } from "../../../src/core/dtype.js";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/zarr");

export interface ExpectedArray {
  group: "v2.zarr" | "v3.zarr";
  path: string;
  shape: number[];
  dtype: string;
  values: (number | boolean)[];
}

export const expected = (JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as { arrays: Record<string, ExpectedArray> }).arrays;

/** The expected values as a block of the chunkwise dtype (">i4" is int32). */
export function expectedBlock(e: ExpectedArray): Block {
  const dtype = (e.dtype === ">i4" ? "int32" : e.dtype) as DataType;
  const Ctor = typedArrayConstructor(dtype);
  const data = new Ctor(e.values.length);
  e.values.forEach((v, i) => (data[i] = Number(v)));
  return fromTypedArray(dtype, data as never, e.shape);
}

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = "chunkwise-zarr-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** A writable copy of a fixture store (or of just one array of it: `only`). */
export function copyFixture(group: "v2.zarr" | "v3.zarr", only?: string): string {
  const d = join(tempDir(), group);
  cpSync(join(FIXTURES, group, only ?? ""), join(d, only ?? ""), { recursive: true });
  return d;
}

/** Every file under `dir`, relative and "/"-separated, sorted. */
export function listFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)).split(sep).join("/"))
    .sort();
}

/** Runs Python with zarr-python; fails (never skips) with the install command when zarr is missing. */
export function python(script: string, args: string[] = []): string {
  const check = spawnSync("/usr/bin/python3", ["-c", "import zarr, numpy"], { encoding: "utf8" });
  if (check.status !== 0) {
    throw new Error(`/usr/bin/python3 with zarr-python 2 is required for the Zarr interop tests; got: ${check.error?.message ?? check.stderr.trim()}. Run: apt-get install -y python3-zarr python3-numpy`);
  }
  const r = spawnSync("/usr/bin/python3", ["-c", script, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
