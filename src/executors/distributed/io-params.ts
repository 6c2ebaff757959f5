/**
 * The shapes of the parameters of chunkwise's own reading kernels, checked by `chunkwise worker`
 * before it runs one: a task from the queue (even a signed one, made by hand or by another
 * version) with a missing or mistyped field is refused in one line naming the field, rather
 * than failing deep inside the kernel with a `TypeError`. Chunk writes are checked in full by
 * `checkChunkWrite`.
 * @module
 */
import { DistributedError } from "./distributed-error.js";


const isInts = (v: unknown, min: number): v is number[] => Array.isArray(v) && v.length <= 64 && v.every((x) => Number.isSafeInteger(x) && (x as number) >= min);

/** The first field of `p` (a `readZarrRegion` task's params) that is not as the kernel needs it, or undefined. */
function readRegionFault(p: Record<string, unknown>): string | undefined {
  if (typeof p.path !== "string") return "path must be a string";
  if (p.format !== 2 && p.format !== 3) return "format must be 2 or 3";
  if (typeof p.token !== "string") return "token must be a string";
  if (typeof p.dtype !== "string") return "dtype must be a string";
  if (!isInts(p.chunks, 1)) return "chunks must be an array of positive integers";
  const n = p.chunks.length;
  const region = p.region as { start?: unknown; stop?: unknown } | null | undefined;
  if (typeof region !== "object" || region === null || !isInts(region.start, 0) || !isInts(region.stop, 0)) return "region must be { start, stop }, arrays of integers >= 0";
  if (region.start.length !== n || region.stop.length !== n) return "region.start and region.stop must have one entry per axis of chunks";
  if (region.start.some((s, ax) => s > (region.stop as number[])[ax]!)) return "region.start must not exceed region.stop";
  const enc = p.keyEncoding as { v2?: unknown; separator?: unknown } | null | undefined;
  if (typeof enc !== "object" || enc === null || typeof enc.v2 !== "boolean" || (enc.separator !== "." && enc.separator !== "/")) return "keyEncoding must be { v2: boolean, separator: '.' or '/' }";
  if (p.shardShape !== undefined && (!isInts(p.shardShape, 1) || p.shardShape.length !== n)) return "shardShape must be an array of positive integers, one per axis of chunks";
  return undefined;
}

/** The first field of `p` (an `imreadBlock` task's params) that is not as the kernel needs it, or undefined. */
function imreadFault(p: Record<string, unknown>): string | undefined {
  if (typeof p.path !== "string") return "path must be a string";
  if (!isInts(p.shape, 0)) return "shape must be an array of integers >= 0";
  if (typeof p.dtype !== "string") return "dtype must be a string";
  if (typeof p.first !== "string") return "first must be a string";
  return undefined;
}

/**
 * Checks the params of a `readZarrRegion` or `imreadBlock` task.
 * @throws {DistributedError} (kind "refused") naming the first malformed field
 * @example checkIoParams("readZarrRegion", task.params, task.key);
 */
export function checkIoParams(kernel: "readZarrRegion" | "imreadBlock", params: unknown, key: string): void {
  const fault = typeof params !== "object" || params === null || Array.isArray(params)
    ? "params must be an object"
    : (kernel === "readZarrRegion" ? readRegionFault : imreadFault)(params as Record<string, unknown>);
  if (fault === undefined) return;
  throw new DistributedError("worker", `the params of ${kernel} in task '${key.slice(0, 200)}' are malformed: ${fault}; got ${JSON.stringify(params)?.slice(0, 300)}. This job was crafted or made by another chunkwise version: it is refused`, { kind: "refused" });
}

