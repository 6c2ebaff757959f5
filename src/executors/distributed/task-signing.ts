/**
 * Signed task jobs: write access to the Redis queue alone must not be enough to make a
 * `chunkwise worker` do anything. A client holding the task key signs every job it queues with
 * HMAC-SHA256 over a canonical form of the message (a version tag, the queue name, the job id
 * and the job's data as JSON with its object keys sorted); a worker holding the same key checks
 * the signature, in constant time, before it reads a scratch file, imports a module or touches
 * a store. Binding the queue and job id into the signature means a captured job cannot be
 * replayed as another job or on another queue; a task kept in a scratch file is covered by its
 * SHA-256, which the signed data carries. Workers sign their answers the same way (under
 * another tag), and a client with a key takes no answer that is not signed.
 *
 * Keys are at least 32 bytes of secret (e.g. `openssl rand -hex 32`): given as bytes or text to
 * the API, read from a file (`--task-key-file`) or the `CHUNKWISE_TASK_KEY` variable on the
 * command line. A key never reaches a message.
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { ValueError, show } from "../../core/errors.js";

/** A task key: text (its UTF-8 bytes are the key) or bytes. */
export type TaskKey = string | Uint8Array;

/** The environment variable the command line reads a task key from (the key itself). */
export const TASK_KEY_ENV = "CHUNKWISE_TASK_KEY";

/** The shortest key accepted, in bytes. */
const MIN_TASK_KEY_BYTES = 32;

const TAG = "chunkwise-task-v1";
const SIG = /^[0-9a-f]{64}$/;

/**
 * The task key a client (`distributed`) or a worker (`distributedWorker`) signs and checks
 * with, as bytes; undefined only with `insecure`, which must then come without a key.
 * @throws {ValueError} for neither a key nor `insecure`, both, or a bad key (see {@link taskKeyBytes})
 * @example requiredTaskKey("distributed", { taskKey: "0123456789abcdef0123456789abcdef" })?.length // 32
 */
export function requiredTaskKey(fn: string, options: { readonly taskKey?: unknown; readonly insecure?: boolean | undefined }): Buffer | undefined {
  if (options.insecure === true) {
    if (options.taskKey !== undefined) throw new ValueError(fn, `insecure must not come with a taskKey; got both. Drop insecure: with a key, every task is signed and checked`);
    return undefined;
  }
  if (options.taskKey === undefined) {
    throw new ValueError(fn, `taskKey must be given, the secret the clients and the workers share so that only trusted clients' tasks run; got none. Pass { taskKey: readFileSync("task.key") } on both sides (the command line: --task-key-file task.key), the file made with 'openssl rand -hex 32 > task.key'; or { insecure: true } on both sides (--insecure) to accept anyone who can write to the queue`);
  }
  return taskKeyBytes(fn, options.taskKey);
}

/**
 * The key as bytes, without trailing white space (spaces, tabs, line ends), checked for length.
 * @throws {ValueError} for a key that is not text or bytes, or shorter than 32 bytes (the key is never shown)
 * @example taskKeyBytes("distributed", "0123456789abcdef0123456789abcdef").length // 32
 */
export function taskKeyBytes(fn: string, key: unknown): Buffer {
  const raw = typeof key === "string" ? Buffer.from(key, "utf8") : key instanceof Uint8Array ? Buffer.from(key) : undefined;
  if (raw === undefined) {
    throw new ValueError(fn, `taskKey must be text or bytes; got ${show(typeof key)}. Pass the contents of a key file made with 'openssl rand -hex 32'`);
  }
  // Trailing white space never counts, so a key file's newline gives the same key everywhere.
  let end = raw.length;
  while (end > 0 && (raw[end - 1] === 0x20 || raw[end - 1] === 0x09 || raw[end - 1] === 0x0a || raw[end - 1] === 0x0d)) end--;
  const bytes = raw.subarray(0, end);
  if (bytes.length < MIN_TASK_KEY_BYTES) {
    throw new ValueError(fn, `taskKey must be at least ${MIN_TASK_KEY_BYTES} bytes; got ${bytes.length} (never shown). Make one with 'openssl rand -hex 32 > chunkwise-task.key'`);
  }
  return bytes;
}

/**
 * Reads a task key from a file: its contents, without trailing white space as everywhere.
 * @throws {ValueError} for an unreadable file or a key shorter than 32 bytes
 * @example readTaskKeyFile("worker", "/etc/chunkwise/task.key")
 */
export function readTaskKeyFile(fn: string, file: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ValueError(fn, `the task key file must be readable; got ${JSON.stringify(file)} (${(e as NodeJS.ErrnoException).code ?? String(e)}). Make one with 'openssl rand -hex 32 > ${file}' and give it to every client and worker`);
  }
  return taskKeyBytes(fn, bytes);
}

/**
 * JSON with every object's keys in sorted order, so the same value always gives the same text
 * (BullMQ stores job data as JSON; the worker sees the same values the client signed).
 * `undefined` object members are left out, as JSON.stringify does.
 * @throws {ValueError} for values JSON cannot carry (functions, bigints, symbols, non-finite numbers)
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const walk = (v: unknown, depth: number): string => {
    if (depth > 64) throw new ValueError("distributed", `a job must nest at most 64 levels deep to be signed; got deeper. This is a bug in chunkwise`);
    if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new ValueError("distributed", `a job must hold finite numbers to be signed; got ${v}. This is a bug in chunkwise`);
      return JSON.stringify(v);
    }
    if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : walk(x, depth + 1))).join(",")}]`;
    if (typeof v === "object") {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${walk(o[k], depth + 1)}`).join(",")}}`;
    }
    throw new ValueError("distributed", `a job must hold only JSON values to be signed; got ${typeof v}. This is a bug in chunkwise`);
  };
  return walk(value, 0);
}

/** Where a job goes: it is part of what is signed. */
export interface JobAddress {
  readonly queue: string;
  readonly jobId: string;
}

function mac(key: Buffer, at: JobAddress, data: object, tag = TAG): Buffer {
  const { sig: _sig, ...rest } = data as { sig?: unknown };
  // Signed as it travels: BullMQ stores JSON (undefined members dropped, NaN as null).
  const plain = JSON.parse(JSON.stringify(rest)) as unknown;
  return createHmac("sha256", key).update(`${tag}\n${at.queue}\n${at.jobId}\n${canonicalJson(plain)}`, "utf8").digest();
}

/**
 * The signature (64 hex digits) of job `data` (any `sig` member of it left out) bound for `at`.
 * @example const sig = signJob(key, { queue: "chunkwise", jobId: "ab12-1" }, data);
 */
export function signJob(key: Buffer, at: JobAddress, data: object): string {
  return mac(key, at, data).toString("hex");
}

/**
 * Whether `data.sig` is the signature of `data` for `at` under `key`; compared in constant
 * time. Looks at nothing but the JSON values, so it is safe on any message.
 * @example if (!verifyJob(key, { queue: job.queueName, jobId: job.id }, job.data)) refuse();
 */
export function verifyJob(key: Buffer, at: JobAddress, data: unknown): boolean {
  return verify(key, at, data, TAG);
}

function verify(key: Buffer, at: JobAddress, data: unknown, tag: string): boolean {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return false;
  const sig = (data as { sig?: unknown }).sig;
  if (typeof sig !== "string" || !SIG.test(sig)) return false;
  let want: Buffer;
  try {
    want = mac(key, at, data, tag);
  } catch {
    return false;
  }
  return timingSafeEqual(want, Buffer.from(sig, "hex"));
}

const ANSWER_TAG = "chunkwise-answer-v1";

/**
 * The signature of a worker's answer to job `at` (its `sig` member left out): the client
 * takes only answers signed with the key, so someone who can write to Redis cannot hand it
 * a result.
 * @example const reply = { ...answer, sig: signAnswer(key, at, answer) };
 */
export function signAnswer(key: Buffer, at: JobAddress, answer: object): string {
  return mac(key, at, answer, ANSWER_TAG).toString("hex");
}

/**
 * Whether `answer.sig` signs `answer` for job `at` under `key` (constant-time compare).
 * @example if (!verifyAnswer(key, at, event.returnvalue)) ignore();
 */
export function verifyAnswer(key: Buffer, at: JobAddress, answer: unknown): boolean {
  return verify(key, at, answer, ANSWER_TAG);
}

/** SHA-256 of bytes, as hex: how a signed job covers a task kept in a scratch file. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
