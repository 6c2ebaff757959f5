/**
 * The worker's check on chunk writes named by a task: only chunk keys of an existing array,
 * in its key encoding and grid, inside the store by real path, inside the allowed roots.
 * A table of forged keys per layout (v2 ".", v2 "/", v3 "/", v3 "."), then symbolic links.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromArray } from "../../../src/array/creation.js";
import { checkChunkWrite } from "../../../src/io/zarr/chunk-write-guard.js";
import { ZarrError } from "../../../src/io/zarr/errors.js";
import { toZarr } from "../../../src/io/zarr/to-zarr.js";
import type { WriteChunkParams } from "../../../src/io/zarr/write-kernels.js";

const root = realpathSync(mkdtempSync(join(tmpdir(), "chunkwise-guard-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const store = join(root, "s.zarr");
const x = fromArray({ dtype: "float32", data: new Float32Array(12 * 10), shape: [12, 10], stride: [10, 1], offset: 0 }, { chunks: [4, 5] });

const LAYOUTS = [
  { path: "v2dot", format: 2, dimensionSeparator: ".", good: ["0.0", "2.1"], spelled: ["00.0", "0.00", "0.-0", "0", "0.0.0", "c.0.0", "0/0", "3.0", "0.2", "1e0.0", "0x0.0"] },
  { path: "g/v2slash", format: 2, dimensionSeparator: "/", good: ["0/0", "2/1"], spelled: ["0.0", "0/0/0", "3/0"] },
  { path: "v3slash", format: 3, dimensionSeparator: "/", good: ["c/0/0", "c/2/1"], spelled: ["0/0", "c.0.0", "c/0", "c/3/0", "c//0"] },
  { path: "v3dot", format: 3, dimensionSeparator: ".", good: ["c.0.0", "c.2.1"], spelled: ["c/0/0", "c.0", "c.0.5"] },
] as const;

beforeAll(async () => {
  for (const l of LAYOUTS) await toZarr(x, store, { path: l.path, format: l.format, dimensionSeparator: l.dimensionSeparator, compressor: null });
});

const params = (key: string, over: Partial<WriteChunkParams> = {}): WriteChunkParams =>
  ({ store: { fs: store }, key, dtype: "float32", blockShape: [4, 5], chunkShape: [4, 5], fill: 0, compressor: null, ...over }) as WriteChunkParams;

async function refused(p: WriteChunkParams, roots?: string[]): Promise<string> {
  const err = await checkChunkWrite(p, roots, "t[0]").then(() => undefined, (e: unknown) => e);
  expect(err, `${p.key} must be refused`).toBeInstanceOf(ZarrError);
  expect((err as ZarrError).kind).toBe("unsafe-path");
  return (err as Error).message;
}

describe("checkChunkWrite", () => {
  it.each(LAYOUTS.flatMap((l) => l.good.map((k) => [l.path, k] as const)))("%s: chunk %s is allowed", async (path, chunk) => {
    await checkChunkWrite(params(`/${path}/${chunk}`), undefined, "t[0]");
    await checkChunkWrite(params(`/${path}/${chunk}`), [root], "t[0]");
  });

  it.each(LAYOUTS.flatMap((l) => l.spelled.map((k) => [l.path, k] as const)))("%s: %s is not a chunk key of that array: refused", async (path, chunk) => {
    expect(await refused(params(`/${path}/${chunk}`))).toMatch(/must (name a chunk of an array whose metadata is in the store|stay inside its store)/);
  });

  it.each([
    ["/../escaped", "must stay inside its store"],
    ["/v2dot/../../escaped", "must stay inside its store"],
    ["/%2e%2e/escaped", "no chunk of any array there"],
    ["/v2dot/%2e%2e/0.0", "no chunk of any array there"],
    ["//tmp/escaped", "must stay inside its store"],
    ["/tmp/escaped", "no chunk of any array there"],
    ["tmp/escaped", 'must be an absolute store key such as "/array/0.0"'],
    ["/.bashrc", "no chunk of any array there"],
    ["/v2dot/.zarray", "no chunk of any array there"],
    ["/v2dot/.zattrs", "no chunk of any array there"],
    ["/v3slash/zarr.json", "no chunk of any array there"],
    ["/v2dot/0.0.tmp-abcdef", "no chunk of any array there"],
    ["/v2dot/./0.0", "must stay inside its store"],
    ["/v2dot\\..\\..\\x", 'must be an absolute store key such as "/array/0.0"'],
    ["/v2dot/0.0\0", 'must be an absolute store key such as "/array/0.0"'],
    ["/g/0.0", "no chunk of any array there"],
  ])("key %j is refused (%s)", async (key, message) => {
    expect(await refused(params(key))).toContain(message);
  });

  it.each([
    ["a URL store", { store: { url: "http://127.0.0.1:1/x" } }, "must name a directory store ({ fs })"],
    ["an in-process store", { store: { local: "local-1" } }, "must name a directory store ({ fs })"],
    ["a store that does not exist", { store: { fs: join(root, "none.zarr") } }, "must exist on this worker"],
    ["another chunk shape", { chunkShape: [4, 4] }, "must match its array's chunk shape [4,5] and dtype <f4"],
    ["another dtype", { dtype: "float64" }, "must match its array's chunk shape"],
  ] as const)("%s is refused", async (_, over, message) => {
    expect(await refused(params("/v2dot/0.0", over as Partial<WriteChunkParams>))).toContain(message);
  });

  it("a store outside the allowed roots is refused; one inside is allowed", async () => {
    expect(await refused(params("/v2dot/0.0"), [join(root, "elsewhere")])).toContain("must lie inside the directories this worker was started with (--stores)");
    await checkChunkWrite(params("/v2dot/0.0"), [root], "t[0]");
  });

  it("a symbolic link out of the store (an array directory, or a chunk directory of a '/' layout) is refused; nothing is created outside", async () => {
    const outside = join(root, "outside");
    await toZarr(x, outside, { path: "arr", format: 2, dimensionSeparator: "/", compressor: null });
    symlinkSync(join(outside, "arr"), join(store, "linked"));
    expect(await refused(params("/linked/0/0"))).toContain("through a symbolic link");
    // A chunk directory of v2 "/" that is a link out of the store.
    rmSync(join(store, "g/v2slash/1"), { recursive: true, force: true });
    mkdirSync(join(root, "outside/target"));
    symlinkSync(join(root, "outside/target"), join(store, "g/v2slash/1"));
    expect(await refused(params("/g/v2slash/1/0"))).toContain("through a symbolic link");
    expect(readdirSync(join(root, "outside/target"))).toEqual([]);
  });

  it("a store reached through a symbolic link is checked by its real path against the roots", async () => {
    const link = join(root, "allowed", "s-link.zarr");
    mkdirSync(join(root, "allowed"));
    symlinkSync(store, link);
    expect(await refused(params("/v2dot/0.0", { store: { fs: link } }), [join(root, "allowed")])).toContain(`(really ${JSON.stringify(store)})`);
    expect(existsSync(join(root, "allowed", "v2dot"))).toBe(false);
  });
});
