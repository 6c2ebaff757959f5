/**
 * Starts Debian's redis-server on 127.0.0.1 and a free port for the distributed tests, and
 * `chunkwise worker` processes from source (`node --import tsx src/cli/main.ts worker ...`).
 * A missing redis-server fails the tests (never skips them), saying how to install it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** A free TCP port on 127.0.0.1 (closed again, so nothing listens there). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves when `child`'s output (stdout or stderr) matches `pattern`; rejects on exit or timeout. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms; output:\n${text}`)), timeoutMs);
    const onData = (d: Buffer): void => {
      text += d.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code}; output:\n${text}`));
    });
  });
}

/** A redis-server of our own. */
export interface RedisFixture {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts redis-server on 127.0.0.1 and a free port (extra args such as --requirepass). */
export async function startRedis(extra: readonly string[] = []): Promise<RedisFixture> {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (probe.error !== undefined) {
    throw new Error("the distributed tests need Debian's redis-server, which is not installed: run `apt-get install -y redis-server` (the CI script installs it)");
  }
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...extra], { stdio: ["ignore", "pipe", "pipe"] });
  await waitForOutput(child, /Ready to accept connections/, 10_000, "redis-server");
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => stopChild(child),
  };
}

/** A `chunkwise worker` process. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it wrote to stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Spawns `chunkwise worker` from source and waits until it listens. */
export async function spawnWorker(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "worker", ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stderr.on("data", (d: Buffer) => (text += d.toString()));
  child.stdout.on("data", (d: Buffer) => (text += d.toString()));
  await waitForOutput(child, /listening on/, 20_000, "chunkwise worker");
  return { child, pid: child.pid!, output: () => text, stop: () => stopChild(child) };
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
