/**
 * Reusable work buffers for line transforms. Buffers only grow, so one scratch object serves
 * every call of a plan without allocating after the first. A workspace also owns the
 * WebAssembly instance (and its memory) of the SIMD backend, created on first use.
 * @module
 */
import { ValueError, show } from "../core/errors.js";
import { WasmEngine, wasmEnabled, type FftBackend } from "./wasm-engine.js";

/**
 * Options of {@link FftWorkspace}.
 * @example
 * ```ts
 * new FftWorkspace({ backend: "typescript" });
 * ```
 */
export interface FftWorkspaceOptions {
  /**
   * "auto" (default: the WebAssembly SIMD kernels where they apply, else TypeScript),
   * "wasm" (the same; kept for symmetry) or "typescript" (always the reference path).
   */
  readonly backend?: FftBackend;
}

/**
 * Reusable work buffers for the transforms: numbered growable Float64Array slots (0 and 1 hold
 * batches of lines, 2 and 3 Bluestein's convolution). Pass one to many calls through the
 * `workspace` option so the line buffers are allocated once. Not shared between threads.
 * @example
 * ```ts
 * const workspace = new FftWorkspace();
 * for (const block of blocks) rfftn(block, { workspace });
 * ```
 */
export class FftWorkspace {
  private readonly slots: Float64Array[] = [];
  /** The backend this workspace asks for. */
  readonly backend: FftBackend;
  private engine: WasmEngine | undefined | null;

  /** @throws {ValueError} for an unknown backend */
  constructor(options: FftWorkspaceOptions = {}) {
    const b = options.backend ?? "auto";
    if (b !== "auto" && b !== "wasm" && b !== "typescript") {
      throw new ValueError("FftWorkspace", `backend must be "auto", "wasm" or "typescript"; got ${show(b)}. Omit it to let the workspace choose`);
    }
    this.backend = b;
  }

  /**
   * The WebAssembly engine (internal), or undefined when the backend is "typescript" (by option or by
   * the default) or the kernels are unavailable.
   * @example
   * ```ts
   * new FftWorkspace({ backend: "typescript" }).wasm; // undefined
   * ```
   * @internal
   */
  get wasm(): WasmEngine | undefined {
    if (!wasmEnabled(this.backend)) return undefined;
    if (this.engine === undefined) this.engine = WasmEngine.create() ?? null;
    return this.engine ?? undefined;
  }

  /**
   * The buffer in `slot`, at least `size` long (contents unspecified).
   * @example
   * ```ts
   * new FftWorkspace().get(0, 1024).length; // 1024
   * ```
   */
  get(slot: number, size: number): Float64Array {
    const cur = this.slots[slot];
    if (cur !== undefined && cur.length >= size) return cur;
    const next = new Float64Array(size);
    this.slots[slot] = next;
    return next;
  }

  /**
   * Total bytes held.
   * @example
   * ```ts
   * new FftWorkspace().bytes; // 0
   * ```
   */
  get bytes(): number {
    let b = 0;
    for (const s of this.slots) if (s !== undefined) b += s.byteLength;
    return b + (this.engine?.bytes ?? 0);
  }
}
