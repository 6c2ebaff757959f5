/**
 * `chunkwise info` on the tiny demo store: a group lists its arrays with shape, dtype and
 * chunks; an array shows dask's table, format, codecs and stored chunks; --json parses; a
 * missing store or path is one line with exit code 2.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DemoData } from "../../src/cli/demo.js";
import { cli, jsonLines, withTinyDemo } from "./job-helpers.js";

let dir: string;
let demo: DemoData;
withTinyDemo("info", (d, m) => {
  dir = d;
  demo = m;
});

describe("info", () => {
  it("a group (the store root): one line per array with shape, chunks, dtype, bytes, stored chunks", async () => {
    const r = await cli("info", demo.store);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^group .*demo\.zarr \(zarr v2\): 2 arrays/);
    expect(r.out).toMatch(/data\s+\(2, 1, 16, 48, 48\)\s+\(1, 1, 16, 48, 48\)\s+uint16\s+147\.46 kB\s+2\/2/);
    expect(r.out).toMatch(/truth\s+\(2, 1, 16, 48, 48\)\s+\(1, 1, 16, 48, 48\)\s+float32\s+294\.91 kB\s+2\/2/);
  });

  it("an array (--path data): dask's table, zarr v2, codecs, attributes", async () => {
    const r = await cli("info", demo.store, "--path", "data");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Bytes\s+147\.46 kB\s+73\.73 kB/);
    expect(r.out).toMatch(/Shape\s+\(2, 1, 16, 48, 48\)\s+\(1, 1, 16, 48, 48\)/);
    expect(r.out).toMatch(/Count\s+2 Chunks\s+2 stored/);
    expect(r.out).toMatch(/Type\s+uint16\s+zarr v2/);
    expect(r.out).toContain("codecs: zstd");
    expect(r.out).toMatch(/attributes: .*demo/);
  });

  it("--json: one object for an array and for a group", async () => {
    const a = jsonLines((await cli("info", demo.store, "--path", "truth", "--json")).out);
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ event: "info", kind: "array", path: "truth", shape: [2, 1, 16, 48, 48], chunks: [1, 1, 16, 48, 48], dtype: "float32", chunkCount: 2, storedChunks: 2 });
    const g = jsonLines((await cli("info", demo.store, "--json")).out);
    expect(g[0]).toMatchObject({ kind: "group", path: "", format: 2 });
    expect((g[0]!.arrays as { path: string }[]).map((x) => x.path)).toEqual(["data", "truth"]);
  });

  it.each([
    ["a missing store", () => ["info", join(dir, "missing.zarr")], /^chunkwise: info: the store must exist; got nothing at .*missing\.zarr/],
    ["nothing at the path", () => ["info", demo.store, "--path", "nope"], /^chunkwise: info: the path must hold a Zarr array or group; got nothing at .*nope/],
    ["no store argument", () => ["info"], /^chunkwise: info: the <store> argument is required/],
    ["a path leaving the store", () => ["info", demo.store, "--path", "../x"], /^chunkwise: info: /],
  ] as [string, () => string[], RegExp][])("%s: one line, exit 2", async (_name, argv, message) => {
    const r = await cli(...argv());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  });
});
