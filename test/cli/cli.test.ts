import { spawn } from "node:child_process";
import { createPrivateKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/command.js";
import { main } from "../../src/cli/run.js";
import { closedPort, makeCertificates, REPO } from "../executors/redis-fixture.js";

// Client certificates for the --redis-cert/--redis-key checks (openssl, through the distributed tests' fixture).
const certDir = mkdtempSync(join(tmpdir(), "chunkwise-cli-"));
afterAll(() => rmSync(certDir, { recursive: true, force: true }));
const certs = makeCertificates(certDir);
const encryptedKey = join(certDir, "encrypted.key");
writeFileSync(encryptedKey, createPrivateKey(readFileSync(certs.clientKey)).export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "pass" }));
const shortKey = join(certDir, "short.key");
writeFileSync(shortKey, "too-short\n");
const goodKey = join(certDir, "task.key");
writeFileSync(goodKey, `${"ab".repeat(32)}\n`);
/** Every line of the client keys between BEGIN and END: what no output may show. */
const keyLines = [certs.clientKey, certs.otherClientKey, encryptedKey].flatMap((f) => readFileSync(f, "utf8").split("\n").filter((l) => l !== "" && !l.startsWith("-----")));

function capture(): CliIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, out: () => out, err: () => err };
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Runs the bin from source as a user would, with a time limit. */
function spawnCli(args: readonly string[], timeoutMs = 15_000): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CHUNKWISE_REDIS_URL: "" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`chunkwise ${args.join(" ")} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err, ms: Date.now() - t0 });
    });
  });
}

describe("chunkwise (in process)", () => {
  it("--help lists the commands, exit 0; no command prints it to stderr, exit 2", async () => {
    const help = await run("--help");
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage: chunkwise <command>");
    expect(help.out).toMatch(/worker\s+pull chunk tasks/);
    const none = await run();
    expect(none.code).toBe(2);
    expect(none.err).toContain("Usage: chunkwise <command>");
  });

  it("worker --help documents every option, exit 0", async () => {
    const r = await run("worker", "--help");
    expect(r.code).toBe(0);
    for (const opt of ["--redis", "--redis-ca", "--redis-cert", "--redis-key", "--kernels", "--concurrency", "--scratch", "--queue", "--stale-ms", "--stores", "--task-key-file", "--insecure", "--import-timeout-ms", "--task-timeout-ms", "--verbose"]) expect(r.out).toContain(opt);
  });

  it.each([
    [["frobnicate"], 'chunkwise: unknown command "frobnicate"; choose from deconvolve, demo, info, worker'],
    [["worker"], "chunkwise: worker: --redis must name the Redis server; got nothing"],
    [["worker", "--redis", "redis://h:1", "--bogus"], "chunkwise: worker: Unknown option '--bogus'"],
    [["worker", "--redis", "redis://h:1", "--concurrency", "two"], 'chunkwise: worker: --concurrency must be an integer >= 1; got "two"'],
    [["worker", "--redis", "redis://h:1", "--stale-ms", "5"], 'chunkwise: worker: --stale-ms must be an integer >= 200; got "5"'],
    [["worker", "--redis", "redis://h:1", "extra"], 'chunkwise: worker: takes no positional arguments; got "extra"'],
    [["worker", "--redis", "redis://u:pw@h:1", "--redis-ca", "ca.pem"], "chunkwise: worker: --redis-ca must come with a rediss:// URL (TLS); got redis://u:***@h:1"],
    [["worker", "--redis", "rediss://h:1", "--redis-ca", "/no/such/ca.pem"], 'chunkwise: worker: --redis-ca must name a readable file; got "/no/such/ca.pem" (ENOENT)'],
    [["worker", "--redis", "rediss://h:1", "--redis-ca", "package.json"], 'chunkwise: worker: --redis-ca must name a PEM certificate file; got "package.json"'],
    [["worker", "--redis", "rediss://h:1", "--redis-cert", certs.clientCert], "chunkwise: worker: --redis-cert and --redis-key must be given together; got --redis-cert without --redis-key. Pass the client certificate and its key"],
    [["worker", "--redis", "rediss://h:1", "--redis-key", certs.clientKey], "chunkwise: worker: --redis-cert and --redis-key must be given together; got --redis-key without --redis-cert"],
    [["worker", "--redis", "redis://u:pw@h:1", "--redis-cert", certs.clientCert, "--redis-key", certs.clientKey], "chunkwise: worker: --redis-cert must come with a rediss:// URL (TLS); got redis://u:***@h:1. Write rediss://host:port"],
    [["worker", "--redis", "rediss://h:1", "--redis-cert", "/no/such/client.crt", "--redis-key", certs.clientKey], 'chunkwise: worker: --redis-cert must name a readable file; got "/no/such/client.crt" (ENOENT). Pass the PEM client certificate to present to Redis'],
    [["worker", "--redis", "rediss://h:1", "--redis-cert", certs.clientCert, "--redis-key", certDir], `chunkwise: worker: --redis-key must name a readable file; got ${JSON.stringify(certDir)} (EISDIR). Pass the PEM private key of --redis-cert`],
    [["worker", "--redis", "rediss://h:1", "--redis-cert", "package.json", "--redis-key", certs.clientKey], 'chunkwise: worker: --redis-cert must name a PEM certificate file; got "package.json", which holds no "-----BEGIN CERTIFICATE-----". Convert a DER file with: openssl x509 -inform der'],
    [["worker", "--redis", "rediss://h:1", "--redis-cert", certs.clientCert, "--redis-key", certs.clientCert], `chunkwise: worker: --redis-key must name a PEM private key file; got ${JSON.stringify(certs.clientCert)}, which holds no "-----BEGIN ... PRIVATE KEY-----". Convert a DER file with: openssl pkey -inform der`],
    [["worker", "--redis", "rediss://h:1", "--redis-cert", certs.clientCert, "--redis-key", certs.otherClientKey], "chunkwise: worker: --redis-cert and --redis-key must name a certificate and its unencrypted private key; got a key that is not the certificate's (key values mismatch). Pass the key made together with the certificate"],
    [["worker", "--redis", "rediss://h:1", "--redis-cert", certs.clientCert, "--redis-key", encryptedKey], "chunkwise: worker: --redis-cert and --redis-key must name a certificate and its unencrypted private key; got an encrypted key (chunkwise takes no passphrase). Decrypt it into a file only this user can read: openssl pkey -in client.key -out client-plain.key"],
    [["worker", "--redis", "redis://h:1"], "chunkwise: worker: a task key must be given so that only trusted clients' tasks run; got neither --task-key-file nor CHUNKWISE_TASK_KEY. Make one with 'openssl rand -hex 32 > task.key' and pass --task-key-file task.key to the workers and the client, or --insecure to run anyone's tasks"],
    [["worker", "--redis", "redis://h:1", "--task-key-file", "/no/such/task.key"], 'chunkwise: worker: the task key file must be readable; got "/no/such/task.key" (ENOENT)'],
    [["worker", "--redis", "redis://h:1", "--task-key-file", shortKey], "chunkwise: worker: taskKey must be at least 32 bytes; got 9 (never shown). Make one with 'openssl rand -hex 32 > chunkwise-task.key'"],
    [["worker", "--redis", "redis://h:1", "--task-key-file", goodKey, "--insecure"], "chunkwise: worker: --insecure must not come with a task key; got --task-key-file."],
    [["worker", "--redis", "redis://h:1", "--insecure", "--import-timeout-ms", "soon"], 'chunkwise: worker: --import-timeout-ms must be an integer >= 0; got "soon"'],
    [["worker", "--redis", "redis://h:1", "--insecure", "--import-timeout-ms", ""], 'chunkwise: worker: --import-timeout-ms must be an integer >= 0; got ""'],
    [["worker", "--redis", "redis://h:1", "--concurrency", "0x2"], 'chunkwise: worker: --concurrency must be an integer >= 1; got "0x2"'],
    [["deconvolve", "in.zarr", "--psf", "p.tif", "--out", "o.zarr", "--insecure"], "chunkwise: deconvolve: --insecure must come with --executor distributed; got --executor threads"],
  ])("usage error %j: one line, exit 2", async (argv, message) => {
    const prev = process.env.CHUNKWISE_REDIS_URL;
    const prevKey = process.env.CHUNKWISE_TASK_KEY;
    delete process.env.CHUNKWISE_REDIS_URL;
    delete process.env.CHUNKWISE_TASK_KEY;
    try {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.err.startsWith(message)).toBe(true);
      expect(r.err.trimEnd().split("\n")).toHaveLength(1);
      for (const line of keyLines) expect(r.err).not.toContain(line);
    } finally {
      if (prev !== undefined) process.env.CHUNKWISE_REDIS_URL = prev;
      if (prevKey !== undefined) process.env.CHUNKWISE_TASK_KEY = prevKey;
    }
  });

  it("a missing kernel module is a usage error (exit 2) in one line; --verbose adds the stack", async () => {
    const r = await run("worker", "--redis", "redis://127.0.0.1:1", "--insecure", "--kernels", "./no-such-kernels.js");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^chunkwise: worker: every --kernels module must be a file; got "\.\/no-such-kernels\.js"/);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    const v = await run("worker", "--redis", "redis://127.0.0.1:1", "--insecure", "--kernels", "./no-such-kernels.js", "--verbose");
    expect(v.err.trimEnd().split("\n").length).toBeGreaterThan(2);
    expect(v.err).toContain("at ");
  });
});

describe("chunkwise (the bin, spawned)", () => {
  it("node src/cli/main.ts --help: exit 0", async () => {
    const r = await spawnCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("worker");
  });

  it("worker with an unreachable Redis: a usage error (exit 2, as deconvolve's), one line, password masked", async () => {
    const port = await closedPort();
    const r = await spawnCli(["worker", "--redis", `redis://app:hunter2-secret@127.0.0.1:${port}`, "--task-key-file", goodKey]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`chunkwise: worker: Redis at redis://app:***@127.0.0.1:${port} must be reachable; got`);
    expect(r.err).not.toContain("hunter2");
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  });
});
