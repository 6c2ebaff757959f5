/**
 * `chunkwise/threads`: the worker-threads executor. A subpath of its own so that importing
 * the root of chunkwise never loads piscina.
 * @module chunkwise/threads
 */
export { threads, type ThreadResourceLimits, type ThreadsExecutor, type ThreadsOptions } from "./threads.js";
export { TaskTimeoutError, WorkerLostError } from "../../schedule/faults.js";
