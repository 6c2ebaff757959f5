/**
 * What the Zarr layer needs from its host, on Node.js: the file system and paths (directory
 * stores, leases, the output-folder guards), the host name and process id (lease holders),
 * SHA-256, the package version, atomic file writes and zlib. Every Node builtin that
 * `src/io/zarr` reaches comes through here (directly, or from the io/ modules re-exported
 * here), so a browser bundle swaps this one module for `host.browser.ts` (the package.json
 * `browser` map) and nothing under it loads Node.
 * @module
 */
import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import { hostname } from "node:os";
import * as nodePath from "node:path";
import { deflateSync, gunzipSync, gzipSync, inflateSync } from "node:zlib";

export * as fs from "node:fs/promises";
export { default as FileSystemStore } from "@zarrita/storage/fs";
export { nodePath, realpathSync };

/** Whether string paths name directories of a file system here (false in a browser). */
export const HAS_FILE_SYSTEM: boolean = true;

/** This machine's name (a lease holder's `host`). */
export function hostName(): string {
  return hostname();
}

/** This process's id (a lease holder's `pid`). */
export function processId(): number {
  return process.pid;
}

/** Whether process `pid` on this host is alive. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The SHA-256 of `bytes` as lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export { packageVersion } from "../package-version.js";
export { writeFileAtomically } from "../atomic-write.js";

/** gzip (RFC 1952) at `level`. */
export function gzip(bytes: Uint8Array, level: number): Uint8Array {
  return new Uint8Array(gzipSync(bytes, { level }));
}

/** zlib (RFC 1950) at `level`. */
export function zlibDeflate(bytes: Uint8Array, level: number): Uint8Array {
  return new Uint8Array(deflateSync(bytes, { level }));
}

/**
 * Decodes a gzip stream, checking its CRC-32 and length trailer; refuses to produce more than
 * `maxOutputLength` bytes when given (a lying stream cannot inflate without bound).
 */
export function gunzip(bytes: Uint8Array, maxOutputLength?: number): Uint8Array {
  return view(gunzipSync(bytes, maxOutputLength === undefined ? {} : { maxOutputLength }));
}

/** Decodes a zlib stream, checking its Adler-32; capped as {@link gunzip}. */
export function zlibInflate(bytes: Uint8Array, maxOutputLength?: number): Uint8Array {
  return view(inflateSync(bytes, maxOutputLength === undefined ? {} : { maxOutputLength }));
}

function view(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}
