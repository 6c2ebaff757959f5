/**
 * The browser example: open a Zarr array or OME-Zarr image by URL, pick a PSF (a Gaussian
 * model or TIFF files), deconvolve the chosen volumes with Richardson-Lucy on Web Workers
 * with a progress bar, and show before/after maximum-intensity projections.
 *
 * Run: npm run example:browser (bundles this page and serves it, with the cross-origin
 * isolation headers that give workers SharedArrayBuffer, on http://127.0.0.1:8080).
 */
import { compute, fromArray, gufunc, inline, type Block, type ChunkedArray } from "chunkwise";
import { richardsonLucy } from "chunkwise/filters";
import { webWorkers, type WebWorkerHandle } from "chunkwise/web-workers";
import { fromZarr, openOmeZarr } from "chunkwise/zarr";
import { decode } from "tiff";
import { gaussianPsf, mip, parseVolumes, stackPages, toRgba, volumeIndex } from "./volumes.js";

/** The page's DOM, typed loosely: the package compiles without the DOM library. */
const doc = (globalThis as any).document;
const $ = (id: string): any => doc.getElementById(id);
declare const Worker: new (url: URL, options: { type: "module" }) => WebWorkerHandle;

let image: ChunkedArray | undefined;
let running: AbortController | undefined;

/** What the page is doing, for people (the status line) and tests (`body[data-state]`). */
function status(state: "idle" | "opening" | "running" | "done" | "error", text: string): void {
  doc.body.dataset.state = state;
  $("status").textContent = text;
}

/** Opens the URL: an OME-Zarr image (level 0) when it has multiscales metadata, else a Zarr array at `path`. */
async function open(): Promise<ChunkedArray> {
  const url = String($("url").value).trim();
  const path = String($("path").value).trim();
  status("opening", `opening ${url} ...`);
  let arr: ChunkedArray;
  let what: string;
  try {
    const ome = await openOmeZarr(url, path === "" ? {} : { path });
    arr = await ome.level(0);
    what = `OME-Zarr image${ome.name ? ` '${ome.name}'` : ""}, axes ${ome.axes.map((a) => a.name).join(",")}, level 0 of ${ome.levels.length}`;
  } catch {
    arr = await fromZarr(url, path === "" ? {} : { path });
    what = "Zarr array";
  }
  if (arr.ndim < 3) throw new Error(`the image must have at least 3 axes (z, y, x last); got shape ${JSON.stringify(arr.shape)}`);
  const count = arr.shape.slice(0, -3).reduce((a, b) => a * b, 1);
  $("info").textContent = `${what}: shape ${JSON.stringify(arr.shape)}, ${arr.dtype}; ${count} volume(s) of ${JSON.stringify(arr.shape.slice(-3))}`;
  status("idle", "opened");
  return arr;
}

async function readPsf(): Promise<Block<"float32">> {
  if (doc.querySelector("input[name=psf]:checked").value === "gaussian") {
    return gaussianPsf(String($("sigma").value).split(",").map(Number));
  }
  const files = [...($("psfFiles").files as Iterable<{ name: string; arrayBuffer(): Promise<ArrayBuffer> }>)];
  if (files.length === 0) throw new Error("choose the PSF's TIFF file(s), or pick the Gaussian model");
  files.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  const pages = [];
  for (const f of files) pages.push(...decode(await f.arrayBuffer()));
  return stackPages(pages.map((p) => ({ width: p.width, height: p.height, data: p.data as ArrayLike<number> })));
}

/** The chosen volumes, read on this thread (HTTP reads are I/O, not work for the workers), as one float32 stack. */
async function readVolumes(arr: ChunkedArray, volumes: readonly number[]): Promise<Block<"float32">> {
  const [z, y, x] = arr.shape.slice(-3) as [number, number, number];
  const n = z * y * x;
  const data = new Float32Array(volumes.length * n);
  for (const [k, v] of volumes.entries()) {
    const block = await compute(arr.index([...volumeIndex(arr.shape, v), "..."]).astype("float32"), { executor: inline({ concurrency: 8 }) });
    data.set(block.data as Float32Array, k * n);
  }
  return { dtype: "float32", data, shape: [volumes.length, z, y, x], stride: [n, y * x, x, 1], offset: 0 };
}

function draw(canvasId: string, blocks: readonly Block[]): void {
  const { width, height, rgba } = toRgba(blocks.map(mip));
  const canvas = $(canvasId);
  canvas.width = width;
  canvas.height = height;
  // Small volumes drawn at 2 or 3 screen pixels per voxel.
  canvas.style.width = `${Math.max(1, Math.min(3, Math.floor(900 / width))) * width}px`;
  const g = canvas.getContext("2d");
  const img = g.createImageData(width, height);
  img.data.set(rgba);
  g.putImageData(img, 0, 0);
}

/** One volume of a (v, z, y, x) stack, as a block of its own. */
function volumeOf(stack: Block, k: number): Block {
  const [, z, y, x] = stack.shape as [number, number, number, number];
  const n = z * y * x;
  return { dtype: stack.dtype, data: stack.data.subarray(k * n, (k + 1) * n), shape: [z, y, x], stride: [y * x, x, 1], offset: 0 } as Block;
}

async function run(): Promise<void> {
  image ??= await open();
  const count = image.shape.slice(0, -3).reduce((a, b) => a * b, 1);
  const volumes = parseVolumes(String($("volumes").value), count);
  const iterations = Number($("iterations").value);
  const workers = Number($("workers").value);
  const threads = Number($("threads").value);
  const psf = await readPsf();
  status("running", `reading ${volumes.length} volume(s) ...`);
  const stack = await readVolumes(image, volumes);
  draw("before", volumes.map((_, k) => volumeOf(stack, k)));
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const executor = webWorkers({ workers, threadsPerTask: threads, worker: () => new Worker(new URL("./worker.js", import.meta.url), { type: "module" }) });
  running = new AbortController();
  $("cancel").disabled = false;
  const started = performance.now();
  try {
    const deconvolve = gufunc("(i,j,k),(a,b,c)->(i,j,k)", richardsonLucy, { params: { iterations, clip: false, threads } });
    const [, z, y, x] = stack.shape as [number, number, number, number];
    const out = await compute(deconvolve(fromArray(stack, { chunks: [1, z, y, x] }), psf) as ChunkedArray, {
      executor,
      signal: running.signal,
      onProgress: (p) => {
        $("progress").max = p.total;
        $("progress").value = p.done;
        status("running", `deconvolving: ${p.done}/${p.total} tasks, ${(p.elapsedMs / 1000).toFixed(1)} s`);
      },
    });
    draw("after", volumes.map((_, k) => volumeOf(out, k)));
    const note = threads > 1 && !isolated ? " (page not cross-origin isolated: each volume ran on 1 thread)" : "";
    status("done", `deconvolved ${volumes.length} volume(s), ${iterations} iterations, PSF ${JSON.stringify(psf.shape)}, on ${workers} worker(s) x ${threads} thread(s) in ${((performance.now() - started) / 1000).toFixed(2)} s${note}`);
  } finally {
    running = undefined;
    $("cancel").disabled = true;
    await executor.close();
  }
}

const fail = (e: unknown): void => status("error", e instanceof Error ? `${e.name}: ${e.message}` : String(e));
$("open").addEventListener("click", () => {
  image = undefined;
  open().then((a) => (image = a), fail);
});
$("url").addEventListener("change", () => (image = undefined));
$("path").addEventListener("change", () => (image = undefined));
$("cancel").addEventListener("click", () => running?.abort(new Error("cancelled")));
$("form").addEventListener("submit", (event: { preventDefault(): void }) => {
  event.preventDefault();
  run().catch(fail);
});
// ?url=...&path=...&volumes=... fill the form (links to a dataset; the browser test uses them).
const query = new URLSearchParams(String(doc.location.search));
for (const key of ["url", "path", "volumes", "iterations", "workers", "threads", "sigma"]) {
  const v = query.get(key);
  if (v !== null) $(key).value = v;
}
status("idle", (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true ? "ready (cross-origin isolated: threads per volume available)" : "ready (not cross-origin isolated: 1 thread per volume)");
