/**
 * What a `chunkwise worker` may run. The queue must not be a remote-code-execution channel,
 * even for a task signed with the worker's key, so a worker imports only (1) chunkwise's own
 * kernel modules, an explicit list ({@link KERNEL_MODULES}; never the CLI or any other module
 * of the package), and (2) the kernel modules it was started with (`--kernels`), and calls
 * only functions tagged with `defineKernel`. A module is compared by its real path (symbolic
 * links resolved) before anything is imported; any other module (another file, a module of the
 * package that is not a kernel module, `node:child_process`, a `data:` URL) is refused with
 * nothing imported. An import that does not finish within `importTimeoutMs` refuses the task.
 *
 * A task names kernels by the client's module URLs. On another machine the same module lives
 * elsewhere, so a URL that is not one of the worker's own is matched: chunkwise's kernel
 * modules by their path inside `src/` or `dist/`, the user's by file name (without extension)
 * among the `--kernels` modules. The task is rewritten to the worker's URLs before it runs.
 * @module
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import * as nodePath from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ValueError } from "../../core/errors.js";
import { kernelRefOf, type KernelRef } from "../../graph/kernel.js";
import { isClosureRef, type ClosureRef, type Task, type TaskArg } from "../../graph/task.js";
import { loadKernel } from "../../schedule/evaluate.js";
import { DistributedError } from "./distributed-error.js";
import { ensureTsx } from "../tsx-loader.js";
import { importAsWorker } from "../../schedule/worker-guard.js";

/**
 * chunkwise's kernel modules (paths inside `src/` or `dist/`, without extension): the only
 * modules of the package a task may name. A test checks it against the modules that call
 * `defineKernel`.
 */
export const KERNEL_MODULES: readonly string[] = Object.freeze([
  "array/coarsen-kernels",
  "array/gufunc-kernels",
  "array/overlap-kernels",
  "array/reduce-kernels",
  "array/view-kernels",
  "filters/convolve",
  "filters/fft-convolve",
  "filters/gaussian",
  "filters/pipeline",
  "filters/richardson-lucy",
  "filters/unsharp-mask",
  "filters/wiener",
  "graph/block-kernels",
  "io/tiff/imread",
  "io/zarr/pyramid-kernels",
  "io/zarr/read-kernels",
  "io/zarr/write-kernels",
]);

/** The kernels a worker accepts. */
export interface KernelAllowlist {
  /** The `--kernels` modules as file URLs. */
  readonly modules: readonly string[];
  /** The task with every kernel mapped to a module this worker may import, after checking each is a named kernel. */
  check(task: Task): Promise<Task>;
}

const ROOT = nodePath.resolve(fileURLToPath(new URL("../../../", import.meta.url)));
const FROM_SOURCE = import.meta.url.endsWith(".ts");
const LAYOUT = FROM_SOURCE ? "src" : "dist";
const STRIP_EXT = /\.(?:[cm]?[jt]sx?)$/;

function stem(file: string): string {
  return nodePath.basename(file).replace(STRIP_EXT, "");
}

/** Options of {@link allowKernels}. */
export interface AllowKernelsOptions {
  /** Resolves relative `--kernels` paths; default `process.cwd()`. */
  readonly cwd?: string;
  /** An import of a kernel module (at start, or the first task naming it) must finish within this; default 60000 ms. */
  readonly importTimeoutMs?: number;
}

/** The real path of `file`, or undefined when it does not exist. */
function realOf(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

/** `p`, or a rejection with `timeout()` when it has not settled within `ms` (0: no bound). */
function within<T>(p: Promise<T>, ms: number, timeout: () => Error): Promise<T> {
  if (ms === 0) return p;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(timeout()), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * Resolves `--kernels` paths (relative to `cwd`), imports each once (registering tsx for
 * TypeScript modules), and returns the checker.
 * @throws {ValueError} when a kernel module is missing, fails to import, or does not finish importing within `importTimeoutMs`
 * @example
 * ```ts
 * const allow = await allowKernels(["./my-kernels.js"]);
 * const safe = await allow.check(job.task); // throws DistributedError (kind "refused") otherwise
 * ```
 */
export async function allowKernels(paths: readonly string[], options: AllowKernelsOptions = {}): Promise<KernelAllowlist> {
  const files = kernelFiles(paths, options.cwd ?? process.cwd());
  const importMs = options.importTimeoutMs ?? 60_000;
  const modules = files.map((f) => pathToFileURL(realpathSync(f)).href);
  await importKernelModules(modules, paths, importMs);
  return new Allowlist(modules, importMs);
}

/** The `--kernels` paths resolved against `cwd`, each checked to be a file. */
function kernelFiles(paths: readonly string[], cwd: string): string[] {
  const files = paths.map((p) => nodePath.resolve(cwd, p));
  for (const [i, f] of files.entries()) {
    if (!existsSync(f) || !statSync(f).isFile()) {
      throw new ValueError("worker", `every --kernels module must be a file; got ${JSON.stringify(paths[i])}, and ${f} does not exist. Pass paths to your kernel modules, e.g. --kernels ./my-kernels.js`);
    }
  }
  return files;
}

/** Imports each `--kernels` module once, as a worker would (registering tsx for TypeScript). */
async function importKernelModules(modules: readonly string[], paths: readonly string[], importMs: number): Promise<void> {
  for (const [i, m] of modules.entries()) {
    await ensureTsx(m);
    const slow = (): Error => new Error(`the import did not finish within ${importMs} ms (a top-level await that never settles?)`);
    try {
      // A module that starts a computation at its top level is refused here (worker-guard.ts).
      await within(importAsWorker(m, () => import(m), true), importMs, slow);
    } catch (e) {
      throw new ValueError("worker", `kernel module ${JSON.stringify(paths[i])} must import cleanly; got ${e instanceof Error ? e.message : String(e)}. Run it with node to see the error`, { cause: e });
    }
  }
}

/** The modules a task may name, looked up three ways, and the checks of a task against them. */
class Allowlist implements KernelAllowlist {
  /** Every module a task may name, by real path, with the URL this worker imports it by. */
  private readonly byReal = new Map<string, string>();
  /** chunkwise's kernel modules by their path inside src/ or dist/ (without extension). */
  private readonly own = new Map<string, string>();
  /** The `--kernels` modules by file name without extension. */
  private readonly byStem = new Map<string, string[]>();

  constructor(readonly modules: readonly string[], private readonly importMs: number) {
    for (const m of modules) this.byReal.set(fileURLToPath(m), m);
    for (const rel of KERNEL_MODULES) {
      const real = realOf(nodePath.join(ROOT, LAYOUT, `${rel}.${FROM_SOURCE ? "ts" : "js"}`));
      if (real === undefined) continue;
      this.own.set(rel, pathToFileURL(real).href);
      this.byReal.set(real, pathToFileURL(real).href);
    }
    for (const m of modules) this.byStem.set(stem(m), [...(this.byStem.get(stem(m)) ?? []), m]);
  }

  check(task: Task): Promise<Task> {
    return this.rewrite(task, String((task as Partial<Task> | null)?.key), 0);
  }

  /** The worker's URL for a module a task names, or undefined when it is none this worker may import. */
  private local(module: string): string | undefined {
    // file: URLs only: a data:, node:, http: or bare specifier never reaches import().
    if (typeof module !== "string" || !/^file:\/\//i.test(module)) return undefined;
    let file: string;
    try {
      file = nodePath.resolve(fileURLToPath(module));
    } catch {
      return undefined;
    }
    const real = realOf(file);
    if (real !== undefined && this.byReal.has(real)) return this.byReal.get(real);
    // chunkwise's kernel module from another install or layout, by its path inside src/ or dist/.
    const parts = file.split(nodePath.sep);
    for (let i = parts.length - 2; i >= 0; i--) {
      if (parts[i] !== "src" && parts[i] !== "dist") continue;
      const mine = this.own.get(parts.slice(i + 1).join("/").replace(STRIP_EXT, ""));
      if (mine !== undefined) return mine;
      break;
    }
    const same = this.byStem.get(stem(file));
    return same?.length === 1 ? same[0] : undefined;
  }

  private async checkRef(ref: KernelRef | ClosureRef, key: string): Promise<KernelRef> {
    if (ref === null || typeof ref !== "object") {
      throw new DistributedError("worker", `task '${key}' must name each kernel by module and export; got ${JSON.stringify(ref)}. This job was crafted or corrupted: it is refused`, { kind: "refused" });
    }
    if (isClosureRef(ref)) {
      throw new DistributedError("worker", `task '${key}' must name its kernel by module and export; got the closure '${ref.label}'. Export it with defineKernel(import.meta.url, "name", fn)`, { kind: "refused" });
    }
    const module = this.local(ref.module);
    if (module === undefined || typeof ref.name !== "string") {
      throw new DistributedError("worker", `kernel modules must be ones this worker was started with (--kernels) or chunkwise's own kernel modules; got ${JSON.stringify(ref.module)} in task '${key}'. Start the worker with --kernels pointing at that module; the task is refused and nothing was imported`, { kind: "refused" });
    }
    const mapped = { module, name: ref.name };
    if (kernelRefOf(await this.load(mapped, key)) === undefined) {
      throw new DistributedError("worker", `'${ref.name}' of ${module} must be a kernel defined with defineKernel; got a plain export in task '${key}'. Only named kernels run on workers; the task is refused`, { kind: "refused" });
    }
    return mapped;
  }

  /** The export `ref` names, imported within the import timeout. */
  private async load(ref: KernelRef, key: string): Promise<unknown> {
    const { module, name } = ref;
    try {
      return await within(loadKernel(ref), this.importMs, () => new DistributedError("worker", `kernel module ${module} must finish importing within ${this.importMs} ms; got no answer in task '${key}'. The task is refused; check the module's top level, or raise --import-timeout-ms`, { kind: "timeout" }));
    } catch (e) {
      if (e instanceof DistributedError) throw e;
      throw new DistributedError("worker", `kernel '${name}' must be exported by ${module}; got ${e instanceof Error ? e.message : String(e)} in task '${key}'. Check the kernel module the worker was started with`, { kind: "refused", cause: e });
    }
  }

  private async rewrite(task: Task, key: string, depth: number): Promise<Task> {
    if (task === null || typeof task !== "object" || !Array.isArray(task.args) || depth > 64) {
      throw new DistributedError("worker", `a task must be { key, kernel, args } nested at most 64 deep; got ${typeof task === "object" ? "a malformed or too deep task" : typeof task} in task '${key}'. This job was crafted or corrupted: it is refused`, { kind: "refused" });
    }
    const args: TaskArg[] = [];
    for (const a of task.args) {
      if (a !== null && typeof a === "object" && "task" in a) args.push({ task: await this.rewrite(a.task, key, depth + 1) });
      else if (a !== null && typeof a === "object" && "fn" in a) args.push({ fn: await this.checkRef(a.fn, key) });
      else args.push(a);
    }
    return { ...task, kernel: await this.checkRef(task.kernel, key), args };
  }
}
