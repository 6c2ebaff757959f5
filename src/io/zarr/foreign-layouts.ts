/**
 * Recognises the chunked-array layouts that look like Zarr but are not what chunkwise reads, so
 * that opening one names it instead of saying "nothing here": N5 containers (`attributes.json`
 * with an `"n5"` version, or N5 dataset attributes) and the pre-release Zarr v3 draft layout
 * (`zarr.json` whose `zarr_format` is the `.../protocol/core/3.0` URL, metadata under
 * `meta/root/`), which zarr-python 2.11-2.18 writes with `ZARR_V3_EXPERIMENTAL_API=1`.
 * @module
 */
import { ZarrError } from "./errors.js";
import { describeStore, keyOf, readKey, type StoreRef } from "./store.js";

const DRAFT = "https://purl.org/zarr/spec/protocol/core/3.0";
const CONVERT_DRAFT = "convert it first, e.g. in Python with zarr-python 2.13 to 2.18 and ZARR_V3_EXPERIMENTAL_API=1: a = zarr.open(zarr.DirectoryStoreV3(src), mode=\"r\", path=..., zarr_version=3); zarr.save_array(dst, a[...], chunks=a.chunks)";
const CONVERT_N5 = "convert each array first, e.g. in Python with zarr-python 2: a = zarr.open(zarr.N5Store(src), mode=\"r\")[path]; zarr.save_array(dst, a[...], chunks=a.chunks)";

function json(bytes: Uint8Array | undefined): Record<string, unknown> | undefined {
  if (bytes === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A probe's failure handler: an unreadable probe counts as absent, but an abort still rejects. */
function orAbort(signal: AbortSignal | undefined): () => undefined {
  return () => {
    signal?.throwIfAborted();
    return undefined;
  };
}

/** Whether a parsed `zarr.json` is the v3 draft's entry point rather than v3 node metadata. */
export function isV3Draft(meta: Record<string, unknown>): boolean {
  return typeof meta.zarr_format === "string" && meta.zarr_format.includes("protocol/core/3.0");
}

/** The refusal for a store in the v3 draft layout. */
export function v3DraftError(fn: string, ref: StoreRef, path: string): ZarrError {
  return new ZarrError(fn, `store ${describeStore(ref)} must be Zarr v2 or v3; got the pre-release Zarr v3 draft layout (zarr.json with zarr_format ${JSON.stringify(DRAFT)}, metadata under meta/root/). chunkwise reads Zarr v2 and v3 (the final 2023 spec), not the draft; ${CONVERT_DRAFT}`, { kind: "metadata", path });
}

/**
 * Throws a ZarrError naming the layout when `path` of `ref` holds no Zarr node but the store is
 * an N5 container or a v3 draft store; returns quietly otherwise.
 */
export async function refuseForeignLayout(fn: string, ref: StoreRef, path: string, signal?: AbortSignal): Promise<void> {
  const parts = path === "" ? [] : path.split("/");
  for (let depth = 0; depth <= parts.length; depth++) {
    const at = parts.slice(0, depth).join("/");
    const attrs = json(await readKey(fn, ref, keyOf(at, "attributes.json"), signal).catch(orAbort(signal)));
    if (attrs !== undefined && (typeof attrs.n5 === "string" || ("dimensions" in attrs && "dataType" in attrs))) {
      const what = typeof attrs.n5 === "string" ? `attributes.json with "n5": ${JSON.stringify(attrs.n5)}` : `N5 dataset attributes (dimensions, dataType, blockSize)`;
      throw new ZarrError(fn, `path ${JSON.stringify(path)} must hold a Zarr array; got an N5 container (${what} at ${describeStore(ref)}${keyOf(at, "attributes.json")}). chunkwise reads Zarr v2 and v3, not N5; ${CONVERT_N5}`, { kind: "metadata", path });
    }
  }
  const root = json(await readKey(fn, ref, keyOf("", "zarr.json"), signal).catch(orAbort(signal)));
  const draftMeta = path === "" ? "meta/root.group.json" : `meta/root/${path}.array.json`;
  if ((root !== undefined && isV3Draft(root)) || (await readKey(fn, ref, keyOf("", draftMeta), signal).catch(orAbort(signal))) !== undefined) {
    throw v3DraftError(fn, ref, path);
  }
}
