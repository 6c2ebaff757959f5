/**
 * A numcodecs.js encoder that fails (its WebAssembly heap cannot grow: a trap, or a nonsense
 * result length) is reported as a ZarrError that names the chunk size and the heap limit. The
 * real failure needs a 2 GiB heap; here numcodecs.js's lz4 is swapped in zarrita's registry,
 * in this test file's own module graph, for one that fails the way it does.
 */
import { describe, expect, it } from "vitest";
import { registry } from "zarrita";
import { encoderFor } from "../../../src/io/zarr/codecs.js";
import { ZarrError } from "../../../src/io/zarr/errors.js";

describe("numcodecs.js encoder failures", () => {
  it("a trap in the encoder becomes a ZarrError naming the chunk size and the heap", async () => {
    const { RuntimeError } = (globalThis as unknown as { WebAssembly: { RuntimeError: ErrorConstructor } }).WebAssembly;
    const trap = new RuntimeError("memory access out of bounds");
    registry.set("numcodecs.lz4", async () => ({ fromConfig: () => ({ encode: () => { throw trap; } }) }) as never);
    const encode = await encoderFor({ id: "lz4", acceleration: 1 });
    const err = await encode(new Uint8Array(1000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZarrError);
    expect((err as ZarrError).message).toMatch(/numcodecs\.js's lz4 encoder must fit a chunk of 1000 bytes .* 2 GiB.*memory access out of bounds\. Write smaller chunks/);
    expect((err as ZarrError).cause).toBe(trap);
  });
});
