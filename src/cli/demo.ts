/**
 * `chunkwise demo`: the whole job on synthetic data with a known answer. Makes a light-sheet
 * dataset (beads and filaments, blurred by each channel's PSF, Poisson and read noise;
 * deterministic from the seed) as a 5-D uint16 Zarr array and measured-looking PSFs as TIFF
 * files, runs `deconvolve` on them exactly as a user would, and draws before/after pictures
 * and the error against the ground truth per iteration.
 * @module
 */
import { mkdir, readdir, rm } from "node:fs/promises";
import { join, resolve as resolvePath } from "node:path";
import { fromArray, index, subtract, maximum, astypeBlock, type Block } from "../index.js";
import { syntheticStack, type SyntheticOptions, type SyntheticStack } from "./demo-data/index.js";
import { imwrite } from "../io/tiff/index.js";
import { fromOmeZarr, toZarr } from "../io/zarr/index.js";
import { runDeconvolve } from "./deconvolve-run.js";
import { EXECUTOR_OPTIONS, Printer, choiceOption, executorChoice, numberOption, positionalArgs, stringOption } from "./job-args.js";
import type { DeconvolveJob } from "./job-plan.js";
import { errorCurve, volumeOf, writeDemoPictures } from "./job-pictures.js";
import { formatSeconds } from "./job-report.js";
import { checkWritable } from "./job-safety.js";
import type { Command } from "./command.js";

const NAME = "demo";

/** The demo's sizes: the presets of syntheticStack, and "tiny" for tests. */
/** The demo's dataset sizes. */
export type DemoSize = "tiny" | "small" | "medium";

const SIZES: Record<DemoSize, { options: SyntheticOptions; iterations: number; zoom: number }> = {
  tiny: { options: { channels: 2, timepoints: 1, shape: [16, 48, 48], psfShape: [9, 15, 15], beads: 8, filaments: 6 }, iterations: 5, zoom: 4 },
  small: { options: { size: "small" }, iterations: 40, zoom: 2 },
  medium: { options: { size: "medium" }, iterations: 20, zoom: 1 },
};

const HELP = `Usage: chunkwise demo [--size small|medium|tiny] [--out DIR] [options]

Makes a synthetic light-sheet dataset with a known ground truth (beads and filaments, two
channels, blurred by each channel's PSF, with Poisson and camera noise; the same every time
for a given --seed) and deconvolves it with 'chunkwise deconvolve':

  DIR/demo.zarr        data (c, t, z, y, x) uint16, the recording; truth (float32)
  DIR/deconvolved.ome.zarr
                       the result (float32) as an OME-Zarr image (NGFF 0.4): axes t, c,
                       z, y, x with voxel sizes in micrometres, plus a pyramid of 2x block
                       means; open it with: napari --plugin napari-ome-zarr DIR/deconvolved.ome.zarr
  DIR/psfs/psf_<c>.tif measured-looking PSFs (uint16 with background and noise)
  DIR/pictures/        mip-before.png, mip-after.png, mip-compare.png (recorded |
                       deconvolved | truth, top view), mip-compare-side.png (x-z view),
                       error-per-iteration.svg and .png

Options:
  --size S          small (default: (2, 3, 32, 128, 128), about 20 s on 2 cores), medium
                    ((2, 4, 48, 256, 256), about 2 min), or tiny (for tests)
  --out DIR         where everything goes (default: chunkwise-demo)
  --iterations N    Richardson-Lucy iterations (default: 40 small, 20 medium, 5 tiny)
  --seed N          the dataset's seed (default 1)
  --executor E      inline, threads (default) or distributed, as for deconvolve
  --workers N       threads (default: one per core)
  --redis URL       Redis for --executor distributed
  --redis-ca FILE, --redis-cert FILE, --redis-key FILE
                    TLS for a rediss:// Redis, as chunkwise deconvolve's
  --scratch DIR     shared scratch directory for distributed
  --queue NAME      queue name for distributed (default chunkwise)
  --task-key-file FILE
                    secret that signs every task, the workers' --task-key-file
                    (default: the CHUNKWISE_TASK_KEY variable)
  --insecure        send tasks unsigned, for workers started with --insecure
  --json            JSON lines on stdout (deconvolve's plan, progress and result, then the
                    demo's; an error is an "error" event there too)
  --verbose         stack traces with errors
  -h, --help        show this help

Exit codes: 0 done; 1 failed; 2 bad arguments.
`;

/** What {@link writeDemoData} wrote. */
export interface DemoData {
  readonly data: SyntheticStack;
  /** DIR/demo.zarr, holding `data` (uint16) and `truth` (float32). */
  readonly store: string;
  /** The glob of the PSF files, DIR/psfs/psf_*.tif. */
  readonly psfPattern: string;
}

/**
 * Makes the synthetic dataset and writes it as a microscope would leave it: `DIR/demo.zarr`
 * (`data`, uint16 (c, t, z, y, x) in one-volume chunks, and `truth`) and one PSF TIFF per
 * channel in `DIR/psfs`. Replaces an earlier demo's files.
 * @example const { store, psfPattern } = await writeDemoData("demo", "tiny", 1);
 */
export async function writeDemoData(dir: string, size: DemoSize, seed: number): Promise<DemoData> {
  const data = syntheticStack({ ...SIZES[size].options, seed });
  const store = join(dir, "demo.zarr");
  const psfDir = join(dir, "psfs");
  await mkdir(psfDir, { recursive: true });
  const [channels, , nz, ny, nx] = data.noisy.shape as [number, number, number, number, number];
  const chunks = [1, 1, nz, ny, nx];
  const attributes = { demo: { seed, size, background: data.background, voxelSize: data.voxelSize, wavelengths: data.wavelengths } };
  await toZarr(fromArray(data.noisy, { chunks }), store, { path: "data", overwrite: true, attributes });
  await toZarr(fromArray(data.truth, { chunks }), store, { path: "truth", overwrite: true });
  for (const f of await readdir(psfDir)) if (/^psf_\d+\.tif$/.test(f)) await rm(join(psfDir, f));
  for (let c = 0; c < channels; c++) await imwrite(join(psfDir, `psf_${c}.tif`), index(data.measuredPsfs, [c]));
  return { data, store, psfPattern: join(psfDir, "psf_*.tif") };
}

/** The `demo` command. */
export const demoCommand: Command = {
  name: NAME,
  summary: "make a synthetic light-sheet dataset, deconvolve it, and draw before/after pictures",
  help: HELP,
  options: { size: { type: "string" }, out: { type: "string" }, iterations: { type: "string" }, seed: { type: "string" }, json: { type: "boolean" }, ...EXECUTOR_OPTIONS },
  async run(values, positionals, io) {
    positionalArgs(NAME, positionals, []);
    const json = values.json === true;
    const out = new Printer(io, json);
    const size = choiceOption(NAME, values, "size", ["small", "medium", "tiny"] as const, "small");
    const preset = SIZES[size];
    const iterations = numberOption(NAME, values, "iterations", { min: 1, max: 10000, integer: true, example: "20" }) ?? preset.iterations;
    const seed = numberOption(NAME, values, "seed", { min: 0, max: 2 ** 31, integer: true, example: "1" }) ?? 1;
    const executor = executorChoice(NAME, values);
    const dir = resolvePath(stringOption(values, "out", "chunkwise-demo"));
    await checkWritable(NAME, "--out", dir, "chunkwise-demo");
    const t0 = performance.now();

    // 1. The dataset, as a microscope would leave it: a Zarr array and PSF files.
    out.text(`chunkwise demo: making the ${size} synthetic light-sheet dataset (seed ${seed}) in ${dir}`);
    const { data, store, psfPattern } = await writeDemoData(dir, size, seed);
    const pictures = join(dir, "pictures");
    await mkdir(pictures, { recursive: true });
    out.text(`  ${store} (data ${data.noisy.dtype} (${data.noisy.shape.join(", ")}), truth), ${data.psfs.shape[0]} PSF files ${psfPattern}\n`);

    // 2. Deconvolve it exactly as a user would.
    const result3 = join(dir, "deconvolved.ome.zarr");
    const job: DeconvolveJob = {
      input: store, path: "data", out: result3, outPath: "", omeZarr: { format: 2, voxelSize: data.voxelSize },
      psf: { kind: "tiff", pattern: psfPattern }, psfBackground: "auto",
      rl: { iterations, init: "image", boundary: "neumann", clip: false, filterEpsilon: 1e-5 },
      background: data.background, overwrite: true, resume: false, executor,
    };
    const workers = executor.kind === "inline" ? "--executor inline" : `--executor ${executor.kind} --workers ${executor.workers}`;
    out.text(`running: chunkwise deconvolve ${store} --path data --psf "${job.psf.kind === "tiff" ? job.psf.pattern : ""}" --out ${result3} --ome-zarr --iterations ${iterations} --background ${data.background} --overwrite ${workers}\n`);
    const outcome = await runDeconvolve(job, io, json);
    if (outcome.code !== 0) return outcome.code;

    // 3. Pictures of channel 0 at t = 0, and the error per iteration on that volume.
    // The OME-Zarr result is (t, c, z, y, x); channel 0 at t = 0 is the same element either way.
    const first = { start: 0, stop: 1 };
    const result = await (await fromOmeZarr(result3)).index([first, first]).compute();
    const recordedCounts = volumeOf(data.noisy, 0, 0);
    const recorded = astypeBlock(maximum(subtract(astypeBlock(recordedCounts, "float32"), data.background), 0) as Block, "float32") as Block<"float32">;
    const psfs = await outcome.plan.psf.array.compute();
    const volumes = {
      recorded,
      deconvolved: volumeOf(result, 0, 0),
      truth: volumeOf(data.truth, 0, 0),
      blurred: volumeOf(data.blurred, 0, 0),
      psf: volumeOf(psfs, 0, 0),
    };
    const curve = errorCurve(volumes, job.rl);
    const files = await writeDemoPictures(pictures, volumes, curve, preset.zoom, Math.max(1, Math.round(data.voxelSize[0]! / data.voxelSize[2]!)));
    const seconds = (performance.now() - t0) / 1000;
    const last = curve.errors[curve.errors.length - 1]!;
    out.text([
      `error against the ground truth (channel 0, t = 0; relative RMS): recorded ${curve.errors[0]!.toFixed(3)} -> deconvolved ${last.toFixed(3)} after ${iterations} iterations (${(100 * (1 - last / curve.errors[0]!)).toFixed(0)}% lower; the noise-free blurred volume: ${curve.blurredError.toFixed(3)}); Biggs-Andrews accelerated (--acceleration biggs), the same iterations: ${curve.acceleratedErrors[curve.acceleratedErrors.length - 1]!.toFixed(3)}`,
      `pictures in ${pictures}:`,
      ...files.map((f) => `  ${f}`),
      `demo finished in ${formatSeconds(seconds)}. Next: chunkwise info ${result3}, or view it: napari --plugin napari-ome-zarr ${result3}`,
      "",
    ].join("\n"));
    out.event("demo", { dir, store, result: result3, psfs: psfPattern, pictures: files, iterations, errors: curve.errors, acceleratedErrors: curve.acceleratedErrors, blurredError: curve.blurredError, seconds });
    return 0;
  },
};
