import { createPrivateKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ValueError } from "../../src/core/errors.js";
import { parseRedis, redactText } from "../../src/executors/distributed/redis-connection.js";
import { makeCertificates } from "./redis-fixture.js";

// A client certificate signed by a throwaway CA (openssl, through the distributed tests' fixture).
const certDir = mkdtempSync(join(tmpdir(), "chunkwise-redis-conn-"));
afterAll(() => rmSync(certDir, { recursive: true, force: true }));
const files = makeCertificates(certDir);
const cert = readFileSync(files.clientCert, "utf8");
const key = readFileSync(files.clientKey, "utf8");
const otherKey = readFileSync(files.otherClientKey, "utf8");
const encryptedKey = createPrivateKey(key).export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "pass" }) as string;
/** The lines of a PEM key between its BEGIN and END lines: what no message may show. */
const bodyOf = (pem: string): string[] => pem.split("\n").filter((l) => l !== "" && !l.startsWith("-----"));

describe("parseRedis", () => {
  it("rediss://app:s%40cret@cache.example:6380/2: TLS with the host name checked, user, decoded password, db; redacted", () => {
    const p = parseRedis("distributed", "rediss://app:s%40cret@cache.example:6380/2");
    expect(p.options).toEqual({ host: "cache.example", port: 6380, db: 2, username: "app", password: "s@cret", tls: { servername: "cache.example" } });
    expect(p.redacted).toBe("rediss://app:***@cache.example:6380/2");
    expect(redactText("failed: s@cret and s%40cret", p.secrets)).toBe("failed: *** and ***");
  });

  it.each([
    ["redis://127.0.0.1:6379", { host: "127.0.0.1", port: 6379, db: 0 }],
    ["localhost:7000", { host: "localhost", port: 7000, db: 0 }],
    [{ url: "redis://:pw@h" }, { host: "h", port: 6379, db: 0, password: "pw" }],
  ] as const)("%j", (conn, want) => {
    expect(parseRedis("distributed", conn).options).toEqual(want);
  });

  it("rediss://127.0.0.1:6380 with tls.ca: the CA passes to Node's TLS; no SNI for an IP address (Node refuses one)", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    expect(parseRedis("distributed", { url: "rediss://127.0.0.1:6380", tls: { ca: pem } }).options.tls).toEqual({ ca: [pem] });
    expect(parseRedis("distributed", { url: "rediss://cache.example", tls: { ca: [Buffer.from(pem), pem] } }).options.tls).toEqual({ servername: "cache.example", ca: [Buffer.from(pem), pem] });
  });

  it.each([
    [{ url: "redis://u:pw@h:1", tls: {} }, "connection.tls must come with a rediss:// URL; got redis://u:***@h:1"],
    [{ url: "rediss://u:pw@h:1", tls: { ca: "ca.pem" } }, 'connection.tls.ca must be PEM certificates ("-----BEGIN CERTIFICATE-----") as text or bytes, or a list of them; got "ca.pem" for rediss://u:***@h:1'],
    [{ url: "rediss://h:1", tls: { ca: [] } }, "connection.tls.ca must be PEM certificates"],
    [{ url: "rediss://h:1", tls: { ca: 42 as unknown as string } }, "connection.tls.ca must be PEM certificates"],
  ])("tls %j is refused: %s", (conn, message) => {
    expect(() => parseRedis("distributed", conn)).toThrow(ValueError);
    expect(() => parseRedis("distributed", conn)).toThrow(message);
  });

  it("rediss:// with tls { ca, cert, key } as text, and as bytes: all three pass to Node's TLS (bytes as Buffers)", () => {
    const ca = readFileSync(files.ca, "utf8");
    expect(parseRedis("worker", { url: "rediss://127.0.0.1:6380", tls: { ca, cert, key } }).options.tls).toEqual({ ca: [ca], cert, key });
    const bytes = (t: string): Uint8Array => new Uint8Array(Buffer.from(t));
    expect(parseRedis("worker", { url: "rediss://cache.example", tls: { cert: bytes(cert), key: bytes(key) } }).options.tls).toEqual({ servername: "cache.example", cert: Buffer.from(cert), key: Buffer.from(key) });
  });

  it.each([
    ["cert without key", { cert }, "connection.tls.cert and connection.tls.key must be given together; got a cert without a key for rediss://u:***@h:1. Pass the files' contents: { tls: { cert: readFileSync(\"client.crt\"), key: readFileSync(\"client.key\") } }"],
    ["key without cert", { key }, "connection.tls.cert and connection.tls.key must be given together; got a key without a cert"],
    ["cert a file name", { cert: "client.crt", key }, 'connection.tls.cert must be a PEM certificate ("-----BEGIN CERTIFICATE-----") as text or bytes; got a string of 10 characters without that line for rediss://u:***@h:1'],
    ["cert a number", { cert: 42 as unknown as string, key }, "connection.tls.cert must be a PEM certificate (\"-----BEGIN CERTIFICATE-----\") as text or bytes; got a number without that line"],
    ["cert the key", { cert: key, key }, "connection.tls.cert must be a PEM certificate"],
    ["key a file name", { cert, key: "client.key" }, 'connection.tls.key must be a PEM private key ("-----BEGIN ... PRIVATE KEY-----") as text or bytes; got a string of 10 characters without that line (never shown) for rediss://u:***@h:1'],
    ["key the certificate", { cert, key: cert }, `connection.tls.key must be a PEM private key ("-----BEGIN ... PRIVATE KEY-----") as text or bytes; got a string of ${cert.length} characters without that line (never shown)`],
    ["key empty bytes", { cert, key: new Uint8Array(0) }, "connection.tls.key must be a PEM private key (\"-----BEGIN ... PRIVATE KEY-----\") as text or bytes; got 0 bytes without that line"],
    ["key an object", { cert, key: { pem: key } as unknown as string }, "connection.tls.key must be a PEM private key (\"-----BEGIN ... PRIVATE KEY-----\") as text or bytes; got an object without that line"],
    ["key of another certificate", { cert, key: otherKey }, "connection.tls.cert and connection.tls.key must be a certificate and its unencrypted private key; got a key that is not the certificate's (key values mismatch) for rediss://u:***@h:1. Pass the key made together with the certificate"],
    ["key encrypted", { cert, key: encryptedKey }, "connection.tls.cert and connection.tls.key must be a certificate and its unencrypted private key; got an encrypted key (chunkwise takes no passphrase) for rediss://u:***@h:1. Decrypt it into a file only this user can read: openssl pkey -in client.key -out client-plain.key"],
    ["key unreadable PEM", { cert, key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" }, "connection.tls.cert and connection.tls.key must be a certificate and its unencrypted private key; got text OpenSSL cannot read ("],
  ])("tls client certificate, %s: a ValueError that names the option and never shows the key", (_, tls, message) => {
    const err = (() => {
      try {
        parseRedis("distributed", { url: "rediss://u:pw@h:1", tls });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ValueError);
    expect(err!.message).toContain(`distributed: ${message}`);
    expect(err!.message.split("\n")).toHaveLength(1);
    for (const line of [...bodyOf(key), ...bodyOf(otherKey), ...bodyOf(encryptedKey)]) expect(err!.message).not.toContain(line);
  });

  it("redactText masks a PEM private key (whole, or cut off) as it masks a password", () => {
    expect(redactText(`key: ${key} end`)).toBe("key: ***\n end");
    expect(redactText(`tail ${encryptedKey.slice(0, 80)}`)).toBe("tail ***");
    expect(redactText(cert)).toBe(cert);
  });

  it.each(["", "http://h:1", "redis://h:1/x", "redis://u:pw@h:99999"])("%j is refused without showing a password", (bad) => {
    const err = (() => {
      try {
        parseRedis("distributed", bad);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValueError);
    expect((err as Error).message).not.toContain("pw@");
  });
});

describe("passwords with URL syntax in them (the whole userinfo is masked, as the URL parser splits it)", () => {
  it.each([
    ["redis://default:abc@TAIL@127.0.0.1:6379", "redis://default:***@127.0.0.1:6379", "abc@TAIL"],
    ["redis://default:abc@TAIL@MORE@127.0.0.1:6379/1", "redis://default:***@127.0.0.1:6379/1", "abc@TAIL@MORE"],
    ["rediss://app:p%40ss:w0rd@cache.example:6380", "rediss://app:***@cache.example:6380", "p@ss:w0rd"],
    ["redis://:only@pw@h:1", "redis://:***@h:1", "only@pw"],
    ["redis://us%40er:pw@h:1", "redis://***@h:1", "pw"],
    ["redis://secret-as-user@h:1", "redis://***@h:1", ""],
  ])("%s connects with the right password and shows as %s", (url, shown, password) => {
    const p = parseRedis("worker", url);
    expect(p.redacted).toBe(shown);
    if (password !== "") expect(p.options.password).toBe(password);
    const line = redactText(`worker: Redis at ${url} must be reachable; got ECONNREFUSED`, p.secrets);
    expect(line).toBe(`worker: Redis at ${shown} must be reachable; got ECONNREFUSED`);
    for (const part of [password, ...password.split("@")].filter((s) => s.length > 2)) expect(line).not.toContain(part);
  });

  it.each([
    ["in a sentence: redis://default:abc@TAIL@host:6379 failed", "in a sentence: redis://default:***@host:6379 failed"],
    ['quoted: "redis://u:p/a?s#s@h:1"', 'quoted: "redis://u:***@h:1"'],
    ["two: redis://a:x@y@h1:1 and rediss://b:z@h2:2", "two: redis://a:***@h1:1 and rediss://b:***@h2:2"],
  ])("redactText without known secrets: %j", (text, want) => {
    expect(redactText(text)).toBe(want);
  });

  it("a URL the parser refuses (a '/' in the password) is refused with its userinfo masked", () => {
    expect(() => parseRedis("worker", "redis://u:pa/ss@host:1")).toThrow('got "redis://u:***@host:1"');
  });
});
