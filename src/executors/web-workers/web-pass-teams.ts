/**
 * The FFT pass team in a browser: helper threads are nested Web Workers started from a Blob
 * URL, each running the team's {@link HELPER_LOOP} once it receives its `{ module, memory,
 * control, part }` by postMessage.
 *
 * A nested worker neither starts nor receives messages while the worker that created it is
 * blocked, and a kernel blocks its worker for its whole run (the caller of a pass waits in
 * `Atomics.wait`). So the team is built ahead, between tasks: before each task the worker
 * starts helpers up to the task's thread budget (each says "ready"), builds a team of that
 * size (each helper says "joined" once it has its inputs) and parks it in the pool, where the
 * kernel's request for a team finds it.
 * @module
 */
import { ValueError } from "../../core/errors.js";
import { HELPER_LOOP, PassTeamPool, installPassTeams, type HelperInit, type HelperSpawner } from "../../fft/internal.js";

/** The part of a browser `Worker` (and its constructor) this module uses. */
interface HelperWorker {
  postMessage(message: unknown): void;
  addEventListener(type: "message" | "error", listener: () => void, options?: { once: boolean }): void;
  terminate(): void;
}
type WorkerConstructor = new (url: string) => HelperWorker;

/** The helper's script: say "ready", wait for its inputs, say "joined", then serve passes until the team closes. */
const HELPER_SOURCE = `self.onmessage = (event) => {
  self.onmessage = null;
  const { module, memory, control, part } = event.data;
  self.postMessage("joined");
${HELPER_LOOP}
};
self.postMessage("ready");
`;

/** Helpers started and ready, not yet part of a team. */
const stock: HelperWorker[] = [];
/** Helpers handed their inputs, until they say they have them. */
let joining: Promise<void>[] = [];
let url: string | undefined;
let pool: PassTeamPool | undefined;

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
 * Readies a team of `threads` for the next task: tops the stock of started helpers up, then
 * builds the team (handing helpers their inputs) and parks it in the pool, and waits until
 * every helper has its inputs. Messages to a nested worker are not delivered while this
 * worker blocks, so all of this must happen before the kernel runs; the kernel's own request
 * for a team of this size then gets the parked one. Helpers that cannot start (no nested
 * workers here) leave the team short of threads, and the kernel runs on one thread.
 */
export async function prepareTeam(threads: number): Promise<void> {
  const Ctor = workerConstructor();
  if (pool === undefined || Ctor === undefined || threads < 2) return;
  if (stock.length < threads - 1) {
    const started = await Promise.all(Array.from({ length: threads - 1 - stock.length }, () => startHelper(Ctor)));
    for (const w of started) if (w !== undefined) stock.push(w);
    if (stock.length < threads - 1) return;
  }
  pool.acquire(threads)?.release();
  const waits = joining;
  joining = [];
  await Promise.all(waits);
}

/** Hands a started helper its inputs (from {@link prepareTeam}, between tasks). */
const spawnFromStock: HelperSpawner = (init: HelperInit) => {
  const w = stock.pop();
  if (w === undefined) {
    throw new ValueError("webWorkers", `a pass team in a Web Worker must stay within the task's thread budget (ctx.threads); got a team of more threads asked for while a kernel ran. Pass threads: "auto", or raise webWorkers' threadsPerTask to the threads the kernel asks for`);
  }
  joining.push(new Promise<void>((resolve) => w.addEventListener("message", () => resolve(), { once: true })));
  w.postMessage(init);
  return w;
};

/**
 * Installs the Web Worker pass teams in this worker. Where the page is not cross-origin
 * isolated (no SharedArrayBuffer) the pool makes teams of one thread only, so a kernel asking
 * for more runs on one thread with a note saying shared memory is unavailable.
 */
export function installWebPassTeams(): void {
  if (workerConstructor() === undefined) return;
  pool = new PassTeamPool(spawnFromStock);
  installPassTeams(pool);
}
