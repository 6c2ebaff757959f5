/**
 * Facts about the machine that only the host can tell, injected so this layer imports no
 * Node builtin: its memory size (the default memory budget is 75% of it) and its cores (the
 * thread budget of the inline executor). Node's entries and workers install `os.totalmem()`
 * and `os.availableParallelism()` (`executors/node-host.ts`); in a browser, with nothing
 * installed, the memory is `navigator.deviceMemory` GiB when the browser tells it, else
 * an assumed 2 GiB, and the cores are 1.
 * @module
 */

/** What a host may tell; a field left out keeps its fallback. */
export interface HostFacts {
  /** Bytes of memory of the machine. */
  readonly memoryBytes?: number;
  /** Cores this process may use. */
  readonly cores?: number;
}

/** The memory assumed when the host tells nothing (2 GiB: a small phone or laptop tab). */
const ASSUMED_MEMORY_BYTES = 2 * 2 ** 30;

let facts: HostFacts = {};

/**
 * Installs what the host knows (undefined: forget it, back to the fallbacks).
 * @example
 * ```ts
 * installHost({ memoryBytes: 16 * 2 ** 30, cores: 8 });
 * ```
 */
export function installHost(host: HostFacts | undefined): void {
  const ok = (v: number | undefined): boolean => v === undefined || (Number.isFinite(v) && v > 0);
  if (host !== undefined && !(ok(host.memoryBytes) && ok(host.cores))) {
    throw new RangeError(`installHost: memoryBytes and cores must be positive finite numbers; got ${JSON.stringify(host)}. Leave out what the host does not know`);
  }
  facts = host ?? {};
}

/**
 * The machine's memory in bytes and where that figure comes from (for messages): the host's
 * own figure, `navigator.deviceMemory` (a browser's rounded GiB), or the assumed 2 GiB.
 */
export function hostMemory(): { readonly bytes: number; readonly source: string } {
  if (facts.memoryBytes !== undefined) return { bytes: facts.memoryBytes, source: "the machine's memory" };
  const gib = (globalThis as { navigator?: { deviceMemory?: unknown } }).navigator?.deviceMemory;
  if (typeof gib === "number" && gib > 0) return { bytes: gib * 2 ** 30, source: `navigator.deviceMemory (${gib} GiB)` };
  return { bytes: ASSUMED_MEMORY_BYTES, source: "an assumed 2 GiB (this host reports no memory size)" };
}

/** Cores this process may use: the host's figure, else 1. */
export function hostCores(): number {
  return Math.max(1, Math.floor(facts.cores ?? 1));
}
