/**
 * Zarr work the browser tests do in Chromium (zarr.browser.ts) and check from Node
 * (zarr.test.ts): reads over HTTP, writes to in-memory stores and to a folder of the origin
 * private file system through fileSystemAccessStore, and the refusal of file-system paths.
 */
import { cStrides, fromArray, mapBlocks, toFlatArray, type Block } from "../../../src/index.js";
import { fileSystemAccessStore, type CompressorSpec, fromZarr, openOmeZarr, toZarr, zipStore, type DirectoryHandleLike, type StoreKey } from "../../../src/io/zarr/index.js";
import { input } from "./lazy-cases.js";

/** A block's elements in C order as numbers (booleans as 0/1). */
export function valuesOf(b: Block): number[] {
  const out: number[] = [];
  const { shape, stride, offset, data } = b;
  const idx = new Array<number>(shape.length).fill(0);
  const total = shape.reduce((a, n) => a * n, 1);
  for (let k = 0; k < total; k++) {
    let at = offset;
    for (let d = 0; d < shape.length; d++) at += idx[d]! * stride[d]!;
    out.push(Number((data as ArrayLike<number>)[at]));
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Store entries as plain data (key, bytes) for the trip between Node and the page. */
export type Entries = [string, number[]][];

export function entriesOf(store: Map<StoreKey, Uint8Array>): Entries {
  return [...store].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v]]);
}

export function storeOf(entries: Entries): Map<StoreKey, Uint8Array> {
  return new Map(entries.map(([k, v]) => [k as StoreKey, Uint8Array.from(v)]));
}

/** Reads `path` of the store at `url` (a page-relative URL is made absolute first). */
export async function readUrl(c: { url: string; path: string }): Promise<{ shape: number[]; dtype: string; values: number[] }> {
  const a = await fromZarr(new URL(c.url, (globalThis as { location?: { href: string } }).location?.href).href, { path: c.path });
  return { shape: [...a.shape], dtype: a.dtype, values: valuesOf(await a.compute()) };
}

/** Opens an OME-Zarr image over HTTP and reads its highest level. */
export async function readOme(c: { url: string; path: string }): Promise<{ version: string; axes: string[]; levels: number[][]; sum: number }> {
  const img = await openOmeZarr(new URL(c.url, (globalThis as { location?: { href: string } }).location?.href).href, { path: c.path });
  const top = await (await img.level(0)).compute();
  return { version: img.version, axes: img.axes.map((a) => a.name), levels: img.levels.map((l) => [...l.shape]), sum: valuesOf(top).reduce((a, b) => a + b, 0) };
}

/** Parameters of a write case. */
export interface WriteCase {
  format: 2 | 3;
  compressor: CompressorSpec | null;
  shape: number[];
  chunks: number[];
  seed: number;
}

/** Writes the case's array into a fresh Map; returns the Map. */
export async function writeToMap(c: WriteCase): Promise<Map<StoreKey, Uint8Array>> {
  const store = new Map<StoreKey, Uint8Array>();
  await toZarr(fromArray(input(c.shape, c.seed), { chunks: c.chunks }), store, { path: "a", format: c.format, compressor: c.compressor });
  return store;
}

/** Reads array "a" of a Map store back. */
export async function readMap(store: Map<StoreKey, Uint8Array>): Promise<number[]> {
  return valuesOf(await (await fromZarr(store, { path: "a" })).compute());
}

/** Writes to a fresh folder of the origin private file system, reads back, overwrites, reads again, lists. */
export async function folderRoundTrip(c: WriteCase): Promise<{ first: number[]; second: number[]; keys: string[]; missing: boolean }> {
  const nav = (globalThis as unknown as { navigator: { storage: { getDirectory(): Promise<DirectoryHandleLike> } } }).navigator;
  const root = await nav.storage.getDirectory();
  const folder = await root.getDirectoryHandle(`t-${Math.random().toString(16).slice(2)}`, { create: true });
  const store = fileSystemAccessStore(folder);
  const x = fromArray(input(c.shape, c.seed), { chunks: c.chunks });
  await toZarr(x, store, { path: "out/a", format: c.format, compressor: c.compressor });
  const first = valuesOf(await (await fromZarr(store, { path: "out/a" })).compute());
  // A coarser chunking on overwrite: the old chunks must go, the new ones be read.
  const y = fromArray(input(c.shape, c.seed + 1), { chunks: c.shape });
  await toZarr(y, fileSystemAccessStore(folder), { path: "out/a", format: c.format, compressor: c.compressor, overwrite: true });
  const second = valuesOf(await (await fromZarr(fileSystemAccessStore(folder), { path: "out/a" })).compute());
  const keys: string[] = [];
  for await (const k of store.keys()) keys.push(k);
  return { first, second, keys: keys.sort(), missing: (await store.get("/out/nothing-here" as StoreKey)) === undefined };
}

/** What refusing a file-system path looks like in the page: fromZarr and toZarr. */
export async function refusePaths(): Promise<{ name: string; kind: string; message: string }[]> {
  const out: { name: string; kind: string; message: string }[] = [];
  const attempts = [
    () => fromZarr("data.zarr", { path: "a" }),
    () => toZarr(fromArray(input([2, 2], 1)), "/tmp/out.zarr"),
    () => fromZarr("file:///data/x.zarr"),
    () => toZarr(fromArray(input([2, 2], 1)), "https://example.org/out.zarr"),
  ];
  for (const attempt of attempts) {
    try {
      await attempt();
      out.push({ name: "none", kind: "", message: "no error" });
    } catch (e) {
      out.push({ name: (e as Error).name, kind: String((e as { kind?: string }).kind), message: (e as Error).message });
    }
  }
  return out;
}

/** A zip of a written Map store, for a download. */
export async function zipped(c: WriteCase): Promise<number[]> {
  return [...(await zipStore(await writeToMap(c)))];
}

/**
 * The steps of the docs/browser.md example on a Zarr chunked along both axes: open over HTTP,
 * clip elementwise block by block, write to a Map, zip it. Returns the written values and the zip's size.
 */
export async function docExample(c: { url: string; path: string }): Promise<{ values: number[]; chunks: number[][]; zipBytes: number }> {
  const image = await fromZarr(new URL(c.url, (globalThis as { location?: { href: string } }).location?.href).href, { path: c.path });
  const clip = (b: Block): Block<"float32"> => {
    const data = Float32Array.from(toFlatArray(b), (v) => Math.min(v, 1000));
    return { dtype: "float32", data, shape: [...b.shape], stride: cStrides(b.shape), offset: 0 };
  };
  const result = mapBlocks(clip, [image], { dtype: "float32" });
  const store = new Map<StoreKey, Uint8Array>();
  await toZarr(result, store, { path: "copy" });
  const zip = await zipStore(store);
  return { values: valuesOf(await (await fromZarr(store, { path: "copy" })).compute()), chunks: image.chunks.map((c) => [...c]), zipBytes: zip.length };
}
