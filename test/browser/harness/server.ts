/**
 * The static server of the browser tests: serves folders on 127.0.0.1 (a random port) with
 * the cross-origin isolation headers (COOP `same-origin`, COEP `require-corp`, so pages get
 * SharedArrayBuffer) and HTTP Range requests (zarrita's FetchStore reads shard indexes and
 * chunks inside shards with them). Paths under `/no-isolation/` serve the same files without
 * the isolation headers, for pages that must see a browser without SharedArrayBuffer.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import * as nodePath from "node:path";

/** A running server: its origin (`http://127.0.0.1:<port>`) and how to stop it. */
export interface StaticServer {
  readonly origin: string;
  /** Every request served, as `METHOD path [range]`, for tests that check how a store read. */
  readonly requests: string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** Parses one `bytes=` range against a file size; undefined when unsatisfiable or malformed. */
export function parseRange(header: string, size: number): { start: number; end: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return undefined;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return undefined;
  return { start, end };
}

/**
 * Starts a server for `mounts`: URL prefix (starting and ending with "/") to folder. The
 * longest matching prefix wins; nothing outside a mounted folder is ever served.
 */
export async function startServer(mounts: Record<string, string>): Promise<StaticServer> {
  const requests: string[] = [];
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix, nodePath.resolve(dir)] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const server = createServer((req, res) => {
    handle(req, res, table, requests).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, table: readonly (readonly [string, string])[], requests: string[]): Promise<void> {
  let pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
  const range = req.headers.range;
  requests.push(`${req.method} ${pathname}${range ? ` ${range}` : ""}`);
  const headers: Record<string, string> = { "cache-control": "no-store", "cross-origin-resource-policy": "same-origin" };
  if (pathname.startsWith("/no-isolation/")) {
    pathname = pathname.slice("/no-isolation".length);
  } else {
    headers["cross-origin-opener-policy"] = "same-origin";
    headers["cross-origin-embedder-policy"] = "require-corp";
  }
  const file = resolveFile(pathname, table);
  const info = file === undefined ? undefined : await stat(file).catch(() => undefined);
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, headers).end();
    return;
  }
  if (file === undefined || info === undefined || !info.isFile()) {
    res.writeHead(404, { ...headers, "content-type": "text/plain" }).end(`not found: ${pathname}`);
    return;
  }
  headers["content-type"] = TYPES[nodePath.extname(file)] ?? "application/octet-stream";
  headers["accept-ranges"] = "bytes";
  let start = 0;
  let end = info.size - 1;
  let status = 200;
  if (range !== undefined) {
    const r = parseRange(range, info.size);
    if (r === undefined) {
      res.writeHead(416, { ...headers, "content-range": `bytes */${info.size}` }).end();
      return;
    }
    ({ start, end } = r);
    status = 206;
    headers["content-range"] = `bytes ${start}-${end}/${info.size}`;
  }
  headers["content-length"] = String(Math.max(0, end - start + 1));
  res.writeHead(status, headers);
  if (req.method === "HEAD" || info.size === 0) {
    res.end();
    return;
  }
  createReadStream(file, { start, end }).pipe(res);
}

function resolveFile(pathname: string, table: readonly (readonly [string, string])[]): string | undefined {
  for (const [prefix, dir] of table) {
    if (!pathname.startsWith(prefix)) continue;
    const file = nodePath.resolve(dir, `.${pathname.slice(prefix.length - 1)}`);
    const rel = nodePath.relative(dir, file);
    if (rel.startsWith("..") || nodePath.isAbsolute(rel)) return undefined;
    return file;
  }
  return undefined;
}
