/**
 * A team of threads sharing one WebAssembly memory, so one transform (one volume) runs on
 * several cores: the calling thread and `threads - 1` helper threads each instantiate the
 * same SIMD kernels over the shared memory, and the line batches of every pass job
 * (`pass-jobs.ts`) are shared out through an atomic counter: each thread takes the next free
 * batch, so one slowed by other work on the machine simply does fewer. The batches of a pass
 * touch disjoint lines, so the threads need no locks inside a pass, only a barrier at its end.
 *
 * Synchronisation is a few counters in a small SharedArrayBuffer and `Atomics.wait`/`notify`
 * (the calling thread blocks at the barrier), so starting a pass costs microseconds, not a
 * message round trip. This module is the protocol only and uses nothing but
 * SharedArrayBuffer, Atomics and WebAssembly: how a helper thread is started is the host's
 * business, given as a {@link HelperSpawner} (Node worker threads in
 * `executors/threads/node-pass-teams.ts`, Web Workers in `executors/web-workers/`). Every
 * spawner runs the same `HELPER_LOOP` (the helper's side, `pass-team-helper.ts`), so the
 * pass logic itself lives in the wasm module.
 *
 * Callers ask {@link acquirePassTeam}: a team of one thread (the caller alone) needs no
 * helper; a larger one comes from the provider the host installed with
 * {@link installPassTeams}. Without a provider, or on a thread that may not block (a
 * browser's main thread), the call runs on one thread and says so once on `console.warn`.
 * The passes' results do not depend on the number of threads, only the speed does.
 * @module
 */
import { CONTROL_BYTES, DONE, F32, FAILED, JOB, PARTS, SEQ, STARTED, type HelperSpawner } from "./pass-team-helper.js";
import { WasmEngine } from "./wasm-engine.js";

/** A helper that has not even picked up a job after this long is gone (a pass takes far less). */
const PICKUP_TIMEOUT_MS = 60_000;
/** How long a released team waits for its next user before it stops (ms). */
const IDLE_MS = 5000;

/**
 * The calling thread plus helper threads over one shared-memory {@link WasmEngine}.
 * @example
 * ```ts
 * const team = acquirePassTeam(2);
 * team?.run(jobAddress, true);
 * team?.release();
 * ```
 */
export interface PassTeam {
  /** The engine over the team's shared memory (plans and arrays are built in it). */
  readonly engine: WasmEngine;
  /** Threads in the team, the caller included. */
  readonly size: number;
  /**
   * Runs the pass job at byte address `job` on every thread and returns when all are done.
   * @throws {Error} when a part trapped (the pass's output is then incomplete) or a helper is gone
   */
  run(job: number, f32: boolean): void;
  /** Hands the team back for reuse by the next caller (its memory's contents are then gone). */
  release(): void;
  /** Stops the helpers; the engine's memory is released with the team. */
  close(): void;
}

/**
 * Where teams of more than one thread come from: the host (Node, a browser page with Web
 * Workers) installs one with {@link installPassTeams}.
 */
export interface PassTeamProvider {
  /** A team of `threads` threads (the caller and `threads - 1` helpers), or undefined when this provider cannot make one. */
  acquire(threads: number): PassTeam | undefined;
}

let provider: PassTeamProvider | undefined;

/**
 * Installs (or, with undefined, removes) the provider of thread teams for this thread. The
 * Node entries of the package and the executors' workers install the worker-thread one.
 * @example
 * ```ts
 * const previous = passTeams();
 * installPassTeams(undefined); // every team runs on the calling thread alone
 * installPassTeams(previous);
 * ```
 */
export function installPassTeams(p: PassTeamProvider | undefined): void {
  provider = p;
}

/**
 * The installed provider of thread teams, if any.
 * @example
 * ```ts
 * if (passTeams() === undefined) console.log("FFT passes run on the calling thread only");
 * ```
 */
export function passTeams(): PassTeamProvider | undefined {
  return provider;
}

/**
 * A team of `threads` for one caller, falling back to the calling thread alone (with a note,
 * once per reason) when no provider is installed, the provider has no such team, or this
 * thread may not block on `Atomics.wait`. Undefined only when shared WebAssembly memory is
 * unavailable here (the caller then takes its reference path).
 */
export function acquirePassTeam(threads: number): PassTeam | undefined {
  if (threads > 1) {
    let why: string | undefined;
    if (provider === undefined) why = inBrowser() ? NO_PROVIDER_IN_A_PAGE : "no thread-team provider is installed (Node installs one through the package's \"node\" export condition; see installPassTeams)";
    else if (typeof SharedArrayBuffer === "undefined") why = "SharedArrayBuffer is unavailable here (a page that is not cross-origin isolated: serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)";
    else if (!canBlock()) why = "this thread may not block on Atomics.wait (a browser's main thread: run the call in a worker)";
    else {
      const team = provider.acquire(threads);
      if (team !== undefined) return team;
      why = "the thread-team provider has no team here (shared WebAssembly memory unavailable)";
    }
    if (!noted.has(why)) {
      noted.add(why);
      console.warn(`chunkwise FFT: ${threads} threads asked, running on 1 thread because ${why}. Results are the same, only slower.`);
    }
  }
  return (provider ?? callerOnly()).acquire(1);
}

/** The note of a page's own thread (or a plain Web Worker): where threads on one volume do come from in a browser. */
const NO_PROVIDER_IN_A_PAGE = "no thread-team provider is installed on this thread. In a browser, several threads on one volume come from running the call as a task of the webWorkers() executor (chunkwise/web-workers) with its threadsPerTask option, in a cross-origin isolated page; a page's own thread always runs it on one";

/** Whether this is a browser's page or worker (where Node's provider never exists). */
function inBrowser(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== "undefined" || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined";
}

/** Reasons already noted on console.warn (each once per thread). */
const noted = new Set<string>();
/** Teams of one thread when no provider is installed: no helper, so no spawner. */
let callerPool: PassTeamPool | undefined;

function callerOnly(): PassTeamPool {
  return (callerPool ??= new PassTeamPool(undefined));
}

/** Whether this thread may wait on a SharedArrayBuffer (browsers forbid it on the main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A {@link PassTeamProvider} over a {@link HelperSpawner}, keeping the last released team
 * idle for a few seconds: back-to-back calls of the same size reuse its memory, twiddle
 * tables and helper threads, instead of starting threads again and leaving a dead memory per
 * call for the garbage collector. At most one team is idle, so memory stays bounded by the
 * largest recent call.
 * @example
 * ```ts
 * installPassTeams(new PassTeamPool(spawnNodeHelper));
 * ```
 */
export class PassTeamPool implements PassTeamProvider {
  private idle: SharedPassTeam | undefined;
  private readonly pickupTimeoutMs: number;
  /** How long a released team waits for its next user before it stops (ms). */
  readonly idleMs: number;

  /**
   * @param spawn - starts helper threads; undefined: only teams of one thread
   * @param options - `pickupTimeoutMs`: how long a pass waits for a helper to pick it up
   *   before the team is taken for broken (default 60 s); `idleMs`: how long a released team
   *   waits for reuse (default 5 s)
   */
  constructor(private readonly spawn: HelperSpawner | undefined, options: { readonly pickupTimeoutMs?: number; readonly idleMs?: number } = {}) {
    this.pickupTimeoutMs = options.pickupTimeoutMs ?? PICKUP_TIMEOUT_MS;
    this.idleMs = options.idleMs ?? IDLE_MS;
  }

  acquire(threads: number): PassTeam | undefined {
    if (!(Number.isInteger(threads) && threads >= 1) || (threads > 1 && this.spawn === undefined)) return undefined;
    const t = this.idle;
    this.idle = undefined;
    if (t !== undefined && t.size === threads) {
      t.wake();
      return t;
    }
    // An idle team of another size would hold its memory through this call: stop it first.
    t?.close();
    return SharedPassTeam.create(threads, this.spawn, this, this.pickupTimeoutMs);
  }

  /** Keeps `team` idle, stopping the one idle before (called by the team's release). */
  park(team: SharedPassTeam): void {
    if (this.idle === team) return;
    this.idle?.close();
    this.idle = team;
    team.sleep(this.idleMs);
  }

  /** Drops `team` if it is the idle one (called when it closes). */
  forget(team: SharedPassTeam): void {
    if (this.idle === team) this.idle = undefined;
  }
}

/**
 * The team of {@link PassTeamPool}: the shared-memory protocol over helpers started by a
 * spawner. Exported for tests that build one directly (a short pickup timeout, a helper they stop).
 */
export class SharedPassTeam implements PassTeam {
  private seq = 0;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** A pass failed on this team: it is closed when released rather than reused. */
  private broken = false;

  private constructor(
    readonly engine: WasmEngine,
    private readonly control: Int32Array,
    /** The helpers' handles. */
    readonly helpers: readonly { terminate(): void }[],
    private readonly home: PassTeamPool | undefined,
    private readonly pickupTimeoutMs: number,
  ) {}

  /**
   * A team of `threads` (the caller and `threads - 1` helpers from `spawn`); undefined when
   * shared wasm memory is not available here, or `threads > 1` without a spawner. A helper
   * that does not pick a pass up within `pickupTimeoutMs` is taken for dead: the pass fails
   * and the team closes, instead of waiting forever.
   * @throws what `spawn` throws (the helpers already started are stopped first)
   */
  static create(
    threads: number, spawn: HelperSpawner | undefined, home?: PassTeamPool, pickupTimeoutMs = PICKUP_TIMEOUT_MS,
  ): SharedPassTeam | undefined {
    if (threads > 1 && spawn === undefined) return undefined;
    // One thread needs no shared memory: a page that is not cross-origin isolated (no
    // SharedArrayBuffer) still runs the same kernels, so its results equal everyone else's.
    const engine = WasmEngine.createShared() ?? (threads === 1 ? WasmEngine.create() : undefined);
    if (engine === undefined) return undefined;
    const control = new Int32Array(typeof SharedArrayBuffer === "undefined" ? new ArrayBuffer(CONTROL_BYTES) : new SharedArrayBuffer(CONTROL_BYTES));
    const helpers: { terminate(): void }[] = [];
    try {
      for (let part = 1; part < threads; part++) {
        helpers.push(spawn!({ module: engine.module, memory: engine.memory, control: control.buffer as SharedArrayBuffer, part }));
      }
    } catch (e) {
      stop(control, helpers);
      throw e;
    }
    return new SharedPassTeam(engine, control, helpers, home, pickupTimeoutMs);
  }

  get size(): number {
    return this.helpers.length + 1;
  }

  release(): void {
    if (this.closed) return;
    if (this.broken || this.home === undefined) this.close();
    else this.home.park(this);
  }

  /** Starts the idle countdown (the pool parked this team). */
  sleep(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.close(), ms);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Stops the idle countdown (the pool hands this team out again). */
  wake(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  run(job: number, f32: boolean): void {
    if (this.closed) throw new Error("PassTeam.run: the team is closed");
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
    this.start(job, parts, f32);
    let error: unknown;
    try {
      kernels.runPassJob(job, 0, parts);
    } catch (e) {
      error = e;
    }
    this.barrier(parts);
    const helperFailed = Atomics.exchange(this.control, FAILED, 0) > 0;
    if (error !== undefined || helperFailed) this.broken = true;
    if (error !== undefined) throw error;
    if (helperFailed) throw new Error("a helper thread's part of an FFT pass trapped");
  }

  /** Publishes the job and wakes the helpers. */
  private start(job: number, parts: number, f32: boolean): void {
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
  }

  /**
   * Waits for every helper, even when the caller's own part failed, so no thread still writes
   * into the memory when the caller moves on.
   * @throws {Error} when a helper never picks the job up within the pickup timeout (the team closes)
   */
  private barrier(parts: number): void {
    const c = this.control;
    const since = performance.now();
    for (let done = Atomics.load(c, DONE); done < parts - 1; done = Atomics.load(c, DONE)) {
      if (Atomics.wait(c, DONE, done, 1000) !== "timed-out") continue;
      if (Atomics.load(c, STARTED) < parts - 1 && performance.now() - since > this.pickupTimeoutMs) {
        this.close();
        throw new Error(`PassTeam.run: a helper thread did not pick up the FFT pass within ${this.pickupTimeoutMs / 1000} s; the team is closed. Retry with threads: 1`);
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    this.home?.forget(this);
    stop(this.control, this.helpers);
  }
}

/** Tells the helpers to quit and stops their threads. */
function stop(control: Int32Array, helpers: readonly { terminate(): void }[]): void {
  Atomics.store(control, SEQ, -1);
  Atomics.notify(control, SEQ);
  for (const h of helpers) h.terminate();
}
