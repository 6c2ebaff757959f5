/**
 * A team of threads sharing one WebAssembly memory, so one transform (one volume) runs on
 * several cores: the calling thread and `threads - 1` helper worker threads each instantiate
 * the same SIMD kernels over the shared memory, and the line batches of every pass job
 * (`pass-jobs.ts`) are shared out through an atomic counter: each thread takes the next free
 * batch, so one slowed by other work on the machine simply does fewer. The batches of a pass
 * touch disjoint lines, so the threads need no locks inside a pass, only a barrier at its end.
 *
 * Synchronisation is two counters in a small SharedArrayBuffer and `Atomics.wait`/`notify`
 * (the calling thread blocks at the barrier, which Node allows), so starting a pass costs
 * microseconds, not a message round trip. A helper is a few lines of JavaScript evaluated in
 * the worker (no module to resolve, so it works the same from the TypeScript sources, the
 * compiled package and a bundle); the pass logic itself lives in the wasm module.
 * @module
 */
import { Worker } from "node:worker_threads";
import { WasmEngine } from "./wasm-engine.js";

/** Control words: 0 the job sequence number (-1: quit), 1 job address, 2 parts, 3 f32, 4 helpers done, 5 failures, 6 helpers started. */
const SEQ = 0, JOB = 1, PARTS = 2, F32 = 3, DONE = 4, FAILED = 5, STARTED = 6;
/** A helper that has not even picked up a job after this long is gone (a pass takes far less). */
const PICKUP_TIMEOUT_MS = 60_000;

const HELPER = `
const { workerData } = require("node:worker_threads");
const { module, memory, control, part } = workerData;
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

/** How long a released team waits for its next user before it stops (ms). */
const IDLE_MS = 5000;
/** At most one idle team per thread, so memory stays bounded by the largest recent call. */
const pool: { idle?: WasmTeam | undefined } = {};

/**
 * The calling thread plus helper threads over one shared-memory {@link WasmEngine}.
 * @example
 * ```ts
 * const team = WasmTeam.create(2);
 * team?.run(jobAddress, true);
 * team?.close();
 * ```
 */
export class WasmTeam {
  private seq = 0;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** A pass failed on this team: it is closed when released rather than reused. */
  private broken = false;

  private constructor(
    readonly engine: WasmEngine,
    private readonly control: Int32Array,
    /** The helper worker threads (for tests that stop one). */
    readonly helpers: readonly Worker[],
    private readonly pickupTimeoutMs: number,
  ) {}

  /**
   * A team of `threads` (the caller and `threads - 1` helpers); undefined when shared wasm
   * memory is not available here (the caller then uses the single-thread path). A helper that
   * does not pick a pass up within `pickupTimeoutMs` is taken for dead: the pass fails and the
   * team closes, instead of waiting forever.
   */
  static create(threads: number, pickupTimeoutMs = PICKUP_TIMEOUT_MS): WasmTeam | undefined {
    const engine = WasmEngine.createShared();
    if (engine === undefined) return undefined;
    const control = new Int32Array(new SharedArrayBuffer(64));
    const helpers: Worker[] = [];
    for (let part = 1; part < threads; part++) {
      const w = new Worker(HELPER, {
        eval: true,
        workerData: { module: engine.module, memory: engine.memory, control: control.buffer, part },
      });
      // A helper never keeps the process alive: it only runs while the caller waits on it.
      w.unref();
      // A helper that fails to start never picks a pass up (see run's timeout); its error
      // event must not become an uncaught exception.
      w.on("error", () => undefined);
      helpers.push(w);
    }
    return new WasmTeam(engine, control, helpers, pickupTimeoutMs);
  }

  /**
   * A team of `threads`: the idle one a previous call released when it has that size (its
   * memory, twiddle tables and helper threads reused: back-to-back calls on a worker neither
   * start threads again nor leave a dead memory per call for the garbage collector), else a new
   * one. Give it back with {@link WasmTeam.release}.
   */
  static acquire(threads: number): WasmTeam | undefined {
    const t = pool.idle;
    pool.idle = undefined;
    if (t !== undefined && t.size === threads) {
      clearTimeout(t.timer);
      return t;
    }
    // An idle team of another size would hold its memory through this call: stop it first.
    t?.close();
    return WasmTeam.create(threads);
  }

  /** Hands the team back for reuse; it stops after a few idle seconds or when another is released. */
  release(): void {
    if (this.closed || pool.idle === this) return;
    if (this.broken) {
      this.close();
      return;
    }
    pool.idle?.close();
    pool.idle = this;
    this.timer = setTimeout(() => {
      if (pool.idle === this) pool.idle = undefined;
      this.close();
    }, IDLE_MS);
    this.timer.unref?.();
  }

  /** Threads in the team, the caller included. */
  get size(): number {
    return this.helpers.length + 1;
  }

  /**
   * Runs the pass job at byte address `job` on every thread and returns when all are done.
   * @throws {Error} when a helper's part trapped (the pass's output is then incomplete)
   */
  run(job: number, f32: boolean): void {
    if (this.closed) throw new Error("WasmTeam.run: the team is closed");
    const parts = this.size;
    const kernels = this.engine.kernels(f32);
    if (parts === 1) {
      try {
        kernels.runPassJob(job, 0, 1);
      } catch (e) {
        this.broken = true;
        throw e;
      }
      return;
    }
    const c = this.control;
    Atomics.store(c, JOB, job);
    Atomics.store(c, PARTS, parts);
    Atomics.store(c, F32, f32 ? 1 : 0);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, STARTED, 0);
    Atomics.store(c, FAILED, 0);
    this.seq = this.seq >= 0x3fffffff ? 1 : this.seq + 1;
    Atomics.store(c, SEQ, this.seq);
    Atomics.notify(c, SEQ);
    let error: unknown;
    try {
      kernels.runPassJob(job, 0, parts);
    } catch (e) {
      error = e;
    }
    // The barrier: wait for every helper even when this part failed, so no thread still
    // writes into the memory when the caller moves on.
    const since = performance.now();
    for (let done = Atomics.load(c, DONE); done < parts - 1; done = Atomics.load(c, DONE)) {
      if (Atomics.wait(c, DONE, done, 1000) !== "timed-out") continue;
      if (Atomics.load(c, STARTED) < parts - 1 && performance.now() - since > this.pickupTimeoutMs) {
        // A helper that never picks the job up has died; this team cannot finish any pass.
        this.close();
        throw new Error(`WasmTeam.run: a helper thread did not pick up the FFT pass within ${this.pickupTimeoutMs / 1000} s; the team is closed. Retry with threads: 1`);
      }
    }
    const helperFailed = Atomics.exchange(c, FAILED, 0) > 0;
    if (error !== undefined || helperFailed) this.broken = true;
    if (error !== undefined) throw error;
    if (helperFailed) throw new Error("a helper thread's part of an FFT pass trapped");
  }

  /** Stops the helpers; the engine's memory is released with the team. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    if (pool.idle === this) pool.idle = undefined;
    Atomics.store(this.control, SEQ, -1);
    Atomics.notify(this.control, SEQ);
    for (const w of this.helpers) void w.terminate();
  }
}
