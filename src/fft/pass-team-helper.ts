/**
 * The helper side of a pass team's shared-memory protocol (`pass-team.ts` is the caller's
 * side): the control words both sides read and write, the loop every helper thread runs
 * ({@link HELPER_LOOP}), and what a host's {@link HelperSpawner} is given to start one.
 * Nothing here starts a thread or blocks the caller.
 * @module
 */
import type { WasmMemory } from "./wasm-engine.js";

/** Control words: 0 the job sequence number (-1: quit), 1 job address, 2 parts, 3 f32, 4 helpers done, 5 failures, 6 helpers started. */
export const SEQ = 0, JOB = 1, PARTS = 2, F32 = 3, DONE = 4, FAILED = 5, STARTED = 6;
/** Bytes of the control block (one cache line; 7 words used). */
export const CONTROL_BYTES = 64;

/**
 * The JavaScript a helper thread runs once it holds its four inputs, as the statements of a
 * script or function body that reads the free names `module` (the compiled kernels),
 * `memory` (the shared memory), `control` (the SharedArrayBuffer of control words) and `part`
 * (its part number, 1 to threads - 1). It instantiates the kernels over the memory and serves
 * passes until the team closes; it never returns before. Plain source text, so a spawner can
 * evaluate it without resolving a module (the same from the TypeScript sources, the compiled
 * package and a bundle).
 * @example
 * ```ts
 * // A Node spawner: new Worker(prelude + HELPER_LOOP, { eval: true, workerData })
 * const prelude = 'const { module, memory, control, part } = require("node:worker_threads").workerData;\n';
 * console.log((prelude + HELPER_LOOP).length > 0);
 * ```
 */
export const HELPER_LOOP = `
let ex;
try {
  ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
} catch {
  // Answered below: every job fails, so the caller never waits for a helper that cannot work.
}
const ctl = new Int32Array(control);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  const seq = Atomics.load(ctl, ${SEQ});
  if (seq < 0) break;
  if (seq === seen) continue;
  seen = seq;
  Atomics.add(ctl, ${STARTED}, 1);
  try {
    (Atomics.load(ctl, ${F32}) ? ex.runPassJob32 : ex.runPassJob64)(Atomics.load(ctl, ${JOB}), part, Atomics.load(ctl, ${PARTS}));
  } catch (e) {
    Atomics.add(ctl, ${FAILED}, 1);
  }
  Atomics.add(ctl, ${DONE}, 1);
  Atomics.notify(ctl, ${DONE});
}
`;

/**
 * What a helper thread needs: the compiled kernels (a `WebAssembly.Module`), the shared
 * `WebAssembly.Memory` they run over, the control words and its part number. All four are
 * structured-cloneable and shared, not copied, by `postMessage` and `workerData`.
 */
export interface HelperInit {
  /** The compiled kernels (a `WebAssembly.Module`). */
  readonly module: object;
  /** The shared linear memory (a `WebAssembly.Memory` over a SharedArrayBuffer). */
  readonly memory: WasmMemory;
  /** The team's control words. */
  readonly control: SharedArrayBuffer;
  /** This helper's part, 1 to threads - 1 (the caller is part 0). */
  readonly part: number;
}

/**
 * Starts one helper thread that instantiates `module` over `memory` and runs the pass loop
 * ({@link HELPER_LOOP}) of part `part` on `control`; returns a handle that stops it. It must
 * not keep its process alive and must not turn the thread's failure to start into an uncaught
 * error: a helper that never picks a pass up is detected by the team (the pickup timeout).
 * @example
 * ```ts
 * const spawn: HelperSpawner = (init) => {
 *   const w = new Worker(new URL("./pass-helper.js", import.meta.url));
 *   w.postMessage(init);
 *   return w;
 * };
 * ```
 */
export type HelperSpawner = (init: HelperInit) => { terminate(): void };
