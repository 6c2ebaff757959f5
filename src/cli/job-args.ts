/**
 * Argument helpers shared by `deconvolve`, `demo` and `info`: typed reads of `parseArgs`
 * values that throw {@link UsageError} (exit code 2) in the house template, the executor
 * options every running command takes, and the output helpers (text or JSON lines).
 * @module
 */
import { availableParallelism } from "node:os";
import { inline, type Executor } from "../index.js";
import type { RedisTls } from "../executors/distributed/redis-tls.js";
import { REDIS_TLS_OPTIONS, redisTlsFlags } from "./redis-tls-flags.js";
import { TASK_KEY_OPTIONS, taskKeyFlags } from "./task-key-flags.js";
import { UsageError, type CliIO } from "./command.js";

/** Parsed values as `node:util` parseArgs returns them. */
export type Values = Record<string, unknown>;

/**
 * A string option, or `fallback` when absent.
 * @example stringOption(values, "path", "") // "data" for --path data
 */
export function stringOption(values: Values, name: string, fallback: string): string;
export function stringOption(values: Values, name: string): string | undefined;
export function stringOption(values: Values, name: string, fallback?: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : fallback;
}

/**
 * The number a decimal numeral spells (`100`, `-2.5`, `1e-5`, `.5`), else NaN: `Number`
 * alone also takes `0x10`, `0b11`, `" 5 "` and `""` (0), which a user never means as a count.
 * @example decimal("1e-5") // 0.00001
 * @example decimal("0x10") // NaN
 */
export function decimal(text: unknown): number {
  return typeof text === "string" && /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
}

/**
 * A number option checked against `[min, max]` (`integer` for counts).
 * @throws {UsageError} when it is not a number in range
 * @example numberOption("deconvolve", values, "iterations", { min: 1, integer: true }) // 10
 */
export function numberOption(
  command: string,
  values: Values,
  name: string,
  rule: { min?: number; max?: number; integer?: boolean; example?: string },
): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = decimal(v);
  const min = rule.min ?? -Infinity;
  const max = rule.max ?? Infinity;
  if (v === "" || !Number.isFinite(n) || n < min || n > max || (rule.integer === true && !Number.isInteger(n))) {
    const range = min > -Infinity && max < Infinity ? ` from ${min} to ${max}` : min > -Infinity ? ` >= ${min}` : "";
    throw new UsageError(`${command}: --${name} must be ${rule.integer === true ? "an integer" : "a number"}${range}; got ${JSON.stringify(v)}. Pass e.g. --${name} ${rule.example ?? Math.max(1, min)}`);
  }
  return n;
}

/**
 * A comma-separated list of `count` positive numbers, e.g. `--sigma 2,1.5,1.5`.
 * @throws {UsageError} for another count or a non-positive entry
 * @example numberList("deconvolve", values, "sigma", 3, { integer: false }) // [2, 1.5, 1.5]
 */
export function numberList(command: string, values: Values, name: string, count: number, rule: { integer?: boolean; odd?: boolean; example: string }): number[] | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const parts = String(v).split(",").map((s) => s.trim());
  const nums = parts.map(decimal);
  const ok = parts.length === count && parts.every((p) => p !== "") && nums.every((n) => Number.isFinite(n) && n > 0 && (rule.integer !== true || Number.isInteger(n)) && (rule.odd !== true || n % 2 === 1));
  if (!ok) {
    const what = rule.odd === true ? "odd positive integers" : rule.integer === true ? "positive integers" : "positive numbers";
    throw new UsageError(`${command}: --${name} must be ${count} comma-separated ${what} (z,y,x); got ${JSON.stringify(v)}. Pass e.g. --${name} ${rule.example}`);
  }
  return nums;
}

/**
 * One of `choices`, or `fallback` when absent.
 * @throws {UsageError} for anything else
 * @example choiceOption("deconvolve", values, "executor", ["inline", "threads"], "threads")
 */
export function choiceOption<C extends string>(command: string, values: Values, name: string, choices: readonly C[], fallback: C): C {
  const v = values[name];
  if (v === undefined) return fallback;
  if (typeof v !== "string" || !(choices as readonly string[]).includes(v)) {
    throw new UsageError(`${command}: --${name} must be one of ${choices.join(", ")}; got ${JSON.stringify(v)}. Run 'chunkwise ${command} --help'`);
  }
  return v as C;
}

/**
 * Exactly `count` positional arguments, named in the message when missing.
 * @throws {UsageError} for fewer or more
 * @example positionalArgs("info", positionals, ["store"]) // ["data.zarr"]
 */
export function positionalArgs(command: string, positionals: readonly string[], names: readonly string[]): string[] {
  if (positionals.length < names.length) {
    throw new UsageError(`${command}: the ${names[positionals.length]} argument is required; got nothing. Run 'chunkwise ${command} --help'`);
  }
  if (positionals.length > names.length) {
    throw new UsageError(`${command}: takes ${names.length} positional argument${names.length === 1 ? "" : "s"} (${names.join(", ")}); got also ${JSON.stringify(positionals[names.length])}. Quote globs such as "psfs/*.tif"`);
  }
  return [...positionals];
}

/** The executor options of `deconvolve` and `demo`, for `parseArgs`. */
export const EXECUTOR_OPTIONS = {
  executor: { type: "string" },
  workers: { type: "string" },
  redis: { type: "string" },
  ...REDIS_TLS_OPTIONS,
  ...TASK_KEY_OPTIONS,
  scratch: { type: "string" },
  queue: { type: "string" },
} as const;

/** The executor a command asked for, not yet started. */
export interface ExecutorChoice {
  readonly kind: "inline" | "threads" | "distributed";
  /** Worker threads, or tasks in flight for distributed. */
  readonly workers: number;
  readonly redis?: string;
  /** `--redis-ca`, `--redis-cert`, `--redis-key` read into TLS options (distributed over rediss://). */
  readonly tls?: RedisTls;
  readonly scratch?: string;
  readonly queue?: string;
  /** `--task-key-file` (or CHUNKWISE_TASK_KEY) read, or `--insecure` (distributed only). */
  readonly signing?: { readonly taskKey: Buffer } | { readonly insecure: true };
}

/**
 * Reads `--executor`, `--workers`, `--redis`, `--redis-ca`/`--redis-cert`/`--redis-key`,
 * `--scratch`, `--queue`, `--task-key-file`, `--insecure` (threads by default, one worker per
 * core; distributed needs `--redis` or `CHUNKWISE_REDIS_URL`, and a task key or `--insecure`).
 * @throws {UsageError} for a bad choice or count, or distributed without a Redis URL
 * @example executorChoice("deconvolve", { executor: "inline" }) // { kind: "inline", workers: 1 }
 */
export function executorChoice(command: string, values: Values, fallback: ExecutorChoice["kind"] = "threads"): ExecutorChoice {
  const kind = choiceOption(command, values, "executor", ["inline", "threads", "distributed"] as const, fallback);
  const cores = Math.max(1, availableParallelism());
  const workers = numberOption(command, values, "workers", { min: 1, max: 1024, integer: true, example: "2" }) ?? (kind === "inline" ? 1 : cores);
  if (kind === "inline" && workers !== 1) throw new UsageError(`${command}: --workers must be 1 with --executor inline; got ${workers}. Pass --executor threads to use ${workers} threads`);
  const redis = stringOption(values, "redis") ?? (process.env.CHUNKWISE_REDIS_URL || undefined);
  if (kind === "distributed" && redis === undefined) {
    throw new UsageError(`${command}: --redis must name the Redis server with --executor distributed; got nothing. Pass --redis redis://host:6379 or set CHUNKWISE_REDIS_URL`);
  }
  if (kind !== "distributed" && values.redis !== undefined) throw new UsageError(`${command}: --redis must come with --executor distributed; got --executor ${kind}. Add --executor distributed`);
  const scratch = stringOption(values, "scratch");
  const queue = stringOption(values, "queue");
  const tlsFiles = Object.keys(REDIS_TLS_OPTIONS).map((k) => [k, values[k]] as const);
  for (const [name, v] of [["scratch", scratch], ["queue", queue], ["task-key-file", values["task-key-file"]], ["insecure", values.insecure], ...tlsFiles] as const) {
    if (v !== undefined && kind !== "distributed") throw new UsageError(`${command}: --${name} must come with --executor distributed; got --executor ${kind}. Add --executor distributed`);
  }
  const tls = kind === "distributed" ? redisTlsFlags(command, values, redis!) : undefined;
  const signing = kind === "distributed" ? taskKeyFlags(command, values) : undefined;
  return {
    kind, workers, ...(redis === undefined ? {} : { redis }), ...(tls === undefined ? {} : { tls }), ...(signing === undefined ? {} : { signing }),
    ...(scratch === undefined ? {} : { scratch }), ...(queue === undefined ? {} : { queue }),
  };
}

/** A started executor and how to end it. */
export interface StartedExecutor {
  readonly executor: Executor;
  /** Words for the plan, e.g. "threads (2 workers)". */
  readonly label: string;
  close(): Promise<void>;
}

/**
 * Starts the chosen executor. Distributed is loaded only when asked for, and Redis is probed
 * first, so an unreachable server is a usage error before anything is written.
 * @throws {UsageError} when Redis does not answer or the URL is bad
 * @example const { executor, close } = await startExecutor("deconvolve", choice);
 */
export async function startExecutor(command: string, choice: ExecutorChoice): Promise<StartedExecutor> {
  if (choice.kind === "inline") return { executor: inline(), label: "inline (this thread)", close: async () => undefined };
  if (choice.kind === "threads") {
    const { threads } = await import("../executors/threads/threads.js");
    const executor = threads({ workers: choice.workers });
    return { executor, label: `threads (${choice.workers} worker${choice.workers === 1 ? "" : "s"})`, close: () => executor.close() };
  }
  const { distributed } = await import("../executors/distributed/distributed.js");
  const { parseRedis, probeRedis } = await import("../executors/distributed/redis-connection.js");
  const connection = choice.tls === undefined ? choice.redis! : { url: choice.redis!, tls: choice.tls };
  let parsed: ReturnType<typeof parseRedis>;
  try {
    parsed = parseRedis(command, connection);
    await probeRedis(command, parsed, 3000);
  } catch (e) {
    throw new UsageError(`${command}: ${messageOf(e)}`, { cause: e });
  }
  const executor = distributed({ connection, concurrency: choice.workers, ...choice.signing, ...(choice.scratch === undefined ? {} : { scratchDir: choice.scratch }), ...(choice.queue === undefined ? {} : { queue: choice.queue }) });
  return { executor, label: `distributed (${executor.redis}, ${choice.workers} tasks in flight; start workers with 'chunkwise worker --redis ...')`, close: () => executor.close() };
}

/**
 * An error's first line without its leading `fn: ` (the library function that threw, e.g.
 * `fromZarr: `): the command's name, which the printed line carries, stands for it.
 */
export function messageOf(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
  const fn = (e as { fn?: unknown } | null)?.fn;
  return typeof fn === "string" && fn !== "" && text.startsWith(`${fn}: `) ? text.slice(fn.length + 2) : text;
}

/**
 * A library error's text as a closed sentence for the command line: "See the cause ..." (the
 * cause is not printed) dropped, and a full stop added where the advice has none.
 * @example asSentence("... Pass e.g. --workers 2") // "... Pass e.g. --workers 2."
 */
export function asSentence(text: string): string {
  const t = text.replace(/\.? See the cause for the kernel's own error\.?$/, "").trimEnd();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Writes text or, with `json`, one JSON line per event to stdout. */
export class Printer {
  constructor(private readonly io: CliIO, readonly json: boolean) {}
  /** A paragraph of human text (skipped in JSON mode). */
  text(lines: string): void {
    if (!this.json) this.io.stdout.write(lines.endsWith("\n") ? lines : `${lines}\n`);
  }
  /** An event: a JSON line in JSON mode, else nothing (the caller prints its text). */
  event(event: string, data: Record<string, unknown>): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
  }
  /** A note on stderr (both modes). */
  note(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }
}
