/**
 * The command line's wording (issue 13, item 7): one prefix per error line; the plan's task
 * count is the progress bar's; with `--json` errors are JSON events on stdout too; help texts
 * whose option descriptions end as sentences; a failed task's error reads as a sentence.
 */
import { cpSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { array, compute, defineKernel, fromArray, mapBlocks, ValueError, type ChunkedArray } from "../../src/index.js";
import { TaskError } from "../../src/core/errors.js";
import type { DemoData } from "../../src/cli/demo.js";
import { asSentence } from "../../src/cli/job-args.js";
import { attachNegativeNumbers, commands, errorLine } from "../../src/cli/run.js";
import { UsageError } from "../../src/cli/command.js";
import { cli, jsonLines, withTinyDemo } from "./job-helpers.js";

let dir: string;
let demo: DemoData;
withTinyDemo("wording", (d, m) => {
  dir = d;
  demo = m;
});

const deconvolve = (out: string, ...more: string[]): string[] =>
  ["deconvolve", demo.store, "--path", "data", "--psf", demo.psfPattern, "--out", join(dir, out), "--iterations", "1", "--executor", "inline", ...more];

describe("one prefix per error line", () => {
  it("an unreachable Redis: 'chunkwise: deconvolve: Redis at ...', the command named once", async () => {
    const r = await cli(...deconvolve("redis.zarr", "--executor", "distributed", "--redis", "redis://127.0.0.1:1", "--insecure"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^chunkwise: deconvolve: Redis at redis:\/\/127\.0\.0\.1:1 must be reachable; got [^\n]*\n$/);
    expect(r.out).toBe("");
  });

  it("an existing output: the library function (toZarr) is not named; one line", async () => {
    const out = "exists.zarr";
    expect((await cli(...deconvolve(out))).code).toBe(0);
    const r = await cli(...deconvolve(out));
    expect(r.code).toBe(2);
    expect(r.err.split("\n")).toHaveLength(2);
    expect(r.err).toMatch(/^chunkwise: deconvolve: the output must not exist yet; got an array at /);
  });

  it("a negative number after an option (--iterations -1, --background -1) reaches the option's own rule, exit 2", async () => {
    const psf = ["--psf-model", "gaussian", "--sigma", "1,1,1"];
    const r = await cli("deconvolve", "in.zarr", ...psf, "--iterations", "-1");
    expect(r.code).toBe(2);
    expect(r.err).toBe("chunkwise: deconvolve: --iterations must be an integer from 1 to 100000; got \"-1\". Pass e.g. --iterations 10\n");
    const b = await cli("deconvolve", "in.zarr", ...psf, "--background", "-0.5");
    expect(b.err).toMatch(/^chunkwise: deconvolve: --background must be a number >= 0; got "-0\.5"\./);
  });

  it("a value starting with a dash that is not a number: one sentence with parseArgs' own hint, no doubled full stop, exit 2", async () => {
    const r = await cli("deconvolve", "in.zarr", "--iterations", "-x");
    expect(r.code).toBe(2);
    expect(r.err).toBe("chunkwise: deconvolve: Option '--iterations' argument is ambiguous; to specify an option argument starting with a dash use '--iterations=-XYZ'. Run 'chunkwise deconvolve --help'\n");
  });

  it("attachNegativeNumbers joins only a value-taking option and a number; flags, '--' and the rest stay", () => {
    const options = { iterations: { type: "string" }, resume: { type: "boolean" }, help: { type: "boolean", short: "h" }, n: { type: "string", short: "n" } };
    expect(attachNegativeNumbers(["a", "--iterations", "-1", "--resume", "-2"], options)).toEqual(["a", "--iterations=-1", "--resume", "-2"]);
    expect(attachNegativeNumbers(["--iterations", "-.5", "-n", "-3e2"], options)).toEqual(["--iterations=-.5", "--n=-3e2"]);
    expect(attachNegativeNumbers(["--iterations=-1", "--iterations", "-x", "--", "--iterations", "-1"], options)).toEqual(["--iterations=-1", "--iterations", "-x", "--", "--iterations", "-1"]);
    expect(attachNegativeNumbers(["--unknown", "-1", "--iterations"], options)).toEqual(["--unknown", "-1", "--iterations"]);
  });

  it.each([
    ["deconvolve", new UsageError("deconvolve: deconvolve: Redis at x must be reachable; got y. Start it"), "Redis at x must be reachable; got y. Start it"],
    ["deconvolve", new UsageError("deconvolve: toZarr: the output must not exist", { cause: new ValueError("toZarr", "the output must not exist") }), "the output must not exist"],
    ["info", new ValueError("info", "a must b; got c. Do d"), "a must b; got c. Do d"],
    ["worker", new Error("Redis at redis://h:1 must be reachable: ECONNREFUSED"), "Redis at redis://h:1 must be reachable: ECONNREFUSED"],
    ["deconvolve", new Error("deconvolve: task 't' must succeed; it failed after 1 attempt with ValueError: k: x. See the cause", { cause: new TaskError("compute", "task", { key: "t" }) }), "task 't' must succeed; it failed after 1 attempt with ValueError: k: x. See the cause"],
  ])("errorLine(%s, ...) keeps no command or function prefix", (command, error, want) => {
    expect(errorLine(command, error)).toBe(want);
  });

  it("asSentence closes the advice and drops the pointer to a cause the command line does not print", () => {
    expect(asSentence("a must b; got c. Pass d")).toBe("a must b; got c. Pass d.");
    expect(asSentence("x failed with K: y. Pass z. See the cause for the kernel's own error")).toBe("x failed with K: y. Pass z.");
    expect(asSentence("ends already!")).toBe("ends already!");
  });
});

describe("the plan's task count is the progress bar's", () => {
  it("--json: the plan's tasksToRun is every progress event's total", async () => {
    const r = await cli(...deconvolve("json-count.zarr", "--json"));
    expect(r.code).toBe(0);
    const events = jsonLines(r.out);
    const plan = events.find((e) => e.event === "plan")!;
    const progress = events.filter((e) => e.event === "progress");
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) expect(p.total).toBe(plan.tasksToRun);
    expect(progress.at(-1)!.done).toBe(plan.tasksToRun);
    // The summary table's count stays dask's graph tasks, labelled as such in the text.
    expect((plan.output as { tasks: number }).tasks).toBeGreaterThan(plan.tasksToRun as number);
  });

  it("text: 'N tasks to run' in the plan and '/N tasks' on every progress line", async () => {
    const r = await cli(...deconvolve("text-count.zarr"));
    expect(r.code).toBe(0);
    const n = /; (\d+) tasks? to run \(the progress bar's count: the output's \d+ graph tasks and 2 chunk writes/.exec(r.out)?.[1];
    expect(n).toBeDefined();
    const lines = r.err.split("\n").filter((l) => l.startsWith("deconvolve: "));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(new RegExp(`^deconvolve: \\d+/${n} tasks `));
  });
});

describe("--json: errors are JSON events on stdout", () => {
  it("a bad input (exit 2): one error event, nothing on stderr", async () => {
    const r = await cli(...deconvolve("json-bad.zarr", "--json", "--iterations", "0"));
    expect(r.code).toBe(2);
    expect(r.err).toBe("");
    expect(jsonLines(r.out)).toEqual([{ event: "error", command: "deconvolve", exitCode: 2, error: "UsageError", message: expect.stringMatching(/^--iterations must be an integer from 1 to 100000; got "0"\. Pass e\.g\. --iterations 10$/) }]);
  });

  it("a task failing while running (exit 1): the last event is the error, a sentence with its attempts", async () => {
    // The demo store with its first data chunk replaced by garbage.
    const store = join(dir, "corrupt.zarr");
    cpSync(demo.store, store, { recursive: true });
    const chunk = readdirSync(join(store, "data")).find((f) => /^\d/.test(f))!;
    writeFileSync(join(store, "data", chunk), Buffer.alloc(64, 7));
    const r = await cli("deconvolve", store, "--path", "data", "--psf", demo.psfPattern, "--out", join(dir, "corrupt-out.zarr"), "--iterations", "1", "--executor", "inline", "--json");
    expect(r.code).toBe(1);
    expect(r.err).toBe("");
    const last = jsonLines(r.out).at(-1)!;
    expect(last).toMatchObject({ event: "error", command: "deconvolve", exitCode: 1, error: "TaskError" });
    const message = last.message as string;
    expect(message).toMatch(/^task '[^']+' \(block \[[\d,]+\]\) must succeed; it failed after 1 attempt with ZarrError: /);
    expect(message).toMatch(/\. Re-run with --resume to keep the chunks already written$/);
  });

  it("an unknown option with --json (exit 2): an error event", async () => {
    const r = await cli(...deconvolve("json-unknown.zarr", "--json", "--bogus"));
    expect(r.code).toBe(2);
    expect(r.err).toBe("");
    expect(jsonLines(r.out)).toEqual([{ event: "error", command: "deconvolve", exitCode: 2, error: "UsageError", message: expect.stringMatching(/^Unknown option '--bogus'.*Run 'chunkwise deconvolve --help'$/) }]);
  });

  it("info --json: an error is a JSON object on stdout", async () => {
    const r = await cli("info", join(dir, "missing.zarr"), "--json");
    expect(r.code).toBe(2);
    expect(r.err).toBe("");
    expect(jsonLines(r.out)).toEqual([{ event: "error", command: "info", exitCode: 2, error: "UsageError", message: expect.stringMatching(/^the store must exist; got nothing at /) }]);
  });

  it("without --json the same error is text on stderr", async () => {
    const r = await cli("info", join(dir, "missing.zarr"));
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^chunkwise: info: the store must exist; got nothing at .*\n$/);
  });
});

describe("help texts", () => {
  // A description cut mid-sentence ends on a word that needs more after it.
  const DANGLING = /(\b(the|a|an|of|that|to|and|or|with|for|by|requires|signed|in|on|at|from)|')$/;
  for (const [name, command] of commands()) {
    it(`chunkwise ${name} --help: every option's description ends as a sentence would`, () => {
      const lines = command.help.split("\n");
      const start = lines.findIndex((l) => /^(Options|Input and output|Running|Deconvolution|PSF)/.test(l));
      const entries: string[] = [];
      for (const line of lines.slice(Math.max(0, start))) {
        if (/^ {2}-/.test(line)) entries.push(line.trim());
        else if (/^ {6,}\S/.test(line) && entries.length > 0) entries[entries.length - 1] += ` ${line.trim()}`;
      }
      expect(entries.length).toBeGreaterThan(3);
      for (const e of entries) expect(e, e).not.toMatch(DANGLING);
    });
  }

  it("deconvolve --help: --redis-ca, --redis-cert and --redis-key each say what the file is", async () => {
    const r = await cli("deconvolve", "--help");
    expect(r.out).toMatch(/--redis-ca FILE +PEM certificate of the CA that signed Redis' TLS certificate, when\n +it is not a public one \(rediss:\/\/ only\)\n/);
    expect(r.out).toMatch(/--redis-cert FILE +PEM client certificate, for a Redis that requires one\n +\(tls-auth-clients yes; rediss:\/\/ only\); needs --redis-key\n/);
    expect(r.out).toMatch(/--redis-key FILE +unencrypted PEM private key of --redis-cert \(never printed\)\n/);
  });
});

describe("a failed task's error reads as a sentence", () => {
  const failing = defineKernel(import.meta.url, "failing", () => {
    throw new ValueError("myKernel", "the block must be positive; got -1. Pass positive data");
  });
  it("'... must succeed; it failed after 1 attempt with ValueError: myKernel: ... Pass positive data. See the cause ...'", async () => {
    const x = fromArray(array([1, 2], { dtype: "float64" }), { chunks: 2 });
    const err = await compute(mapBlocks(failing, [x], { dtype: "float64" }) as ChunkedArray).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect((err as Error).message).toMatch(
      /^compute: task '[^']+' \(block \[0\]\) must succeed; it failed after 1 attempt with ValueError: myKernel: the block must be positive; got -1\. Pass positive data\. See the cause for the kernel's own error$/,
    );
    const retried = await compute(mapBlocks(failing, [x], { dtype: "float64" }) as ChunkedArray, { retries: 2 }).catch((e: unknown) => e);
    expect((retried as Error).message).toContain("it failed after 3 attempts with ValueError: ");
  });
});
