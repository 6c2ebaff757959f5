/**
 * `chunkwise/tiff`: TIFF stacks in and out. `imread` reads files matching a glob as one lazy
 * array (as `dask.array.image.imread`); `imwrite` writes a block or a small array as a
 * baseline TIFF that tifffile, ImageJ and libtiff read. Only this subpath touches files for
 * TIFF, so the core stays free of `node:fs`.
 * @module chunkwise/tiff
 */
export { imread, imreadBlock, type ImreadBlockParams, type ImreadOptions } from "./imread.js";
export { readTiff, type ReadTiffOptions } from "./read-tiff.js";
export { naturalCompare } from "./natural-sort.js";
export { TiffError, type TiffErrorDetails } from "./tiff-error.js";
export type { TiffDataType } from "./layout.js";
export { imwrite, type ImwriteOptions } from "./imwrite.js";
export { encodeTiff, type EncodeTiffOptions } from "./encode.js";
