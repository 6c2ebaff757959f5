/**
 * The WebAssembly SIMD backend's engine: the kernels of `wasm/kernels.ts`
 * (AssemblyScript, embedded by `wasm-binary.ts`) compiled once when this module loads, and
 * per workspace one instance with its own linear memory, which holds the twiddle tables of
 * the line plans it has built and, per call, the line buffers and the arrays being
 * transformed. Line plans mirror `mixed-radix.ts` / `line-plans.ts` exactly (same radix
 * order, same twiddle indices, tables from `rootTable` rounded to the storage precision), but
 * compute in the storage precision: float32 data in float32, four lines per vector; float64
 * data in float64, two per vector. Only 5-smooth lengths have wasm plans; other lengths (which
 * need the generic radix pass or Bluestein) stay on the TypeScript path.
 *
 * The backend is chosen per call: "auto" (default) uses wasm when the module compiled and the
 * transform qualifies; "typescript" forces the reference path. The default comes from the
 * `CHUNKWISE_FFT_BACKEND` environment variable when there is one.
 * @module
 */
import { radixFactors } from "./next-fast-len.js";
import { rootTable } from "./twiddle.js";
import { WASM_BASE64, WASM_SHARED_BASE64 } from "./wasm-binary.js";

/**
 * Which implementation computes the line transforms.
 * @example
 * ```ts
 * const b: FftBackend = "typescript";
 * ```
 */
export type FftBackend = "auto" | "wasm" | "typescript";

/** A WebAssembly.Memory as the engine uses it (typed here: the library compiles without DOM typings). */
export interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** The exported kernels of one precision. */
export interface Kernels {
  /** Runs this thread's share (line buffers of part `part`) of the pass job at byte address `job`, shared by `parts` threads (see `pass-jobs.ts`). */
  readonly runPassJob: (job: number, part: number, parts: number) => void;
  /** Richardson-Lucy's estimate update over a table of rows (see `filters/richardson-lucy-update.ts`). */
  readonly rlStep: (rows: number, nrows: number, len: number, delta: number, prev: number, grad: number, acc: number, sums: number) => void;
  /** Richardson-Lucy's extrapolation, the next step's start. */
  readonly rlExtrapolate: (rows: number, nrows: number, len: number, prev: number, alpha: number) => void;
}

const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
const compiled: object | undefined = compile(WASM_BASE64);
/** The shared-memory variant, compiled on first use (only teams of threads need it). */
let compiledShared: object | undefined | null = null;
const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit

function compile(base64: string): object | undefined {
  if (api === undefined) return undefined;
  try {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return new api.Module(bytes);
  } catch {
    return undefined; // no SIMD support: the TypeScript path serves every call
  }
}

let defaultBackend: FftBackend = readEnv();

function readEnv(): FftBackend {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.CHUNKWISE_FFT_BACKEND;
  return v === "typescript" || v === "wasm" || v === "auto" ? v : "auto";
}

/**
 * Sets the backend used when a workspace or plan does not choose one (tests run both).
 * @returns the previous default
 * @example
 * ```ts
 * const prev = setDefaultFftBackend("typescript");
 * ```
 */
export function setDefaultFftBackend(backend: FftBackend): FftBackend {
  const prev = defaultBackend;
  defaultBackend = backend;
  return prev;
}

/**
 * Whether the wasm kernels compiled here, and whether `backend` (default: the current
 * default) selects them.
 * @example
 * ```ts
 * if (wasmEnabled()) console.log("SIMD FFT kernels in use");
 * ```
 */
export function wasmEnabled(backend: FftBackend = defaultBackend): boolean {
  const b = backend === "auto" ? defaultBackend : backend;
  return compiled !== undefined && b !== "typescript";
}

/** Whether every length has a wasm plan (5-smooth). */
export function wasmLengthsOk(lengths: readonly number[]): boolean {
  return lengths.every((n) => n >= 1 && radixFactors(n).every((p) => p <= 8 && p !== 7));
}

/**
 * A complex line plan in wasm memory: stages and the byte addresses of their twiddles, which
 * `pass-jobs.ts` copies into a job's stage records for the kernels' `execPlan`.
 * @example
 * ```ts
 * const stages = engine.complexPlan(576, true).stages; // radices 4, 4, 4, 3, 3
 * ```
 */
export class WasmComplexPlan {
  constructor(
    readonly n: number,
    /** Radix stages in order, with the byte addresses of their forward and backward twiddles. */
    readonly stages: readonly { p: number; ido: number; l1: number; fwd: number; bwd: number }[],
  ) {}
}

/**
 * One wasm instance: its memory, the kernels of both precisions and the plans built so far.
 * @example
 * ```ts
 * const engine = WasmEngine.create();
 * ```
 */
export class WasmEngine {
  /** The linear memory (a shared one for {@link WasmEngine.createShared}). */
  readonly memory: WasmMemory;
  private readonly k32: Kernels;
  private readonly k64: Kernels;
  private tablesEnd = 1024;
  private readonly plans = new Map<string, WasmComplexPlan>();
  private readonly realTw = new Map<string, number>();
  private f32view = new Float32Array(0);
  private f64view = new Float64Array(0);

  private constructor(
    /** The compiled kernels, to instantiate again in other threads over a shared memory. */
    readonly module: object,
    shared: boolean,
  ) {
    this.memory = new api!.Memory({ initial: 1, maximum: MAX_PAGES, ...(shared ? { shared: true } : {}) });
    const ex = new api!.Instance(module, { env: { memory: this.memory } }).exports;
    this.k32 = kernelsOf(ex, "32");
    this.k64 = kernelsOf(ex, "64");
  }

  /** A new engine, or undefined when the kernels did not compile. */
  static create(): WasmEngine | undefined {
    return compiled === undefined ? undefined : new WasmEngine(compiled, false);
  }

  /**
   * A new engine over a shared memory (a SharedArrayBuffer), which worker threads instantiate
   * the same kernels over (see `pass-team.ts`); undefined when that is not supported.
   */
  static createShared(): WasmEngine | undefined {
    if (compiled === undefined || typeof SharedArrayBuffer === "undefined") return undefined;
    compiledShared ??= compile(WASM_SHARED_BASE64);
    if (compiledShared === undefined) return undefined;
    try {
      return new WasmEngine(compiledShared, true);
    } catch {
      return undefined;
    }
  }

  kernels(f32: boolean): Kernels {
    return f32 ? this.k32 : this.k64;
  }

  /** Bytes of linear memory held. */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** End of the twiddle tables: free memory starts here (rounded up to 64 bytes). */
  get heapStart(): number {
    return (this.tablesEnd + 63) & ~63;
  }

  /** Grows memory to at least `bytes`; false when that exceeds the wasm32 limit. */
  reserve(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) return false;
    try {
      this.memory.grow(pages);
    } catch {
      return false;
    }
    return true;
  }

  /** A Float32Array over the whole memory (recreated after growth). */
  get f32(): Float32Array {
    if (this.f32view.buffer !== this.memory.buffer || this.f32view.length === 0) this.f32view = new Float32Array(this.memory.buffer);
    return this.f32view;
  }

  /** A Float64Array over the whole memory (recreated after growth). */
  get f64(): Float64Array {
    if (this.f64view.buffer !== this.memory.buffer || this.f64view.length === 0) this.f64view = new Float64Array(this.memory.buffer);
    return this.f64view;
  }

  /** The complex plan of length n in the given precision (tables written on first use). */
  complexPlan(n: number, f32: boolean): WasmComplexPlan {
    const key = `${n}:${f32 ? 32 : 64}`;
    let plan = this.plans.get(key);
    if (plan !== undefined) return plan;
    const factors = n > 1 ? radixFactors(n) : [];
    const roots = rootTable(n);
    const E = f32 ? 4 : 8;
    const stages: { p: number; ido: number; l1: number; fwd: number; bwd: number }[] = [];
    let l1 = 1;
    for (const p of factors) {
      const ido = n / (l1 * p);
      const count = 2 * (p - 1) * Math.max(ido - 1, 0);
      const fwd = this.table(count * E), bwd = this.table(count * E);
      const view = f32 ? this.f32 : this.f64;
      for (let j = 1; j < p; j++) {
        for (let i = 1; i < ido; i++) {
          const t = 2 * ((j - 1) * (ido - 1) + i - 1);
          const m = j * l1 * i;
          view[bwd / E + t] = roots[2 * m]!;
          view[bwd / E + t + 1] = roots[2 * m + 1]!;
          view[fwd / E + t] = roots[2 * m]!;
          view[fwd / E + t + 1] = -roots[2 * m + 1]!;
        }
      }
      stages.push({ p, ido, l1, fwd, bwd });
      l1 *= p;
    }
    plan = new WasmComplexPlan(n, stages);
    this.plans.set(key, plan);
    return plan;
  }

  /** Byte address of `exp(2 pi i k / n)`, k <= n/2, for the real untangling of even n. */
  realTwiddles(n: number, f32: boolean): number {
    const key = `${n}:${f32 ? 32 : 64}`;
    let at = this.realTw.get(key);
    if (at !== undefined) return at;
    const h = n >> 1, E = f32 ? 4 : 8;
    const t = rootTable(n, h + 1);
    at = this.table(t.length * E);
    (f32 ? this.f32 : this.f64).set(t, at / E);
    this.realTw.set(key, at);
    return at;
  }

  private table(bytes: number): number {
    const at = (this.tablesEnd + 15) & ~15;
    this.tablesEnd = at + bytes;
    if (!this.reserve(this.tablesEnd + 64)) throw new RangeError("FFT twiddle tables exceed the WebAssembly memory limit");
    return at;
  }
}

function kernelsOf(ex: Record<string, unknown>, s: "32" | "64"): Kernels {
  const f = (name: string) => ex[name] as (...args: number[]) => void;
  return {
    runPassJob: f(`runPassJob${s}`),
    rlStep: f(`rlStep${s}`),
    rlExtrapolate: f(`rlExtrapolate${s}`),
  };
}
