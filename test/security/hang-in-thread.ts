/**
 * A `--kernels` module that imports at once in the worker's main thread (so the worker starts)
 * but never finishes importing on a worker thread: a hung import, which the worker's import
 * timeout must stop.
 */
import { isMainThread } from "node:worker_threads";
import { defineKernel } from "../../src/graph/kernel.js";

if (!isMainThread) await new Promise(() => undefined);

/** Never reached on a worker thread. */
export const neverImported = defineKernel(import.meta.url, "neverImported", () => 0);
