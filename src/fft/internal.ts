/**
 * What filters/ and the hosts use of the FFT engine beyond the public `chunkwise/fft` entry
 * (`index.ts`): the resident engine Richardson-Lucy runs on, the record of step sums its
 * kernels write, the switch that says whether the WebAssembly kernels serve this process, and
 * the thread-team protocol a host (Node worker threads, Web Workers) installs its helper
 * spawner into. These are internals (raw wasm addresses, thread teams, kernel tables) that
 * change with the engine, so they are not public API; naming them in one barrel keeps filters/
 * off the engine's individual files, which can then move freely.
 * No package entry points here.
 * @module
 */
export { RowSums } from "./pass-job-layout.js";
export { RESIDENT_MAX_BYTES, ResidentRfftn } from "./resident-rfftn.js";
export { wasmEnabled } from "./wasm-engine.js";
export { PassTeamPool, installPassTeams, passTeams } from "./pass-team.js";
export { HELPER_LOOP, type HelperInit, type HelperSpawner } from "./pass-team-helper.js";
