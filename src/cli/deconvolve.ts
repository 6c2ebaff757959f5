/**
 * `chunkwise deconvolve`: the blog's workflow (Dask + ITK, 2019) as one command. Reads a
 * (c, t, z, y, x) Zarr array and a PSF, deconvolves every (z, y, x) volume with
 * Richardson-Lucy through the gufunc `"(i,j,k),(a,b,c)->(i,j,k)"` on the chosen executor,
 * and streams the float32 result into a Zarr array. Every input is checked and the plan
 * printed before any work starts; a bad input is exit code 2 with nothing written.
 * @module
 */
import { parseCompressor } from "./job-compressor.js";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { arrayPathOption } from "./job-safety.js";
import {
  EXECUTOR_OPTIONS,
  choiceOption,
  executorChoice,
  decimal,
  numberList,
  numberOption,
  positionalArgs,
  stringOption,
  type Values,
} from "./job-args.js";
import type { DeconvolveJob } from "./job-plan.js";
import type { PsfBackground, PsfSource } from "./job-psf.js";
import { runDeconvolve } from "./deconvolve-run.js";
import { UsageError, type Command } from "./command.js";

const NAME = "deconvolve";

const HELP = `Usage: chunkwise deconvolve <input.zarr> --psf PSF [options]

Richardson-Lucy deconvolution of every (z, y, x) volume of a Zarr array (e.g. channel, time,
z, y, x), written as a float32 Zarr array. The blog's Dask + ITK workflow: ITK's filter
defaults (estimate starts from the image, zero-flux Neumann boundary, no clipping).
Everything is checked and the plan printed before any work starts.

Input and output:
  <input.zarr>              Zarr store (v2 or v3) holding the image, any integer or float dtype;
                            or an OME-Zarr image (NGFF 0.4/0.5): its full-resolution level is
                            read, its axes tell channel, time and space (no --path needed)
  --path P                  the image's array (or OME-Zarr image group) inside the store
                            (default: the store root)
  --out STORE               where the result goes (default: the input store)
  --out-path P              the result's path inside --out (default: deconvolved; with
                            --ome-zarr and --out: the store root)
  --ome-zarr                write the result as an OME-Zarr image: full resolution plus a
                            pyramid of 2x block means, with the input's axes, units and
                            voxel sizes when it is OME-Zarr; opens in napari, neuroglancer
  --zarr-format F           2 (default; OME-Zarr NGFF 0.4) or 3 (NGFF 0.5)
  --compressor C            the result's compressor: blosc-lz4 (default: lz4, clevel 5,
                            shuffle, as zarr-python), blosc-zstd, zstd, gzip, zlib and lz4
                            (format 2 only) or none; a level after a colon: zstd:3, blosc-lz4:9.
                            --resume keeps the existing output's compressor
  --overwrite               replace an array already at the output path
  --resume                  finish an interrupted run: keep the chunks already written

PSF (one of --psf and --psf-model):
  --psf GLOB                TIFF files, one per channel in natural order; quote the glob:
                            --psf "psfs/*.tif". A 3-D PSF serves every volume; one per
                            channel gets a size-1 time axis, as psf[:, None, ...]
  --psf STORE --psf-path P  a Zarr array: (z, y, x), (c, z, y, x) or the image's rank
  --psf-background B        subtract from a measured PSF: auto (default: the median of its
                            outer voxels), none, or a count
  --psf-model gaussian      --sigma z,y,x (voxels), [--psf-shape z,y,x] (default 6 sigma, odd)
  --psf-model light-sheet   --wavelength UM --na NA --voxel-size z,y,x (um) [--sheet-sigma UM
                            (default 0.4)] [--refractive-index N (default 1.33)]
                            [--psf-shape z,y,x (default 17,31,31)]
  Every PSF is made float32 and normalised to sum 1.

Deconvolution:
  --iterations N            Richardson-Lucy iterations (default 10)
  --background N            counts subtracted from the image first (camera offset), clamped
                            at 0 (default 0)
  --boundary B              neumann (default, ITK) or zero (scikit-image)
  --init I                  image (default, ITK), constant (0.5, scikit-image), or a number
  --clip                    clip the result to [-1, 1] (scikit-image's default; off here and
                            in the library, which keeps camera counts)
  --filter-epsilon E        ratio 0 where the blurred estimate is below E (default 1e-5, ITK;
                            0 for none)
  --acceleration A          none (default, ITK's plain iterations) or biggs (Biggs-Andrews
                            extrapolation as MATLAB's deconvlucy: the same error in about half
                            the iterations; pass fewer --iterations with it)
  --tolerance T             stop a volume early once the estimate's relative change per
                            iteration is at most T (e.g. 1e-3); --iterations is then the maximum
  --damping D               MATLAB deconvlucy's DAMPAR in counts (default 0: none): updates are
                            suppressed where the blurred estimate fits the image to within D
  --tv LAMBDA               total-variation regularisation (Dey et al. 2006; default 0: none):
                            smooths noise, keeps edges; 1e-4 to 1e-2, below 0.16
  --stop-on M               what --tolerance bounds: change (default, the estimate's relative
                            change) or divergence (the relative decrease of the I-divergence
                            of the blurred estimate against the image)
  --threads-per-volume N    threads sharing each volume's transforms, 1 to 8, or auto
                            (default: the cores left over when fewer volumes than workers
                            run at once, e.g. 2 for one volume on 2 cores; 1 distributed)

Running:
  --executor E              inline (this thread), threads (default), or distributed (BullMQ
                            on Redis; start 'chunkwise worker' processes)
  --workers N               threads (default: one per core), or tasks in flight (distributed)
  --redis URL               Redis for --executor distributed (or CHUNKWISE_REDIS_URL)
  --redis-ca FILE           PEM certificate of the CA that signed Redis' TLS certificate, when
                            it is not a public one (rediss:// only)
  --redis-cert FILE         PEM client certificate, for a Redis that requires one
                            (tls-auth-clients yes; rediss:// only); needs --redis-key
  --redis-key FILE          unencrypted PEM private key of --redis-cert (never printed)
  --scratch DIR             shared scratch directory for distributed (the workers' --scratch)
  --queue NAME              queue name for distributed (the workers' --queue; default chunkwise)
  --task-key-file FILE      secret that signs every task for distributed: the workers'
                            --task-key-file (default: the CHUNKWISE_TASK_KEY variable)
  --insecure                send tasks unsigned, for workers started with --insecure
  --json                    print the plan, progress, result and errors as JSON lines on stdout
  --verbose                 stack traces with errors
  -h, --help                show this help

Exit codes: 0 done; 1 failed while running (re-run with --resume to keep finished chunks);
2 bad arguments or inputs (nothing written); 130 interrupted by Ctrl-C (SIGINT), 143 by SIGTERM
(re-run with --resume). One run writes an output at a time (a lease file in it); --resume
continues only the same computation (input, PSF, options and chunkwise version recorded in the
output's attributes). See docs/cli.md.

Examples:
  chunkwise deconvolve data.zarr --path data --psf "psfs/*.tif" --out data.zarr \\
    --out-path deconvolved --iterations 10
  chunkwise deconvolve data.zarr --path data --psf-model gaussian --sigma 2,1.2,1.2 \\
    --out result.zarr --executor inline
`;

const OPTIONS = {
  path: { type: "string" },
  out: { type: "string" },
  "out-path": { type: "string" },
  overwrite: { type: "boolean" },
  resume: { type: "boolean" },
  "ome-zarr": { type: "boolean" },
  "zarr-format": { type: "string" },
  compressor: { type: "string" },
  psf: { type: "string" },
  "psf-path": { type: "string" },
  "psf-background": { type: "string" },
  "psf-model": { type: "string" },
  "psf-shape": { type: "string" },
  sigma: { type: "string" },
  wavelength: { type: "string" },
  na: { type: "string" },
  "voxel-size": { type: "string" },
  "sheet-sigma": { type: "string" },
  "refractive-index": { type: "string" },
  iterations: { type: "string" },
  background: { type: "string" },
  boundary: { type: "string" },
  init: { type: "string" },
  clip: { type: "boolean" },
  "filter-epsilon": { type: "string" },
  acceleration: { type: "string" },
  tolerance: { type: "string" },
  "stop-on": { type: "string" },
  damping: { type: "string" },
  tv: { type: "string" },
  "threads-per-volume": { type: "string" },
  json: { type: "boolean" },
  ...EXECUTOR_OPTIONS,
} as const;

/** Is `path` a Zarr store or node (a directory with Zarr metadata, or named *.zarr)? */
async function looksLikeZarr(path: string): Promise<boolean> {
  if (/\.zarr\/?$/i.test(path)) return true;
  const s = await stat(path).catch(() => undefined);
  if (s?.isDirectory() !== true) return false;
  for (const f of [".zarray", ".zgroup", "zarr.json"]) if ((await stat(join(path, f)).catch(() => undefined)) !== undefined) return true;
  return false;
}

async function psfSource(values: Values): Promise<PsfSource> {
  const psf = stringOption(values, "psf");
  const model = values["psf-model"] === undefined ? undefined : choiceOption(NAME, values, "psf-model", ["gaussian", "light-sheet"] as const, "gaussian");
  if ((psf === undefined) === (model === undefined)) {
    throw new UsageError(`${NAME}: exactly one of --psf and --psf-model must be given; got ${psf === undefined ? "neither" : "both"}. Pass --psf "psfs/*.tif" or --psf-model gaussian --sigma 2,1.2,1.2`);
  }
  const modelOnly = ["sigma", "wavelength", "na", "voxel-size", "sheet-sigma", "refractive-index", "psf-shape"].filter((k) => values[k] !== undefined);
  if (psf !== undefined) {
    if (modelOnly.length > 0) throw new UsageError(`${NAME}: --${modelOnly[0]} must come with --psf-model; got it with --psf. Drop it, or use --psf-model instead of --psf`);
    const psfPath = stringOption(values, "psf-path");
    if (psfPath !== undefined || (await looksLikeZarr(psf))) return { kind: "zarr", store: psf, path: psfPath ?? "" };
    return { kind: "tiff", pattern: psf };
  }
  if (values["psf-path"] !== undefined || values["psf-background"] !== undefined) {
    throw new UsageError(`${NAME}: --${values["psf-path"] !== undefined ? "psf-path" : "psf-background"} must come with --psf; got it with --psf-model. Drop it: model PSFs have no background`);
  }
  if (model === "gaussian") {
    const sigma = numberList(NAME, values, "sigma", 3, { example: "2,1.2,1.2" });
    if (sigma === undefined) throw new UsageError(`${NAME}: --sigma must be given with --psf-model gaussian; got nothing. Pass --sigma z,y,x in voxels, e.g. --sigma 2,1.2,1.2`);
    const shape = numberList(NAME, values, "psf-shape", 3, { integer: true, odd: true, example: "17,31,31" }) ?? sigma.map((s) => 2 * Math.ceil(3 * s) + 1);
    return { kind: "gaussian", sigma, shape };
  }
  const need = (name: string, rule: Parameters<typeof numberOption>[3]): number => {
    const v = numberOption(NAME, values, name, rule);
    if (v === undefined) throw new UsageError(`${NAME}: --${name} must be given with --psf-model light-sheet; got nothing. Pass e.g. --${name} ${rule.example}`);
    return v;
  };
  const wavelength = need("wavelength", { min: 0.05, max: 5, example: "0.52" });
  const na = need("na", { min: 0.01, max: 1.7, example: "0.8" });
  const voxelSize = numberList(NAME, values, "voxel-size", 3, { example: "0.25,0.1,0.1" });
  if (voxelSize === undefined) throw new UsageError(`${NAME}: --voxel-size must be given with --psf-model light-sheet; got nothing. Pass z,y,x in micrometres, e.g. --voxel-size 0.25,0.1,0.1`);
  return {
    kind: "light-sheet",
    wavelength,
    na,
    voxelSize,
    sheetSigma: numberOption(NAME, values, "sheet-sigma", { min: 0.001, example: "0.4" }) ?? 0.4,
    refractiveIndex: numberOption(NAME, values, "refractive-index", { min: 1, max: 3, example: "1.33" }) ?? 1.33,
    shape: numberList(NAME, values, "psf-shape", 3, { integer: true, odd: true, example: "17,31,31" }) ?? [17, 31, 31],
  };
}

/**
 * Reads the command line of `deconvolve` into a job (no file is touched).
 * @throws {UsageError} for a missing or bad option
 * @example const job = await parseDeconvolve({ psf: "psfs/*.tif" }, ["data.zarr"]);
 */
async function parseDeconvolve(values: Values, positionals: readonly string[]): Promise<DeconvolveJob> {
  const [input] = positionalArgs(NAME, positionals, ["<input.zarr>"]) as [string];
  const initText = stringOption(values, "init", "image");
  const initNumber = decimal(initText);
  if (initText !== "image" && initText !== "constant" && !(initText !== "" && Number.isFinite(initNumber) && initNumber > 0)) {
    throw new UsageError(`${NAME}: --init must be image, constant or a positive number; got ${JSON.stringify(initText)}. Pass --init image (ITK) or --init constant (scikit-image)`);
  }
  const bgText = stringOption(values, "psf-background", "auto");
  const bgNumber = decimal(bgText);
  if (bgText !== "auto" && bgText !== "none" && !(bgText !== "" && Number.isFinite(bgNumber) && bgNumber >= 0)) {
    throw new UsageError(`${NAME}: --psf-background must be auto, none or a count >= 0; got ${JSON.stringify(bgText)}. Pass e.g. --psf-background 100`);
  }
  const fe = numberOption(NAME, values, "filter-epsilon", { min: 0, example: "1e-5" }) ?? 1e-5;
  const acceleration = choiceOption(NAME, values, "acceleration", ["none", "biggs"] as const, "none");
  const tolerance = numberOption(NAME, values, "tolerance", { min: 0, example: "1e-3" });
  const stopOn = choiceOption(NAME, values, "stop-on", ["change", "divergence"] as const, "change");
  const damping = numberOption(NAME, values, "damping", { min: 0, example: "4.5" }) ?? 0;
  // Below 1 / 6, the kernel's bound for 3-D volumes (the estimate stays non-negative).
  const tv = numberOption(NAME, values, "tv", { min: 0, max: 0.16, example: "0.002" }) ?? 0;
  const format = Number(choiceOption(NAME, values, "zarr-format", ["2", "3"] as const, "2")) as 2 | 3;
  const ome = values["ome-zarr"] === true;
  const compressor = parseCompressor(stringOption(values, "compressor"), format);
  return {
    input,
    path: arrayPathOption(values, "path", ""),
    psf: await psfSource(values),
    psfBackground: (bgText === "auto" || bgText === "none" ? bgText : bgNumber) as PsfBackground,
    out: stringOption(values, "out", input),
    outPath: arrayPathOption(values, "out-path", ome && values.out !== undefined ? "" : "deconvolved"),
    ...(ome ? { omeZarr: { format } } : { format }),
    ...(compressor === undefined ? {} : { compressor }),
    rl: {
      iterations: numberOption(NAME, values, "iterations", { min: 1, max: 100000, integer: true, example: "10" }) ?? 10,
      init: initText === "image" || initText === "constant" ? initText : initNumber,
      boundary: choiceOption(NAME, values, "boundary", ["neumann", "zero"] as const, "neumann"),
      clip: values.clip === true,
      filterEpsilon: fe === 0 ? null : fe,
      // Only when asked: plans, reports and output attributes of plain runs stay as they were.
      ...(acceleration === "none" ? {} : { acceleration }),
      ...(tolerance === undefined || tolerance === 0 ? {} : { tolerance }),
      ...(stopOn === "change" ? {} : { stopOn }),
      ...(damping === 0 ? {} : { damping }),
      ...(tv === 0 ? {} : { tv }),
      threads: values["threads-per-volume"] === "auto" || values["threads-per-volume"] === undefined
        ? "auto"
        : numberOption(NAME, values, "threads-per-volume", { min: 1, max: 8, integer: true, example: "2" })!,
    },
    background: numberOption(NAME, values, "background", { min: 0, example: "100" }) ?? 0,
    overwrite: values.overwrite === true,
    resume: values.resume === true,
    executor: executorChoice(NAME, values),
  };
}

/** The `deconvolve` command. */
export const deconvolveCommand: Command = {
  name: NAME,
  summary: "Richardson-Lucy deconvolution of a Zarr image stack (the Dask + ITK blog's workflow)",
  help: HELP,
  options: OPTIONS,
  async run(values, positionals, io) {
    const job = await parseDeconvolve(values, positionals);
    return (await runDeconvolve(job, io, values.json === true)).code;
  },
};
