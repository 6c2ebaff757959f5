/**
 * `npm run example:browser`: bundles the example page, writes the demo dataset, and serves
 * both on 127.0.0.1 with the cross-origin isolation headers (COOP same-origin, COEP
 * require-corp: workers get SharedArrayBuffer, so "threads per volume" works) and Range
 * requests. Stop with Ctrl-C.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as nodePath from "node:path";
import { startServer } from "../../test/browser/harness/server.js";
import { buildExample } from "./build.js";
import { writeDemoZarr } from "./demo-data.js";

const dir = await mkdtemp(nodePath.join(tmpdir(), "chunkwise-example-"));
await buildExample(nodePath.join(dir, "page"));
await writeDemoZarr(nodePath.join(dir, "data", "demo.zarr"));
const server = await startServer({ "/": nodePath.join(dir, "page"), "/data/": nodePath.join(dir, "data") });
const demo = `${server.origin}/data/demo.zarr`;
console.log(`chunkwise browser example: ${server.origin}/index.html?url=${encodeURIComponent(demo)}&volumes=0,1`);
console.log(`(the demo dataset: ${demo}; any Zarr reachable by URL with CORS works too). Ctrl-C stops.`);
const stop = async (): Promise<void> => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
