/**
 * The objects of the demo's synthetic specimen and how they are drawn: sub-resolution beads
 * (seen in every channel, as multi-colour calibration beads are) and filaments (smooth random
 * 3-D curves, each labelled in one channel, like microtubules or actin), in micrometres.
 * Objects are drawn as small Gaussians integrated over each voxel (erf differences), so
 * sub-voxel objects keep their total brightness and do not alias. Over time the whole
 * specimen drifts, each bead diffuses a little and every channel bleaches.
 * @module
 */
import type { Rng } from "./random.js";
import { erf } from "./special.js";

/**
 * One bead: a position in micrometres (z, y, x) and a brightness per channel.
 * @example
 * ```ts
 * const bead: Bead = { position: [2, 5, 5], brightness: [1, 0.8] };
 * ```
 */
interface Bead {
  readonly position: readonly [number, number, number];
  readonly brightness: readonly number[];
}

/**
 * One filament: points along it (z, y, x triples, micrometres), its channel and brightness.
 * @example
 * ```ts
 * const f: Filament = { points: new Float64Array([2, 1, 1, 2, 1, 1.05]), channel: 0, brightness: 1 };
 * ```
 */
interface Filament {
  readonly points: Float64Array;
  readonly channel: number;
  readonly brightness: number;
}

/**
 * The specimen: its objects and, per timepoint, the drift and the beads' displacements.
 * @example
 * ```ts
 * const scene: Scene = makeScene(createRng(1), { channels: 1, timepoints: 2, extent: [8, 12, 12], beads: 5, filaments: 2 });
 * ```
 */
export interface Scene {
  readonly beads: readonly Bead[];
  readonly filaments: readonly Filament[];
  /** Drift of the whole specimen per timepoint (z, y, x), micrometres. */
  readonly drift: readonly (readonly [number, number, number])[];
  /** Per timepoint, per bead, its diffusion offset (z, y, x), micrometres. */
  readonly jitter: readonly Float64Array[];
}

/**
 * What a scene needs to know.
 * @example
 * ```ts
 * const o: SceneOptions = { channels: 2, timepoints: 3, extent: [8, 12.8, 12.8], beads: 40, filaments: 24 };
 * ```
 */
export interface SceneOptions {
  readonly channels: number;
  readonly timepoints: number;
  /** Extent of the volume (z, y, x) in micrometres. */
  readonly extent: readonly [number, number, number];
  readonly beads: number;
  readonly filaments: number;
}

/**
 * Step along a filament (micrometres): half a typical lateral voxel, so tubes look continuous.
 * @example
 * ```ts
 * const points = Math.round(10 / FILAMENT_STEP); // a 10 um filament has 200 points
 * ```
 */
export const FILAMENT_STEP = 0.05;

/**
 * Builds the random specimen; every random number comes from `rng`, in a fixed order.
 * @example
 * ```ts
 * const scene = makeScene(createRng(7), { channels: 2, timepoints: 3, extent: [8, 12.8, 12.8], beads: 40, filaments: 24 });
 * ```
 */
export function makeScene(rng: Rng, options: SceneOptions): Scene {
  const { channels, timepoints, extent } = options;
  const beads: Bead[] = [];
  for (let i = 0; i < options.beads; i++) {
    const position: [number, number, number] = [
      rng.uniform(0.1, 0.9) * extent[0], rng.uniform(0.03, 0.97) * extent[1], rng.uniform(0.03, 0.97) * extent[2],
    ];
    // Log-normal brightness (bead sizes vary), and a per-channel spectral factor.
    const base = Math.exp(rng.normal(0, 0.35));
    beads.push({ position, brightness: Array.from({ length: channels }, () => base * rng.uniform(0.6, 1.2)) });
  }
  const filaments: Filament[] = [];
  for (let i = 0; i < options.filaments; i++) {
    filaments.push({ points: randomCurve(rng, extent), channel: i % channels, brightness: rng.uniform(0.5, 1) });
  }
  const drift: [number, number, number][] = [];
  const jitter: Float64Array[] = [];
  const heading = rng.uniform(0, 2 * Math.PI);
  let d: [number, number, number] = [0, 0, 0];
  for (let t = 0; t < timepoints; t++) {
    if (t > 0) {
      d = [d[0] + rng.normal(0, 0.03), d[1] + 0.06 * Math.sin(heading) + rng.normal(0, 0.02), d[2] + 0.06 * Math.cos(heading) + rng.normal(0, 0.02)];
    }
    drift.push(d);
    const j = new Float64Array(beads.length * 3);
    const prev = jitter[t - 1];
    for (let k = 0; k < j.length; k++) j[k] = t === 0 ? 0 : prev![k]! + rng.normal(0, 0.04);
    jitter.push(j);
  }
  return { beads, filaments, drift, jitter };
}

/**
 * A smooth random curve: a random walk with momentum (the heading turns a little each step,
 * more slowly along z so filaments lie mostly in the sample plane). Near the top and bottom of
 * the specimen (10% and 90% of z) the heading is steered back gently; laterally the curve
 * simply ends where it leaves the field of view, as filaments in real data do.
 */
function randomCurve(rng: Rng, extent: readonly [number, number, number]): Float64Array {
  const length = rng.uniform(0.35, 0.9) * Math.hypot(extent[1], extent[2]);
  const steps = Math.max(2, Math.round(length / FILAMENT_STEP));
  const p = [rng.uniform(0.25, 0.75) * extent[0], rng.uniform(0, 1) * extent[1], rng.uniform(0, 1) * extent[2]];
  let dir = normalise([rng.normal(0, 0.25), rng.normal(), rng.normal()]);
  const turn = rng.uniform(0.02, 0.07);
  const zLow = 0.1 * extent[0];
  const zHigh = 0.9 * extent[0];
  const points: number[] = [];
  for (let s = 0; s < steps; s++) {
    const zPull = p[0]! < zLow + 0.1 * extent[0] ? 0.05 : p[0]! > zHigh - 0.1 * extent[0] ? -0.05 : 0;
    dir = normalise([dir[0]! + zPull + rng.normal(0, turn * 0.5), dir[1]! + rng.normal(0, turn), dir[2]! + rng.normal(0, turn)]);
    for (let ax = 0; ax < 3; ax++) p[ax] = p[ax]! + FILAMENT_STEP * dir[ax]!;
    if (p[0]! < zLow || p[0]! > zHigh) {
      dir[0] = -dir[0]!;
      p[0] = Math.min(zHigh, Math.max(zLow, p[0]!));
    }
    if (p[1]! < 0 || p[1]! > extent[1] || p[2]! < 0 || p[2]! > extent[2]) break;
    points.push(p[0]!, p[1]!, p[2]!);
  }
  return Float64Array.from(points);
}

function normalise(v: number[]): number[] {
  const n = Math.hypot(v[0]!, v[1]!, v[2]!) || 1;
  return [v[0]! / n, v[1]! / n, v[2]! / n];
}

/**
 * Adds a Gaussian of standard deviation `sigma` (micrometres, isotropic) and total
 * `amount`, centred at `pos` (micrometres), integrated over each voxel, into `volume`.
 * @example
 * ```ts
 * const v = new Float32Array(8 * 16 * 16);
 * splat(v, [8, 16, 16], [0.25, 0.1, 0.1], [1, 0.8, 0.8], 0.06, 100); // v sums to ~100
 * ```
 */
export function splat(
  volume: Float32Array, shape: readonly number[], voxelSize: readonly number[],
  pos: readonly number[], sigma: number, amount: number,
): void {
  const weights: { start: number; w: Float64Array }[] = [];
  for (let ax = 0; ax < 3; ax++) {
    const h = voxelSize[ax]!;
    const c = pos[ax]! / h - 0.5; // voxel i covers [i h, (i + 1) h): its centre is (i + 0.5) h
    const s = sigma / h;
    const r = Math.ceil(3.5 * s + 0.5);
    const start = Math.max(0, Math.floor(c) - r);
    const stop = Math.min(shape[ax]! - 1, Math.ceil(c) + r);
    if (stop < start) return;
    const w = new Float64Array(stop - start + 1);
    const k = 1 / (Math.SQRT2 * s);
    for (let i = start; i <= stop; i++) w[i - start] = 0.5 * (erf((i + 0.5 - c) * k) - erf((i - 0.5 - c) * k));
    weights.push({ start, w });
  }
  const [wz, wy, wx] = weights as [typeof weights[0], typeof weights[0], typeof weights[0]];
  const ny = shape[1]!;
  const nx = shape[2]!;
  for (let z = 0; z < wz.w.length; z++) {
    const az = amount * wz.w[z]!;
    for (let y = 0; y < wy.w.length; y++) {
      const ay = az * wy.w[y]!;
      const row = ((wz.start + z) * ny + wy.start + y) * nx + wx.start;
      for (let x = 0; x < wx.w.length; x++) volume[row + x]! += ay * wx.w[x]!;
    }
  }
}

/**
 * Draws channel `c` at timepoint `t` of the scene into a fresh (z, y, x) volume.
 * @example
 * ```ts
 * const v = renderFrame(scene, 0, 1, [32, 128, 128], [0.25, 0.1, 0.1], { beadSigma: 0.06, filamentSigma: 0.05, filamentDensity: 2.5, bleach: 0.96 });
 * ```
 */
export function renderFrame(
  scene: Scene, c: number, t: number, shape: readonly number[], voxelSize: readonly number[],
  look: { readonly beadSigma: number; readonly filamentSigma: number; readonly filamentDensity: number; readonly bleach: number },
): Float32Array {
  const volume = new Float32Array(shape[0]! * shape[1]! * shape[2]!);
  const d = scene.drift[t]!;
  const j = scene.jitter[t]!;
  const fade = look.bleach ** t;
  scene.beads.forEach((bead, b) => {
    const pos = [0, 1, 2].map((ax) => bead.position[ax]! + d[ax]! + j[b * 3 + ax]!);
    splat(volume, shape, voxelSize, pos, look.beadSigma, fade * bead.brightness[c]!);
  });
  const perPoint = fade * look.filamentDensity * FILAMENT_STEP;
  const pos = [0, 0, 0];
  for (const f of scene.filaments) {
    if (f.channel !== c) continue;
    for (let p = 0; p < f.points.length; p += 3) {
      for (let ax = 0; ax < 3; ax++) pos[ax] = f.points[p + ax]! + d[ax]!;
      splat(volume, shape, voxelSize, pos, look.filamentSigma, perPoint * f.brightness);
    }
  }
  return volume;
}
