import { describe, expect, it } from "vitest";
import { ValueError } from "../../src/core/errors.js";
import { parseRedis, redactText } from "../../src/executors/redis-connection.js";

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
