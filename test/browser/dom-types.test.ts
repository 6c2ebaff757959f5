// chunkwise declares the File System Access API structurally (its types need no DOM
// library); this checks that a real FileSystemDirectoryHandle, as TypeScript's DOM library
// types it, is accepted by fileSystemAccessStore.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as nodePath from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "./harness/bundle.js";

it("fileSystemAccessStore takes the DOM library's FileSystemDirectoryHandle", async () => {
  const dir = await mkdtemp(nodePath.join(tmpdir(), "chunkwise-dom-"));
  try {
    const src = nodePath.join(ROOT, "src/io/zarr/index.js");
    await writeFile(nodePath.join(dir, "check.ts"), `import { fileSystemAccessStore, toZarr } from ${JSON.stringify(src)};\ndeclare const folder: FileSystemDirectoryHandle;\nexport const store = fileSystemAccessStore(folder);\nexport const done = (x: Parameters<typeof toZarr>[0]) => toZarr(x, store);\n`);
    await writeFile(nodePath.join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022", "DOM", "DOM.Iterable", "DOM.AsyncIterable"], types: ["node"], typeRoots: [nodePath.join(ROOT, "node_modules/@types")], strict: true, noEmit: true, skipLibCheck: true },
      files: ["check.ts"],
    }));
    const r = spawnSync(process.execPath, [nodePath.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", nodePath.join(dir, "tsconfig.json")], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
