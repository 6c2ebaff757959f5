/** The public surface of `chunkwise/tiff`, snapshot-tested as the root's is. */
import { expect, it } from "vitest";
import * as tiff from "../../../src/io/tiff/index.js";

it("chunkwise/tiff exports exactly these values", () => {
  expect(Object.keys(tiff).sort()).toEqual(["TiffError", "encodeTiff", "imread", "imreadBlock", "imwrite", "naturalCompare", "readTiff"]);
});
