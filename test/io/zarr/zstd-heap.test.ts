/**
 * zstd decoding does not share numcodecs.js's WebAssembly heap (src/io/zarr/zstd-decode.ts).
 * The first test is the real sequence of a `chunkwise deconvolve` worker at the blog's chunk
 * size (201x1024x768): decode a 316 MB uint16 zstd chunk, then encode the 632 MB float32
 * result with zstd level 3, in one thread that did nothing else before (vitest gives each test
 * file a fresh module graph, so numcodecs.js's heap starts empty). Before decoding moved off
 * numcodecs.js's heap, the encode failed with "RuntimeError: memory access out of bounds".
 * About 3 GB and 3-20 s. The others check that the decoder's output length is held to what
 * the frame header states, and that a chunk too large for the decoder's heap is refused.
 */
import { describe, expect, it } from "vitest";
import { registry } from "zarrita";
import { CorruptData } from "../../../src/io/zarr/checked-codecs.js";
import { encoderFor, resolveCompressor } from "../../../src/io/zarr/codecs.js";
import { zstdDecode } from "../../../src/io/zarr/zstd-decode.js";

async function checkedZstd(expected: number): Promise<(b: Uint8Array) => Promise<Uint8Array>> {
  const entry = (await registry.get("chunkwise.zstd")!()) as unknown as { fromConfig(c: unknown, m: unknown): { decode(b: Uint8Array): Promise<Uint8Array> } };
  const codec = entry.fromConfig({ _chunkwise_extra: 0 }, { dataType: "uint8", shape: [expected] });
  return (b) => codec.decode(b);
}

/** A zstd frame stating `blocks * size` bytes, made of RLE blocks of `size` copies of byte i & 255 each. */
function zstdRleFrame(blocks: number, size: number): Uint8Array {
  const total = blocks * size;
  const out = [0x28, 0xb5, 0x2f, 0xfd, 0x80, 0x58, total & 255, (total >>> 8) & 255, (total >>> 16) & 255, total >>> 24];
  for (let i = 0; i < blocks; i++) {
    const h = (size << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    out.push(h & 255, (h >>> 8) & 255, h >>> 16, i & 255);
  }
  return Uint8Array.from(out);
}

describe("zstd decoding beside numcodecs.js's encoder", () => {
  it("a thread decodes a 316 MB uint16 chunk, then encodes a 632 MB float32 chunk (the blog's size)", async () => {
    const voxels = 201 * 1024 * 768;
    const block = 131072;
    const frame = zstdRleFrame((voxels * 2) / block, block);
    const decoded = await (await checkedZstd(voxels * 2))(frame);
    expect(decoded.length).toBe(voxels * 2);
    expect([decoded[0], decoded[block], decoded[voxels * 2 - 1]]).toEqual([0, 1, ((voxels * 2) / block - 1) & 255]);
    const result = new Float32Array(voxels);
    for (let i = 0; i < voxels; i++) result[i] = (i % 4099) * 0.37;
    const encoded = await (await encoderFor(resolveCompressor({ id: "zstd", level: 3 })))(new Uint8Array(result.buffer));
    const back = new Float32Array((await (await checkedZstd(voxels * 4))(encoded)).buffer);
    expect(back.length).toBe(voxels);
    expect([back[0], back[4100], back[voxels - 1]]).toEqual([result[0], result[4100], result[voxels - 1]]);
  });

  it("a frame whose header states fewer or more bytes than its blocks decode to is refused", async () => {
    const data = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 63);
    const encoded = await (await encoderFor(resolveCompressor({ id: "zstd", level: 3 })))(data);
    // numcodecs.js writes a 2-byte content size (value - 256) right after the frame header descriptor (and window byte).
    const fhd = encoded[4]!;
    expect(fhd >>> 6).toBe(1);
    const at = 5 + ((fhd >>> 5) & 1 ? 0 : 1);
    for (const lie of [4095, 4097]) {
      const forged = encoded.slice();
      new DataView(forged.buffer).setUint16(at, lie - 256, true);
      await expect((await checkedZstd(lie))(forged)).rejects.toThrow(CorruptData);
      await expect((await checkedZstd(lie))(forged)).rejects.toThrow(/zstd frames do not decode to the \d+ bytes their headers state/);
    }
    expect(await (await checkedZstd(4096))(encoded)).toEqual(data);
  });

  it("a chunk whose compressed plus decoded size would not fit the decoder's 2 GiB heap is refused before it is copied in", async () => {
    await expect(zstdDecode(new Uint8Array(16), 2 ** 31)).rejects.toThrow(/compressed plus decoded size must be at most 1879048192 bytes .*got 16 \+ 2147483648\. Write the array with smaller chunks/);
  });
});
