/**
 * A terminal progress bar for `compute`/`toZarr`'s `onProgress` (cli-progress), or plain
 * lines at most every `intervalMs` when the stream is not a terminal (logs, CI).
 *
 * It lives with the scheduler whose `Progress` events it draws, and imports no Node builtin,
 * so the root entry that exports it stays loadable in a browser: cli-progress is imported
 * only when a bar is drawn on a terminal. That import is asynchronous, so events that arrive
 * before it finishes are kept (the latest one) and drawn once it has; a `stop()` in between
 * draws that last state and then stops.
 * @module
 */
import { formatBytes } from "../core/format-bytes.js";
import type { Progress } from "./scheduler.js";
import type { SingleBar } from "cli-progress";

/** Where {@link progressBar} writes: a text sink, a terminal when `isTTY` is true. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** Shown before the bar, e.g. "deconvolve". */
  label?: string;
  /** Default process.stderr, or where there is no `process` (a web page) the console, one
   * `console.info` per line. Any object with `write` will do (typed structurally, so the
   * published types need no `@types/node`). */
  stream?: ProgressStream;
  /** Plain-line mode: the least time between two lines; default 2000 ms. */
  intervalMs?: number;
}

/** A progress display: pass `onProgress` to compute/toZarr, call `stop()` when done. */
export interface ProgressDisplay {
  onProgress(progress: Progress): void;
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
  const stream = options.stream ?? defaultStream();
  const label = options.label ?? "progress";
  if (stream.isTTY === true) return terminalBar(stream, label);
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

/** process.stderr on Node; in a page (no `process`, and no terminal) plain lines on the console. */
function defaultStream(): ProgressStream {
  const stderr = (globalThis as { process?: { stderr?: ProgressStream } }).process?.stderr;
  if (stderr !== undefined) return stderr;
  return { write: (text: string) => console.info(text.replace(/\n$/, "")), isTTY: false };
}

function terminalBar(stream: NonNullable<ProgressBarOptions["stream"]>, label: string): ProgressDisplay {
  let bar: InstanceType<typeof SingleBar> | undefined;
  let started = false;
  let pending: Progress | undefined;
  let stopped = false;
  const draw = (p: Progress): void => {
    const payload = { written: p.bytesWritten === undefined ? "-" : `${formatBytes(p.bytesWritten)} written`, elapsed: seconds(p.elapsedMs), left: seconds(p.etaMs) };
    if (!started) {
      bar!.start(p.total, p.done, payload);
      started = true;
    } else bar!.update(p.done, payload);
  };
  void import("cli-progress").then((m) => {
    // cli-progress is CommonJS: its exports arrive as the default export under Node.
    const cli = m.default ?? m;
    bar = new cli.SingleBar({ stream, format: `${label} [{bar}] {percentage}% | {value}/{total} tasks | {written} | elapsed {elapsed} | ETA {left}`, hideCursor: true, clearOnComplete: false }, cli.Presets.shades_classic);
    if (pending !== undefined) draw(pending);
    if (stopped && started) bar.stop();
  });
  return {
    onProgress(p) {
      if (stopped) return;
      if (bar === undefined) pending = p;
      else draw(p);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (bar !== undefined && started) bar.stop();
    },
  };
}
