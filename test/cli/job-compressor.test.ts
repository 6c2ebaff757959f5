/**
 * `chunkwise deconvolve --compressor` on the tiny demo dataset: the default (blosc lz4, clevel
 * 5, shuffle: zarr-python 2's default), each choice as the output's metadata states it, bad
 * values refused before anything is written, and `--resume` keeping the compressor an
 * interrupted output was started with (zstd level 3, the default of chunkwise before this
 * option) without being told, while refusing an explicit different one.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromZarr } from "../../src/io/zarr/index.js";
import type { DemoData } from "../../src/cli/demo.js";
import { existingCompressor, parseCompressor } from "../../src/cli/job-compressor.js";
import { UsageError } from "../../src/cli/command.js";
import { cli, jsonLines, snapshot, withTinyDemo } from "./job-helpers.js";

let dir: string;
let demo: DemoData;

withTinyDemo("compressor", (d, m) => {
  dir = d;
  demo = m;
});

const args = (out: string, ...more: string[]): string[] => [
  "deconvolve", demo.store, "--path", "data", "--psf", demo.psfPattern, "--out", out, "--out-path", "result",
  "--iterations", "2", "--background", String(demo.data.background), "--executor", "inline", ...more,
];
const zarray = (out: string): Record<string, unknown> => JSON.parse(readFileSync(join(out, "result", ".zarray"), "utf8")) as Record<string, unknown>;

describe("deconvolve --compressor", () => {
  it("defaults to blosc lz4 clevel 5 with shuffle, shown in the plan", async () => {
    const out = join(dir, "default.zarr");
    const r = await cli(...args(out, "--json"));
    expect(r.code).toBe(0);
    const compressor = { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1 };
    expect((jsonLines(r.out)[0] as { output: { compressor: unknown } }).output.compressor).toEqual(compressor);
    expect(zarray(out).compressor).toEqual({ ...compressor, blocksize: 0 });
    const text = await cli(...args(join(dir, "default-text.zarr")));
    expect(text.out).toMatch(/^output .*, compressor blosc cname lz4 clevel 5 shuffle 1$/m);
  });

  it.each([
    ["zstd:5", { id: "zstd", level: 5 }],
    ["zstd", { id: "zstd", level: 3 }],
    ["blosc-lz4:9", { id: "blosc", cname: "lz4", clevel: 9, shuffle: 1, blocksize: 0 }],
    ["gzip", { id: "gzip", level: 1 }],
    ["none", null],
  ])("--compressor %s is what the output's .zarray states, and the result reads back", async (choice, stated) => {
    const out = join(dir, `c-${choice.replace(":", "-")}.zarr`);
    expect((await cli(...args(out, "--compressor", choice))).code).toBe(0);
    expect(zarray(out).compressor).toEqual(stated);
    const back = await (await fromZarr(out, { path: "result" })).compute();
    const reference = await (await fromZarr(join(dir, "default.zarr"), { path: "result" })).compute();
    expect(back.data).toEqual(reference.data);
  });

  it("--zarr-format 3 --compressor blosc-zstd writes the v3 blosc codec", async () => {
    const out = join(dir, "v3.zarr");
    expect((await cli(...args(out, "--zarr-format", "3", "--compressor", "blosc-zstd:2"))).code).toBe(0);
    const meta = JSON.parse(readFileSync(join(out, "result", "zarr.json"), "utf8")) as { codecs: unknown[] };
    expect(meta.codecs[1]).toEqual({ name: "blosc", configuration: { cname: "zstd", clevel: 2, shuffle: "shuffle", typesize: 4, blocksize: 0 } });
    expect(await existingCompressor(out, "result")).toEqual({ id: "blosc", cname: "zstd", clevel: 2, shuffle: 1 });
  });

  it.each([
    ["unknown name", ["--compressor", "brotli"], /--compressor must be one of blosc-lz4, blosc-zstd, zstd, gzip, zlib, lz4, none, .*; got "brotli"\. Pass e\.g\. --compressor blosc-lz4/],
    ["level out of range", ["--compressor", "zstd:23"], /--compressor zstd must take an integer level in \[1, 22\]; got "zstd:23"/],
    ["level not a number", ["--compressor", "blosc-lz4:fast"], /--compressor blosc-lz4 must take an integer level in \[0, 9\]; got "blosc-lz4:fast"/],
    ["level on none", ["--compressor", "none:1"], /--compressor none must take no level; got "none:1"/],
    ["v2-only codec with format 3", ["--zarr-format", "3", "--compressor", "lz4"], /--compressor must be a Zarr v3 codec .* with --zarr-format 3; got "lz4"/],
  ])("%s is refused before anything is written", async (_name, more, message) => {
    const before = await snapshot(dir);
    const r = await cli(...args(join(dir, "bad.zarr"), ...more));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(await snapshot(dir)).toEqual(before);
  });

  it("--resume keeps the compressor of an output started with zstd level 3 (the old default); a different --compressor is refused", async () => {
    const out = join(dir, "resume.zarr");
    // An interrupted write: one of the two volumes' chunks is missing.
    expect((await cli(...args(out, "--compressor", "zstd"))).code).toBe(0);
    expect(zarray(out).compressor).toEqual({ id: "zstd", level: 3 });
    rmSync(join(out, "result", "1.0.0.0.0"));
    const refused = await cli(...args(out, "--resume", "--compressor", "blosc-lz4"));
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/must match the array being resumed; got compressor .*zstd.* vs .*blosc/);
    const again = await cli(...args(out, "--resume", "--json"));
    expect(again.code).toBe(0);
    expect(jsonLines(again.out).at(-1)).toMatchObject({ event: "done", chunksWritten: 1, chunksSkipped: 1 });
    expect((jsonLines(again.out)[0] as { output: { compressor: unknown } }).output.compressor).toEqual({ id: "zstd", level: 3 });
    expect(zarray(out).compressor).toEqual({ id: "zstd", level: 3 });
    const back = await (await fromZarr(out, { path: "result" })).compute();
    const reference = await (await fromZarr(join(dir, "default.zarr"), { path: "result" })).compute();
    expect(back.data).toEqual(reference.data);
  });

  it("parseCompressor: names and levels as toZarr takes them; bad text is a UsageError", () => {
    expect(parseCompressor(undefined, 2)).toBeUndefined();
    expect(parseCompressor("blosc-lz4", 3)).toEqual({ id: "blosc", cname: "lz4", clevel: 5, shuffle: 1 });
    expect(parseCompressor("zlib:9", 2)).toEqual({ id: "zlib", level: 9 });
    expect(parseCompressor("none", 3)).toBeNull();
    for (const bad of ["", "zstd:", "zstd:1:2", "zstd:1.5", "constructor", "__proto__"]) expect(() => parseCompressor(bad, 2)).toThrow(UsageError);
  });
});
