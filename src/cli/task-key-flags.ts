/**
 * The `--task-key-file` and `--insecure` flags that `chunkwise worker`, `deconvolve` and `demo`
 * share: the secret that signs (client) and checks (worker) every task, read from a file or from
 * the `CHUNKWISE_TASK_KEY` environment variable, or an explicit opt-out.
 * @module
 */
import { ValueError } from "../core/errors.js";
import { readTaskKeyFile, TASK_KEY_ENV, taskKeyBytes } from "../executors/distributed/task-signing.js";
import { UsageError } from "./command.js";

/** The flags, for `parseArgs`. */
export const TASK_KEY_OPTIONS = {
  "task-key-file": { type: "string" },
  insecure: { type: "boolean" },
} as const;

/**
 * The task key the flags or the environment give, or `insecure`.
 * @throws {UsageError} for no key without --insecure, both, an unreadable file or a short key
 * @example taskKeyFlags("worker", { "task-key-file": "task.key" }) // { taskKey: <Buffer ...> }
 */
export function taskKeyFlags(command: string, values: Record<string, unknown>): { taskKey: Buffer } | { insecure: true } {
  const file = values["task-key-file"] as string | undefined;
  const env = process.env[TASK_KEY_ENV];
  const fromEnv = env === undefined || env === "" ? undefined : env;
  if (values.insecure === true) {
    if (file !== undefined || fromEnv !== undefined) {
      throw new UsageError(`${command}: --insecure must not come with a task key; got ${file !== undefined ? "--task-key-file" : TASK_KEY_ENV}. Drop --insecure (with a key every task is ${command === "worker" ? "checked" : "signed"}), or unset ${TASK_KEY_ENV}`);
    }
    return { insecure: true };
  }
  try {
    if (file !== undefined) return { taskKey: readTaskKeyFile(command, file) };
    if (fromEnv !== undefined) return { taskKey: taskKeyBytes(command, fromEnv) };
  } catch (e) {
    throw new UsageError(e instanceof ValueError ? e.message : String(e), { cause: e });
  }
  const who = command === "worker" ? "so that only trusted clients' tasks run" : "to sign the tasks the workers run";
  throw new UsageError(`${command}: a task key must be given ${who}; got neither --task-key-file nor ${TASK_KEY_ENV}. Make one with 'openssl rand -hex 32 > task.key' and pass --task-key-file task.key to the workers and the client${command === "worker" ? ", or --insecure to run anyone's tasks" : ""}`);
}
