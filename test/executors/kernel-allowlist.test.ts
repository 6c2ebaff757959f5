/**
 * The worker's kernel allow-list without Redis: the explicit list of chunkwise's kernel
 * modules, matching by real path and by path inside src/ or dist/, and every other module
 * refused before import (a marker file proves nothing ran).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { allowKernels, KERNEL_MODULES } from "../../src/executors/distributed/kernel-allowlist.js";
import { DistributedError } from "../../src/executors/distributed/distributed-error.js";
import type { Task } from "../../src/graph/task.js";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));
const own = (rel: string): string => pathToFileURL(join(SRC, `${rel}.ts`)).href;
const dir = mkdtempSync(join(tmpdir(), "chunkwise-allow-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const task = (module: string, name: string): Task => ({ key: "t[0]", kernel: { module, name }, args: [] });

describe("KERNEL_MODULES", () => {
  it("lists exactly the modules of src/ that define kernels", () => {
    const found: string[] = [];
    for (const f of readdirSync(SRC, { recursive: true }).map(String)) {
      if (!f.endsWith(".ts") || f.endsWith(".d.ts")) continue;
      if (/^export const \w+ = (\w+\()?defineKernel\(import\.meta\.url/m.test(readFileSync(join(SRC, f), "utf8"))) found.push(relative(SRC, join(SRC, f)).replace(/\.ts$/, "").split("\\").join("/"));
    }
    expect([...KERNEL_MODULES].sort()).toEqual(found.sort());
  });

  it("holds no entry point or internal module", () => {
    for (const m of KERNEL_MODULES) expect(m).not.toMatch(/^(cli|executors)\/|index$/);
  });
});

describe("allowKernels", () => {
  const marker = join(dir, "ran");
  const evil = join(dir, "evil.mjs");
  writeFileSync(evil, `import { writeFileSync } from "node:fs"; writeFileSync(${JSON.stringify(marker)}, "top level ran"); export const x = () => 1;`);

  it("maps chunkwise's kernel modules named from this install or another (src/ or dist/ layout) to its own files", async () => {
    const allow = await allowKernels([]);
    const want = own("io/zarr/write-kernels");
    for (const named of [want, "file:///elsewhere/node_modules/chunkwise/dist/io/zarr/write-kernels.js", "file:///home/u/chunkwise/src/io/zarr/write-kernels.ts"]) {
      expect((await allow.check(task(named, "writeZarrChunk"))).kernel).toEqual({ module: want, name: "writeZarrChunk" });
    }
  });

  it("a symbolic link dressed as a kernel module is mapped by its name to chunkwise's own file, never imported itself", async () => {
    mkdirSync(join(dir, "dist/io/zarr"), { recursive: true });
    const link = join(dir, "dist/io/zarr/write-kernels.js");
    symlinkSync(evil, link);
    const allow = await allowKernels([]);
    expect((await allow.check(task(pathToFileURL(link).href, "writeZarrChunk"))).kernel).toEqual({ module: own("io/zarr/write-kernels"), name: "writeZarrChunk" });
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    ["a foreign module", () => pathToFileURL(evil).href, "x"],
    ["the CLI entry of this install", () => own("cli/main"), "main"],
    ["the CLI entry of another install", () => "file:///anything/dist/cli/main.js", "main"],
    ["a module of the package that is not a kernel module", () => own("io/zarr/store"), "writeKeyAtomic"],
    ["the distributed worker itself", () => "file:///x/dist/executors/distributed-worker.js", "startWorker"],
    ["a data: URL", () => `data:text/javascript,import{writeFileSync}from"node:fs";writeFileSync(${JSON.stringify(marker)},"x");export const x=()=>1`, "x"],
    ["node:child_process", () => "node:child_process", "exec"],
    ["an http: URL", () => "http://127.0.0.1:9/evil.js", "x"],
    ["a bare specifier", () => "bullmq", "Worker"],
    ["a traversal out of dist/", () => "file:///x/dist/../../../tmp/evil.mjs", "x"],
  ])("%s is refused before anything is imported", async (_, module, name) => {
    const allow = await allowKernels([]);
    const err = await allow.check(task(module(), name)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DistributedError);
    expect((err as DistributedError).kind).toBe("refused");
    expect((err as Error).message).toContain("nothing was imported");
    expect(existsSync(marker)).toBe(false);
  });

  it("a kernel passed as a function argument is checked the same way", async () => {
    const allow = await allowKernels([]);
    const t: Task = { key: "t[0]", kernel: { module: own("graph/block-kernels"), name: "identity" }, args: [{ fn: { module: pathToFileURL(evil).href, name: "x" } }] };
    await expect(allow.check(t)).rejects.toThrow("nothing was imported");
    expect(existsSync(marker)).toBe(false);
  });

  it("a --kernels module whose import never finishes fails the start after importTimeoutMs", async () => {
    const hang = join(dir, "hang.mjs");
    writeFileSync(hang, "await new Promise(() => {}); export const x = 1;");
    await expect(allowKernels([hang], { importTimeoutMs: 300 })).rejects.toThrow(/kernel module ".*hang\.mjs" must import cleanly; got the import did not finish within 300 ms/);
  });
});
