/**
 * `chunkwise worker`: a process that pulls chunk tasks from a Redis queue and runs them (see
 * `startWorker` in executors/distributed-worker.ts). Stops on SIGINT or SIGTERM after the
 * tasks it is running finish.
 * @module
 */
import { readFileSync } from "node:fs";
import { startWorker } from "../executors/distributed-worker.js";
import { CERT_LINE, KEY_LINE, keyPairProblem, type RedisTls } from "../executors/redis-connection.js";
import type { Command } from "./run.js";
import { UsageError } from "./run.js";

const HELP = `Usage: chunkwise worker --redis URL [options]

Pulls chunk tasks from a Redis queue (BullMQ), runs them, and reports back. Start as many as
you like, on any machine that reaches Redis and the shared scratch directory.

Options:
  --redis URL          Redis server: redis://[user:password@]host:port[/db], or rediss://
                       for TLS. Default: the CHUNKWISE_REDIS_URL environment variable (keeps
                       the password out of the process list).
  --redis-ca FILE      PEM certificate of the CA that signed the server's TLS certificate
                       (rediss:// only), when it is not a public one. NODE_EXTRA_CA_CERTS=FILE
                       works too.
  --redis-cert FILE    PEM client certificate to present to a Redis that requires one
                       (tls-auth-clients yes, Redis' default; rediss:// only), signed by a
                       CA in the server's tls-ca-cert-file. Needs --redis-key.
  --redis-key FILE     Unencrypted PEM private key of --redis-cert (never printed).
  --kernels LIST       Comma-separated kernel modules this worker may import (.js, or .ts with
                       tsx installed). chunkwise's own kernels are always allowed; a task
                       naming any other module is refused.
  --concurrency N      Tasks at once, each on its own thread (default: number of cores).
  --scratch DIR        Shared scratch directory for blocks passed between tasks (default:
                       <tmpdir>/chunkwise-scratch); the same one the client's scratchDir names.
  --queue NAME         Queue name (default: chunkwise).
  --stale-ms N         A task whose worker shows no sign of life for N ms runs again
                       elsewhere (default: 30000).
  --stores LIST        Comma-separated directories; if given, tasks may read and write zarr
                       stores only inside them.
  --verbose            Log every task, and stacks with errors.
  -h, --help           Show this help.

Example:
  chunkwise worker --redis redis://10.0.0.5:6379 --kernels ./kernels.js --scratch /mnt/shared/scratch
`;

function list(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((s) => String(s).split(",")).map((s) => s.trim()).filter((s) => s !== "");
}

function integer(name: string, v: unknown, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`worker: --${name} must be an integer >= ${min}; got ${JSON.stringify(v)}. Run 'chunkwise worker --help'`);
  return n;
}

/** What the file of each `--redis-*` flag must hold: a PEM line, what it is, how to convert a DER file. */
const PEM_FILES = {
  "redis-ca": { noun: "certificate", line: CERT_LINE, what: "the PEM certificate of the CA that signed Redis' certificate", fix: "openssl x509 -inform der -in ca.der -out ca.pem" },
  "redis-cert": { noun: "certificate", line: CERT_LINE, what: "the PEM client certificate to present to Redis", fix: "openssl x509 -inform der -in client.der -out client.crt" },
  "redis-key": { noun: "private key", line: "-----BEGIN ... PRIVATE KEY-----", what: "the PEM private key of --redis-cert", fix: "openssl pkey -inform der -in client-key.der -out client.key" },
} as const;

/** The text of the PEM file a `--redis-*` flag names (rediss:// only). */
function readPem(flag: keyof typeof PEM_FILES, file: string, redis: string): string {
  const kind = PEM_FILES[flag];
  if (!/^rediss:\/\//i.test(redis)) throw new UsageError(`worker: --${flag} must come with a rediss:// URL (TLS); got ${redis}. Write rediss://host:port`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`worker: --${flag} must name a readable file; got ${JSON.stringify(file)} (${(e as NodeJS.ErrnoException).code ?? String(e)}). Pass ${kind.what}`);
  }
  if (flag === "redis-key" ? !KEY_LINE.test(text) : !text.includes(CERT_LINE)) {
    throw new UsageError(`worker: --${flag} must name a PEM ${kind.noun} file; got ${JSON.stringify(file)}, which holds no "${kind.line}". Convert a DER file with: ${kind.fix}`);
  }
  return text;
}

/** `--redis-ca`, `--redis-cert` and `--redis-key` as `tls` options; undefined when none is given. */
function tlsFlags(values: Record<string, unknown>, redis: string): RedisTls | undefined {
  const [caFile, certFile, keyFile] = (["redis-ca", "redis-cert", "redis-key"] as const).map((k) => values[k] as string | undefined);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError(`worker: --redis-cert and --redis-key must be given together; got ${certFile === undefined ? "--redis-key without --redis-cert" : "--redis-cert without --redis-key"}. Pass the client certificate and its key`);
  }
  const ca = caFile === undefined ? undefined : readPem("redis-ca", caFile, redis);
  if (certFile === undefined || keyFile === undefined) return ca === undefined ? undefined : { ca };
  const cert = readPem("redis-cert", certFile, redis);
  const key = readPem("redis-key", keyFile, redis);
  const problem = keyPairProblem(cert, key);
  if (problem !== undefined) throw new UsageError(`worker: --redis-cert and --redis-key must name a certificate and its unencrypted private key; got ${problem.why}. ${problem.fix}`);
  return { ...(ca === undefined ? {} : { ca }), cert, key };
}

/** The `worker` command. */
export const workerCommand: Command = {
  name: "worker",
  summary: "pull chunk tasks from a Redis queue and run them (distributed executor)",
  help: HELP,
  options: {
    redis: { type: "string" },
    "redis-ca": { type: "string" },
    "redis-cert": { type: "string" },
    "redis-key": { type: "string" },
    kernels: { type: "string", multiple: true },
    concurrency: { type: "string" },
    scratch: { type: "string" },
    queue: { type: "string" },
    "stale-ms": { type: "string" },
    stores: { type: "string", multiple: true },
  },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`worker: takes no positional arguments; got ${JSON.stringify(positionals[0])}. Run 'chunkwise worker --help'`);
    const redis = (values.redis as string | undefined) ?? process.env.CHUNKWISE_REDIS_URL;
    if (redis === undefined || redis === "") {
      throw new UsageError("worker: --redis must name the Redis server; got nothing. Pass --redis redis://host:6379 or set CHUNKWISE_REDIS_URL");
    }
    const tls = tlsFlags(values, redis);
    const concurrency = integer("concurrency", values.concurrency, 1);
    const staleMs = integer("stale-ms", values["stale-ms"], 200);
    const stores = list(values.stores);
    const worker = await startWorker({
      connection: tls === undefined ? redis : { url: redis, tls },
      kernels: list(values.kernels),
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(staleMs === undefined ? {} : { staleMs }),
      ...(values.scratch === undefined ? {} : { scratchDir: values.scratch as string }),
      ...(values.queue === undefined ? {} : { queue: values.queue as string }),
      ...(stores.length === 0 ? {} : { stores }),
      verbose: values.verbose === true,
      log: (line) => io.stderr.write(`${line}\n`),
    });
    await new Promise<void>((resolve) => {
      if (io.signal !== undefined) {
        if (io.signal.aborted) resolve();
        io.signal.addEventListener("abort", () => resolve(), { once: true });
        return;
      }
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
    io.stderr.write(`chunkwise worker: stopping after running tasks finish${io.signal === undefined ? " (the same signal again stops at once)" : ""}\n`);
    await worker.close();
    return 0;
  },
};
