/**
 * Helpers for the main-job CLI tests: run the command line in process with captured streams,
 * and a snapshot of a directory tree to prove a failed command touched nothing.
 */
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main as jobMain } from "../../src/cli/run.js";
import type { CliIO } from "../../src/cli/command.js";
import { afterAll, beforeAll } from "vitest";
import { writeDemoData, type DemoData } from "../../src/cli/demo.js";

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `chunkwise ...argv` in this process. */
export function cli(...argv: string[]): Promise<CliRun> {
  return cliWith({}, ...argv);
}

/** As {@link cli}, with a stop signal and hooks on every stdout and stderr write. */
export async function cliWith(
  options: { signal?: AbortSignal; onStdout?: (text: string) => void; onStderr?: (text: string) => void }, ...argv: string[]
): Promise<CliRun> {
  let out = "";
  let err = "";
  const io: CliIO = {
    stdout: { write: (t: string) => { out += t; options.onStdout?.(t); } },
    stderr: { write: (t: string) => { err += t; options.onStderr?.(t); } },
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await jobMain(argv, io);
  return { code, out, err };
}

/** Every stdout line parsed as JSON (throws if one is not). */
export function jsonLines(out: string): Record<string, unknown>[] {
  return out.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `chunkwise-${prefix}-`));
}

/**
 * Gives a test file a temporary folder holding the tiny demo data (one volume): made before
 * its tests, handed to `use`, removed after them.
 */
export function withTinyDemo(prefix: string, use: (dir: string, demo: DemoData) => void): void {
  let made: string | undefined;
  beforeAll(async () => {
    made = await tempDir(prefix);
    use(made, await writeDemoData(made, "tiny", 1));
  });
  afterAll(async () => {
    if (made !== undefined) await rm(made, { recursive: true, force: true });
  });
}

/** Every file under `dir` with its size and modification time (empty if `dir` is missing). */
export async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const p = join(e.parentPath ?? e.path, e.name);
    const s = await stat(p);
    out.push(`${p} ${e.isDirectory() ? "dir" : `${s.size} ${s.mtimeMs}`}`);
  }
  return out.sort();
}
