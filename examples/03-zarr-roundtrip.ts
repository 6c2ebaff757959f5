/**
 * Zarr round trip: write a small (time, y, x) stack to a Zarr v2 group, read it back lazily,
 * apply a gufunc per frame, and write the result beside the input in the same group, as the
 * light-sheet workflow stores `deconvolved` beside `data`.
 *
 * Run: npx tsx examples/03-zarr-roundtrip.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromArray, gufunc, toFlatArray, zeros, type Block } from "chunkwise";
import { fromZarr, toZarr } from "chunkwise/zarr";

const store = join(mkdtempSync(join(tmpdir(), "chunkwise-example-")), "stack.zarr");

// 1. Some data: 4 frames of 30x40 uint16 with a bright square that moves, chunked per frame.
const frames = zeros([4, 30, 40], { dtype: "uint16" });
for (let t = 0; t < 4; t++)
  for (let y = 5; y < 15; y++)
    for (let x = 5 + 5 * t; x < 15 + 5 * t; x++) frames.data[t * 1200 + y * 40 + x] = 1000 + 100 * t;
const written = await toZarr(fromArray(frames, { chunks: [1, 30, 40] }), store, { path: "data", attributes: { axes: ["t", "y", "x"] } });
console.log(`wrote data: ${written.chunksWritten} chunks, ${written.bytesWritten} bytes (zstd)`);

// 2. Read it back lazily: one block per Zarr chunk.
const data = await fromZarr(store, { path: "data" });
console.log(String(data));

// 3. A per-frame gufunc: subtract the frame's mean background, clip at zero, as float32.
const subtractBackground = gufunc("(y,x)->(y,x)", (frame: Block) => {
  const values = toFlatArray(frame);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const out = new Float32Array(values.map((v) => Math.max(0, v - mean)));
  return { dtype: "float32", data: out, shape: frame.shape, stride: [frame.shape[1]!, 1], offset: 0 };
}, { outputDtypes: "float32" });
const cleaned = subtractBackground(data);

// 4. Write the result beside the input, in the same group; `data` is left untouched.
const result = await toZarr(cleaned, store, { path: "background_subtracted", overwrite: true });
console.log(`wrote ${result.path}: shape ${JSON.stringify(result.shape)}, ${result.dtype}, ${result.chunksWritten} chunks`);

const check = await (await fromZarr(store, { path: "background_subtracted" })).compute();
const flat = toFlatArray(check);
console.log(`frame 3 peak ${Math.max(...flat.slice(3 * 1200))}, background ${flat[3 * 1200]}`);
console.log(`store: ${store}`);
rmSync(join(store, ".."), { recursive: true, force: true });
