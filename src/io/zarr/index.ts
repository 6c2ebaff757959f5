/**
 * `chunkwise/zarr`: read Zarr v2 and v3 arrays lazily and write lazy arrays to Zarr, on
 * zarrita, and OME-Zarr (NGFF 0.4/0.5) multiscale images. A subpath export, so importing the `chunkwise` root never loads zarrita.
 * @module chunkwise/zarr
 */
export { fromZarr, type FromZarrOptions } from "./from-zarr.js";
export { toZarr, type ToZarrOptions, type ToZarrResult } from "./to-zarr.js";
export type { LeaseOptions } from "./lease.js";
export type { CompressorConfig, CompressorName, CompressorSpec, ResolvedCompressor } from "./codecs.js";
export { ZarrError, type ZarrErrorKind } from "./errors.js";
export type { StoreInput, StoreKey, StoreRef, ZarrStore } from "./store.js";
export { readZarrRegion, type ReadRegionParams } from "./read-kernels.js";
export { writeZarrChunk, type WriteChunkParams, type WrittenChunk } from "./write-kernels.js";
export { openOmeZarr, fromOmeZarr, type OmeZarrImage, type OmeLevel, type OpenOmeZarrOptions, type FromOmeZarrOptions } from "./ome-read.js";
export { toOmeZarr, type OmeProgress, type ToOmeZarrOptions, type ToOmeZarrResult } from "./ome-write.js";
export type { OmeAxis, OmeChannel } from "./ome-metadata.js";
export type { OmeAxisInput } from "./ome-axes.js";
export { fileSystemAccessStore, zipStore, type DirectoryHandleLike, type FileHandleLike, type FolderStore } from "./folder-store.js";
