/**
 * imwrite round trips: what imwrite writes reads back equal with imread/readTiff, with the
 * `tiff` package's decoder, and with tifffile (Debian's python3, inside the test run; a
 * missing tifffile fails the test with the apt-get command). Plus the bad-input table.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decode } from "tiff";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allocate, type DataType } from "../../../src/core/dtype.js";
import { ValueError } from "../../../src/core/errors.js";
import { fromTypedArray, toFlatArray, type Block } from "../../../src/core/ndarray.js";
import { index as view } from "../../../src/core/views.js";
import { fromArray } from "../../../src/array/creation.js";
import { imread, imwrite, readTiff, TiffError } from "../../../src/io/tiff/index.js";
import { python, scratch } from "./helpers.js";

const { dir, cleanup } = scratch("write");
afterAll(cleanup);

const RANGES: Record<string, [number, number]> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767],
  uint32: [0, 4294967295], int32: [-2147483648, 2147483647], float32: [-3.4028234663852886e38, 3.4028234663852886e38],
};

/** Deterministic values over the dtype's range, extremes first. */
function sample(dtype: DataType, shape: number[]): Block {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocate(dtype, n);
  const [lo, hi] = RANGES[dtype]!;
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = i === 0 ? lo : i === 1 ? hi : dtype === "float32" ? (s / 2 ** 32 - 0.5) * 1e6 : lo + Math.floor((s / 2 ** 32) * (hi - lo + 1));
  }
  return fromTypedArray(dtype, data, shape);
}

/** Reads every file named on the command line with tifffile; one JSON object per file. */
const TIFFFILE_READ = `
out = {}
for path in sys.argv[1:]:
    a = tifffile.imread(path)
    with tifffile.TiffFile(path) as t:
        p = t.pages[0]
        out[path] = {"dtype": str(a.dtype), "shape": list(a.shape), "values": a.ravel().tolist(),
            "pages": len(t.pages), "compression": int(p.compression), "description": p.description,
            "byteorder": t.byteorder}
print(json.dumps(out))
`;

interface TifffileView { dtype: string; shape: number[]; values: number[]; pages: number; compression: number; description: string; byteorder: string }

const CASES: [DataType, number[], "none" | "deflate"][] = [];
for (const dtype of ["uint8", "int8", "uint16", "int16", "uint32", "int32", "float32"] as const) {
  CASES.push([dtype, [7, 5], "none"], [dtype, [3, 6, 4], "none"], [dtype, [3, 6, 4], "deflate"]);
}
// Several strips per page (64 KiB strips): 3 pages of 300 x 120 uint16.
CASES.push(["uint16", [3, 300, 120], "none"], ["float32", [2, 200, 100], "deflate"]);
/** The dtypes the \`tiff\` package decodes (it refuses 32-bit integers). */
const TIFF_DECODES: readonly string[] = ["uint8", "uint16", "float32"];

const pathOf = (dtype: string, shape: number[], compression: string) => join(dir, `${dtype}-${shape.join("x")}-${compression}.tif`);

describe("imwrite round trips", () => {
  // Write every case first, then read them all with one python process (keeps the run fast).
  let tifffileViews: Record<string, TifffileView> = {};
  beforeAll(async () => {
    for (const [dtype, shape, compression] of CASES) {
      await imwrite(pathOf(dtype, shape, compression), sample(dtype, shape), { compression, description: `chunkwise ${dtype}` });
    }
    tifffileViews = python(TIFFFILE_READ, CASES.map(([d, s, c]) => pathOf(d, s, c))) as Record<string, TifffileView>;
  });

  for (const [dtype, shape, compression] of CASES) {
    it(`dtype=${dtype} shape=[${shape}] compression=${compression}: imread, tiff and tifffile read it back`, async () => {
      const path = pathOf(dtype, shape, compression);
      const want = toFlatArray(sample(dtype, shape));
      const pages = shape.length === 3 ? shape[0] : 1;

      const back = await imread(path);
      expect(back.shape).toEqual([1, ...shape]);
      expect(back.dtype).toBe(dtype);
      expect(toFlatArray(await back.compute())).toEqual(want);

      if (TIFF_DECODES.includes(dtype)) {
        const ifds = decode(readFileSync(path));
        expect(ifds.length).toBe(pages);
        expect(ifds.flatMap((d) => Array.from(d.data))).toEqual(want);
        expect(ifds[0]!.imageDescription).toBe(`chunkwise ${dtype}`);
      }

      const py = tifffileViews[path]!;
      expect(py).toMatchObject({ dtype, shape, pages, compression: compression === "deflate" ? 8 : 1, description: `chunkwise ${dtype}`, byteorder: "<" });
      expect(py.values).toEqual(want);
    });
  }

  it("a ChunkedArray is computed and written", async () => {
    const x = sample("int16", [4, 9, 6]);
    const path = join(dir, "lazy.tif");
    await imwrite(path, fromArray(x, { chunks: [1, 4, 3] }));
    expect(toFlatArray(await readTiff(path))).toEqual(toFlatArray(x));
  });

  it("a strided view (reversed, every other column) is written in logical order", async () => {
    const x = sample("uint16", [6, 8]);
    const v = view(x, ["::-1", "::2"]);
    const path = join(dir, "view.tif");
    await imwrite(path, v);
    const back = await readTiff(path);
    expect(back.shape).toEqual([6, 4]);
    expect(toFlatArray(back)).toEqual(toFlatArray(v));
  });

  it("replaces an existing file and leaves no temporary file behind", async () => {
    const path = join(dir, "replace.tif");
    writeFileSync(path, "old contents");
    await imwrite(path, sample("uint8", [2, 3]));
    expect((await readTiff(path)).shape).toEqual([2, 3]);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
  });

  it("writes 8-byte-aligned tags and 16-byte-aligned pixels for every page (IFD at word boundaries)", async () => {
    const path = join(dir, "aligned.tif");
    await imwrite(path, sample("uint8", [3, 5, 3]), { description: "odd" });
    const b = readFileSync(path);
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let ifd = v.getUint32(4, true); ifd !== 0; ifd = v.getUint32(ifd + 2 + 12 * v.getUint16(ifd, true), true)) {
      expect(ifd % 2).toBe(0);
    }
  });
});

describe("imwrite refuses bad input", () => {
  const path = join(dir, "bad.tif");
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ["float64", () => imwrite(path, fromTypedArray("float64", new Float64Array(4), [2, 2])), /x must have dtype uint8, int8, uint16, int16, uint32, int32, float32; got float64\. Cast it first, e.g\. x\.astype\("float32"\)/],
    ["bool", () => imwrite(path, { dtype: "bool", data: new Uint8Array(4), shape: [2, 2] }), /got bool\. Cast it first, e.g\. x\.astype\("uint8"\)/],
    ["1-D", () => imwrite(path, sample("uint8", [4])), /x must be 2-D \(one page\) or 3-D \(a stack of pages\); got shape \(4,\)/],
    ["4-D", () => imwrite(path, sample("uint8", [1, 2, 2, 2])), /got shape \(1, 2, 2, 2\)\. Index or reshape it/],
    ["an empty axis", () => imwrite(path, sample("uint8", [0, 3])), /x must have no empty axis; got shape \(0, 3\)/],
    ["a plain array", () => imwrite(path, [[1, 2]] as unknown as Block), /x must be a block or a ChunkedArray/],
    ["a lazy float64", () => imwrite(path, fromArray(fromTypedArray("float64", new Float64Array(4), [2, 2]), { chunks: 1 })), /got float64/],
    ["compression 'lzw'", () => imwrite(path, sample("uint8", [2, 2]), { compression: "lzw" as "none" }), /compression must be "none" or "deflate"; got "lzw"/],
    ["a non-ASCII description", () => imwrite(path, sample("uint8", [2, 2]), { description: "5 µm" }), /description must be printable ASCII text; got "5 µm"/],
    ["an empty path", () => imwrite("", sample("uint8", [2, 2])), /imwrite: path must be a non-empty string/],
  ];
  for (const [what, run, message] of cases) {
    it(what, async () => {
      const err = await run().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ValueError);
      expect((err as Error).message).toMatch(/^imwrite: /);
      expect((err as Error).message).toMatch(message);
    });
  }

  it("a missing folder names the file", async () => {
    const p = join(dir, "no", "such", "folder", "x.tif");
    const err = await imwrite(p, sample("uint8", [2, 2])).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TiffError);
    expect((err as TiffError).path).toBe(p);
    expect((err as Error).message).toBe(`imwrite: ${JSON.stringify(p)} must be writable; got its folder does not exist. Create the folder or choose another path`);
  });

  it("an aborted signal writes nothing", async () => {
    const c = new AbortController();
    c.abort(new Error("stop"));
    const p = join(dir, "aborted.tif");
    await expect(imwrite(p, sample("uint8", [2, 2]), { signal: c.signal })).rejects.toThrow("stop");
    expect(readdirSync(dir)).not.toContain("aborted.tif");
  });
});
