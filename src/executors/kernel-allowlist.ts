/**
 * What a `chunkwise worker` may run. The queue must not be a remote-code-execution channel,
 * so a worker imports only (1) the kernel modules it was started with (`--kernels`) and (2)
 * chunkwise's own modules (under its package's `src/` or `dist/`), and calls only functions
 * tagged with `defineKernel`. Any other module (another file, `node:child_process`, a `data:`
 * URL) is refused before anything is imported.
 *
 * A task names kernels by the client's module URLs. On another machine the same module lives
 * elsewhere, so a URL that is not one of the worker's own is matched: chunkwise's modules by
 * their path inside `src/` or `dist/`, the user's by file name (without extension) among the
 * `--kernels` modules. The task is rewritten to the worker's URLs before it runs.
 * @module
 */
import { existsSync, statSync } from "node:fs";
import * as nodePath from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ValueError } from "../core/errors.js";
import { kernelRefOf, type KernelRef } from "../graph/kernel.js";
import { isClosureRef, type ClosureRef, type Task, type TaskArg } from "../graph/task.js";
import { loadKernel } from "./evaluate.js";
import { DistributedError } from "./redis-connection.js";
import { ensureTsx } from "./tsx-loader.js";
import { importAsWorker } from "./worker-guard.js";

/** The kernels a worker accepts. */
export interface KernelAllowlist {
  /** The `--kernels` modules as file URLs. */
  readonly modules: readonly string[];
  /** The task with every kernel mapped to a module this worker may import, after checking each is a named kernel. */
  check(task: Task): Promise<Task>;
}

const ROOT = nodePath.resolve(fileURLToPath(new URL("../../", import.meta.url)));
const FROM_SOURCE = import.meta.url.endsWith(".ts");
const LAYOUT = FROM_SOURCE ? "src" : "dist";
const STRIP_EXT = /\.(?:[cm]?[jt]sx?)$/;

function stem(file: string): string {
  return nodePath.basename(file).replace(STRIP_EXT, "");
}

/**
 * Resolves `--kernels` paths (relative to `cwd`), imports each once (registering tsx for
 * TypeScript modules), and returns the checker.
 * @throws {ValueError} when a kernel module is missing or fails to import
 * @example
 * ```ts
 * const allow = await allowKernels(["./my-kernels.js"]);
 * const safe = await allow.check(job.task); // throws DistributedError (kind "refused") otherwise
 * ```
 */
export async function allowKernels(paths: readonly string[], cwd = process.cwd()): Promise<KernelAllowlist> {
  const files = paths.map((p) => nodePath.resolve(cwd, p));
  for (const [i, f] of files.entries()) {
    if (!existsSync(f) || !statSync(f).isFile()) {
      throw new ValueError("worker", `every --kernels module must be a file; got ${JSON.stringify(paths[i])}, and ${f} does not exist. Pass paths to your kernel modules, e.g. --kernels ./my-kernels.js`);
    }
  }
  const modules = files.map((f) => pathToFileURL(f).href);
  for (const [i, m] of modules.entries()) {
    await ensureTsx(m);
    try {
      // A module that starts a computation at its top level is refused here (worker-guard.ts).
      await importAsWorker(m, () => import(m), true);
    } catch (e) {
      throw new ValueError("worker", `kernel module ${JSON.stringify(paths[i])} must import cleanly; got ${e instanceof Error ? e.message : String(e)}. Run it with node to see the error`, { cause: e });
    }
  }
  const allowed = new Set(modules);
  const byStem = new Map<string, string[]>();
  for (const m of modules) byStem.set(stem(m), [...(byStem.get(stem(m)) ?? []), m]);

  const local = (module: string): string | undefined => {
    if (allowed.has(module)) return module;
    let file: string;
    try {
      if (!module.startsWith("file:")) return undefined;
      file = nodePath.resolve(fileURLToPath(module));
    } catch {
      return undefined;
    }
    // chunkwise's own module, on this machine or mapped from another install or layout.
    const parts = file.split(nodePath.sep);
    for (let i = parts.length - 2; i >= 0; i--) {
      if (parts[i] !== "src" && parts[i] !== "dist") continue;
      const rel = parts.slice(i + 1).join("/").replace(STRIP_EXT, "");
      if (rel.split("/").some((p) => p === ".." || p === "")) break;
      const mine = nodePath.join(ROOT, LAYOUT, `${rel}.${FROM_SOURCE ? "ts" : "js"}`);
      if (mine.startsWith(nodePath.join(ROOT, LAYOUT) + nodePath.sep) && existsSync(mine)) return pathToFileURL(mine).href;
      break;
    }
    const same = byStem.get(stem(file));
    return same?.length === 1 ? same[0] : undefined;
  };

  const checkRef = async (ref: KernelRef | ClosureRef, key: string): Promise<KernelRef> => {
    if (isClosureRef(ref)) {
      throw new DistributedError("worker", `task '${key}' must name its kernel by module and export; got the closure '${ref.label}'. Export it with defineKernel(import.meta.url, "name", fn)`, { kind: "refused" });
    }
    const module = local(ref.module);
    if (module === undefined) {
      throw new DistributedError("worker", `kernel modules must be ones this worker was started with (--kernels) or chunkwise's own; got ${JSON.stringify(ref.module)} in task '${key}'. Start the worker with --kernels pointing at that module; the task is refused and nothing was imported`, { kind: "refused" });
    }
    const mapped = { module, name: ref.name };
    let fn: unknown;
    try {
      fn = await loadKernel(mapped);
    } catch (e) {
      throw new DistributedError("worker", `kernel '${ref.name}' must be exported by ${module}; got ${e instanceof Error ? e.message : String(e)} in task '${key}'. Check the kernel module the worker was started with`, { kind: "refused", cause: e });
    }
    if (kernelRefOf(fn) === undefined) {
      throw new DistributedError("worker", `'${ref.name}' of ${module} must be a kernel defined with defineKernel; got a plain export in task '${key}'. Only named kernels run on workers; the task is refused`, { kind: "refused" });
    }
    return mapped;
  };

  const rewrite = async (task: Task, key: string): Promise<Task> => {
    const args: TaskArg[] = [];
    for (const a of task.args) {
      if ("task" in a) args.push({ task: await rewrite(a.task, key) });
      else if ("fn" in a) args.push({ fn: await checkRef(a.fn, key) });
      else args.push(a);
    }
    return { ...task, kernel: await checkRef(task.kernel, key), args };
  };
  return { modules, check: (task) => rewrite(task, task.key) };
}
