/**
 * `chunkwise/threads`: the worker-threads executor. A subpath of its own so that importing
 * the root of chunkwise never loads piscina.
 * @module chunkwise/threads
 */
import { installNodeHost } from "../node-host.js";

// A Node-only entry: the FFT's worker-thread teams and the machine's memory for this thread too.
installNodeHost();

export { threads, type ThreadResourceLimits, type ThreadsExecutor, type ThreadsOptions } from "./threads.js";
export { TaskTimeoutError, WorkerLostError } from "../../schedule/faults.js";
