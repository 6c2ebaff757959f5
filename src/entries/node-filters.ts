/**
 * `chunkwise/filters` in Node (the package's "node" export condition): installs Node's services into
 * the browser-safe layers (the FFT's worker-thread teams, the machine's memory and cores; see
 * `executors/node-host.ts`), then exports exactly what the browser-safe entry does.
 * @module
 */
import { installNodeHost } from "../executors/node-host.js";

installNodeHost();

export * from "../filters/index.js";
