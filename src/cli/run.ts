/**
 * The `chunkwise` command line: subcommand dispatch, `--help` for every command, one-line
 * errors (the stack only with `--verbose`), passwords in Redis URLs masked in everything
 * printed, and exit codes by convention: 0 ok, 1 failure, 2 usage. Commands (`deconvolve`,
 * `demo`, `info`, `worker`) register in {@link commands}.
 * @module
 */
import { parseArgs } from "node:util";
import { redactText } from "../executors/distributed/redis-connection.js";
import { packageVersion } from "../io/package-version.js";
import { installNodeHost } from "../executors/node-host.js";
import { deconvolveCommand } from "./deconvolve.js";
import { demoCommand } from "./demo.js";
import { infoCommand } from "./info.js";
import { workerCommand } from "./worker-command.js";
import { UsageError, type CliIO, type Command } from "./command.js";

/** Every command, by name. */
export function commands(): ReadonlyMap<string, Command> {
  // Built on first use rather than at module load, so the order modules load in never matters.
  registry ??= new Map([deconvolveCommand, demoCommand, infoCommand, workerCommand].map((c) => [c.name, c] as const));
  return registry;
}
let registry: Map<string, Command> | undefined;

const COMMON = { help: { type: "boolean", short: "h" }, verbose: { type: "boolean" } } as const;

function topHelp(): string {
  const width = Math.max(...[...commands().keys()].map((n) => n.length));
  return [
    "Usage: chunkwise <command> [options]",
    "",
    "Commands:",
    ...[...commands().values()].map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Options: -h, --help (also after a command), --version, --verbose (stack traces on errors)",
    "Run 'chunkwise <command> --help' for a command's options. Exit codes: 0 ok, 1 failure, 2 usage or bad input.",
    "",
  ].join("\n");
}

/**
 * Runs the command line `argv` (without `node` and the script) and returns the exit code.
 * @example
 * ```ts
 * process.exitCode = await main(["worker", "--redis", "redis://127.0.0.1:6379"]);
 * ```
 */
export async function main(argv: readonly string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  // The FFT's worker-thread teams and the machine's memory (the default memory budget).
  installNodeHost();
  const verbose = argv.includes("--verbose");
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      (name === undefined ? io.stderr : io.stdout).write(topHelp());
      return name === undefined ? 2 : 0;
    }
    if (name === "--version" || name === "-v") {
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    const command = commands().get(name);
    if (command === undefined) {
      throw new UsageError(`unknown command ${JSON.stringify(name)}; choose from ${[...commands().keys()].join(", ")}. Run 'chunkwise --help'`);
    }
    let parsed: ReturnType<typeof parseArgs>;
    try {
      const options = { ...command.options, ...COMMON };
      parsed = parseArgs({ args: attachNegativeNumbers(rest, options), options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${name}: ${parseErrorText(e)}. Run 'chunkwise ${name} --help'`);
    }
    if (parsed.values.help === true) {
      io.stdout.write(command.help);
      return 0;
    }
    return await command.run(parsed.values, parsed.positionals, io);
  } catch (e) {
    const code = e instanceof UsageError ? 2 : 1;
    const command = name === undefined ? undefined : commands().get(name);
    const text = redactText(errorLine(command?.name, e));
    if (command !== undefined && "json" in command.options && argv.includes("--json")) {
      // JSON mode: the error is the last event on stdout, like the plan and progress before it.
      io.stdout.write(`${JSON.stringify({ event: "error", command: command.name, exitCode: code, error: errorName(e), message: text })}\n`);
    } else {
      io.stderr.write(`chunkwise: ${command === undefined ? "" : `${command.name}: `}${text}\n`);
    }
    if (verbose && e instanceof Error && e.stack) io.stderr.write(`${redactText(e.stack)}\n`);
    return code;
  }
}

/** The error's class name; for a plain Error wrapping another, the wrapped one's (e.g. TaskError). */
function errorName(e: unknown): string {
  if (!(e instanceof Error)) return "Error";
  return e.name === "Error" && e.cause instanceof Error ? errorName(e.cause) : e.name;
}

/**
 * An error's first line without the prefixes the printed line already has: the command's
 * name, and the library functions (`toZarr: `, `compute: `) that the error and its causes
 * name, which mean nothing to someone typing a command. Printed after one `chunkwise:
 * <command>: ` prefix.
 * @example errorLine("deconvolve", new UsageError("deconvolve: the output must ...")) // "the output must ..."
 */
export function errorLine(command: string | undefined, e: unknown): string {
  let text = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
  const names = new Set<string>(command === undefined ? [] : [command]);
  for (let c: unknown = e, depth = 0; c instanceof Error && depth < 16; c = c.cause, depth++) {
    const fn = (c as { fn?: unknown }).fn;
    if (typeof fn === "string" && fn !== "") names.add(fn);
  }
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const n of names) {
      if (text.startsWith(`${n}: `)) {
        text = text.slice(n.length + 2);
        stripped = true;
      }
    }
  }
  return text;
}

/**
 * `--flag -1` as `--flag=-1` for an option that takes a value: parseArgs refuses a value that
 * starts with a dash as "ambiguous", which hides the option's own rule ("must be at least 0;
 * got -1"). Only numbers are attached (no option is spelt `-<digit>`); anything else that
 * starts with a dash still reaches parseArgs as the flag it looks like.
 */
export function attachNegativeNumbers(args: readonly string[], options: Readonly<Record<string, { type: string; short?: string }>>): string[] {
  const takesValue = (arg: string): boolean => {
    if (arg.startsWith("--")) return !arg.includes("=") && options[arg.slice(2)]?.type === "string";
    return arg.length === 2 && arg[0] === "-" && Object.values(options).some((o) => o.short === arg[1] && o.type === "string");
  };
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    if (next !== undefined && takesValue(arg) && /^-(\d|\.\d|Infinity$|NaN$)/.test(next)) {
      out.push(`${arg.startsWith("--") ? arg : `--${Object.entries(options).find(([, o]) => o.short === arg[1])![0]}`}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/**
 * parseArgs' message as one sentence: its first line without the closing full stop, plus its
 * own hint for a value that starts with a dash (`--iterations -1` reads as a flag otherwise).
 */
function parseErrorText(e: unknown): string {
  const lines = (e instanceof Error ? e.message : String(e)).split("\n").map((l) => l.trim().replace(/\.$/, ""));
  const hint = lines.find((l) => l.startsWith("To specify an option argument starting with a dash"));
  return hint === undefined ? lines[0]! : `${lines[0]!}; ${hint.charAt(0).toLowerCase()}${hint.slice(1)}`;
}
