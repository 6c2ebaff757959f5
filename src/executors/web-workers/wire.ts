/**
 * The messages between `webWorkers()` and its Web Workers: a task request in the wire format
 * of the thread executor (`thread-wire.ts`), tagged with an id the answer carries back, and,
 * where the page has no SharedArrayBuffer (not cross-origin isolated), abort notices that the
 * worker sees between tasks.
 * @module
 */
import type { WorkerReply, WorkerRequest } from "../thread-wire.js";

/** To a worker: run one task; `job` names its abort notices when no shared flag can carry them. */
export interface TaskMessage {
  readonly id: number;
  readonly request: WorkerRequest;
  readonly job?: number;
}

/** To every worker: the job `job` was aborted (sent only when the page has no SharedArrayBuffer). */
export interface AbortMessage {
  readonly abortJob: number;
}

/** From a worker: the answer to task `id`. */
export interface WorkerAnswer {
  readonly id: number;
  readonly reply: WorkerReply;
}
