/**
 * The FFT's thread teams in Node: helper threads are `node:worker_threads` workers that
 * evaluate {@link HELPER_LOOP} (no module to resolve, so it works the same from the
 * TypeScript sources, the compiled package and a bundle), given their inputs as `workerData`.
 * @module
 */
import { Worker } from "node:worker_threads";
import { HELPER_LOOP, PassTeamPool, type HelperSpawner } from "../../fft/internal.js";

const SOURCE = `const { module, memory, control, part } = require("node:worker_threads").workerData;\n${HELPER_LOOP}`;

/**
 * Starts one helper as a Node worker thread. It never keeps the process alive (it only runs
 * while its caller waits on it), and its failure to start is not an uncaught error: such a
 * helper never picks a pass up, which the team detects (the pickup timeout).
 */
export const spawnNodeHelper: HelperSpawner = (init) => {
  // No inherited execArgv: the helper needs none, and a parent started with
  // `--input-type=module` would make the eval'd helper an ES module without `require`.
  const w = new Worker(SOURCE, { eval: true, workerData: init, execArgv: [] });
  w.unref();
  w.on("error", () => undefined);
  return { terminate: () => void w.terminate() };
};

/**
 * Teams of worker threads over {@link spawnNodeHelper}, reusing the last released one while
 * it has been idle less than `idleMs` (default: the pool's, 5 s).
 */
export function nodePassTeams(idleMs?: number): PassTeamPool {
  return new PassTeamPool(spawnNodeHelper, idleMs === undefined ? {} : { idleMs });
}
