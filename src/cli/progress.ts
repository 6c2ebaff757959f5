/**
 * A terminal progress bar for `compute`/`toZarr`'s `onProgress` (cli-progress), or plain
 * lines at most every `intervalMs` when the stream is not a terminal (logs, CI).
 * @module
 */
import { createRequire } from "node:module";
import { formatBytes } from "../core/format-bytes.js";
import type { Progress } from "../schedule/scheduler.js";

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** Shown before the bar, e.g. "deconvolve". */
  label?: string;
  /** Default process.stderr. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Plain-line mode: the least time between two lines; default 2000 ms. */
  intervalMs?: number;
}

/** A progress display: pass `onProgress` to compute/toZarr, call `stop()` when done. */
export interface ProgressDisplay {
  onProgress(progress: Progress): void;
  stop(): void;
}

interface Bar {
  start(total: number, value: number, payload?: object): void;
  update(value: number, payload?: object): void;
  setTotal(total: number): void;
  stop(): void;
}

function seconds(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "?";
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * Makes a progress display.
 * @example
 * ```ts
 * const bar = progressBar({ label: "deconvolve" });
 * try { await toZarr(y, "out.zarr", { onProgress: bar.onProgress }); } finally { bar.stop(); }
 * ```
 */
export function progressBar(options: ProgressBarOptions = {}): ProgressDisplay {
  const stream = options.stream ?? process.stderr;
  const label = options.label ?? "progress";
  if (stream.isTTY === true) {
    const cli = createRequire(import.meta.url)("cli-progress") as { SingleBar: new (o: object, preset: object) => Bar; Presets: { shades_classic: object } };
    const bar = new cli.SingleBar({ stream, format: `${label} [{bar}] {percentage}% | {value}/{total} tasks | {written} | elapsed {elapsed} | ETA {left}`, hideCursor: true, clearOnComplete: false }, cli.Presets.shades_classic);
    let started = false;
    return {
      onProgress(p) {
        const payload = { written: p.bytesWritten === undefined ? "-" : `${formatBytes(p.bytesWritten)} written`, elapsed: seconds(p.elapsedMs), left: seconds(p.etaMs) };
        if (!started) {
          bar.start(p.total, p.done, payload);
          started = true;
        } else bar.update(p.done, payload);
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  const interval = options.intervalMs ?? 2000;
  let last = -Infinity;
  let finished = false;
  return {
    onProgress(p) {
      const now = p.elapsedMs;
      if (finished || (p.done < p.total && now - last < interval)) return;
      last = now;
      finished = p.done === p.total;
      const written = p.bytesWritten === undefined ? "" : `, ${formatBytes(p.bytesWritten)} written`;
      stream.write(`${label}: ${p.done}/${p.total} tasks (${Math.floor((100 * p.done) / Math.max(1, p.total))}%)${written}, elapsed ${seconds(p.elapsedMs)}, ETA ${seconds(p.etaMs)}\n`);
    },
    stop: () => undefined,
  };
}
