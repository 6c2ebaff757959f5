/**
 * What every `chunkwise` subcommand is: its {@link Command} record, the {@link CliIO} it
 * writes to, and {@link UsageError} for bad arguments. Apart from `run.ts` (which imports
 * every command), so that a command module never imports the dispatcher that imports it.
 * @module
 */
import type { ParseArgsConfig } from "node:util";

/** Where a command writes, and how it is stopped (tests pass their own). */
export interface CliIO {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Stops long-running commands (`worker`); default SIGINT or SIGTERM. */
  readonly signal?: AbortSignal;
}

/** One subcommand. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** `node:util` parseArgs options (without `help` and `verbose`, which every command has). */
  readonly options: NonNullable<ParseArgsConfig["options"]>;
  /** Runs with the parsed values; returns the exit code. Throws {@link UsageError} for bad arguments. */
  run(values: Record<string, unknown>, positionals: readonly string[], io: CliIO): Promise<number>;
}

/** Bad command-line arguments: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
