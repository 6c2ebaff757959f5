/**
 * The image Richardson-Lucy's resident engine divides by, streamed instead of copied whole
 * into wasm memory: the caller's array (any numeric dtype, C order) stays the only whole copy.
 * The divide fused into the inverse's last pass reads the image through a row table (the byte
 * address of the image row each padded row replicates) and a column map; that pass runs in
 * slabs of padded first-axis planes (`ResidentRfftn.inverse`'s `slabs`), and before each slab
 * the calling thread copies the image planes it needs (for "neumann" the padded planes'
 * clamped planes, a contiguous range) into a staging area of a few planes, converting the
 * dtype as it copies (`TypedArray.prototype.set`: float32(x) for uint16, as a whole float copy
 * gave), and points the slab's rows at it. When the staging area holds the whole image (a
 * first axis of at most {@link STAGE_PLANES} planes, or one axis) it is staged once.
 * @module
 */
import type { AnyTypedArray } from "../core/dtype.js";
import { sizeOf } from "../core/ndarray.js";
import type { ResidentRfftn } from "../fft/internal.js";
import { clampMap } from "./neumann-padding.js";

/**
 * Image planes (along the first axis) the staging area holds: the slab of padded planes the
 * divide's pass runs at once. Measured at the blog's 201x1024x768 chunk: see docs/deconvolution.md.
 */
export const STAGE_PLANES = 16;

/** Scalars of the staging area for an image of shape `n` staged `planes` planes at a time (the whole row for one axis). */
function stageScalars(n: readonly number[], planes: number = STAGE_PLANES): number {
  return n.length === 1 ? n[0]! : Math.min(Math.max(1, planes), n[0]!) * sizeOf(n.slice(1));
}

/** Bytes taken with `allocBytes` for the image: the staging area, the row table and the column map, each 64-byte aligned. */
export function stagedImageBytes(n: readonly number[], p: readonly number[], E: number, planes: number = STAGE_PLANES): number {
  const align = (b: number): number => Math.ceil(b / 64) * 64;
  return align(stageScalars(n, planes) * E) + align((sizeOf(p) / p[p.length - 1]!) * 4) + align(p[p.length - 1]! * 4);
}

/** The image, its maps from the padded domain, and its staging area in the engine's memory. */
export class StagedImage {
  /** The image's start in the padded domain ("neumann": centred; "zero": the origin). */
  readonly lo: number[];
  /** For each padded position along each axis, the image index it replicates. */
  readonly maps: Int32Array[];
  /** The row table's and the column map's byte addresses (the fused divide's `divideImage`). */
  readonly rowsAt: number;
  readonly xmapAt: number;
  private readonly stageAt: number;
  private readonly stagePlanes: number;
  private readonly E: number;
  /** Scalars per image plane (the whole image for one axis), padded rows per padded plane. */
  private readonly plane: number;
  private readonly rowsPerPlane: number;
  /** The offset in an image plane of the row each padded in-plane row replicates. */
  private readonly inner: Int32Array;
  /** Whether the staging area holds the whole image (staged once). */
  readonly whole: boolean;

  /**
   * Takes the engine's memory for the staging area and the maps ({@link stagedImageBytes}).
   * @param img - the caller's image, C order, of shape `n`
   */
  constructor(private readonly fft: ResidentRfftn, private readonly img: AnyTypedArray, private readonly n: readonly number[], neumann: boolean, planes: number = STAGE_PLANES) {
    const p = fft.shape, nd = p.length;
    this.E = fft.dtype === "float32" ? 4 : 8;
    this.lo = p.map((d, i) => (neumann ? Math.floor((d - n[i]!) / 2) : 0));
    this.maps = p.map((d, i) => clampMap(d, n[i]!, this.lo[i]!));
    const len = p[nd - 1]!;
    const rowCount = sizeOf(p) / len;
    const scalars = stageScalars(n, planes);
    this.stageAt = fft.allocBytes(scalars * this.E);
    this.rowsAt = fft.allocBytes(rowCount * 4);
    this.xmapAt = fft.allocBytes(len * 4);
    new Int32Array(fft.buffer, this.xmapAt, len).set(this.maps[nd - 1]!);
    this.plane = nd === 1 ? n[0]! : sizeOf(n.slice(1));
    this.stagePlanes = scalars / this.plane;
    this.rowsPerPlane = nd === 1 ? 1 : rowCount / p[0]!;
    this.inner = innerRows(p, n, this.maps);
    this.whole = nd === 1 || this.stagePlanes >= n[0]!;
    if (this.whole) this.stage(0, nd === 1 ? 1 : p[0]!);
  }

  /** The column map (padded column to image column). */
  get xmap(): Int32Array {
    return this.maps[this.maps.length - 1]!;
  }

  /** The image plane padded plane `q` replicates (0 for one axis). */
  private planeOf(q: number): number {
    return this.n.length === 1 ? 0 : this.maps[0]![q]!;
  }

  /** The start, in the caller's array, of the image row padded row `r` replicates. */
  rowStart(r: number): number {
    const q = Math.floor(r / this.rowsPerPlane);
    return this.planeOf(q) * this.plane + this.inner[r - q * this.rowsPerPlane]!;
  }

  /**
   * Stages the image planes padded planes `[lo, hi)` replicate and points those planes' rows
   * at them (for one axis, the whole image and its one row).
   */
  stage(lo: number, hi: number): void {
    if (this.n.length === 1) hi = Math.min(hi, 1);
    const first = this.planeOf(lo), last = this.planeOf(hi - 1);
    if (last - first + 1 > this.stagePlanes) throw new RangeError(`StagedImage.stage: planes [${lo}, ${hi}) need ${last - first + 1} image planes; the staging area holds ${this.stagePlanes}`);
    const count = (last - first + 1) * this.plane;
    const stage = this.E === 4 ? new Float32Array(this.fft.buffer, this.stageAt, count) : new Float64Array(this.fft.buffer, this.stageAt, count);
    stage.set(this.img.subarray(first * this.plane, first * this.plane + count));
    const rows = new Int32Array(this.fft.buffer, this.rowsAt, sizeOf(this.fft.shape) / this.fft.shape[this.fft.shape.length - 1]!);
    for (let q = lo; q < hi; q++) {
      const base = this.stageAt + (this.planeOf(q) - first) * this.plane * this.E;
      const r0 = q * this.rowsPerPlane;
      for (let j = 0; j < this.rowsPerPlane; j++) rows[r0 + j] = base + this.inner[j]! * this.E;
    }
  }

  /** The slabs the fused divide's pass runs in (undefined: the whole image is staged). */
  get slabs(): { planes: number; before: (lo: number, hi: number) => void } | undefined {
    return this.whole ? undefined : { planes: this.stagePlanes, before: (lo, hi) => this.stage(lo, hi) };
  }
}

/** For each padded row within a padded plane, the offset in an image plane of the row it replicates ([0] for one or two axes). */
function innerRows(p: readonly number[], n: readonly number[], maps: readonly Int32Array[]): Int32Array {
  const inner = p.slice(1, -1), stride = n.slice(1).map((_, i) => sizeOf(n.slice(i + 2)));
  const out = new Int32Array(sizeOf(inner));
  const idx = new Array<number>(inner.length).fill(0);
  for (let r = 0; r < out.length; r++) {
    let s = 0;
    for (let d = 0; d < inner.length; d++) s += maps[d + 1]![idx[d]!]! * stride[d]!;
    out[r] = s;
    for (let d = inner.length - 1; d >= 0; d--) {
      if (++idx[d]! < inner[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}
