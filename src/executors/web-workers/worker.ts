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
 * @module chunkwise/web-workers/worker
 */
import "../../graph/block-kernels.js";
import "../../graph/gufunc-kernels.js";
import "../../array/coarsen-kernels.js";
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
