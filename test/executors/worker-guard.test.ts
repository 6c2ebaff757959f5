/**
 * A kernel defined in the script that runs it must fail at once, not fork workers without end
 * (issue 13, item 2): the scripts in fixtures/ run as real child processes (`node --import tsx`,
 * as `tsx script.ts` runs them), each in its own process group, killed whole if it outlives
 * the hang guard (a guard against the fork bomb, not a timing assertion).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const HANG_GUARD_MS = 60_000;

interface Ended { code: number | null; signal: NodeJS.Signals | null; out: string; err: string; killed: boolean }

function runNode(args: readonly string[]): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: REPO, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let killed = false;
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      killed = true;
      // The whole group: a runaway would have started more threads, not processes, but tsx
      // wrappers spawn a second process.
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, HANG_GUARD_MS);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err, killed });
    });
  });
}

describe("a kernel defined in the script that runs it", () => {
  it("threads({ workers: 2 }): fails with 'move the kernel to its own module', no nested pools", async () => {
    const r = await runNode(["test/executors/fixtures/same-file-kernel.ts"]);
    expect(r.killed).toBe(false);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain("threads: an executor must not start inside a chunkwise worker; got threads() called while a worker imported the kernel module file://");
    expect(r.err).toContain("same-file-kernel.ts");
    expect(r.err).toContain("Move the kernel (the defineKernel export) into its own module");
    // The top level ran in the main thread and at most once in each of the pool's 2 workers:
    // no worker started a pool of its own.
    const runs = r.err.split("\n").filter((l) => l.startsWith("top level ran in"));
    expect(runs.filter((l) => l.endsWith("the main thread"))).toHaveLength(1);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.length).toBeLessThanOrEqual(3);
  });

  it("with the computation behind isMainThread, the same file runs: nothing recursive is refused", async () => {
    const r = await runNode(["test/executors/fixtures/same-file-guarded.ts"]);
    expect(r.killed).toBe(false);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toBe("[2,4,6,8]\n");
  });

  it("chunkwise worker --kernels refuses a module that computes at its top level, before connecting", async () => {
    const r = await runNode(["src/cli/main.ts", "worker", "--redis", "redis://127.0.0.1:1", "--insecure", "--kernels", "test/executors/fixtures/top-level-compute.ts"]);
    expect(r.killed).toBe(false);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toContain("compute: a computation must not start while a chunkwise worker imports a kernel module; got one started by the top level of file://");
    expect(r.err).toContain("Move the kernel (the defineKernel export) into its own module");
  });

  it("the same module run as a script (not as a worker's kernel module) computes as usual", async () => {
    const r = await runNode(["test/executors/fixtures/top-level-compute.ts"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe("[3,6,9,12]\n");
  });
});
