/**
 * `chunkwise/web-workers`: the Web Workers executor for browsers. A subpath of its own (not a
 * `browser` condition on `chunkwise/threads`) because its worker script is one your bundler
 * builds: see `webWorkers`'s `worker` option and `chunkwise/web-workers/worker`.
 * @module chunkwise/web-workers
 */
export { webWorkers, type WebWorkerHandle, type WebWorkersExecutor, type WebWorkersOptions } from "./web-workers.js";
export { WorkerLostError } from "../../schedule/faults.js";
