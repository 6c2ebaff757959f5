/**
 * `chunkwise worker`: a process that pulls chunk tasks from a Redis queue and runs them (see
 * `startWorker` in executors/distributed-worker.ts). Stops on SIGINT or SIGTERM after the
 * tasks it is running finish.
 * @module
 */
import { ValueError } from "../core/errors.js";
import { startWorker } from "../executors/distributed/distributed-worker.js";
import { DistributedError } from "../executors/distributed/distributed-error.js";
import { REDIS_TLS_OPTIONS, redisTlsFlags } from "./redis-tls-flags.js";
import { TASK_KEY_OPTIONS, taskKeyFlags } from "./task-key-flags.js";
import type { Command } from "./command.js";
import { UsageError } from "./command.js";
import { decimal } from "./job-args.js";

const HELP = `Usage: chunkwise worker --redis URL --task-key-file FILE [options]

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
  --task-key-file FILE Secret every task must be signed with (at least 32 bytes; make one with
                       'openssl rand -hex 32 > FILE' and give the same file to the clients).
                       A task without a valid signature is refused before anything is read
                       or imported. Default: the CHUNKWISE_TASK_KEY environment variable (the
                       key itself). Required unless --insecure.
  --insecure           Run tasks without checking signatures (prints a warning): anyone who
                       can write to the queue can then make this worker read and write files.
  --kernels LIST       Comma-separated kernel modules this worker may import (.js, or .ts with
                       tsx installed). chunkwise's own kernel modules are always allowed; a
                       task naming any other module is refused before it is imported.
  --concurrency N      Tasks at once, each on its own thread (default: number of cores).
  --scratch DIR        Shared scratch directory for blocks passed between tasks (default:
                       <tmpdir>/chunkwise-scratch); the same one the client's scratchDir names.
  --queue NAME         Queue name (default: chunkwise).
  --stale-ms N         A task whose worker shows no sign of life for N ms runs again
                       elsewhere (default: 30000).
  --stores LIST        Comma-separated directories and http(s):// URL prefixes; if given,
                       tasks may read and write zarr stores and TIFF files only inside the
                       directories, and read URL stores only under the prefixes.
  --import-timeout-ms N
                       A task's kernel modules must finish importing within N ms, or the task
                       is refused and its slot freed (default: 60000; 0: no bound).
  --task-timeout-ms N  A task must finish within N ms, or its thread is stopped and the task
                       fails (default: 3600000, one hour; 0: no bound). Raise it for kernels
                       that legitimately run longer on one chunk.
  --verbose            Log every task, and stacks with errors.
  -h, --help           Show this help.

Example:
  chunkwise worker --redis redis://10.0.0.5:6379 --task-key-file /etc/chunkwise/task.key \
    --kernels ./kernels.js --scratch /mnt/shared/scratch
`;

function list(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((s) => String(s).split(",")).map((s) => s.trim()).filter((s) => s !== "");
}

function integer(name: string, v: unknown, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = decimal(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`worker: --${name} must be an integer >= ${min}; got ${JSON.stringify(v)}. Run 'chunkwise worker --help'`);
  return n;
}

/** The `worker` command. */
export const workerCommand: Command = {
  name: "worker",
  summary: "pull chunk tasks from a Redis queue and run them (distributed executor)",
  help: HELP,
  options: {
    redis: { type: "string" },
    ...REDIS_TLS_OPTIONS,
    ...TASK_KEY_OPTIONS,
    kernels: { type: "string", multiple: true },
    concurrency: { type: "string" },
    scratch: { type: "string" },
    queue: { type: "string" },
    "stale-ms": { type: "string" },
    stores: { type: "string", multiple: true },
    "import-timeout-ms": { type: "string" },
    "task-timeout-ms": { type: "string" },
  },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`worker: takes no positional arguments; got ${JSON.stringify(positionals[0])}. Run 'chunkwise worker --help'`);
    const redis = (values.redis as string | undefined) ?? process.env.CHUNKWISE_REDIS_URL;
    if (redis === undefined || redis === "") {
      throw new UsageError("worker: --redis must name the Redis server; got nothing. Pass --redis redis://host:6379 or set CHUNKWISE_REDIS_URL");
    }
    const tls = redisTlsFlags("worker", values, redis);
    const concurrency = integer("concurrency", values.concurrency, 1);
    const staleMs = integer("stale-ms", values["stale-ms"], 200);
    const stores = list(values.stores);
    const importTimeoutMs = integer("import-timeout-ms", values["import-timeout-ms"], 0);
    const taskTimeoutMs = integer("task-timeout-ms", values["task-timeout-ms"], 0);
    const signing = taskKeyFlags("worker", values);
    // A bad option (a missing --kernels file, an unreachable Redis) is a usage error, exit 2,
    // as for every other command.
    const worker = await startWorker({
      connection: tls === undefined ? redis : { url: redis, tls },
      kernels: list(values.kernels),
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(staleMs === undefined ? {} : { staleMs }),
      ...(values.scratch === undefined ? {} : { scratchDir: values.scratch as string }),
      ...(values.queue === undefined ? {} : { queue: values.queue as string }),
      ...(stores.length === 0 ? {} : { stores }),
      ...(importTimeoutMs === undefined ? {} : { importTimeoutMs }),
      ...(taskTimeoutMs === undefined ? {} : { taskTimeoutMs }),
      ...signing,
      verbose: values.verbose === true,
      log: (line) => io.stderr.write(`${line}\n`),
    }).catch((e: unknown) => {
      if (e instanceof ValueError || (e instanceof DistributedError && e.kind === "unreachable")) throw new UsageError((e as Error).message.split("\n")[0]!, { cause: e });
      throw e;
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
