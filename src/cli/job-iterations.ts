/**
 * The iterations each volume used, when `--tolerance` lets Richardson-Lucy stop early: the
 * kernel reports them as a note (`ctx.note`, see richardsonLucy), which reaches this process
 * from worker threads or other machines through the executor's answer; the per-volume gufunc
 * wraps it as `{ index, note }` with the volume's loop index. A note is data from a worker:
 * only numbers and booleans of the expected shape are read from it, and whatever else it
 * holds is ignored.
 * @module
 */
import type { DeconvolvePlan } from "./job-plan.js";

/** What one volume's kernel reported. */
export interface VolumeIterations {
  /** The volume's index along the image's leading (non-space) axes. */
  readonly index: readonly number[];
  readonly iterations: number;
  readonly converged: boolean;
  /** The last change (or I-divergence decrease with `--stop-on divergence`); absent when none was measured. */
  readonly change: number | undefined;
}

/**
 * A volume's report from a note, or undefined for a note of another shape.
 * @example volumeOf({ index: [0, 3], note: { iterations: 7, converged: true, change: 8.1e-5 } })
 */
function volumeOf(note: unknown): VolumeIterations | undefined {
  if (typeof note !== "object" || note === null) return undefined;
  const { index, note: inner } = note as { index?: unknown; note?: unknown };
  if (!Array.isArray(index) || !index.every((i) => Number.isInteger(i) && i >= 0)) return undefined;
  if (typeof inner !== "object" || inner === null) return undefined;
  const { iterations, converged, change } = inner as { iterations?: unknown; converged?: unknown; change?: unknown };
  if (!Number.isInteger(iterations) || (iterations as number) < 0 || typeof converged !== "boolean") return undefined;
  return { index: index as number[], iterations: iterations as number, converged, change: typeof change === "number" && Number.isFinite(change) ? change : undefined };
}

/** Collects the volumes' reports as they arrive (the last one wins for a volume reported twice). */
export class IterationsLog {
  private readonly byVolume = new Map<string, VolumeIterations>();

  constructor(private readonly plan: DeconvolvePlan) {}

  /** Takes one note; returns the volume's report, or undefined for a note of another shape. */
  add(note: unknown): VolumeIterations | undefined {
    const v = volumeOf(note);
    if (v !== undefined) this.byVolume.set(v.index.join(","), v);
    return v;
  }

  /** The reports in volume order. */
  volumes(): VolumeIterations[] {
    return [...this.byVolume.values()].sort((a, b) => compareIndex(a.index, b.index));
  }

  /** One line per volume, e.g. `c=0 t=3: 7 of 20 iterations (converged: change 8.1e-05 <= 0.0001)`. */
  line(v: VolumeIterations): string {
    const { rl } = this.plan.job;
    const what = rl.stopOn === "divergence" ? "divergence decrease" : "change";
    const measured = v.change === undefined ? "" : `: ${what} ${v.change.toExponential(1)} ${v.converged ? "<=" : ">"} ${rl.tolerance}`;
    return `${this.label(v.index)}: ${v.iterations} of ${rl.iterations} iteration${rl.iterations === 1 ? "" : "s"} (${v.converged ? "converged" : "not converged"}${measured})`;
  }

  /** The min, median and max iterations used over the volumes reported; undefined when none was. */
  stats(): { min: number; median: number; max: number; volumes: number } | undefined {
    const its = this.volumes().map((v) => v.iterations).sort((a, b) => a - b);
    if (its.length === 0) return undefined;
    const mid = its.length >> 1;
    const median = its.length % 2 === 1 ? its[mid]! : (its[mid - 1]! + its[mid]!) / 2;
    return { min: its[0]!, median, max: its[its.length - 1]!, volumes: its.length };
  }

  /** The mean iterations over the volumes reported; undefined when none was. */
  meanIterations(): number | undefined {
    const v = this.volumes();
    return v.length === 0 ? undefined : v.reduce((s, x) => s + x.iterations, 0) / v.length;
  }

  /** The summary line, e.g. `iterations used per volume: min 5, median 7, max 20 (of at most 20; 12 volumes)`. */
  summary(): string | undefined {
    const s = this.stats();
    if (s === undefined) return undefined;
    return `iterations used per volume: min ${s.min}, median ${s.median}, max ${s.max} (of at most ${this.plan.job.rl.iterations}; ${s.volumes} volume${s.volumes === 1 ? "" : "s"})`;
  }

  /** `c=0 t=3` with an OME-Zarr input's axis names, else `volume (0, 3)`. */
  private label(index: readonly number[]): string {
    const names = this.plan.ome?.axes.slice(0, -3).map((a) => a.name);
    if (names !== undefined && names.length === index.length) return index.map((i, k) => `${names[k]}=${i}`).join(" ");
    return `volume (${index.join(", ")})`;
  }
}

function compareIndex(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return a.length - b.length;
}
