/**
 * An output never overlaps an input. Two arrays overlap when one's folder is the other's or
 * lies inside it, compared on the file system's real paths: the store's symlinks resolved
 * (for a path that does not exist yet, its nearest existing parent's real path plus the rest)
 * and the array path normalised (slashes at either end or doubled, `.` parts). So `data/`,
 * `data//`, `./data`, the store through a symlink, and a group around the input all count as
 * the input. In-process stores overlap when they are the same object and the paths nest; a
 * URL store is read-only and never an output.
 * @module
 */
import type { Graph } from "../../graph/graph.js";
import { isClosureRef, type Task } from "../../graph/task.js";
import { kernelRefOf } from "../../graph/kernel.js";
import { ZarrError } from "./errors.js";
import { nodePath, realpathSync } from "./host.js";
import { readZarrRegion, type ReadRegionParams } from "./read-kernels.js";
import { describeStore, type StoreRef } from "./store.js";

/** An array a graph reads or writes: its store and its path inside it. */
export interface ArrayLocation {
  readonly store: StoreRef;
  readonly path: string;
}

/**
 * The real path of `file`, also when it does not exist yet: the nearest existing ancestor's
 * real path joined with the parts below it.
 * @example realPathOf("/tmp/link-to-data.zarr/new/array") // "/data/data.zarr/new/array"
 */
export function realPathOf(file: string): string {
  const rest: string[] = [];
  let at = nodePath.resolve(file);
  for (;;) {
    try {
      return nodePath.join(realpathSync.native(at), ...rest.reverse());
    } catch {
      const parent = nodePath.dirname(at);
      if (parent === at) return nodePath.join(at, ...rest.reverse());
      rest.push(nodePath.basename(at));
      at = parent;
    }
  }
}

/**
 * An array path with empty and `.` parts dropped (`"a//b/./c/"` is `"a/b/c"`). `..` parts are
 * kept: callers refuse them.
 * @example normalizeArrayPath("data/") // "data"
 */
export function normalizeArrayPath(path: string): string {
  return path.split("/").filter((p) => p !== "" && p !== ".").join("/");
}

/** Whether `inner` is `outer` or lies inside it (both absolute, or both store-relative with "/"). */
function within(outer: string, inner: string, sep: string): boolean {
  if (outer === inner) return true;
  const prefix = outer.endsWith(sep) ? outer : `${outer}${sep}`;
  return outer === "" || inner.startsWith(prefix);
}

/** The identity two locations are compared by, or undefined for URL stores (never written). */
function identityOf(loc: ArrayLocation): { space: string; at: string; sep: string } | undefined {
  const path = normalizeArrayPath(loc.path);
  if ("fs" in loc.store) return { space: "fs", at: realPathOf(nodePath.join(loc.store.fs, ...path.split("/"))), sep: nodePath.sep };
  if ("local" in loc.store) return { space: `local:${loc.store.local}`, at: path, sep: "/" };
  return undefined;
}

/**
 * Whether the two arrays share any file: one's folder is the other's or holds it.
 * @example overlaps({ store: { fs: "s.zarr" }, path: "data/" }, { store: { fs: "s.zarr" }, path: "data" }) // true
 */
export function overlaps(a: ArrayLocation, b: ArrayLocation): boolean {
  const x = identityOf(a);
  const y = identityOf(b);
  if (x === undefined || y === undefined || x.space !== y.space) return false;
  return within(x.at, y.at, x.sep) || within(y.at, x.at, x.sep);
}

/** Every Zarr array the tasks of `graph` read (fromZarr's read tasks, fused ones included). */
export function zarrInputsOf(graph: Graph): ArrayLocation[] {
  const reader = kernelRefOf(readZarrRegion)!;
  const found = new Map<string, ArrayLocation>();
  const visit = (task: Task): void => {
    if (!isClosureRef(task.kernel) && task.kernel.name === reader.name && task.kernel.module === reader.module) {
      const p = task.params as ReadRegionParams;
      found.set(JSON.stringify([p.store, p.path]), { store: p.store, path: p.path });
    }
    for (const arg of task.args) if ("task" in arg) visit(arg.task);
  };
  for (const layer of graph.layers.values()) for (const task of layer.tasks.values()) visit(task);
  return [...found.values()];
}

/** `store/path` for messages. */
function describeLocation(loc: ArrayLocation): string {
  return `${describeStore(loc.store)}${loc.path === "" ? "" : `/${loc.path}`}`;
}

/**
 * Refuses an output that overlaps any of `inputs`, before anything is deleted or written.
 * @throws {ZarrError} (kind "overlap") naming both arrays
 * @example checkNoOverlap("toZarr", { store: ref, path: "result" }, zarrInputsOf(x.graph));
 */
export function checkNoOverlap(fn: string, output: ArrayLocation, inputs: readonly ArrayLocation[]): void {
  const out = identityOf(output);
  for (const input of inputs) {
    const inp = identityOf(input);
    if (out === undefined || inp === undefined || !overlaps(output, input)) continue;
    const how = out.at === inp.at ? "is the input" : within(out.at, inp.at, out.sep) ? "holds the input" : "lies inside the input";
    throw new ZarrError(
      fn,
      `the output must not overlap an array it reads; got the output ${describeLocation(output)}, which ${how} ${describeLocation(input)} (compared by real path, symlinks resolved). Write the result to another path or store`,
      { kind: "overlap", path: output.path },
    );
  }
}
