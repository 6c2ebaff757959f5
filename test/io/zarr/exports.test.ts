import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as zarrApi from "../../../src/io/zarr/index.js";

describe("chunkwise/zarr exports", () => {
  it("the list of runtime exports", () => {
    expect(Object.keys(zarrApi).sort()).toEqual(["ZarrError", "fileSystemAccessStore", "fromOmeZarr", "fromZarr", "openOmeZarr", "readZarrRegion", "toOmeZarr", "toZarr", "writeZarrChunk", "zipStore"]);
  });

  it("nothing outside src/io imports zarrita (the core stays free of it)", () => {
    const src = join(import.meta.dirname, "../../../src");
    const offenders = (readdirSync(src, { recursive: true }) as string[])
      .filter((f) => f.endsWith(".ts") && !f.startsWith(`io`))
      .filter((f) => /from\s+["'](zarrita|@zarrita\/|numcodecs)/.test(readFileSync(join(src, f), "utf8")));
    expect(offenders).toEqual([]);
  });
});
