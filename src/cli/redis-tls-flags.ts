/**
 * The `--redis-ca`, `--redis-cert` and `--redis-key` flags that `chunkwise worker`,
 * `deconvolve` and `demo` share: PEM files read and checked into a connection's `tls` options.
 * @module
 */
import { readFileSync } from "node:fs";
import { CERT_LINE, KEY_LINE, keyPairProblem, type RedisTls } from "../executors/distributed/redis-tls.js";
import { UsageError } from "./command.js";

/** The flags, for `parseArgs`. */
export const REDIS_TLS_OPTIONS = {
  "redis-ca": { type: "string" },
  "redis-cert": { type: "string" },
  "redis-key": { type: "string" },
} as const;

/** What the file of each `--redis-*` flag must hold: a PEM line, what it is, how to convert a DER file. */
const PEM_FILES = {
  "redis-ca": { noun: "certificate", line: CERT_LINE, what: "the PEM certificate of the CA that signed Redis' certificate", fix: "openssl x509 -inform der -in ca.der -out ca.pem" },
  "redis-cert": { noun: "certificate", line: CERT_LINE, what: "the PEM client certificate to present to Redis", fix: "openssl x509 -inform der -in client.der -out client.crt" },
  "redis-key": { noun: "private key", line: "-----BEGIN ... PRIVATE KEY-----", what: "the PEM private key of --redis-cert", fix: "openssl pkey -inform der -in client-key.der -out client.key" },
} as const;

/** The text of the PEM file a `--redis-*` flag names (rediss:// only). */
function readPem(command: string, flag: keyof typeof PEM_FILES, file: string, redis: string): string {
  const kind = PEM_FILES[flag];
  if (!/^rediss:\/\//i.test(redis)) throw new UsageError(`${command}: --${flag} must come with a rediss:// URL (TLS); got ${redis}. Write rediss://host:port`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${command}: --${flag} must name a readable file; got ${JSON.stringify(file)} (${(e as NodeJS.ErrnoException).code ?? String(e)}). Pass ${kind.what}`);
  }
  if (flag === "redis-key" ? !KEY_LINE.test(text) : !text.includes(CERT_LINE)) {
    throw new UsageError(`${command}: --${flag} must name a PEM ${kind.noun} file; got ${JSON.stringify(file)}, which holds no "${kind.line}". Convert a DER file with: ${kind.fix}`);
  }
  return text;
}

/**
 * `--redis-ca`, `--redis-cert` and `--redis-key` as `tls` options for the Redis at `redis`;
 * undefined when none is given. Files are read and checked here, so a bad one is a usage error
 * before anything connects; no message ever shows a key.
 * @throws {UsageError} for a flag without rediss://, an unreadable or non-PEM file, a certificate without its key, or a key that is not the certificate's
 * @example redisTlsFlags("worker", { "redis-ca": "ca.pem" }, "rediss://10.0.0.5:6380") // { ca: "-----BEGIN CERTIFICATE-----..." }
 */
export function redisTlsFlags(command: string, values: Record<string, unknown>, redis: string): RedisTls | undefined {
  const [caFile, certFile, keyFile] = (["redis-ca", "redis-cert", "redis-key"] as const).map((k) => values[k] as string | undefined);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError(`${command}: --redis-cert and --redis-key must be given together; got ${certFile === undefined ? "--redis-key without --redis-cert" : "--redis-cert without --redis-key"}. Pass the client certificate and its key`);
  }
  const ca = caFile === undefined ? undefined : readPem(command, "redis-ca", caFile, redis);
  if (certFile === undefined || keyFile === undefined) return ca === undefined ? undefined : { ca };
  const cert = readPem(command, "redis-cert", certFile, redis);
  const key = readPem(command, "redis-key", keyFile, redis);
  const problem = keyPairProblem(cert, key);
  if (problem !== undefined) throw new UsageError(`${command}: --redis-cert and --redis-key must name a certificate and its unencrypted private key; got ${problem.why}. ${problem.fix}`);
  return { ...(ca === undefined ? {} : { ca }), cert, key };
}

