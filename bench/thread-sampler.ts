/**
 * Per-thread CPU of a running process, sampled from Linux's /proc (bench rl-job): what each
 * of the job's threads did over time, without touching the job's code. Every `everyMs` it reads
 * `/proc/<pid>/task/<tid>/stat` of the process (found under a wrapper such as `/usr/bin/time`
 * as its first child): user and system ticks and minor page faults per thread. From that:
 * each thread's CPU seconds and faults, its busy timeline, and the job's idle core-seconds
 * (cores x wall less the process's CPU: the time a core of the job's sat waiting).
 *
 * Node names every thread "node", so threads are told apart by what they did: the main thread
 * is the process's own id; the busiest others are the worker threads (and FFT helper threads);
 * the rest are V8's platform threads (garbage collection, compilation) and libuv's pool (file
 * reads, writes and fdatasync).
 * @module
 */
import { readFileSync, readdirSync } from "node:fs";

const TICK = 0.01; // seconds per clock tick (CLK_TCK 100 on Linux)

interface Sample {
  readonly t: number;
  readonly user: number;
  readonly system: number;
  readonly faults: number;
}

/** One thread's record. */
export interface ThreadRecord {
  readonly tid: number;
  readonly main: boolean;
  readonly samples: Sample[];
}

/** What the sampler found: the threads and the span sampled (seconds). */
export interface ThreadProfile {
  readonly threads: readonly ThreadRecord[];
  readonly span: number;
}

function readStat(pid: number, tid: number): Omit<Sample, "t"> | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    // After the name: state(3) ... minflt(10) ... utime(14) stime(15), numbered from 1 with pid and comm.
    return { faults: Number(f[10 - 3]), user: Number(f[14 - 3]) * TICK, system: Number(f[15 - 3]) * TICK };
  } catch {
    return undefined;
  }
}

/** The process to sample: `root` itself when it is node, else its first child (under /usr/bin/time). */
function target(root: number): number | undefined {
  try {
    const comm = readFileSync(`/proc/${root}/comm`, "utf8").trim();
    if (comm === "node") return root;
    const kids = readFileSync(`/proc/${root}/task/${root}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    return kids.length > 0 ? Number(kids[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** Samples every thread of a process until stopped. */
export class ThreadSampler {
  private readonly threads = new Map<number, ThreadRecord>();
  private readonly timer: NodeJS.Timeout;
  private readonly t0 = performance.now();
  private pid: number | undefined;
  private last = 0;

  constructor(private readonly root: number, everyMs = 100) {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  private sample(): void {
    this.pid ??= target(this.root);
    const pid = this.pid;
    if (pid === undefined) return;
    let tids: number[];
    try {
      tids = readdirSync(`/proc/${pid}/task`).map(Number);
    } catch {
      return;
    }
    const t = (performance.now() - this.t0) / 1000;
    this.last = t;
    for (const tid of tids) {
      const s = readStat(pid, tid);
      if (s === undefined) continue;
      let rec = this.threads.get(tid);
      if (rec === undefined) this.threads.set(tid, (rec = { tid, main: tid === pid, samples: [] }));
      rec.samples.push({ t, ...s });
    }
  }

  /** Stops sampling; the threads seen and the span. */
  stop(): ThreadProfile {
    clearInterval(this.timer);
    return { threads: [...this.threads.values()], span: this.last };
  }
}

/** A thread's CPU seconds since it started (its last sample's). */
const cpuOf = (r: ThreadRecord): number => r.samples.at(-1)!.user + r.samples.at(-1)!.system;

/**
 * A thread's busy timeline, one character per `bin` seconds from the start of sampling:
 * `#` busy at least 75% of the bin, `+` 25-75%, `.` below 25% (a space before it started).
 */
function timeline(r: ThreadRecord, bin: number, span: number): string {
  const bins = Math.ceil(span / bin);
  const used = new Array<number>(bins).fill(0);
  const seen = new Array<boolean>(bins).fill(false);
  for (let i = 1; i < r.samples.length; i++) {
    const a = r.samples[i - 1]!, b = r.samples[i]!;
    const k = Math.min(bins - 1, Math.floor(a.t / bin));
    used[k]! += b.user + b.system - a.user - a.system;
    seen[k] = true;
  }
  return used.map((u, k) => (!seen[k] ? " " : u >= 0.75 * bin ? "#" : u >= 0.25 * bin ? "+" : ".")).join("");
}

/**
 * The profile in words: the process's CPU, faults and idle core-seconds over the span, then
 * the main thread and each busy thread (at least `minCpu` seconds) with its CPU, system time,
 * faults and timeline; the others summed.
 */
export function describeProfile(p: ThreadProfile, cores: number, minCpu = 0.2): string {
  const all = p.threads;
  const sum = (f: (r: ThreadRecord) => number, rs: readonly ThreadRecord[] = all): number => rs.reduce((a, r) => a + f(r), 0);
  const sys = (r: ThreadRecord): number => r.samples.at(-1)!.system;
  const faults = (r: ThreadRecord): number => r.samples.at(-1)!.faults;
  const cpu = sum(cpuOf);
  const bin = Math.max(0.5, Math.ceil((p.span / 100) * 2) / 2);
  const lines = [
    `threads: ${all.length}; sampled ${p.span.toFixed(1)} s: process CPU ${cpu.toFixed(1)} s (system ${sum(sys).toFixed(1)} s), ${(sum(faults) / 1e3).toFixed(0)}k minor faults; idle core-seconds ${(cores * p.span - cpu).toFixed(1)} of ${(cores * p.span).toFixed(1)} (${cores} cores)`,
    `timeline, one character per ${bin} s (# busy >= 75%, + 25-75%, . < 25%):`,
  ];
  const busy = all.filter((r) => r.main || cpuOf(r) >= minCpu).sort((a, b) => (a.main ? -1 : b.main ? 1 : a.tid - b.tid));
  for (const r of busy) {
    lines.push(`  ${r.main ? "main  " : `${r.tid}`.padEnd(6)} ${cpuOf(r).toFixed(1).padStart(6)} s (sys ${sys(r).toFixed(1)}, ${(faults(r) / 1e3).toFixed(0)}k faults) |${timeline(r, bin, p.span)}|`);
  }
  const rest = all.filter((r) => !busy.includes(r));
  lines.push(`  ${rest.length} other threads (GC, compiler, libuv's pool): ${sum(cpuOf, rest).toFixed(1)} s (sys ${sum(sys, rest).toFixed(1)}, ${(sum(faults, rest) / 1e3).toFixed(0)}k faults)`);
  return lines.join("\n");
}
