/**
 * What the scheduler needs to know of an executor that runs tasks on a pool of worker threads
 * (`threads()` in Node, `webWorkers()` in a browser): how many tasks it takes at once, how many
 * of them compute, and that kernels must be named, not closures.
 * @module
 */

/** The scheduling fields of a pool of `workers` worker threads. */
export function workerPoolShape(workers: number): { concurrency: number; computing: number; acceptsClosures: false } {
  return {
    // Two tasks per worker in flight, so a worker finds its next task waiting when it finishes
    // one instead of idling through a round trip to the scheduling thread.
    concurrency: 2 * workers,
    // Only the workers compute: the queued task of each holds its inputs, not its workspace.
    computing: workers,
    // A kernel reaches a worker by its module and export name; a closure cannot travel.
    acceptsClosures: false,
  };
}
