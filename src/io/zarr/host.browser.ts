/**
 * The browser's twin of `host.ts` (swapped in by the package.json `browser` map): the same
 * exports with no Node builtin. There is no file system, so string paths never become
 * directory stores (`storeRefOf` refuses them first, with the way to go instead), and what
 * would touch files throws; zlib is fflate's, with the trailer checks Node's zlib does, and
 * SHA-256 is computed here. The type-only imports below are erased from the JavaScript.
 * @module
 */
import type * as FsPromises from "node:fs/promises";
import type * as NodePath from "node:path";
import type { realpathSync as RealpathSync } from "node:fs";
import type { writeFileAtomically as WriteFileAtomically } from "../atomic-write.js";
import { gunzipSync, gzipSync, unzlibSync, zlibSync } from "fflate";
import { CorruptData } from "./byte-codecs.js";
import { sha256 } from "./sha256.js";

/** chunkwise's version; a test checks it equals package.json's. */
export const PACKAGE_VERSION = "0.1.0";

/** Whether string paths name directories of a file system here (false in a browser). */
export const HAS_FILE_SYSTEM: boolean = false;

function noFileSystem<T extends object>(what: string): T {
  const fail = (): never => {
    throw new Error(`chunkwise/zarr: ${what} must not be used in a browser, which has no file system; got a call to it. Open stores by URL, as in-memory Maps or with fileSystemAccessStore()`);
  };
  return new Proxy(fail, { get: () => fail, apply: fail }) as unknown as T;
}

export const fs = noFileSystem<typeof FsPromises>("Node.js's fs module");
export const nodePath = noFileSystem<typeof NodePath>("Node.js's path module");
export const realpathSync = noFileSystem<typeof RealpathSync>("realpathSync");

/** Stands in for `@zarrita/storage/fs` (never constructed: paths are refused first). */
export class FileSystemStore {
  readonly root: string;
  constructor(root: string) {
    this.root = root;
    noFileSystem<() => void>("a directory store")();
  }
  get(): undefined {
    return undefined;
  }
}

/** A browser page: "browser" (a lease holder's `host`). */
export function hostName(): string {
  return "browser";
}

/** No process ids in a page: 0. */
export function processId(): number {
  return 0;
}

/** Leases of directory stores never exist here; their holders count as alive. */
export function pidAlive(_pid: number): boolean {
  return true;
}

/** The SHA-256 of `bytes` as lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return Array.from(sha256(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** chunkwise's version. */
export function packageVersion(): string {
  return PACKAGE_VERSION;
}

/** Whole-file writes to a file system (directory stores): never reached in a browser. */
export const writeFileAtomically = noFileSystem<typeof WriteFileAtomically>("writeFileAtomically");

/** gzip (RFC 1952) at `level`. */
export function gzip(bytes: Uint8Array, level: number): Uint8Array {
  return gzipSync(bytes, { level: level as 0 });
}

/** zlib (RFC 1950) at `level`. */
export function zlibDeflate(bytes: Uint8Array, level: number): Uint8Array {
  return zlibSync(bytes, { level: level as 0 });
}

/** Inflates into a buffer one byte longer than the cap: output reaching it means the stream lied. */
function capped(name: string, inflate: (out: Uint8Array | undefined) => Uint8Array, maxOutputLength: number | undefined): Uint8Array {
  const out = inflate(maxOutputLength === undefined ? undefined : new Uint8Array(maxOutputLength + 1));
  if (maxOutputLength !== undefined && out.length > maxOutputLength) {
    throw new CorruptData(`${name} stream inflates past ${maxOutputLength} bytes`);
  }
  return out;
}

/** Decodes a gzip stream, checking its CRC-32 and length trailer (as Node's zlib does); capped at `maxOutputLength`. */
export function gunzip(bytes: Uint8Array, maxOutputLength?: number): Uint8Array {
  const out = capped("gzip", (o) => gunzipSync(bytes, o ? { out: o } : {}), maxOutputLength);
  const n = bytes.length;
  const trailer = new DataView(bytes.buffer, bytes.byteOffset + n - 8, 8);
  if (trailer.getUint32(0, true) !== crc32(out)) throw new CorruptData("gzip stream's CRC-32 does not match its data");
  if (trailer.getUint32(4, true) !== out.length % 2 ** 32) throw new CorruptData("gzip stream's length trailer does not match its data");
  return out;
}

/** Decodes a zlib stream, checking its Adler-32; capped as {@link gunzip}. */
export function zlibInflate(bytes: Uint8Array, maxOutputLength?: number): Uint8Array {
  const out = capped("zlib", (o) => unzlibSync(bytes, o ? { out: o } : {}), maxOutputLength);
  if (bytes.length < 6 || new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, false) !== adler32(out)) {
    throw new CorruptData("zlib stream's Adler-32 does not match its data");
  }
  return out;
}

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; i += 5552) {
    const end = Math.min(i + 5552, bytes.length);
    for (let j = i; j < end; j++) {
      a += bytes[j]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
