/**
 * `npm run bench -- codecs`: blosc with lz4 at clevel 5 and byte shuffle (the CLI's output
 * compressor), numcodecs.js's WebAssembly blosc against chunkwise's (blosc-encode.ts,
 * blosc-frame.ts), in the same run, one thread, on the blog's data: encoding the deconvolved
 * float32 volume (/tmp/deconv-vol.npy, 632 MB) and decoding the uint16 input chunk
 * (/tmp/chunkwise-rl-job-full/data.zarr/image/0.0.0.0.0, 316 MB decoded). When a file is
 * absent, a deterministic stand-in of the same size is made (smooth spots with noise; its
 * ratios differ from the real data's). Prints the median CPU time (user + system) of 3 runs,
 * the compression ratios, whether the two decoders agree, and the load average.
 */
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { registry } from "zarrita";
import { decodeBlosc } from "../src/io/zarr/blosc-frame.js";
import { encodeBloscLz4 } from "../src/io/zarr/blosc-encode.js";
import { zstdDecode } from "../src/io/zarr/zstd-decode.js";
import { median } from "./timing.js";

const VOLUME = "/tmp/deconv-vol.npy";
const CHUNK = "/tmp/chunkwise-rl-job-full/data.zarr/image/0.0.0.0.0";
const SHAPE = [201, 1024, 768];
const REPEATS = 3;

interface Codec { encode(b: Uint8Array): Promise<Uint8Array>; decode(b: Uint8Array): Promise<Uint8Array> }

async function numcodecsBlosc(): Promise<Codec> {
  const entry = await registry.get("numcodecs.blosc")!();
  return entry.fromConfig({ cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 }, { dataType: "uint8", shape: [], codecs: [], fillValue: null }) as unknown as Codec;
}

/** Median CPU milliseconds of `fn` over REPEATS runs, and its last result. */
async function cpu<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const times: number[] = [];
  let out!: T;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = process.cpuUsage();
    out = await fn();
    const t = process.cpuUsage(t0);
    times.push((t.user + t.system) / 1000);
  }
  return [median(times), out];
}

/** A deterministic stand-in volume: Gaussian spots on a background with noise, as `scale * value`. */
function standIn(n: number, scale: number): Float64Array {
  const out = new Float64Array(n);
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const [, h, w] = SHAPE as [number, number, number];
  for (let i = 0; i < n; i++) {
    const x = i % w;
    const y = Math.floor(i / w) % h;
    out[i] = scale * (0.1 + 0.5 * Math.exp(-((x - 300) ** 2 + (y - 500) ** 2) / 20000) + 0.05 * rand());
  }
  return out;
}

function volume(): { bytes: Uint8Array; real: boolean } {
  if (existsSync(VOLUME)) {
    const raw = readFileSync(VOLUME);
    const headerLen = raw.readUInt16LE(8);
    return { bytes: new Uint8Array(raw.buffer, raw.byteOffset + 10 + headerLen, raw.byteLength - 10 - headerLen), real: true };
  }
  const f = Float32Array.from(standIn(SHAPE.reduce((a, b) => a * b, 1), 1));
  return { bytes: new Uint8Array(f.buffer), real: false };
}

function chunk(): { frame: Uint8Array; real: boolean } {
  if (existsSync(CHUNK)) return { frame: new Uint8Array(readFileSync(CHUNK)), real: true };
  const u = Uint16Array.from(standIn(SHAPE.reduce((a, b) => a * b, 1), 2000), Math.round);
  return { frame: encodeBloscLz4(new Uint8Array(u.buffer), 2, 5, 1), real: false };
}

const helpers = { zstd: zstdDecode, blosc: async (): Promise<Uint8Array> => { throw new Error("no bit shuffle here"); } };
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export async function main(): Promise<void> {
  const nc = await numcodecsBlosc();
  const vol = volume();
  console.log(`float32 volume: ${vol.bytes.length} bytes (${vol.real ? VOLUME : "stand-in"}); load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const [ncEnc, ncFrame] = await cpu(() => nc.encode(vol.bytes));
  const [ourEnc, ourFrame] = await cpu(() => encodeBloscLz4(vol.bytes, 4, 5, 1));
  console.log(`encode  numcodecs.js ${s(ncEnc)} (ratio ${(ncFrame.length / vol.bytes.length).toFixed(4)}, type size 1)  chunkwise ${s(ourEnc)} (ratio ${(ourFrame.length / vol.bytes.length).toFixed(4)}, type size 4)  x${(ncEnc / ourEnc).toFixed(2)}`);
  const ch = chunk();
  const [ncDec, ncOut] = await cpu(() => nc.decode(ch.frame));
  const [ourDec, ourOut] = await cpu(() => decodeBlosc(ch.frame, undefined, helpers));
  const same = ncOut.length === ourOut.length && Buffer.compare(Buffer.from(ncOut.buffer, ncOut.byteOffset, ncOut.length), Buffer.from(ourOut.buffer, ourOut.byteOffset, ourOut.length)) === 0;
  console.log(`uint16 chunk: ${ch.frame.length} bytes -> ${ourOut.length} (${ch.real ? CHUNK : "stand-in"})`);
  console.log(`decode  numcodecs.js ${s(ncDec)}  chunkwise ${s(ourDec)}  x${(ncDec / ourDec).toFixed(2)}  same bytes: ${same}`);
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
}
