/**
 * Opening a Zarr over HTTP is cancellable: a server that never answers (no headers), or sends
 * headers then stalls the body, must not hold `fromZarr` / `openOmeZarr` past an abort.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromZarr, openOmeZarr } from "../../../src/io/zarr/index.js";

let server: Server;
let base = "";
const held: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    held.push(res);
    // /silent/...: never answers; /stall/...: headers, then a body that never ends.
    if (req.url?.startsWith("/stall/")) {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write("{");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe("fromZarr / openOmeZarr over HTTP honour the signal during metadata reads", () => {
  it.each(["silent", "stall"])("%s server: fromZarr rejects with an AbortError once the signal aborts", async (mode) => {
    const ac = new AbortController();
    const opening = fromZarr(`${base}/${mode}/a.zarr`, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(opening).rejects.toMatchObject({ name: "AbortError" });
  });

  it("an abort with a custom reason rejects with that reason", async () => {
    const ac = new AbortController();
    const opening = fromZarr(`${base}/silent/b.zarr`, { signal: ac.signal });
    const why = new Error("user cancelled");
    setTimeout(() => ac.abort(why), 50);
    await expect(opening).rejects.toBe(why);
  });

  it("a store whose get ignores the signal is still cut off by the abort", async () => {
    const never = { get: () => new Promise<Uint8Array | undefined>(() => {}) };
    const ac = new AbortController();
    const opening = fromZarr(never, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(opening).rejects.toMatchObject({ name: "AbortError" });
  });

  it("openOmeZarr on a silent server rejects with an AbortError", async () => {
    const ac = new AbortController();
    const opening = openOmeZarr(`${base}/silent/c.ome.zarr`, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(opening).rejects.toMatchObject({ name: "AbortError" });
  });
});
