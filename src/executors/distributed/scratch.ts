/**
 * The scratch store of `distributed()`: how task inputs and results travel between a client
 * and `chunkwise worker` processes without passing block bytes through Redis. A value (a block,
 * a list of blocks, a number, a plain object) is split into a JSON skeleton and its typed
 * arrays; small values without typed arrays travel inline as the skeleton, anything else is a
 * file in a directory both sides can reach:
 *
 * ```
 * bytes 0..7    "CHUNKWS1"
 * bytes 8..11   header length H (uint32, little-endian)
 * bytes 12..    header JSON { skeleton, views: [{ type, at, byteLength }] }
 * then          the raw bytes of each typed array, each starting at a multiple of 8
 * ```
 *
 * Files are written to a temporary name and renamed, so a reader never sees part of one.
 * Names inside the scratch directory are checked on every use: a job can never make a
 * worker read or write outside its scratch root. JSON (not v8 serialisation) keeps the format
 * the same across Node versions on different machines; NaN, infinities and -0 are tagged.
 * @module
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs/promises";
import * as nodePath from "node:path";
import { ValueError, show } from "../../core/errors.js";
import { writeFileAtomically } from "../../io/atomic-write.js";
import type { View } from "../../schedule/value-views.js";

/** A value as it travels in a job: inline JSON, or a file in the scratch run directory. */
export type Encoded = { readonly json: unknown } | { readonly file: string; readonly bytes: number };

const MAGIC = Buffer.from("CHUNKWS1", "latin1");
const VIEW_TYPES: Record<string, new (buffer: ArrayBufferLike, offset: number, length: number) => View> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};
/** Values without typed arrays and at most this long as JSON travel inline in the job. */
const INLINE_MAX = 16 * 1024;

/** The skeleton of `value` with typed arrays replaced by `{ $view: i }`, and the arrays. */
function splitValue(value: unknown, fn = "distributed"): { skeleton: unknown; views: View[] } {
  const views: View[] = [];
  const walk = (v: unknown, depth: number): unknown => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      // A Node Buffer is a Uint8Array subclass: it travels as one.
      const name = v instanceof Uint8Array ? "Uint8Array" : v.constructor.name;
      if (VIEW_TYPES[name] === undefined) throw new ValueError(fn, `task values must use standard typed arrays; got ${v.constructor.name}. Return blocks over Float32Array, Uint16Array, ...`);
      views.push(v as View);
      return { $view: views.length - 1, type: name };
    }
    if (typeof v === "number") {
      if (Number.isNaN(v)) return { $num: "NaN" };
      if (!Number.isFinite(v)) return { $num: v > 0 ? "Infinity" : "-Infinity" };
      return Object.is(v, -0) ? { $num: "-0" } : v;
    }
    if (typeof v === "bigint") return { $bigint: v.toString() };
    if (v === undefined) return { $undefined: true };
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (depth > 32) throw new ValueError(fn, `task values must nest at most 32 levels deep; got deeper. Return blocks or small plain objects`);
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const proto = typeof v === "object" ? (Object.getPrototypeOf(v) as unknown) : undefined;
    if (proto === Object.prototype || proto === null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = walk(x, depth + 1);
      return Object.keys(out).some((k) => k.startsWith("$")) ? { $object: out } : out;
    }
    throw new ValueError(fn, `task values must be blocks, numbers, strings, lists or plain objects to reach another process; got ${show(v)}. Return plain data from the kernel`);
  };
  return { skeleton: walk(value, 0), views };
}

/** Rebuilds a value from its skeleton and typed arrays. */
export function joinValue(skeleton: unknown, views: readonly View[]): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== "object") return v;
    const o = v as Record<string, unknown>;
    if (typeof o.$view === "number") return views[o.$view];
    if (typeof o.$num === "string") return o.$num === "-0" ? -0 : Number(o.$num);
    if (typeof o.$bigint === "string") return BigInt(o.$bigint);
    if (o.$undefined === true) return undefined;
    const src = (o.$object ?? o) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(src)) out[k] = walk(x);
    return out;
  };
  return walk(skeleton);
}

/** Whether a value can travel inline: no typed arrays and a short JSON form. */
export function inlineForm(value: unknown): unknown {
  const { skeleton, views } = splitValue(value);
  if (views.length > 0) return undefined;
  return JSON.stringify(skeleton).length <= INLINE_MAX ? skeleton : undefined;
}

const SAFE_DIR = /^[A-Za-z0-9_-]{1,64}$/;
const SAFE_FILE = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}$/;

/**
 * The path of `name` inside `root/run`, refusing names that could leave it (`..`, `/`,
 * absolute paths, anything but letters, digits, `_`, `-` and inner dots).
 * @throws {ValueError} for an unsafe run directory or file name
 * @example scratchPath("/tmp/s", "ab12", "x-1.blk") // "/tmp/s/ab12/x-1.blk"
 */
export function scratchPath(root: string, run: string, name?: string): string {
  if (!SAFE_DIR.test(run)) {
    throw new ValueError("worker", `the job's scratch directory must be a plain name inside the scratch root; got ${JSON.stringify(run)}. This job was crafted or corrupted: it is refused`);
  }
  if (name !== undefined && (!SAFE_FILE.test(name) || name.includes(".."))) {
    throw new ValueError("worker", `a scratch file name must stay inside the job's scratch directory; got ${JSON.stringify(name)}. This job was crafted or corrupted: it is refused`);
  }
  const base = nodePath.resolve(root);
  const full = nodePath.resolve(base, run, name ?? ".");
  const rel = nodePath.relative(base, full);
  if (rel.startsWith("..") || nodePath.isAbsolute(rel)) {
    throw new ValueError("worker", `scratch paths must stay inside ${base}; got ${JSON.stringify(nodePath.join(run, name ?? ""))}. This job was crafted or corrupted: it is refused`);
  }
  return full;
}

/** A file name for the value of task `key`: readable, unique, and safe. */
function scratchName(key: string): string {
  const safe = key.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 80);
  return `${safe || "v"}-${randomBytes(6).toString("hex")}.blk`;
}

/** Writes `views` with their header to `file` (temporary name, then rename); returns the bytes written. */
async function writeBlockFile(file: string, skeleton: unknown, views: readonly View[]): Promise<number> {
  let at = 0;
  const layout = views.map((v) => {
    const entry = { type: v instanceof Uint8Array ? "Uint8Array" : v.constructor.name, at, byteLength: v.byteLength };
    at += Math.ceil(v.byteLength / 8) * 8;
    return entry;
  });
  const header = Buffer.from(JSON.stringify({ skeleton, views: layout }), "utf8");
  const start = Math.ceil((12 + header.length) / 8) * 8;
  const head = Buffer.alloc(start);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(header.length, 8);
  header.copy(head, 12);
  await writeFileAtomically(file, async (handle) => {
    await handle.write(head, 0, head.length, 0);
    for (const [i, v] of views.entries()) {
      if (v.byteLength > 0) await handle.write(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), 0, v.byteLength, start + layout[i]!.at);
    }
  });
  return start + at;
}

/**
 * Reads a value written by {@link writeBlockFile}. Typed arrays land in SharedArrayBuffers
 * when `shared` is set (so a worker thread reads them without a copy), else in ArrayBuffers.
 * @throws {ValueError} when the file is not a chunkwise scratch file
 */
export async function readBlockFile(file: string, shared = false): Promise<unknown> {
  const handle = await fs.open(file, "r");
  try {
    const pre = Buffer.alloc(12);
    await handle.read(pre, 0, 12, 0);
    if (!pre.subarray(0, 8).equals(MAGIC)) {
      throw new ValueError("distributed", `scratch file ${file} must start with CHUNKWS1; got ${JSON.stringify(pre.subarray(0, 8).toString("latin1"))}. Another program wrote into the scratch directory`);
    }
    const h = pre.readUInt32LE(8);
    const headBytes = Buffer.alloc(h);
    await handle.read(headBytes, 0, h, 12);
    const header = JSON.parse(headBytes.toString("utf8")) as { skeleton: unknown; views: { type: string; at: number; byteLength: number }[] };
    const start = Math.ceil((12 + h) / 8) * 8;
    const views: View[] = [];
    for (const v of header.views) {
      const Ctor = VIEW_TYPES[v.type];
      if (Ctor === undefined) throw new ValueError("distributed", `scratch file ${file} must hold standard typed arrays; got ${JSON.stringify(v.type)}. The file is corrupt`);
      const buffer = shared ? new SharedArrayBuffer(v.byteLength) : new ArrayBuffer(v.byteLength);
      const bytes = new Uint8Array(buffer);
      for (let done = 0; done < v.byteLength; ) {
        const { bytesRead } = await handle.read(bytes, done, v.byteLength - done, start + v.at + done);
        if (bytesRead === 0) throw new ValueError("distributed", `scratch file ${file} must hold ${v.byteLength} bytes for array ${views.length}; got a truncated file. The writer died: the task runs again`);
        done += bytesRead;
      }
      const per = (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      views.push(new Ctor(buffer, 0, v.byteLength / per));
    }
    return joinValue(header.skeleton, views);
  } finally {
    await handle.close();
  }
}

/**
 * Decodes a whole scratch file already read into memory (a task file, whose bytes a signed job
 * covers by their SHA-256: checked first, parsed after).
 * @throws {ValueError} when the bytes are not a complete chunkwise scratch file
 */
export function decodeBlockBytes(bytes: Buffer, file: string): unknown {
  const corrupt = (why: string): never => {
    throw new ValueError("worker", `scratch file ${file} must be a complete chunkwise scratch file; got ${why}. Another program wrote into the scratch directory`);
  };
  if (bytes.length < 12 || !bytes.subarray(0, 8).equals(MAGIC)) corrupt("no CHUNKWS1 header");
  const h = bytes.readUInt32LE(8);
  if (12 + h > bytes.length) corrupt("a truncated header");
  const header = JSON.parse(bytes.subarray(12, 12 + h).toString("utf8")) as { skeleton: unknown; views: { type: string; at: number; byteLength: number }[] };
  const start = Math.ceil((12 + h) / 8) * 8;
  const views = header.views.map((v) => {
    const Ctor = VIEW_TYPES[v.type];
    const per = Ctor === undefined ? 0 : (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    if (Ctor === undefined || !Number.isSafeInteger(v.at) || !Number.isSafeInteger(v.byteLength) || v.byteLength % per !== 0 || start + v.at + v.byteLength > bytes.length) corrupt(`a bad array entry ${JSON.stringify(v)}`);
    const buffer = new ArrayBuffer(v.byteLength);
    new Uint8Array(buffer).set(bytes.subarray(start + v.at, start + v.at + v.byteLength));
    return new Ctor!(buffer, 0, v.byteLength / per);
  });
  return joinValue(header.skeleton, views);
}

/**
 * Encodes a value for a job: inline when small and free of typed arrays, else written to
 * `dir/<name>`.
 */
export async function encodeValue(value: unknown, dir: string, key: string): Promise<Encoded> {
  const { skeleton, views } = splitValue(value);
  if (views.length === 0 && JSON.stringify(skeleton).length <= INLINE_MAX) return { json: skeleton };
  const file = scratchName(key);
  const bytes = await writeBlockFile(nodePath.join(dir, file), skeleton, views);
  return { file, bytes };
}

/** Decodes a value from a job (files relative to `dir`, checked to stay inside it). */
export async function decodeValue(e: Encoded, root: string, run: string, shared = false): Promise<unknown> {
  if ("json" in e) return joinValue(e.json, []);
  return readBlockFile(scratchPath(root, run, e.file), shared);
}
