/**
 * Starts Debian's redis-server on 127.0.0.1 and a free port (retrying on EADDRINUSE) for the distributed tests (plain,
 * or TLS-only with a throwaway CA made by openssl, optionally demanding client certificates), and `chunkwise worker` processes from
 * source (`node --import tsx src/cli/main.ts worker ...`). A missing redis-server or openssl
 * fails the tests (never skips them), saying how to install it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** Whether `port` on 127.0.0.1 can be listened on right now (the probe closes at once). */
function canListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(undefined));
    s.listen(port, "127.0.0.1", () => {
      const got = (s.address() as { port: number }).port;
      s.close(() => resolve(got));
    });
  });
}

/** The kernel's ephemeral port range: where `listen(0)` and outgoing connections take ports. */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi)) return [lo!, hi!];
  } catch {
    // Not Linux: the IANA range most other systems use.
  }
  return [49152, 65535];
}

/**
 * A TCP port on 127.0.0.1 where nothing listens, for "Redis is unreachable" tests. It lies
 * below the ephemeral range, where no test server (they all take ports through `listen(0)`,
 * see {@link startRedis}) and no outgoing connection is ever given a port, so it stays closed
 * while the test runs.
 */
export async function closedPort(): Promise<number> {
  const [lo] = ephemeralRange();
  const top = Math.min(lo, 65536) - 1;
  for (let tries = 0; tries < 100; tries++) {
    const port = 20_000 + Math.floor(Math.random() * Math.max(1, top - 20_000));
    if ((await canListen(port)) !== undefined) return port;
  }
  throw new Error(`closedPort: a closed port must exist between 20000 and ${top} on 127.0.0.1; got none in 100 tries. Free some ports`);
}

/**
 * A port the kernel just handed out on 127.0.0.1 (through `listen(0)`) and closed again. Anyone
 * may take it before the caller listens there, so a caller that listens must retry on
 * EADDRINUSE with a new one, as {@link startRedis} does.
 */
async function freePort(): Promise<number> {
  const port = await canListen(0);
  if (port === undefined) throw new Error("freePort: 127.0.0.1 must accept a listening socket on port 0; got an error. Check the loopback interface");
  return port;
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
    // "close", not "exit": it comes after the output is all read, so the message has all of it.
    child.once("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code}; output:\n${text}`));
    });
  });
}

/** A redis-server of our own. */
export interface RedisFixture {
  readonly port: number;
  /** redis://127.0.0.1:port, or rediss:// when started with `tls`. */
  readonly url: string;
  stop(): Promise<void>;
  /** Stops it and starts it again on the same port, empty (nothing is persisted). */
  restart(): Promise<void>;
}

/** PEM files made by {@link makeCertificates}. */
export interface Certificates {
  /** The CA that signed `cert` and `clientCert`. */
  readonly ca: string;
  /** A server certificate for 127.0.0.1 and localhost, and its key. */
  readonly cert: string;
  readonly key: string;
  /** A client certificate (CN "chunkwise test client", for clientAuth) signed by `ca`, and its key. */
  readonly clientCert: string;
  readonly clientKey: string;
  /** Another CA, which signed only `otherClientCert`. */
  readonly otherCa: string;
  /** A client certificate like `clientCert` but signed by `otherCa`, and its key. */
  readonly otherClientCert: string;
  readonly otherClientKey: string;
}

/**
 * Makes two throwaway CAs in `dir`, a server certificate for 127.0.0.1 signed by the first, and
 * a client certificate signed by each (EC P-256 keys, valid one day).
 */
export function makeCertificates(dir: string): Certificates {
  const f = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    const r = spawnSync("openssl", args, { encoding: "utf8" });
    if (r.error !== undefined) throw new Error("the TLS tests need openssl, which is not installed: run `apt-get install -y openssl`");
    if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr}`);
  };
  for (const ca of ["ca", "other-ca"]) {
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f(`${ca}.key`));
    openssl("req", "-x509", "-new", "-key", f(`${ca}.key`), "-subj", `/CN=chunkwise test ${ca}`, "-days", "1", "-out", f(`${ca}.crt`));
  }
  const sign = (name: string, ca: string, subject: string, extensions: string): void => {
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f(`${name}.key`));
    openssl("req", "-new", "-key", f(`${name}.key`), "-subj", subject, "-out", f(`${name}.csr`));
    writeFileSync(f(`${name}.ext`), extensions);
    openssl("x509", "-req", "-in", f(`${name}.csr`), "-CA", f(`${ca}.crt`), "-CAkey", f(`${ca}.key`), "-CAcreateserial", "-days", "1", "-extfile", f(`${name}.ext`), "-out", f(`${name}.crt`));
  };
  sign("server", "ca", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  sign("client", "ca", "/CN=chunkwise test client", "extendedKeyUsage=clientAuth\n");
  sign("other-client", "other-ca", "/CN=chunkwise test client", "extendedKeyUsage=clientAuth\n");
  return {
    ca: f("ca.crt"),
    cert: f("server.crt"),
    key: f("server.key"),
    clientCert: f("client.crt"),
    clientKey: f("client.key"),
    otherCa: f("other-ca.crt"),
    otherClientCert: f("other-client.crt"),
    otherClientKey: f("other-client.key"),
  };
}

/**
 * Starts redis-server on 127.0.0.1 and a free port (extra args such as --requirepass); with
 * `tls`, on a TLS port only, presenting `tls.cert`, and with `authClients` requiring clients
 * to present a certificate signed by `tls.ca` (Redis' default, `--tls-auth-clients yes`).
 */
export async function startRedis(extra: readonly string[] = [], options: { tls?: Certificates; authClients?: boolean } = {}): Promise<RedisFixture> {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (probe.error !== undefined) {
    throw new Error("the distributed tests need Debian's redis-server, which is not installed: run `apt-get install -y redis-server` (the CI script installs it)");
  }
  const tls = options.tls;
  const listen = (port: number): string[] => tls === undefined
    ? ["--port", String(port)]
    : ["--port", "0", "--tls-port", String(port), "--tls-cert-file", tls.cert, "--tls-key-file", tls.key, "--tls-ca-cert-file", tls.ca, "--tls-auth-clients", options.authClients === true ? "yes" : "no"];
  const startOn = async (port: number): Promise<ChildProcess> => {
    const child = spawn("redis-server", [...listen(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...extra], { stdio: ["ignore", "pipe", "pipe"] });
    await waitForOutput(child, /Ready to accept connections/, 10_000, "redis-server");
    return child;
  };
  // redis-server cannot listen on port 0 and report the port, so it takes a port freePort just
  // released; another process may take that first, and then redis-server exits saying so.
  const inUse = (e: unknown): boolean => e instanceof Error && /Address already in use/.test(e.message);
  let port = 0;
  const firstStart = async (): Promise<ChildProcess> => {
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        return await startOn(port);
      } catch (e) {
        if (!inUse(e) || attempt === 5) throw e;
      }
    }
  };
  let child = await firstStart();
  // A restart keeps its port (the test's clients hold the URL); if someone took it meanwhile,
  // wait for it rather than fail at once.
  const start = async (): Promise<ChildProcess> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await startOn(port);
      } catch (e) {
        if (!inUse(e) || attempt === 20) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  };
  return {
    port,
    url: `${tls === undefined ? "redis" : "rediss"}://127.0.0.1:${port}`,
    stop: () => stopChild(child),
    async restart() {
      await stopChild(child);
      child = await start();
    },
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

/**
 * The task key the test workers and clients share (every task must be signed with it): a
 * throwaway 64-hex-digit secret made per test run.
 */
export const TEST_TASK_KEY = randomBytes(32).toString("hex");

/**
 * Spawns `chunkwise worker` from source and waits until it listens. It holds
 * {@link TEST_TASK_KEY} (through CHUNKWISE_TASK_KEY) unless `env` sets that variable itself
 * (`undefined` to leave it out) or `args` has `--insecure` or `--task-key-file`.
 */
export async function spawnWorker(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<WorkerProcess> {
  const ownKey = args.includes("--insecure") || args.includes("--task-key-file") || "CHUNKWISE_TASK_KEY" in env;
  const merged: NodeJS.ProcessEnv = { ...process.env, ...(ownKey ? {} : { CHUNKWISE_TASK_KEY: TEST_TASK_KEY }), ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "worker", ...args], { cwd: REPO, env: merged, stdio: ["ignore", "pipe", "pipe"] });
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
