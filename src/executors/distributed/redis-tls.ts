/**
 * The TLS side of a Redis connection that needs no Redis client: the `tls` settings' type,
 * the PEM markers, and the check that a client certificate and its key go together. Kept apart
 * from `redis-connection.ts` so the CLI can check its `--redis-*` flags without loading ioredis.
 * @module
 */
import { createSecureContext } from "node:tls";

/** TLS settings of a `rediss://` connection. */
export interface RedisTls {
  /** PEM certificate(s) of the CA that signed the server's certificate, trusted in place of Node's default CAs (as `tls.connect`'s `ca`). */
  readonly ca?: string | Uint8Array | readonly (string | Uint8Array)[];
  /**
   * PEM certificate (or chain) this process presents to a server that requires client
   * certificates (Redis' `tls-auth-clients yes`), as `tls.connect`'s `cert`. Needs `key`.
   */
  readonly cert?: string | Uint8Array;
  /** Unencrypted PEM private key of `cert`, as `tls.connect`'s `key`. No message, log or error ever shows it. */
  readonly key?: string | Uint8Array;
}

/** The line every PEM certificate starts with. */
export const CERT_LINE = "-----BEGIN CERTIFICATE-----";
/** The line a PEM private key starts with ("PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY", ...). */
export const KEY_LINE = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;

/**
 * Why PEM `cert` and `key` cannot serve as a client certificate (an encrypted key, a key of
 * another certificate, text OpenSSL cannot read), and how to fix it; undefined when they can.
 * The answer never contains the key.
 * @example keyPairProblem(readFileSync("client.crt"), readFileSync("other.key"))?.why // "a key that is not the certificate's (key values mismatch)"
 */
export function keyPairProblem(cert: string | Buffer, key: string | Buffer): { why: string; fix: string } | undefined {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: *4,ENCRYPTED/.test(key.toString("latin1"))) {
    return { why: "an encrypted key (chunkwise takes no passphrase)", fix: "Decrypt it into a file only this user can read: openssl pkey -in client.key -out client-plain.key" };
  }
  try {
    createSecureContext({ cert, key });
    return undefined;
  } catch (e) {
    const err = e as { code?: string; reason?: string; message?: string };
    if (err.code === "ERR_OSSL_X509_KEY_VALUES_MISMATCH") {
      return { why: "a key that is not the certificate's (key values mismatch)", fix: "Pass the key made together with the certificate" };
    }
    return { why: `text OpenSSL cannot read (${err.reason ?? err.message ?? String(e)})`, fix: "Check them with: openssl x509 -in client.crt -noout && openssl pkey -in client.key -noout" };
  }
}
