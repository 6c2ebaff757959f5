// wasm32's whole 4 GiB in Chromium: a shared WebAssembly.Memory grown to 65536 pages, and the
// resident engine's high-address scenario (test/fft/high-addresses.ts); wasm-memory.test.ts
// compares with Node.
import { digestBytes, highAddressScenario, sameBytes } from "../fft/high-addresses.js";
import { definePageTests } from "./harness/in-page.js";

/** The page's WebAssembly.Memory constructor (typed here: the tests compile without DOM typings). */
const { Memory } = (globalThis as unknown as {
  WebAssembly: { Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { readonly buffer: ArrayBufferLike; grow(pages: number): number } };
}).WebAssembly;

definePageTests({
  grow: () => {
    const memory = new Memory({ initial: 1, maximum: 65536, shared: true });
    memory.grow(65535);
    const buffer = memory.buffer;
    const top = new Float32Array(buffer, buffer.byteLength - 16, 4);
    top[3] = 42;
    return { shared: buffer instanceof SharedArrayBuffer, byteLength: buffer.byteLength, last: new Float32Array(buffer)[2 ** 30 - 1] };
  },
  scenario: (input: { dtype: "float32" | "float64" }) => {
    const low = highAddressScenario(input.dtype, 1, "low");
    const high = highAddressScenario(input.dtype, 1, "high");
    const split = highAddressScenario(input.dtype, 1, "split");
    return {
      lowest: Math.min(...high.addresses), top: high.top, splitEstimate: split.addresses[0], splitRest: Math.min(...split.addresses.slice(1)),
      high: sameBytes(high.bytes, low.bytes), split: sameBytes(split.bytes, low.bytes), digest: digestBytes(low.bytes),
    };
  },
});
