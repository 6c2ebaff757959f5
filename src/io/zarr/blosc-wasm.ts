/**
 * The WebAssembly blosc/lz4 codec's instance (one per thread, made on first use) and its
 * memory: the LZ4 match table (16 KiB at address 0) and three block-sized buffers above it,
 * grown to the largest block seen. A memory grown past {@link KEEP_BYTES} (a frame with a
 * forced block size far above c-blosc's own, at most 1 MiB at clevel 9) is dropped after that
 * chunk, since a wasm memory never shrinks. Callers place the buffers afresh at the
 * start of every synchronous stretch of work (another chunk's decode may have run at an await). A block is copied in, worked on, and copied
 * out; no whole chunk is ever held here. The module (src/io/zarr/wasm/, built by
 * `npm run build:wasm`) needs WebAssembly SIMD, like the FFT's.
 * @module
 */
import { BLOSC_WASM_BASE64 } from "./blosc-wasm-binary.js";

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
}

/** The module's exports (see src/io/zarr/wasm/blosc.ts). */
interface BloscExports {
  compressBlock(src: number, bsize: number, ts: number, doshuffle: number, nsplits: number, tmp: number, dst: number, ntbytes: number, maxbytes: number, accel: number): number;
  lz4Decompress(src: number, n: number, dst: number, cap: number): number;
  unshuffle(ts: number, size: number, src: number, dst: number): void;
  badOffset: { value: number };
}

const PAGE = 65536;
const MAX_PAGES = 65536;
const TABLE_BYTES = 16384;
/** Bytes past each buffer's end that the kernels may read or write (whole-vector copies). */
const SLACK = 64;

/** The largest memory kept for the next chunk: three of c-blosc's largest automatic blocks and then some. */
const KEEP_BYTES = 32 * 1024 * 1024;

const align = (n: number): number => Math.ceil(n / 16) * 16;

/** One thread's codec: its exports and its memory's three buffers (`a`, `b`, `c`, byte addresses). */
export class BloscWasm {
  readonly exports: BloscExports;
  readonly #memory: { buffer: ArrayBuffer; grow(pages: number): number };
  a = TABLE_BYTES;
  b = TABLE_BYTES;
  c = TABLE_BYTES;

  constructor(api: WasmApi, module: object) {
    this.#memory = new api.Memory({ initial: 1, maximum: MAX_PAGES });
    this.exports = new api.Instance(module, { env: { memory: this.#memory, abort: () => { throw new Error("blosc wasm aborted"); } } }).exports as unknown as BloscExports;
  }

  /**
   * Places buffers b (`bBytes`), c (`cBytes`) and a (`aBytes`), in this order and each with
   * SLACK bytes to spare, growing the memory when they do not fit. Buffer a comes last, so
   * {@link fitA} can enlarge it without moving the others.
   * @throws {RangeError} past the 4 GiB of a wasm32 memory
   */
  reserve(aBytes: number, bBytes: number, cBytes: number): void {
    this.b = TABLE_BYTES;
    this.c = this.b + align(bBytes + SLACK);
    this.a = this.c + align(cBytes + SLACK);
    this.#fit(this.a + align(aBytes + SLACK));
  }

  /** Makes buffer a hold at least `aBytes` (b and c stay where they are). */
  fitA(aBytes: number): void {
    this.#fit(this.a + align(aBytes + SLACK));
  }

  #fit(end: number): void {
    const have = this.#memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) throw new RangeError(`blosc's WebAssembly buffers need ${end} bytes, past the 4 GiB a wasm32 memory holds`);
    this.#memory.grow(pages);
  }

  /** The memory's bytes (a fresh view: growing detaches the old one). */
  bytes(): Uint8Array {
    return new Uint8Array(this.#memory.buffer);
  }
}

const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let compiled: object | undefined;
let instance: BloscWasm | undefined;

/**
 * Forgets this thread's instance when its memory outgrew {@link KEEP_BYTES}, so the memory is
 * freed once the caller's reference goes; the next chunk starts a small one.
 */
export function releaseIfLarge(w: BloscWasm): void {
  if (instance === w && w.bytes().byteLength > KEEP_BYTES) instance = undefined;
}

/**
 * This thread's codec instance.
 * @throws {Error} when the host has no WebAssembly with SIMD
 */
export function bloscWasm(): BloscWasm {
  if (instance !== undefined) return instance;
  if (api === undefined) throw new Error("chunkwise's blosc/lz4 codec needs WebAssembly, which this host lacks");
  if (compiled === undefined) {
    const text = atob(BLOSC_WASM_BASE64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    try {
      compiled = new api.Module(bytes);
    } catch (e) {
      throw new Error(`chunkwise's blosc/lz4 codec needs WebAssembly SIMD, which this host lacks (${String(e)})`);
    }
  }
  instance = new BloscWasm(api, compiled);
  return instance;
}
