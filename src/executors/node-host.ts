/**
 * What Node gives the browser-safe layers: the FFT's thread teams (worker threads) and the
 * machine's memory size and cores, installed into fft/ and schedule/ once per thread. The
 * Node entries of the package (`src/entries/`), the thread and distributed workers and the
 * CLI call {@link installNodeHost}.
 * @module
 */
import { availableParallelism, totalmem } from "node:os";
import { installPassTeams, passTeams } from "../fft/internal.js";
import { installHost } from "../schedule/host.js";
import { nodePassTeams } from "./threads/node-pass-teams.js";

/**
 * How long an executor's worker (a `threads()` worker thread, a `chunkwise worker` process)
 * keeps its idle FFT team, and with it the team's engine memory, for its next task: longer
 * than the steps between two volumes' kernels (reading, decoding, encoding and writing a
 * full-size volume took 6 s and more), which with the default 5 s made every volume build
 * its engine again (growing and faulting in 2.7 GB of wasm memory at the blog's chunk size).
 * A worker computes the job's next task soon, and its engine is what the memory plan counts
 * for it; the memory is freed when the team's idle time ends or the worker stops.
 */
export const WORKER_TEAM_IDLE_MS = 60_000;

/**
 * Installs Node's thread teams and host facts into this thread, keeping a provider already
 * installed (so its idle team survives a second call).
 * @param options - `teamIdleMs`: how long a released FFT team waits for reuse (default 5 s;
 *   executors' workers pass {@link WORKER_TEAM_IDLE_MS})
 * @example
 * ```ts
 * installNodeHost();
 * ```
 */
export function installNodeHost(options: { readonly teamIdleMs?: number } = {}): void {
  if (passTeams() === undefined) installPassTeams(nodePassTeams(options.teamIdleMs));
  installHost({ memoryBytes: totalmem(), cores: availableParallelism() });
}
