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
 * Installs Node's thread teams and host facts into this thread, keeping a provider already
 * installed (so its idle team survives a second call).
 * @example
 * ```ts
 * installNodeHost();
 * ```
 */
export function installNodeHost(): void {
  if (passTeams() === undefined) installPassTeams(nodePassTeams());
  installHost({ memoryBytes: totalmem(), cores: availableParallelism() });
}
