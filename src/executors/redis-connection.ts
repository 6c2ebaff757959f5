/**
 * Redis connections for `distributed()` and `chunkwise worker`: URLs (`redis://`, and
 * `rediss://` for TLS) parsed into ioredis options, a redacted form for every message (the
 * password never reaches a log or an error), and a probe that turns an unreachable server into
 * one clear error within a few seconds instead of ioredis' endless reconnecting.
 * @module
 */
import { Redis, type RedisOptions } from "ioredis";
import { ChunkwiseError, ValueError } from "../core/errors.js";

/** A Redis server: a URL string, or `{ url }`. */
export type RedisConnection = string | { readonly url: string };

/** Failures of the distributed machinery (not of a kernel): Redis unreachable, a refused job, a timeout. */
export class DistributedError extends ChunkwiseError {
  /** What went wrong: "unreachable", "refused" (a job the worker will not run), "timeout". */
  readonly kind: "unreachable" | "refused" | "timeout";
  constructor(fn: string, message: string, details: { kind: DistributedError["kind"]; cause?: unknown }) {
    super(fn, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
  }
}

/** Parsed connection: ioredis options, the URL with its password masked, and the secrets to mask. */
export interface ParsedRedis {
  readonly options: RedisOptions;
  readonly redacted: string;
  readonly secrets: readonly string[];
}

/**
 * Parses `redis://[user[:password]@]host[:port][/db]` or `rediss://...` (TLS; the host name is
 * checked against the server's certificate). A bare `host:port` means `redis://host:port`.
 * @throws {ValueError} for another scheme, a bad port or a bad database number
 * @example
 * ```ts
 * parseRedis("rediss://app:s3cret@cache.example:6380/2").redacted // "rediss://app:***@cache.example:6380/2"
 * ```
 */
export function parseRedis(fn: string, connection: RedisConnection): ParsedRedis {
  const text = typeof connection === "string" ? connection : connection?.url;
  if (typeof text !== "string" || text.trim() === "") {
    throw new ValueError(fn, `connection must be a Redis URL such as "redis://127.0.0.1:6379"; got ${typeof text === "string" ? "an empty string" : typeof text}. Pass { connection: "redis://host:port" }`);
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `redis://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ValueError(fn, `connection must be a Redis URL such as "redis://127.0.0.1:6379"; got ${JSON.stringify(redactText(text))}. Write redis://[user:password@]host:port[/db]`);
  }
  const password = decodeURIComponent(url.password);
  const secrets = [password, url.password].filter((s) => s !== "");
  const redacted = redactText(withScheme, secrets);
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new ValueError(fn, `connection must use redis:// or rediss:// (TLS); got ${JSON.stringify(redacted)}. Write redis://host:port`);
  }
  const port = url.port === "" ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\/+/, "");
  const db = dbText === "" ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) {
    throw new ValueError(fn, `the database in the Redis URL must be a non-negative integer; got ${JSON.stringify(dbText)} in ${redacted}. Write redis://host:port/0`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1";
  const options: RedisOptions = {
    host,
    port,
    db,
    ...(url.username === "" ? {} : { username: decodeURIComponent(url.username) }),
    ...(password === "" ? {} : { password }),
    ...(url.protocol === "rediss:" ? { tls: { servername: host } } : {}),
  };
  return { options, redacted, secrets };
}

/**
 * `text` with the password of any Redis URL in it, and every listed secret, replaced by `***`.
 * @example redactText("redis://u:pw@h:1") // "redis://u:***@h:1"
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/(rediss?:\/\/[^:/@\s]*:)([^@\s]*)@/gi, "$1***@");
  for (const s of secrets) if (s.length > 0) out = out.split(s).join("***");
  return out;
}

/**
 * Connects once (no retries) and pings, so an unreachable or misconfigured server fails fast.
 * @throws {DistributedError} (kind "unreachable") naming the redacted URL and the reason
 */
export async function probeRedis(fn: string, parsed: ParsedRedis, timeoutMs = 3000): Promise<void> {
  const client = new Redis({ ...parsed.options, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // ioredis rejects with "Connection is closed."; the 'error' event has the real reason (ECONNREFUSED, WRONGPASS).
  let lastError: unknown;
  client.on("error", (e) => (lastError = e));
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref());
  try {
    await Promise.race([client.connect().then(() => client.ping()), timer]);
  } catch (e) {
    const err = lastError ?? e;
    const why = redactText(err instanceof Error ? err.message : String(err), parsed.secrets).replace(/\.+$/, "");
    throw new DistributedError(fn, `Redis at ${parsed.redacted} must be reachable; got ${why}. Start redis-server there, or check the URL, password and TLS (rediss://)`, { kind: "unreachable" });
  } finally {
    client.disconnect();
  }
}
