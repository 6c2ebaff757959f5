/**
 * Data safety of `chunkwise deconvolve` (issue 11, items 4, 5, 6, 8) on the tiny demo data in
 * temporary folders: an output overlapping the input or a Zarr PSF, however spelled, is refused
 * before anything is touched; bad --out-path and an unwritable --out are refused before the
 * plan; two runs at once (real processes): exactly one writes; --resume only continues the same
 * computation; a memory refusal writes nothing and advises the command's own flags; NaN/Inf in
 * the PSF or image is reported; SIGTERM and Ctrl-C (inline) stop with one line; info marks a
 * broken array and lists the rest.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { fromArray } from "../../src/index.js";
import { fromZarr, toZarr } from "../../src/io/zarr/index.js";
import type { DemoData } from "../../src/cli/demo.js";
import { deconvolveCommand } from "../../src/cli/deconvolve.js";
import { cli, jsonLines, snapshot, withTinyDemo } from "./job-helpers.js";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "../..");
let dir: string;
let demo: DemoData;

withTinyDemo("safety", (d, m) => {
  dir = d;
  demo = m;
});

const run = (out: string, ...more: string[]): string[] => ["deconvolve", demo.store, "--path", "data", "--psf", demo.psfPattern, "--out", out, "--iterations", "2", "--executor", "inline", ...more];

/** Runs the bin as a real process; resolves with its exit code and output. */
function spawnCli(args: readonly string[], onErr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
      onErr?.(err, child);
    });
    child.once("exit", (code) => resolve({ code, out, err }));
  });
}

async function expectRefused(argv: string[], message: RegExp): Promise<void> {
  const before = await snapshot(dir);
  const r = await cli(...argv);
  expect(r.err).toMatch(message);
  expect(r.code).toBe(2);
  expect(r.out).toBe("");
  expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  expect(await snapshot(dir)).toEqual(before);
}

describe("the output never overlaps the input (refused before the plan, nothing touched)", () => {
  it.each([
    ["--out-path data/", ["--out-path", "data/"], "is"],
    ["--out-path data//", ["--out-path", "data//"], "is"],
    ["--out-path ./data", ["--out-path", "./data"], "is"],
    ["--out-path data/sub (inside the input)", ["--out-path", "data/sub"], "lies inside"],
    ["--out-path . (the store root, holding the input)", ["--out-path", "."], "holds"],
  ])("%s --overwrite", async (_name, extra, how) => {
    await expectRefused(["deconvolve", demo.store, "--path", "data", "--psf", demo.psfPattern, "--overwrite", ...extra], new RegExp(`the output must not overlap the input; got .* which ${how} the input .*demo\\.zarr/data`));
  });

  it("the input store through a symlink as --out", async () => {
    const link = join(dir, "link.zarr");
    await symlink(demo.store, link);
    try {
      await expectRefused(run(link, "--out-path", "data", "--overwrite"), /the output must not overlap the input; got --out .*link\.zarr --out-path "data", which is the input .*demo\.zarr\/data \(compared by real path/);
    } finally {
      await rm(link);
    }
  });

  it("a Zarr PSF as the output", async () => {
    const psfStore = join(dir, "psf.zarr");
    await toZarr(fromArray(demo.data.measuredPsfs, { chunks: [1, 9, 15, 15] }), psfStore, { path: "psf" });
    await expectRefused(["deconvolve", demo.store, "--path", "data", "--psf", psfStore, "--psf-path", "psf", "--out", psfStore, "--out-path", "psf", "--overwrite"], /the output must not overlap the PSF; got .* which is the PSF .*psf\.zarr\/psf/);
  });
});

describe("--overwrite deletes only the old array's own files; a new output never lands among other files", () => {
  it("--out a folder of other files, --out-path \"\": refused in one line, with or without --overwrite, nothing touched", async () => {
    const victim = join(dir, "victim");
    await mkdir(join(victim, "sub/deeper"), { recursive: true });
    await writeFile(join(victim, "readme.txt"), "mine");
    await writeFile(join(victim, "sub/deeper/important.dat"), "mine");
    await toZarr(fromArray(demo.data.measuredPsfs, { chunks: [1, 9, 15, 15] }), join(victim, "other.zarr"), { path: "psf" });
    try {
      for (const more of [[], ["--overwrite"]]) {
        await expectRefused(run(victim, "--out-path", "", ...more), /^chunkwise: deconvolve: the folder of a new array must be missing, empty or hold only Zarr nodes; got .*victim, which holds .*"readme.txt"/);
      }
    } finally {
      await rm(victim, { recursive: true, force: true });
    }
  });

  it("--out the folder of the TIFF PSFs, --out-path \"\" --overwrite: refused, the PSFs intact", async () => {
    await expectRefused(run(dirname(demo.psfPattern), "--out-path", "", "--overwrite"), /the folder of a new array must be missing, empty or hold only Zarr nodes; got .* which holds .*psf_/);
  });

  it("--overwrite of an earlier result keeps other files in its folder", async () => {
    const out = join(dir, "kept.zarr");
    expect((await cli(...run(out, "--out-path", ""))).code).toBe(0);
    await writeFile(join(out, "notes.txt"), "mine");
    expect((await cli(...run(out, "--out-path", "", "--overwrite"))).code).toBe(0);
    expect(await readFile(join(out, "notes.txt"), "utf8")).toBe("mine");
    await rm(out, { recursive: true, force: true });
  });
});

describe("errors knowable before the plan come before it", () => {
  it.each([
    ["--out-path absolute", ["--out-path", "/etc/x"], /--out-path must be a path inside the store, relative to it; got "\/etc\/x", which is absolute\. Name the store with --out/],
    ["--out-path with ..", ["--out-path", "../escape"], /--out-path must stay inside the store; got "\.\.\/escape", which has a "\.\." part/],
    ["--out-path a/../../b", ["--out-path", "a/../../b"], /--out-path must stay inside the store/],
    ["--path with ..", ["--path", "../x"], /--path must stay inside the store/],
  ])("%s", async (_name, extra, message) => {
    await expectRefused([...run(join(dir, "never.zarr")), ...extra], message);
  });

  it("--out below a regular file: refused before the plan, nothing written", async () => {
    const file = join(dir, "plain-file");
    await writeFile(file, "x");
    await expectRefused(run(join(file, "out.zarr")), /--out must be a folder that can be created; got .*plain-file\/out\.zarr\/deconvolved, below the file .*plain-file/);
    await rm(file);
  });

  it("demo --out below a regular file: a usage error (exit 2) before the dataset is made", async () => {
    const file = join(dir, "plain-file-demo");
    await writeFile(file, "x");
    await expectRefused(["demo", "--size", "tiny", "--out", join(file, "demo")], /^chunkwise: demo: --out must be a folder that can be created; got .*plain-file-demo\/demo, below the file .*plain-file-demo\. Pass --out a folder/);
    await rm(file);
  });

  it("a memory-plan refusal: exit 2, advice in the command's own flags, no metadata or folder left", async () => {
    // A (1, 1200, 1200, 1200) volume: metadata only (no chunk stored); one volume's estimate is
    // far above any machine's budget, and nothing is read before the refusal.
    const big = join(dir, "big.zarr");
    await mkdir(join(big, "data"), { recursive: true });
    await writeFile(join(big, ".zgroup"), JSON.stringify({ zarr_format: 2 }));
    await writeFile(join(big, "data", ".zarray"), JSON.stringify({ zarr_format: 2, shape: [1, 1200, 1200, 1200], chunks: [1, 1200, 1200, 1200], dtype: "<u2", compressor: null, fill_value: 0, filters: null, order: "C" }));
    const out = join(dir, "big-out.zarr");
    const r = await cli("deconvolve", big, "--path", "data", "--psf-model", "gaussian", "--sigma", "1,1,1", "--out", out, "--executor", "inline");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^chunkwise: deconvolve: the run must fit in memory; got an estimated peak of .* for a budget of .*\. One volume needs about .*--executor distributed.*Nothing was written\n$/);
    for (const flag of r.err.match(/--[a-z-]+/g) ?? []) expect(deconvolveCommand.help, flag).toContain(flag);
    expect(r.err).not.toMatch(/memoryBudget|rechunk/);
    expect(existsSync(out)).toBe(false);
    await rm(big, { recursive: true });
  });
});

describe("one writer per output", () => {
  it("two deconvolve processes into the same output at once: exactly one writes, the other exits 2 naming the holder", async () => {
    const out = join(dir, "race.zarr");
    const args = run(out, "--iterations", "1000"); // several seconds, far longer than the two processes' start-up difference
    const [a, b] = await Promise.all([spawnCli(args), spawnCli(args)]);
    const codes = [a.code, b.code].sort();
    expect(codes, a.err + b.err).toEqual([0, 2]);
    const loser = a.code === 2 ? a : b;
    // refused by the check before the plan, or (when both passed it at once) by toZarr's lease
    expect(loser.err).toMatch(/chunkwise: deconvolve: the output .*must have one writer at a time; got a run (writing .* now|in progress) \(host .*, pid \d+, run [0-9a-f]+/);
    expect(existsSync(join(out, "deconvolved", ".chunkwise-lease"))).toBe(false);
    const attrs = JSON.parse(await readFile(join(out, "deconvolved", ".zattrs"), "utf8"));
    expect(attrs.deconvolve.iterations).toBe(1000);
  }, 120_000);

  it("a lease left by a killed run: refused without flags (says --resume), --resume takes it over and finishes", async () => {
    const out = join(dir, "stale.zarr");
    await mkdir(join(out, "deconvolved"), { recursive: true });
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    await writeFile(join(out, "deconvolved", ".chunkwise-lease"), JSON.stringify({ host: hostname(), pid: Number(dead), runId: "feedface", started: "2026-01-01T00:00:00Z", version: "0" }));
    const r = await cli(...run(out));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`the output's last run must have finished; got the lease of a run that stopped \\(host .*, pid ${dead}, run feedface.*\\): its process ${dead} on this host is gone\\. Re-run the same command with --resume`));
    const again = await cli(...run(out, "--resume"));
    expect(again.code, again.err).toBe(0);
    expect(existsSync(join(out, "deconvolved", ".chunkwise-lease"))).toBe(false);
  });
});

describe("--resume continues only the same computation", () => {
  let out: string;
  beforeAll(async () => {
    out = join(dir, "fingerprint.zarr");
    const r = await cli(...run(out));
    expect(r.code, r.err).toBe(0);
  });

  const tail = (): string[] => ["--out", out, "--iterations", "2", "--executor", "inline", "--resume"];
  it.each([
    ["another --iterations", () => [...run(out, "--resume"), "--iterations", "3"], /deconvolve\.iterations: 2 vs 3/],
    ["another --boundary and --background", () => [...run(out, "--resume"), "--boundary", "zero", "--background", "5"], /deconvolve\.background: 0 vs 5; deconvolve\.boundary: "neumann" vs "zero"/],
    ["another PSF", () => ["deconvolve", demo.store, "--path", "data", "--psf-model", "gaussian", "--sigma", "1,1,1", ...tail()], /psf\.sha256: "[0-9a-f]+" vs "[0-9a-f]+"; psf\.shape: \[2,1,9,15,15\] vs \[1,1,7,7,7\]/],
    ["--acceleration biggs --tolerance 1e-3 added", () => [...run(out, "--resume"), "--acceleration", "biggs", "--tolerance", "1e-3"], /deconvolve\.acceleration: \(none\) vs "biggs"; deconvolve\.tolerance: \(none\) vs 0\.001/],
    ["--tv 0.002 added", () => [...run(out, "--resume"), "--tv", "0.002"], /deconvolve\.tv: \(none\) vs 0\.002/],
    ["another input array", () => ["deconvolve", demo.store, "--path", "truth", "--psf", demo.psfPattern, ...tail()], /input\.dtype: "<u2" vs "<f4"; .*input\.path: "data" vs "truth"/],
  ])("%s: exit 2, the differences listed, nothing written", async (_name, argv, message) => {
    await expectRefused(argv(), new RegExp(`--resume must continue the same computation; got differences \\(recorded vs now\\): .*${message.source}`));
  });

  it("the same command resumes (nothing left to do); the fingerprint is in the output's attributes", async () => {
    const r = await cli(...run(out, "--resume", "--json"));
    expect(r.code, r.err).toBe(0);
    expect(jsonLines(r.out).at(-1)).toMatchObject({ event: "done", chunksWritten: 0, chunksSkipped: 2 });
    const fp = JSON.parse(await readFile(join(out, "deconvolved", ".zattrs"), "utf8")).chunkwise.fingerprint;
    expect(fp).toMatchObject({ version: expect.any(String), input: { path: "data", shape: [2, 1, 16, 48, 48], dtype: "<u2", metadata: expect.stringMatching(/^[0-9a-f]{64}$/), storedChunks: { count: 2 } }, psf: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }, deconvolve: { iterations: 2 } });
  });
});

describe("NaN and infinity", () => {
  it("a PSF with NaN voxels is refused before the plan, counted", async () => {
    const store = join(dir, "nanpsf.zarr");
    const psf = { ...demo.data.measuredPsfs, data: Float32Array.from(demo.data.measuredPsfs.data as ArrayLike<number>), dtype: "float32" as const };
    psf.data[5] = NaN;
    psf.data[7] = Infinity;
    await toZarr(fromArray(psf, { chunks: [1, 9, 15, 15] }), store, { path: "psf" });
    await expectRefused(["deconvolve", demo.store, "--path", "data", "--psf", store, "--psf-path", "psf", "--out", join(dir, "never.zarr")], /the PSF must hold only finite values; got 1 NaN and 1 infinite voxels in PSF 0 of the Zarr array .*\(the first at flat index 5\)\. Fix or re-measure the PSF/);
  });

  it("a float image with NaN voxels: the run stops naming the count, block and first voxel (exit 1, no silent NaN volume)", async () => {
    const store = join(dir, "nanimage.zarr");
    const img = Float32Array.from(demo.data.noisy.data as ArrayLike<number>);
    const frame = 16 * 48 * 48;
    img[frame + 3 * 48 * 48 + 10 * 48 + 20] = NaN; // volume 1, voxel (3, 10, 20)
    img[frame + 5] = NaN;
    await toZarr(fromArray({ ...demo.data.noisy, dtype: "float32", data: img }, { chunks: [1, 1, 16, 48, 48] }), store, { path: "data" });
    const out = join(dir, "nanimage-out.zarr");
    const r = await cli("deconvolve", store, "--path", "data", "--psf", demo.psfPattern, "--out", out, "--iterations", "2", "--executor", "inline");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^chunkwise: deconvolve: the image must hold only finite values; got 2 NaN and 0 infinite voxels in block \(1, 0, 0, 0, 0\) covering 1:2, 0:1, 0:16, 0:48, 0:48, the first at \(1, 0, 0, 0, 5\)\. Replace them in the input .* then run again with --overwrite\n$/m);
    expect(r.err).not.toMatch(/--resume to keep/);
    const a = await fromZarr(out, { path: "deconvolved" });
    const first = await a.blocks([0, 0, 0, 0, 0]).compute();
    expect(Array.from(first.data as Float32Array).every(Number.isFinite)).toBe(true);
  });
});

describe("stopping", () => {
  /** Starts a long deconvolve and sends `signal` once the first progress line appears. */
  async function stopWith(signal: NodeJS.Signals, executor: string): Promise<{ code: number | null; err: string }> {
    const out = join(dir, `stop-${signal}-${executor}.zarr`);
    let sent = 0;
    const r = await spawnCli(run(out, "--iterations", "100000", "--executor", executor, ...(executor === "threads" ? ["--workers", "1"] : [])), (err, child) => {
      if (sent === 0 && /deconvolve: \d+\/\d+ tasks/.test(err)) {
        sent = Date.now();
        setTimeout(() => child.kill(signal), 500);
      }
    });
    return r;
  }

  it("Ctrl-C with --executor inline ends the running kernel: exit 130, one line saying --resume", async () => {
    const r = await stopWith("SIGINT", "inline");
    expect(r.code, r.err).toBe(130);
    expect(r.err).toMatch(/chunkwise: deconvolve: interrupted by SIGINT after \d+ of \d+ tasks; the chunks written are complete\. Re-run the same command with --resume to finish/);
  }, 180_000);

  it("SIGTERM prints the same line (exit 143)", async () => {
    const r = await stopWith("SIGTERM", "threads");
    expect(r.code, r.err).toBe(143);
    expect(r.err).toMatch(/chunkwise: deconvolve: interrupted by SIGTERM after \d+ of \d+ tasks; the chunks written are complete\. Re-run the same command with --resume to finish/);
  }, 180_000);
});

describe("info on a group with a broken array, and on arrays with a lease", () => {
  it("an array being written shows its holder; one a killed run left says to --resume; neither lease counts as a chunk", async () => {
    const store = join(dir, "leased.zarr");
    await toZarr(fromArray(demo.data.truth, { chunks: [1, 1, 16, 48, 48] }), store, { path: "a" });
    await writeFile(join(store, "a", ".chunkwise-lease"), JSON.stringify({ host: hostname(), pid: process.pid, runId: "11ve", started: "2026-01-01T00:00:00Z", version: "0" }));
    const live = await cli("info", store, "--path", "a");
    expect(live.out).toMatch(new RegExp(`being written by: host ${hostname()}, pid ${process.pid}, run 11ve`));
    expect(live.out).toMatch(/Count\s+2 Chunks\s+2 stored/);
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    await writeFile(join(store, "a", ".chunkwise-lease"), JSON.stringify({ host: hostname(), pid: Number(dead), runId: "dead", started: "2026-01-01T00:00:00Z", version: "0" }));
    const stale = await cli("info", store, "--path", "a", "--json");
    expect(jsonLines(stale.out)[0]).toMatchObject({ storedChunks: 2, lease: { holder: expect.stringContaining(`pid ${dead}, run dead`), stale: `its process ${dead} on this host is gone` } });
  });

  it("lists the readable arrays, marks the broken one with why, exit 1", async () => {
    const store = join(dir, "broken.zarr");
    await toZarr(fromArray(demo.data.truth, { chunks: [1, 1, 16, 48, 48] }), store, { path: "good" });
    await toZarr(fromArray(demo.data.truth, { chunks: [1, 1, 16, 48, 48] }), store, { path: "bad" });
    await writeFile(join(store, "bad", ".zarray"), "{ not json");
    const r = await cli("info", store);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/group .*broken\.zarr \(zarr v2\): 1 array/);
    expect(r.out).toMatch(/good\s+\(2, 1, 16, 48, 48\)/);
    expect(r.out).toMatch(/BROKEN bad: metadata file .*bad\/\.zarray must be a JSON object/);
    expect(r.err).toMatch(/1 array below .* could not be read \(marked BROKEN\); the others are listed/);
    const j = await cli("info", store, "--json");
    expect(jsonLines(j.out)[0]).toMatchObject({ kind: "group", arrays: [expect.objectContaining({ path: "good" })], broken: [expect.objectContaining({ path: "bad" })] });
  });
});
