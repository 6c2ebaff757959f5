/**
 * Redis connections for `distributed()` and `chunkwise worker`: URLs (`redis://`, and
 * `rediss://` for TLS) parsed into ioredis options, a redacted form for every message (the
 * password never reaches a log or an error), and a probe that turns an unreachable server into
 * one clear error within a few seconds instead of ioredis' endless reconnecting.
 *
 * TLS trusts Node's CA store, which `NODE_EXTRA_CA_CERTS` extends for a whole process; a
 * private CA can also be given per connection (`{ url, tls: { ca } }`).
 * @module
 */
import { isIP } from "node:net";
import { Redis, type RedisOptions } from "ioredis";
import { ChunkwiseError, ValueError, show } from "../core/errors.js";

/** TLS settings of a `rediss://` connection. */
export interface RedisTls {
  /** PEM certificate(s) of the CA that signed the server's certificate, trusted in place of Node's default CAs (as `tls.connect`'s `ca`). */
  readonly ca?: string | Uint8Array | readonly (string | Uint8Array)[];
}

/** A Redis server: a URL string, or `{ url, tls }`. */
export type RedisConnection = string | { readonly url: string; readonly tls?: RedisTls };

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
 * @throws {ValueError} for another scheme, a bad port or a bad database number, or `tls`
 * without `rediss://` or with a `ca` that is not PEM certificates
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
  const tls = typeof connection === "string" ? undefined : connection.tls;
  if (url.protocol !== "rediss:" && tls !== undefined) {
    throw new ValueError(fn, `connection.tls must come with a rediss:// URL; got ${redacted}. Write rediss://host:port`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1";
  const options: RedisOptions = {
    host,
    port,
    db,
    ...(url.username === "" ? {} : { username: decodeURIComponent(url.username) }),
    ...(password === "" ? {} : { password }),
    ...(url.protocol === "rediss:" ? { tls: tlsOptions(fn, host, redacted, tls) } : {}),
  };
  return { options, redacted, secrets };
}

/** Node TLS options: SNI for a host name (an IP address is checked against the certificate's IP entries, without SNI), and the CA. */
function tlsOptions(fn: string, host: string, redacted: string, tls: RedisTls | undefined): NonNullable<RedisOptions["tls"]> {
  const given = tls?.ca;
  const list = given === undefined ? [] : Array.isArray(given) ? given : [given as string | Uint8Array];
  const ca = list.map((c: unknown) => (typeof c === "string" ? c : c instanceof Uint8Array ? Buffer.from(c) : undefined));
  if (given !== undefined && (ca.length === 0 || !ca.every((c) => c?.toString("latin1").includes("-----BEGIN CERTIFICATE-----")))) {
    throw new ValueError(fn, `connection.tls.ca must be PEM certificates ("-----BEGIN CERTIFICATE-----") as text or bytes, or a list of them; got ${show(given)} for ${redacted}. Pass { tls: { ca: readFileSync("ca.pem") } }`);
  }
  return { ...(isIP(host) === 0 ? { servername: host } : {}), ...(ca.length === 0 ? {} : { ca: ca as (string | Buffer)[] }) };
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
    const code = String((err as { code?: unknown } | undefined)?.code ?? "");
    if (/CERT|SIGNATURE|ALTNAME/.test(code)) {
      throw new DistributedError(fn, `Redis at ${parsed.redacted} must present a TLS certificate this process trusts for its host name; got ${why} (${code}). Give the CA that signed it: connection { url, tls: { ca } }, chunkwise worker --redis-ca FILE, or NODE_EXTRA_CA_CERTS=FILE`, { kind: "unreachable" });
    }
    throw new DistributedError(fn, `Redis at ${parsed.redacted} must be reachable; got ${why}. Start redis-server there, or check the URL, password and TLS (rediss://)`, { kind: "unreachable" });
  } finally {
    client.disconnect();
  }
}

/** The Redis connections of one distributed client; see {@link lastingConnection}. */
export interface Link {
  /** The client to give BullMQ as `connection`. It and the copies BullMQ makes of it (the event reader's blocking connection) are this link's. */
  readonly client: Redis;
  /**
   * Awaits `closing` (BullMQ's close, which waits for Redis to answer), then ends `client`.
   * Once a connection has been trying to reconnect for `graceMs`, ends every connection for
   * good, failing the commands waiting in them, so that the close finishes without Redis.
   */
  closeWithin(closing: Promise<unknown>, graceMs: number): Promise<void>;
}

/**
 * Connects for BullMQ's long-lived use: after a lost connection, reconnects every second,
 * backing off to every 5 s, until `closeWithin` finds Redis gone. (Not for a BullMQ Worker:
 * one whose connections end while it closes retries its last answers without pause, forever.)
 * @example
 * ```ts
 * const link = lastingConnection(parseRedis("distributed", url));
 * const queue = new Queue(name, { connection: link.client });
 * await link.closeWithin(queue.close(), 1000);
 * ```
 */
export function lastingConnection(parsed: ParsedRedis): Link {
  let gone = false;
  const retryStrategy = (times: number): number | null => (gone ? null : Math.max(1000, Math.min(Math.exp(times), 5000)));
  const client = new Redis({ ...parsed.options, maxRetriesPerRequest: null, retryStrategy });
  client.on("error", () => undefined);
  const clients = [client];
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (override) => {
    const copy = duplicate(override);
    clients.push(copy);
    return copy;
  };
  const down = (c: Redis): boolean => c.status === "reconnecting" || c.status === "connecting";
  return {
    client,
    async closeWithin(closing, graceMs) {
      let since: number | undefined;
      const timer = setInterval(() => {
        if (!clients.some(down)) since = undefined;
        else if (Date.now() - (since ??= Date.now()) >= graceMs) {
          // A disconnect alone leaves a connection that waits to reconnect, and the commands in
          // it, waiting forever (ioredis sends no 'end' for a socket already closed); one last
          // attempt, which fails and is not retried, ends it and fails its commands.
          gone = true;
          since = undefined;
          for (const c of clients.filter(down)) {
            c.disconnect();
            c.connect().catch(() => undefined);
          }
        }
      }, Math.min(250, graceMs));
      try {
        await closing;
        await (client.status === "ready" ? client.quit().catch(() => client.disconnect()) : client.disconnect());
      } finally {
        clearInterval(timer);
      }
    },
  };
}
