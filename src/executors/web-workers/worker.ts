/**
 * `chunkwise/web-workers/worker`: the Web Worker script of `webWorkers()`. It registers
 * chunkwise's own kernels (array, filter and graph kernels), installs the FFT pass teams
 * (nested workers, where the page is cross-origin isolated) and answers tasks. Your own
 * worker script imports your kernel modules first, then this module:
 *
 * ```ts
 * // worker.ts, bundled on its own
 * import "./kernels.js";
 * import "chunkwise/web-workers/worker";
 * ```
 *
 * The Zarr kernels are left out (they would add the codecs, about 0.5 MB gzipped, to every
 * worker): to read a Zarr store's chunks on the workers, import `chunkwise/zarr` in your
 * worker script too; otherwise read on the page (`compute` with `inline()`) and hand the
 * blocks to the workers.
 * @module chunkwise/web-workers/worker
 */
import "../../graph/block-kernels.js";
import "../../array/coarsen-kernels.js";
import "../../array/gufunc-kernels.js";
import "../../array/overlap-kernels.js";
import "../../array/reduce-kernels.js";
import "../../array/view-kernels.js";
import "../../filters/index.js";
import { beforeEachTask, serveTasks } from "./serve.js";
import { installWebPassTeams, prepareTeam } from "./web-pass-teams.js";

// Only in a worker: imported elsewhere (a page by mistake, Node listing the package's
// entries) this module registers the kernels and does nothing else.
const scope = globalThis as { WorkerGlobalScope?: abstract new () => unknown };
if (typeof scope.WorkerGlobalScope === "function" && globalThis instanceof scope.WorkerGlobalScope) {
  // FFT passes of one kernel (Richardson-Lucy's threads) on nested workers, started before
  // each task within its thread budget.
  installWebPassTeams();
  beforeEachTask(prepareTeam);
  serveTasks();
}
