/**
 * Running a planned `chunkwise deconvolve` job: the plan printed, the write with a progress
 * display (a bar on a terminal, `progress` events with --json), SIGINT/SIGTERM turned into an
 * abort that leaves complete chunks for `--resume`, the run's errors turned into the CLI's
 * one-line messages, and the result printed. `chunkwise demo` runs its job through here too.
 * @module
 */
import { MemoryError } from "../schedule/memory-plan.js";
import type { Progress } from "../schedule/scheduler.js";
import { breakOnSigint, isSigintBreak } from "../executors/sigint-break.js";
import { ZarrError, toZarr, type ToOmeZarrResult, type ToZarrResult } from "../io/zarr/index.js";
import { isLeaseLost } from "../io/zarr/lease.js";
import { progressBar } from "../schedule/progress-bar.js";
import { causes, memoryAdvice } from "./job-safety.js";
import { Printer, asSentence, messageOf, startExecutor, type StartedExecutor } from "./job-args.js";
import { planDeconvolve, type DeconvolveJob, type DeconvolvePlan } from "./job-plan.js";
import { omeInputText, omeResultText, writeOmeResult } from "./job-ome.js";
import { formatPlan, formatResult, planJson } from "./job-report.js";
import { IterationsLog } from "./job-iterations.js";
import { UsageError, type CliIO } from "./command.js";

const NAME = "deconvolve";

/** What {@link runDeconvolve} did. */
export interface DeconvolveOutcome {
  readonly plan: DeconvolvePlan;
  readonly seconds: number;
  readonly code: number;
}

/**
 * Plans, prints the plan, runs with a progress display, and prints the result.
 * @throws {UsageError} for bad inputs (before anything is written)
 * @throws the run's error when it fails while running (exit 1)
 * @example
 * ```ts
 * const { code } = await runDeconvolve(job, { stdout: process.stdout, stderr: process.stderr }, false);
 * ```
 */
export async function runDeconvolve(job: DeconvolveJob, io: CliIO, json: boolean): Promise<DeconvolveOutcome> {
  const plan = await planDeconvolve(job);
  const started = await startExecutor(NAME, job.executor);
  return new DeconvolveRun(job, io, json, plan, started).run();
}

/** One run: its printer, its stop signal and what stopped it, and its progress so far. */
class DeconvolveRun {
  private readonly out: Printer;
  private readonly controller = new AbortController();
  private stoppedBy = "SIGINT" as NodeJS.Signals;
  private readonly onInt = this.onSignal("SIGINT");
  private readonly onTerm = this.onSignal("SIGTERM");
  private readonly bar: ReturnType<typeof progressBar> | undefined;
  private done = 0;
  private total = 0;
  private lastEvent = -Infinity;
  private image: ToOmeZarrResult | undefined;
  /** With --tolerance, the iterations each volume used (the kernels' notes); else undefined. */
  private readonly iterations: IterationsLog | undefined;

  constructor(
    private readonly job: DeconvolveJob,
    private readonly io: CliIO,
    private readonly json: boolean,
    private readonly plan: DeconvolvePlan,
    private readonly started: StartedExecutor,
  ) {
    this.out = new Printer(io, json);
    this.bar = json ? undefined : progressBar({ label: NAME, stream: io.stderr as NodeJS.WritableStream & { isTTY?: boolean } });
    this.iterations = job.rl.tolerance === undefined ? undefined : new IterationsLog(plan);
  }

  async run(): Promise<DeconvolveOutcome> {
    const { out, plan, started } = this;
    this.listen();
    try {
      out.text(formatPlan(plan, started.label));
      if (plan.ome !== undefined) out.text(omeInputText(plan.ome, this.job.omeZarr !== undefined));
      out.event("plan", planJson(plan, started.label));
      const t0 = performance.now();
      let result: ToZarrResult;
      try {
        // Inline runs kernels on this thread, where a signal handler waits for the kernel to end:
        // there, SIGINT ends the kernel itself (see executors/sigint-break.ts).
        result = this.job.executor.kind === "inline" && this.io.signal === undefined ? await breakOnSigint(() => this.write()) : await this.write();
      } catch (e) {
        return { plan, seconds: (performance.now() - t0) / 1000, code: this.interrupted(e) };
      }
      const seconds = (performance.now() - t0) / 1000;
      this.report(result, seconds);
      return { plan, seconds, code: 0 };
    } finally {
      this.bar?.stop();
      this.unlisten();
      await started.close();
    }
  }

  private onSignal(sig: NodeJS.Signals): () => void {
    return () => {
      this.stoppedBy = sig;
      this.controller.abort(new Error(`interrupted by ${sig}`));
    };
  }

  private listen(): void {
    if (this.io.signal) this.io.signal.addEventListener("abort", this.onInt, { once: true });
    else {
      process.once("SIGINT", this.onInt);
      process.once("SIGTERM", this.onTerm);
    }
  }

  private unlisten(): void {
    if (this.io.signal) this.io.signal.removeEventListener("abort", this.onInt);
    else {
      process.removeListener("SIGINT", this.onInt);
      process.removeListener("SIGTERM", this.onTerm);
    }
  }

  private onProgress(p: Progress): void {
    this.done = p.done;
    this.total = p.total;
    this.bar?.onProgress(p);
    if (this.json && (p.done === p.total || p.elapsedMs - this.lastEvent >= 1000)) {
      this.lastEvent = p.elapsedMs;
      this.out.event("progress", { ...("level" in p ? { level: p.level } : {}), done: p.done, total: p.total, elapsedMs: Math.round(p.elapsedMs), etaMs: p.etaMs === undefined ? null : Math.round(p.etaMs) });
    }
  }

  /**
   * A volume's iterations, as its note arrives: a `volume` event with --json, else its line
   * (the min/median/max summary comes with the result). On a terminal the bar's line is
   * cleared first, so the line does not run into it (the bar redraws below at its next update).
   */
  private onNote(note: unknown): void {
    const v = this.iterations!.add(note);
    if (v === undefined) return;
    this.out.event("volume", { index: v.index, iterations: v.iterations, converged: v.converged, change: v.change ?? null });
    if (this.json) return;
    if (this.io.stderr.isTTY === true) this.io.stderr.write("\r\x1b[2K");
    this.out.text(this.iterations!.line(v));
  }

  /** The write itself: a Zarr array, or an OME-Zarr image (whose summary is kept for the report). */
  private async write(): Promise<ToZarrResult> {
    const { job, plan } = this;
    const run = {
      overwrite: job.overwrite,
      resume: job.resume,
      executor: this.started.executor,
      signal: this.controller.signal,
      fingerprint: plan.fingerprint,
      compressor: plan.job.compressor,
      onProgress: (p: Progress) => this.onProgress(p),
      ...(this.iterations === undefined ? {} : { onNote: (_key: string, note: unknown) => this.onNote(note) }),
    };
    const attributes = { deconvolve: { source: job.input, path: job.path, psf: plan.psf.description, ...job.rl, background: job.background } };
    if (job.omeZarr === undefined) return toZarr(plan.result, job.out, { ...run, path: job.outPath, format: job.format ?? 2, attributes });
    const written = await writeOmeResult(plan.result, job.out, job.outPath, plan.ome, job.omeZarr, { ...run, attributes });
    this.image = written.image;
    return written.summary;
  }

  /**
   * The exit code of a run stopped by a signal, after saying so; any other error is thrown as
   * the CLI's message (a usage error when the inputs or the budget are at fault).
   */
  private interrupted(e: unknown): number {
    if (e instanceof ZarrError && ["exists", "mismatch", "busy", "overlap"].includes(e.kind) && !isLeaseLost(e)) throw new UsageError(`${NAME}: ${messageOf(e)}`, { cause: e });
    if (e instanceof MemoryError) throw new UsageError(`${NAME}: ${memoryAdvice(e, this.job)}`, { cause: e });
    const nonFinite = causes(e).find((c) => c.message.startsWith(`${NAME}: the image must hold only finite values`));
    if (nonFinite !== undefined) throw new Error(nonFinite.message, { cause: e });
    if (!this.controller.signal.aborted && !isSigintBreak(e)) {
      throw new Error(`${NAME}: ${asSentence(messageOf(e))} Re-run with --resume to keep the chunks already written`, { cause: e });
    }
    this.bar?.stop();
    const { done, total } = this;
    const signal = this.controller.signal.aborted ? this.stoppedBy : "SIGINT";
    this.out.note(`chunkwise: ${NAME}: interrupted${this.io.signal ? "" : ` by ${signal}`} after ${done} of ${total} tasks; the chunks written are complete. Re-run the same command with --resume to finish`);
    this.out.event("interrupted", { done, total, signal });
    return signal === "SIGTERM" ? 143 : 130;
  }

  private report(result: ToZarrResult, seconds: number): void {
    const { out, image } = this;
    this.bar?.stop();
    const its = this.iterations;
    const report = formatResult(this.plan, result, seconds, its?.meanIterations());
    if (its !== undefined) {
      const summary = its.summary();
      if (summary !== undefined) out.text(summary);
      const stats = its.stats();
      if (stats !== undefined) report.json.iterationsUsed = stats;
    }
    out.text(report.text);
    if (image !== undefined) out.text(omeResultText(image, this.job.out, this.job.outPath));
    out.event("done", image === undefined ? report.json : { ...report.json, omeZarr: { version: image.version, axes: image.axes, levels: image.levels.map((l) => ({ path: l.path, shape: l.shape, chunks: l.chunks, scale: l.scale })) } });
  }
}
