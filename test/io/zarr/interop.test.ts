/**
 * What toZarr writes as Zarr v2 is read back by zarr-python 2 (Debian's python3-zarr) in this
 * test run and compared value by value. Needs /usr/bin/python3 with zarr: the test fails
 * (never skips) with the apt command when it is missing.
 */
import { describe, expect, it } from "vitest";
import { fromArray } from "../../../src/array/creation.js";
import type { DataType } from "../../../src/core/dtype.js";
import { toFlatArray, fromTypedArray, type Block } from "../../../src/core/ndarray.js";
import { typedArrayConstructor } from "../../../src/core/dtype.js";
import { toZarr, type CompressorSpec } from "../../../src/io/zarr/index.js";
import { copyFixture, python } from "./helpers.js";

const CASES: { path: string; dtype: DataType; shape: number[]; chunks: number[] | number[][]; compressor: CompressorSpec; sep?: "." | "/" }[] = [
  { path: "deconvolved", dtype: "float32", shape: [3, 7, 9], chunks: [1, 4, 5], compressor: "zstd" },
  { path: "out/zlib", dtype: "int16", shape: [11, 6], chunks: [5, 4], compressor: "zlib" },
  { path: "out/gzip", dtype: "uint8", shape: [30], chunks: [7], compressor: { id: "gzip", level: 9 } },
  { path: "out/lz4", dtype: "float64", shape: [5, 5], chunks: [2, 3], compressor: "lz4" },
  { path: "out/blosc", dtype: "uint32", shape: [9, 4], chunks: [4, 4], compressor: { id: "blosc", cname: "lz4", shuffle: 1 } },
  // chunkwise's own blosc/lz4 encoder: several blocks and a leftover, split streams, each type size.
  { path: "out/blosc_f32_blocks", dtype: "float32", shape: [70, 1001], chunks: [70, 1001], compressor: { id: "blosc", cname: "lz4", clevel: 1, shuffle: 1 } },
  { path: "out/blosc_i16_noshuffle", dtype: "int16", shape: [300, 301], chunks: [150, 301], compressor: { id: "blosc", cname: "lz4", clevel: 9, shuffle: 0 } },
  { path: "out/blosc_f64_clevel0", dtype: "float64", shape: [40, 50], chunks: [33, 50], compressor: { id: "blosc", cname: "lz4", clevel: 0, shuffle: 1 } },
  { path: "out/blosc_u8_tiny", dtype: "uint8", shape: [130], chunks: [100], compressor: { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1 } },
  { path: "out/raw_nested", dtype: "int32", shape: [6, 5], chunks: [4, 2], compressor: null, sep: "/" },
  { path: "out/bool", dtype: "bool", shape: [5, 3], chunks: [2, 2], compressor: "zstd" },
  { path: "out/int8_irregular", dtype: "int8", shape: [10], chunks: [[3, 5, 2]], compressor: "zlib" },
  { path: "out/uint16_scalar", dtype: "uint16", shape: [], chunks: [], compressor: "zstd" },
];

function values(dtype: DataType, shape: number[]): Block {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new (typedArrayConstructor(dtype))(n);
  for (let i = 0; i < n; i++) {
    data[i] = dtype === "bool" ? i % 3 === 0 ? 1 : 0 : dtype.startsWith("float") ? i * 0.25 - 3.5 : dtype.startsWith("int") ? (i % 50) - 25 : (i * 37) % 251;
  }
  return fromTypedArray(dtype, data as never, shape);
}

const READ_BACK = `
import json, sys, zarr
root = zarr.open_group(sys.argv[1], mode="r")
out = {}
for path in sys.argv[2:]:
    a = root[path]
    v = a[...]
    out[path] = {"shape": list(a.shape), "chunks": list(a.chunks), "dtype": str(a.dtype),
                 "values": [bool(x) if a.dtype.kind == "b" else x.item() for x in v.ravel()],
                 "attrs": a.attrs.asdict(), "compressor": a.compressor.codec_id if a.compressor else None}
out["__arrays__"] = sorted(root.array_keys())
print(json.dumps(out))
`;

/**
 * For each array: whether every stored chunk equals numcodecs' own encoding of that chunk's
 * values. With one blosc thread: with several, c-blosc stores a chunk's blocks in the order its
 * threads finish them, so its frames differ from run to run (in block order only).
 */
const SAME_BYTES = `
import json, os, sys, zarr
import numpy as np
from numcodecs import blosc
blosc.set_nthreads(1)
root = zarr.open_group(sys.argv[1], mode="r")
out = {}
for path in sys.argv[2:]:
    a = root[path]
    same = []
    for key in sorted(k for k in os.listdir(os.path.join(sys.argv[1], path)) if not k.startswith(".")):
        idx = tuple(int(i) for i in key.split("."))
        sl = tuple(slice(i * c, (i + 1) * c) for i, c in zip(idx, a.chunks))
        chunk = np.full(a.chunks, a.fill_value or 0, dtype=a.dtype)
        v = a[sl]
        chunk[tuple(slice(0, n) for n in v.shape)] = v
        with open(os.path.join(sys.argv[1], path, key), "rb") as f:
            same.append(f.read() == a.compressor.encode(chunk))
    out[path] = same
print(json.dumps(out))
`;

describe("zarr-python 2 reads what toZarr writes (format 2)", () => {
  it("blosc lz4 chunks are byte for byte what numcodecs writes for the same values", async () => {
    const dir = copyFixture("v2.zarr");
    const blosc = CASES.filter((c) => typeof c.compressor === "object" && c.compressor?.id === "blosc");
    for (const c of blosc) await toZarr(fromArray(values(c.dtype, c.shape), { chunks: c.chunks as never }), dir, { path: c.path, compressor: c.compressor });
    const got = JSON.parse(python(SAME_BYTES, [dir, ...blosc.map((c) => c.path)])) as Record<string, boolean[]>;
    for (const c of blosc) {
      expect(got[c.path]!.length, c.path).toBeGreaterThan(0);
      expect(got[c.path]!.every(Boolean), c.path).toBe(true);
    }
  });

  it("every compressor, dtypes, '/' separator, irregular chunks and a 0-d array, written beside zarr-python's own arrays", async () => {
    const dir = copyFixture("v2.zarr");
    for (const c of CASES) {
      const x = fromArray(values(c.dtype, c.shape), { chunks: c.chunks as never });
      await toZarr(x, dir, { path: c.path, compressor: c.compressor, ...(c.sep ? { dimensionSeparator: c.sep } : {}), attributes: { case: c.path } });
    }
    const got = JSON.parse(python(READ_BACK, [dir, ...CASES.map((c) => c.path)])) as Record<string, { shape: number[]; dtype: string; values: (number | boolean)[]; attrs: Record<string, unknown>; compressor: string | null }> & { __arrays__: string[] };
    expect(got.__arrays__).toContain("deconvolved");
    expect(got.__arrays__).toContain("zlib"); // zarr-python's own array beside ours
    for (const c of CASES) {
      const want = toFlatArray(values(c.dtype, c.shape));
      const r = got[c.path]!;
      expect(r.shape, c.path).toEqual(c.shape);
      expect(r.dtype, c.path).toBe(c.dtype);
      expect(r.values.map(Number), c.path).toEqual(want);
      expect(r.attrs.case).toBe(c.path);
      expect(r.attrs.chunkwise).toMatchObject({ version: expect.any(String) });
      const id = c.compressor === null ? null : typeof c.compressor === "string" ? c.compressor : c.compressor.id;
      expect(r.compressor, c.path).toBe(id);
    }
  });
});
