/**
 * Redis connections for `distributed()` and `chunkwise worker`: URLs (`redis://`, and
 * `rediss://` for TLS) parsed into ioredis options, a redacted form for every message (the
 * password never reaches a log or an error), and a probe that turns an unreachable server into
 * one clear error within a few seconds instead of ioredis' endless reconnecting.
 *
 * TLS trusts Node's CA store, which `NODE_EXTRA_CA_CERTS` extends for a whole process; a
 * private CA can also be given per connection (`{ url, tls: { ca } }`), and so can a client
 * certificate for a server that requires one (`tls: { cert, key }`; the key, like the password,
 * never reaches a message).
 * @module
 */
import { isIP } from "node:net";
import { Redis, type RedisOptions } from "ioredis";
import { ValueError, show } from "../../core/errors.js";
import { DistributedError } from "./distributed-error.js";
import { CERT_LINE, KEY_LINE, keyPairProblem, type RedisTls } from "./redis-tls.js";

export type { RedisTls } from "./redis-tls.js";

/** A Redis server: a URL string, or `{ url, tls }`. */
export type RedisConnection = string | { readonly url: string; readonly tls?: RedisTls };

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
 * without `rediss://`, with a `ca` that is not PEM certificates, or with a `cert` and `key`
 * that are not a PEM certificate and its unencrypted PEM private key (both or neither)
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
  const password = safeDecode(url.password);
  const secrets = [password, url.password].filter((s) => s !== "");
  // Rebuilt from the parser's parts: the userinfo is all before the host's last "@", whatever it holds.
  const userinfo = url.username === "" && url.password === "" ? "" : `${url.username}${url.password === "" ? "" : `:${url.password}`}`;
  const redacted = redactText(`${url.protocol}//${maskUserinfo(userinfo)}${url.host}${url.pathname}${url.search}${url.hash}`, secrets);
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
    ...(url.username === "" ? {} : { username: safeDecode(url.username) }),
    ...(password === "" ? {} : { password }),
    ...(url.protocol === "rediss:" ? { tls: tlsOptions(fn, host, redacted, tls) } : {}),
  };
  return { options, redacted, secrets };
}

/** Node TLS options: SNI for a host name (an IP address is checked against the certificate's IP entries, without SNI), the CA, the client certificate. */
function tlsOptions(fn: string, host: string, redacted: string, tls: RedisTls | undefined): NonNullable<RedisOptions["tls"]> {
  const given = tls?.ca;
  const list = given === undefined ? [] : Array.isArray(given) ? given : [given as string | Uint8Array];
  const ca = list.map(pemOf);
  if (given !== undefined && (ca.length === 0 || !ca.every((c) => c?.toString("latin1").includes(CERT_LINE)))) {
    throw new ValueError(fn, `connection.tls.ca must be PEM certificates ("-----BEGIN CERTIFICATE-----") as text or bytes, or a list of them; got ${show(given)} for ${redacted}. Pass { tls: { ca: readFileSync("ca.pem") } }`);
  }
  return { ...(isIP(host) === 0 ? { servername: host } : {}), ...(ca.length === 0 ? {} : { ca: ca as (string | Buffer)[] }), ...clientCertificate(fn, redacted, tls) };
}


/** PEM text as Node takes it: a string, or a Buffer over the bytes; undefined for anything else. */
function pemOf(v: unknown): string | Buffer | undefined {
  return typeof v === "string" ? v : v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : undefined;
}

/** What a value is, for messages that must not show it (a private key). */
function kindOf(v: unknown): string {
  if (typeof v === "string") return v === "" ? "an empty string" : `a string of ${v.length} characters`;
  if (v instanceof Uint8Array) return `${v.byteLength} bytes`;
  if (v === null || v === undefined) return String(v);
  return Array.isArray(v) ? `an array of ${v.length}` : typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** `cert` and `key` checked (PEM, both or neither, a key of the certificate), as Node's TLS options. */
function clientCertificate(fn: string, redacted: string, tls: RedisTls | undefined): { cert?: string | Buffer; key?: string | Buffer } {
  if (tls?.cert === undefined && tls?.key === undefined) return {};
  const fix = `Pass the files' contents: { tls: { cert: readFileSync("client.crt"), key: readFileSync("client.key") } }`;
  if (tls.cert === undefined || tls.key === undefined) {
    throw new ValueError(fn, `connection.tls.cert and connection.tls.key must be given together; got ${tls.cert === undefined ? "a key without a cert" : "a cert without a key"} for ${redacted}. ${fix}`);
  }
  const cert = pemOf(tls.cert);
  const key = pemOf(tls.key);
  if (!cert?.toString("latin1").includes(CERT_LINE)) {
    throw new ValueError(fn, `connection.tls.cert must be a PEM certificate ("${CERT_LINE}") as text or bytes; got ${kindOf(tls.cert)} without that line for ${redacted}. ${fix}`);
  }
  if (key === undefined || !KEY_LINE.test(key.toString("latin1"))) {
    throw new ValueError(fn, `connection.tls.key must be a PEM private key ("-----BEGIN ... PRIVATE KEY-----") as text or bytes; got ${kindOf(tls.key)} without that line (never shown) for ${redacted}. ${fix}`);
  }
  const problem = keyPairProblem(cert, key);
  if (problem !== undefined) {
    throw new ValueError(fn, `connection.tls.cert and connection.tls.key must be a certificate and its unencrypted private key; got ${problem.why} for ${redacted}. ${problem.fix}`);
  }
  return { cert, key };
}


/** `%`-decoded text, or the text itself when it is not valid percent-encoding. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A URL's userinfo as shown: a plain user name (letters, digits, `.`, `_`, `-`) and `***` for
 * the password; `***` alone for anything else, so no part of a password ever shows.
 */
function maskUserinfo(userinfo: string): string {
  if (userinfo === "") return "";
  const colon = userinfo.indexOf(":");
  if (colon < 0) return "***@";
  const user = userinfo.slice(0, colon);
  return user === "" || /^[A-Za-z0-9._-]+$/.test(user) ? `${user}:***@` : "***@";
}

/**
 * `text` with the userinfo of any Redis URL in it (all up to the last "@" before white space or
 * a quote, so a password holding "@", "/" or ":" is hidden whole), any PEM private key, and
 * every listed secret, replaced by `***`.
 * @example redactText("redis://u:pw@h:1") // "redis://u:***@h:1"
 * @example redactText("redis://default:abc@TAIL@h:1") // "redis://default:***@h:1"
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/(rediss?:\/\/)([^\s"'<>`]*)@/gi, (_, scheme: string, userinfo: string) => `${scheme}${maskUserinfo(userinfo)}`).replace(/-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g, "***");
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
  let handshook = false;
  client.on("error", (e) => (lastError = e));
  client.once("connect", () => (handshook = true));
  const timedOut = new Error(`no answer within ${timeoutMs} ms`);
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(timedOut), timeoutMs).unref());
  try {
    await Promise.race([client.connect().then(() => client.ping()), timer]);
  } catch (e) {
    throw probeFailure(fn, parsed, lastError ?? e, handshook && e !== timedOut);
  } finally {
    client.disconnect();
  }
}

/**
 * The alerts a TLS server sends about the client's certificate (none, or one it does not trust).
 * A TLS 1.2 server demanding one sends "handshake failure" to a client with none.
 */
const CLIENT_CERT_ALERT = /^ERR_SSL_(?:TLSV13_ALERT_CERTIFICATE_REQUIRED|TLSV1_ALERT_UNKNOWN_CA|TLSV1_ALERT_ACCESS_DENIED|TLSV1_ALERT_DECRYPT_ERROR|SSLV3_ALERT_(?:BAD_CERTIFICATE|UNSUPPORTED_CERTIFICATE|CERTIFICATE_\w+|HANDSHAKE_FAILURE))$/;

/** The one-line error for a failed probe; `handshook`: the TLS handshake (or TCP connect) completed first. */
function probeFailure(fn: string, parsed: ParsedRedis, err: unknown, handshook: boolean): DistributedError {
  const e = err as { message?: unknown; code?: unknown; reason?: unknown } | undefined;
  const code = String(e?.code ?? "");
  const tls = parsed.options.tls;
  const reason = typeof e?.reason === "string" ? e.reason : err instanceof Error ? err.message : String(err);
  const why = redactText(reason.split("\n")[0]!, parsed.secrets).replace(/\.+$/, "");
  const hasCert = tls?.cert !== undefined;
  // Under TLS 1.3 the server checks the client's certificate after the client's handshake is
  // done: its alert, or a reset when the client's first command meets the closed connection, comes next.
  const hungUp = tls !== undefined && handshook && (code === "ECONNRESET" || code === "EPIPE" || why === "Connection is closed");
  if (tls !== undefined && (CLIENT_CERT_ALERT.test(code) || hungUp)) {
    const what = hasCert ? "a client certificate signed by a CA it trusts (tls-auth-clients yes)" : "a client certificate (tls-auth-clients yes, Redis' default)";
    const got = `${hasCert ? "one Redis refused" : "none"}${hungUp ? `, and the connection closed right after the TLS handshake (${why})` : ` (${why})`}`;
    return new DistributedError(fn, `Redis at ${parsed.redacted} requires ${what}, so this process must present one; got ${got}. Give a certificate signed by the CA in Redis' tls-ca-cert-file, and its key: connection { url, tls: { cert, key } }, or chunkwise worker --redis-cert FILE --redis-key FILE`, { kind: "unreachable" });
  }
  if (/CERT|SIGNATURE|ALTNAME/.test(code)) {
    return new DistributedError(fn, `Redis at ${parsed.redacted} must present a TLS certificate this process trusts for its host name; got ${why} (${code}). Give the CA that signed it: connection { url, tls: { ca } }, chunkwise worker --redis-ca FILE, or NODE_EXTRA_CA_CERTS=FILE`, { kind: "unreachable" });
  }
  return new DistributedError(fn, `Redis at ${parsed.redacted} must be reachable; got ${why}. Start redis-server there, or check the URL, password and TLS (rediss://)`, { kind: "unreachable" });
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
