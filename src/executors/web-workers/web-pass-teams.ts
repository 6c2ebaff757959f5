/**
 * The FFT pass team in a browser: helper threads are nested Web Workers started from a Blob
 * URL, each running the team's {@link HELPER_LOOP} once it receives its `{ module, memory,
 * control, part }` by postMessage.
 *
 * A nested worker may not start until the worker that created it returns to its event loop,
 * and a kernel blocks that loop for its whole run (the caller of a pass waits in
 * `Atomics.wait`). So helpers are started ahead, between tasks: before each task the worker
 * tops up a stock of started helpers (each says "ready" once its script runs) to the task's
 * thread budget, and the spawner the team calls during the kernel only hands a ready helper
 * its inputs, which needs no event loop on this side.
 * @module
 */
import { ValueError } from "../../core/errors.js";
import { HELPER_LOOP, PassTeamPool, installPassTeams, type HelperInit, type HelperSpawner } from "../../fft/pass-team.js";

/** The part of a browser `Worker` (and its constructor) this module uses. */
interface HelperWorker {
  postMessage(message: unknown): void;
  addEventListener(type: "message" | "error", listener: () => void, options?: { once: boolean }): void;
  terminate(): void;
}
type WorkerConstructor = new (url: string) => HelperWorker;

/** The helper's script: wait for its inputs, then serve passes forever. */
const HELPER_SOURCE = `self.onmessage = (event) => {
  self.onmessage = null;
  const { module, memory, control, part } = event.data;
${HELPER_LOOP}
};
self.postMessage("ready");
`;

/** Helpers started and ready, not yet part of a team. */
const stock: HelperWorker[] = [];
let url: string | undefined;

function workerConstructor(): WorkerConstructor | undefined {
  return (globalThis as { Worker?: WorkerConstructor }).Worker;
}

/** Starts one helper and resolves once its script runs (undefined when it fails to start). */
function startHelper(Ctor: WorkerConstructor): Promise<HelperWorker | undefined> {
  url ??= URL.createObjectURL(new Blob([HELPER_SOURCE], { type: "text/javascript" }));
  const w = new Ctor(url);
  return new Promise((resolve) => {
    w.addEventListener("message", () => resolve(w), { once: true });
    w.addEventListener("error", () => {
      w.terminate();
      resolve(undefined);
    }, { once: true });
  });
}

/**
 * Tops the stock of ready helpers up to `helpers`; resolves when they are running. Helpers
 * that cannot start (no nested workers here) leave the stock short, and a team of that size
 * then runs on one thread.
 */
export async function prepareHelpers(helpers: number): Promise<void> {
  const Ctor = workerConstructor();
  if (Ctor === undefined || stock.length >= helpers) return;
  const started = await Promise.all(Array.from({ length: helpers - stock.length }, () => startHelper(Ctor)));
  for (const w of started) if (w !== undefined) stock.push(w);
}

/** Hands a ready helper its inputs; it joins the team at once, with no event loop turn here. */
const spawnFromStock: HelperSpawner = (init: HelperInit) => {
  const w = stock.pop();
  if (w === undefined) {
    throw new ValueError("webWorkers", `a pass team in a Web Worker must stay within the task's thread budget; got a request for helper ${init.part} with none started. Raise webWorkers' threadsPerTask to the threads the kernel asks for`);
  }
  w.postMessage(init);
  return w;
};

/**
 * Installs the Web Worker pass teams in this worker (where SharedArrayBuffer exists, i.e. the
 * page is cross-origin isolated); without it, FFT passes run on one thread with a note.
 */
export function installWebPassTeams(): void {
  if (typeof SharedArrayBuffer === "undefined" || workerConstructor() === undefined) return;
  installPassTeams(new PassTeamPool(spawnFromStock));
}
