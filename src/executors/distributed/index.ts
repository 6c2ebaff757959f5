/**
 * `chunkwise/distributed`: the distributed executor (BullMQ on Redis) and the worker it talks
 * to. A subpath of its own so that importing the root of chunkwise never loads bullmq.
 * @module chunkwise/distributed
 */
import { installNodeHost } from "../node-host.js";

// A Node-only entry: the FFT's worker-thread teams and the machine's memory for this thread too.
installNodeHost();

export { distributed, type DistributedExecutor, type DistributedOptions } from "./distributed.js";
export { startWorker, defaultScratchDir, type ChunkwiseWorker, type WorkerOptions } from "./distributed-worker.js";
export { DistributedError } from "./distributed-error.js";
export { parseRedis, redactText, type ParsedRedis, type RedisConnection, type RedisTls } from "./redis-connection.js";
export { MemoryError, withWorkspace, planMemory, defaultMemoryBudget, type MemoryPlan, type PlanOptions, type WorkspaceFn } from "../../schedule/memory-plan.js";
export { TaskTimeoutError, WorkerLostError } from "../../schedule/faults.js";
export type { TaskKey } from "./task-signing.js";
