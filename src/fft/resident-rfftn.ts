/**
 * Real N-D transforms over arrays that stay in a shared wasm memory, run by a team of
 * threads (`pass-team.ts`): the engine for iterative filters (Richardson-Lucy) that transform
 * the same few volumes again and again. Nothing is copied in or out per transform, and every
 * pass is split between the team's threads.
 *
 * Layout: every array holds `rows x pitch` scalars, `rows` the product of all axes but the
 * last and `pitch = 2 (n / 2 + 1)` for a last axis of n. A real array keeps its n samples at
 * the start of each row (FFTW's in-place layout), a spectrum its n / 2 + 1 complex bins, so a
 * real array and its spectrum can share one buffer and the last axis's pass transforms each
 * row in place (it reads a row whole before writing it back), in any order and on any thread.
 * @module
 */
import { c2rChain, r2cChain, type PassChain } from "./nd-passes.js";
import { JOB_BYTES, MAX_PARTS, lineBufferBytes, passFits, writePassJob, type JobArea, type PassEpilogue, type PassPrologue } from "./pass-jobs.js";
import { wasmLengthsOk, type Kernels } from "./wasm-engine.js";
import { acquirePassTeam, type PassTeam } from "./pass-team.js";

/**
 * The most bytes {@link ResidentRfftn.bytesFor} may count for one plan: wasm32's 4 GiB (65536
 * pages, which a shared WebAssembly.Memory reaches in Node 20 and in Chromium, and where the
 * kernels read addresses and row tables as unsigned) less 1 MiB for what `bytesFor` leaves
 * out: the twiddle tables (tens of KiB for a few 5-smooth axes of up to thousands of samples,
 * kept by a reused engine for the lengths it has seen), the job descriptor and 64-byte
 * alignment. {@link ResidentRfftn.create} refuses plans past it and then checks the exact
 * total as it grows the memory; Richardson-Lucy chooses its lean transfer function by it.
 * @example
 * ```ts
 * const fits = ResidentRfftn.bytesFor([225, 1080, 800], "float32", 2, 2) <= RESIDENT_MAX_BYTES; // true: 1.45 GiB
 * ```
 */
export const RESIDENT_MAX_BYTES: number = 4 * 2 ** 30 - 2 ** 20;

/**
 * Forward transforms from real arrays and inverse transforms to real arrays in one shared
 * memory; see the module notes.
 * @example
 * ```ts
 * const fft = ResidentRfftn.create([64, 64, 64], "float32", 2)!;
 * const x = fft.alloc();
 * fft.real(x).fill(1);       // row-pitched: use fft.realIndex for element (z, y, x)
 * fft.forward(x, x);         // in place: x now holds the spectrum
 * fft.inverse(x, x);         // and the signal again
 * fft.close();
 * ```
 */
export class ResidentRfftn {
  /** Scalars per row: 2 (n / 2 + 1) for a last axis of n. */
  readonly pitch: number;
  /** Scalars per array: rows x pitch. */
  readonly scalars: number;
  readonly complexShape: readonly number[];
  private readonly E: number;
  private readonly job: number;
  private readonly buffers: (readonly [number, number, number])[] = [];
  private readonly fwd: PassChain;
  private readonly inv: PassChain;
  private readonly full: PassChain;
  private closed = false;
  private top: number;

  private constructor(
    readonly shape: readonly number[],
    readonly dtype: "float32" | "float64",
    /** The region holding data: forward transforms read only it, inverse ones write only it. */
    readonly region: readonly number[],
    private readonly team: PassTeam,
  ) {
    const nd = shape.length;
    const n = shape[nd - 1]!;
    this.E = dtype === "float32" ? 4 : 8;
    this.pitch = 2 * ((n >> 1) + 1);
    this.scalars = (shape.reduce((p, d) => p * d, 1) / n) * this.pitch;
    this.complexShape = shape.map((d, i) => (i === nd - 1 ? (n >> 1) + 1 : d));
    ({ fwd: this.fwd, inv: this.inv, full: this.full } = chainsOf(shape, region));
    const engine = team.engine;
    const f32 = dtype === "float32";
    // Build every line plan's twiddles first: tables grow from the bottom of memory.
    for (const p of [...this.fwd.passes, ...this.inv.passes]) {
      const even = p.n % 2 === 0 && p.kind !== "c2c";
      engine.complexPlan(even ? p.n >> 1 : p.n, f32);
      if (even) engine.realTwiddles(p.n, f32);
    }
    this.top = engine.heapStart;
    this.job = this.take(JOB_BYTES);
    const bufBytes = lineBufferBytes([...this.fwd.passes, ...this.inv.passes], this.E);
    // `bytesFor` counts the same buffers: team.size of them, three each.
    for (let t = 0; t < team.size; t++) this.buffers.push([this.take(bufBytes), this.take(bufBytes), this.take(bufBytes)]);
  }

  /**
   * A plan for real arrays of `shape` on `threads` threads (the caller and helpers) whose data
   * sits in `region` (default all of `shape`; outside it, zeros on the way in), or
   * undefined when the wasm kernels or shared memory are unavailable, a length is not
   * 5-smooth, or the plan's bytes ({@link ResidentRfftn.bytesFor}) exceed
   * {@link RESIDENT_MAX_BYTES} or, with the twiddle tables, wasm32's 4 GiB.
   * @param arrays - how many arrays the caller will `alloc` (memory is reserved up front)
   * @param region - the leading corner of `shape` that holds data (see {@link ResidentRfftn.region})
   * @param extraBytes - bytes the caller will take with {@link ResidentRfftn.allocBytes}
   */
  static create(
    shape: readonly number[], dtype: "float32" | "float64", threads: number, arrays: number, region: readonly number[] = shape,
    extraBytes = 0,
  ): ResidentRfftn | undefined {
    if (shape.length === 0 || !wasmLengthsOk(shape) || threads < 1 || threads > MAX_PARTS) return undefined;
    if (region.length !== shape.length || region.some((d, i) => !(d >= 1 && d <= shape[i]!))) return undefined;
    const arrayBytes = pitchedBytes(shape, dtype);
    if (ResidentRfftn.bytesFor(shape, dtype, threads, arrays, region, extraBytes) > RESIDENT_MAX_BYTES) return undefined;
    const team = acquirePassTeam(threads);
    if (team === undefined) return undefined;
    let plan: ResidentRfftn | undefined;
    try {
      plan = new ResidentRfftn([...shape], dtype, [...region], team);
    } catch {
      team.release(); // twiddle tables past the memory limit: the reference path takes over
      return undefined;
    }
    if (!plan.allPassesFit() || !team.engine.reserve(plan.top + arrays * (Math.ceil(arrayBytes / 64) * 64) + Math.ceil(extraBytes / 64) * 64 + 64)) {
      team.release();
      return undefined;
    }
    return plan;
  }

  /**
   * Bytes of wasm memory a plan from {@link ResidentRfftn.create} with these arguments holds
   * beyond its twiddle tables and 64-byte alignment: `arrays` row-pitched arrays, the caller's
   * `extraBytes`, and three line buffers per thread sized for the longest line batch. What a
   * caller declares as its workspace (Richardson-Lucy's kernel does) and what `create` checks
   * against {@link RESIDENT_MAX_BYTES}.
   * @example
   * ```ts
   * ResidentRfftn.bytesFor([30, 48, 45], "float32", 1, 3); // 3 x 4 x 30 x 48 x 46 + 3 x 48 x 2 x 64 x 4
   * ```
   */
  static bytesFor(
    shape: readonly number[], dtype: "float32" | "float64", threads: number, arrays: number, region: readonly number[] = shape,
    extraBytes = 0,
  ): number {
    const E = dtype === "float32" ? 4 : 8;
    const { fwd, inv } = chainsOf(shape, region);
    return arrays * pitchedBytes(shape, dtype) + extraBytes + threads * 3 * lineBufferBytes([...fwd.passes, ...inv.passes], E);
  }

  /** Whether every pass of every transform fits a job descriptor (e.g. 6-D regions may not merge to four iteration axes). */
  private allPassesFit(): boolean {
    const f32 = this.E === 4;
    const fits = (passes: PassChain["passes"], first: (i: number) => JobArea, to: (i: number) => JobArea): boolean =>
      passes.every((p, i) => passFits(this.team.engine, p, first(i), to(i), f32));
    const real = this.area(0, true), complex = this.area(0, false);
    const last = this.inv.passes.length - 1;
    return fits(this.fwd.passes, (i) => (i === 0 ? real : complex), () => complex)
      && fits(this.full.passes, (i) => (i === 0 ? real : complex), () => complex)
      && fits(this.inv.passes, () => complex, (i) => (i === last ? real : complex));
  }

  /** Threads that run each pass. */
  get threads(): number {
    return this.team.size;
  }

  /** The engine's kernels in this plan's precision, for the caller's own passes over its arrays (on the calling thread). */
  get kernels(): Kernels {
    return this.team.engine.kernels(this.E === 4);
  }

  /** Bytes of wasm memory reserved (arrays, line buffers, twiddles). */
  get bytes(): number {
    return this.team.engine.bytes;
  }

  /** A new array of `scalars` scalars; returns its byte address. */
  alloc(): number {
    const at = this.take(this.scalars * this.E);
    if (!this.team.engine.reserve(this.top)) throw new RangeError("ResidentRfftn.alloc: the arrays exceed the WebAssembly memory limit");
    return at;
  }

  /** `bytes` of memory for the caller's own data (tables, an image); returns the byte address (64-byte aligned). */
  allocBytes(bytes: number): number {
    const at = this.take(bytes);
    if (!this.team.engine.reserve(this.top)) throw new RangeError("ResidentRfftn.allocBytes: the data exceed the WebAssembly memory limit");
    return at;
  }

  /** The whole memory's current buffer (views over it stay valid while nothing is allocated). */
  get buffer(): ArrayBufferLike {
    return this.team.engine.memory.buffer;
  }

  /** The array at `at` as a typed array of `scalars` scalars (real samples row-pitched, or interleaved bins). */
  real(at: number): Float32Array | Float64Array {
    const buf = this.team.engine.memory.buffer;
    return this.E === 4 ? new Float32Array(buf, at, this.scalars) : new Float64Array(buf, at, this.scalars);
  }

  /** Scalar strides of a real array (element (i0, ..., ik) is at sum i_d stride_d). */
  get realStride(): number[] {
    return this.strides(1);
  }

  /**
   * The spectrum at `dst` of the real array at `src` (`src === dst` transforms in place),
   * matching `scipy.fft.rfftn` of its region zero-padded to `shape`; `times` multiplies it by the spectrum at that address
   * (conjugated when `conj`) in the same pass, or with `lines` by a spectrum computed per line
   * from a {@link ResidentRfftn.forwardLeading} array at that address (its `rows`, and a table
   * of `shape[0]` complex factors at `ramp` multiplying row j, e.g. a shift's phase ramp:
   * needs two or more axes); `prologue` rewrites the source's rows in the
   * first pass just before it reads them (Richardson-Lucy's extrapolation; that pass must read
   * contiguous rows, see {@link ResidentRfftn.rowsFirst}).
   */
  forward(
    src: number, dst: number, times?: { at: number; conj: boolean; lines?: { rows: number; ramp: number } },
    prologue?: Omit<PassPrologue, "rowBase" | "rowBytes">,
  ): void {
    const passes = this.fwd.passes;
    const last: PassEpilogue | undefined = times === undefined ? undefined
      : times.lines === undefined ? { kind: "times", at: times.at, conj: times.conj }
      : { kind: "timesLines", at: times.at, conj: times.conj, ...times.lines };
    passes.forEach((p, i) => {
      const from = i === 0 ? this.area(src, true) : this.area(dst, false);
      const epi = i === passes.length - 1 ? last : undefined;
      const pro = i === 0 && prologue !== undefined ? { ...prologue, rowBase: src, rowBytes: this.pitch * this.E } : undefined;
      this.runPass(p, from, this.area(dst, false), epi, pro);
    });
  }

  /**
   * Whether the forward's first pass and the inverse's last run along the contiguous last
   * axis, row by row, so row prologues and epilogues (`rlStep`, `rlExtrapolate`) apply.
   */
  get rowsFirst(): boolean {
    const nd = this.shape.length;
    const first = this.fwd.passes[0], last = this.inv.passes[this.inv.passes.length - 1];
    return first !== undefined && last !== undefined && first.axis === nd - 1 && first.kind === "r2c" && first.realSource
      && last.axis === nd - 1 && last.kind === "c2r" && last.outStart === 0;
  }

  /**
   * Transforms the real data in the first `rows` indices of the first axis of the array at
   * `at` (zero beyond them, never read) along every axis but the first, in place: what a
   * forward's `times.lines` reads (its first pass's lines, `rows` samples each, computed the
   * rest of the way per line). The array then needs only `rows / shape[0]` of the memory of a
   * whole one ({@link ResidentRfftn.leadingBytes}). Needs at least two axes.
   */
  forwardLeading(at: number, rows: number): void {
    const nd = this.shape.length;
    if (nd < 2 || !(rows >= 1 && rows <= this.shape[0]!)) throw new RangeError(`ResidentRfftn.forwardLeading: rows must lie in [1, ${this.shape[0]}] on a plan of two or more axes; got ${rows} on ${nd}`);
    const chain = r2cChain([rows, ...this.shape.slice(1)], this.shape.map((_, i) => i), this.shape, 1);
    chain.passes.slice(0, -1).forEach((p, i) => this.runPass(p, this.area(at, i === 0), this.area(at, false), undefined));
  }

  /** Bytes of an array holding the first `rows` indices of the first axis (see {@link ResidentRfftn.forwardLeading}). */
  leadingBytes(rows: number): number {
    return (this.scalars / this.shape[0]!) * rows * this.E;
  }

  /** {@link ResidentRfftn.forward} of the whole array, whatever the region (e.g. a kernel larger than it). */
  forwardFull(src: number, dst: number): void {
    this.full.passes.forEach((p, i) => this.runPass(p, i === 0 ? this.area(src, true) : this.area(dst, false), this.area(dst, false), undefined));
  }

  /**
   * The region of the real array at `dst` of the spectrum at `src`, matching
   * `scipy.fft.irfftn` cropped to the region (`src` is overwritten; `src === dst` transforms in
   * place; outside the region `dst` holds leftovers). The epilogue, fused into the last pass:
   * `divide` stores `image / (x + eps)` (0 where `x + eps < fe`, when fe is not 0) instead of
   * x, the image at its address in this layout; `divideImage` the same with the image anywhere
   * in memory, read through maps: row r of the result reads the image row at byte address
   * `rows[r]` (a Uint32 table) and its sample x the image column `xmap[x]` (an Int32 table);
   * `multiplyInto` multiplies the real array at its address by x (dst still receives x).
   *
   * `slabs` runs the last pass (along the rows) in ranges of at most `planes` indices of the
   * first axis, in order, calling `before(lo, hi)` on the calling thread ahead of each range
   * `[lo, hi)` of the region's first axis (e.g. to stage the data an epilogue reads for those
   * rows); the results are the same as one pass's. A one-axis plan has one range, the region.
   */
  inverse(
    src: number, dst: number,
    epilogue?: { divide: number; eps: number; fe: number } | { divideImage: { rows: number; xmap: number }; eps: number; fe: number } | { multiplyInto: number }
      | { rlStep: { at: number; table: number; prev: number; grad: number; sums: number; acc: boolean } },
    slabs?: { readonly planes: number; readonly before: (lo: number, hi: number) => void },
  ): void {
    const passes = this.inv.passes;
    const last = passes.length - 1;
    let epi: PassEpilogue | undefined;
    if (epilogue === undefined) epi = undefined;
    else if ("divide" in epilogue) epi = { kind: "divide", at: epilogue.divide, eps: epilogue.eps, fe: epilogue.fe };
    else if ("divideImage" in epilogue) {
      const { rows, xmap } = epilogue.divideImage;
      epi = { kind: "divideMapped", rows, xmap, rowBase: dst, rowBytes: this.pitch * this.E, eps: epilogue.eps, fe: epilogue.fe };
    } else if ("rlStep" in epilogue) {
      epi = { kind: "rlStep", ...epilogue.rlStep, rowBase: dst, rowBytes: this.pitch * this.E };
    } else epi = { kind: "multiplyInto", at: epilogue.multiplyInto };
    passes.forEach((p, i) => {
      if (i === last && slabs !== undefined) this.runSlabs(p, src, dst, epi, slabs);
      else this.runPass(p, this.area(src, false), i === last ? this.area(dst, true) : this.area(src, false), i === last ? epi : undefined);
    });
  }

  /**
   * The inverse's last pass in ranges of the first axis (see {@link ResidentRfftn.inverse}):
   * the same lines as one pass, so the same results; epilogues addressing whole arrays keep
   * their offset from the destination, row-mapped ones count rows from its start.
   */
  private runSlabs(
    p: PassChain["passes"][number], src: number, dst: number, epi: PassEpilogue | undefined,
    slabs: { readonly planes: number; readonly before: (lo: number, hi: number) => void },
  ): void {
    if (p.axis === 0) {
      slabs.before(0, this.region[0]!);
      this.runPass(p, this.area(src, false), this.area(dst, true), epi);
      return;
    }
    const extent = p.extents[0]!;
    const step = Math.max(1, Math.floor(slabs.planes));
    const plane = this.strides(1)[0]! * this.E; // bytes per first-axis index, the same for real and complex
    for (let lo = 0; lo < extent; lo += step) {
      const hi = Math.min(extent, lo + step);
      slabs.before(lo, hi);
      const off = lo * plane;
      const shifted = epi === undefined || !("at" in epi) ? epi : { ...epi, at: epi.at + off };
      const part = { ...p, extents: [hi - lo, ...p.extents.slice(1)] };
      const from = this.area(src + off, false), to = this.area(dst + off, true);
      this.runPass(part, from, to, shifted);
    }
  }

  /**
   * Ends this plan: its team (memory and helper threads) goes back for the next plan to reuse,
   * so the arrays' contents are gone; the plan cannot run afterwards.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.team.release();
  }

  private runPass(p: PassChain["passes"][number], src: JobArea, dst: JobArea, epi: PassEpilogue | undefined, pro?: PassPrologue): void {
    if (this.closed) throw new Error("ResidentRfftn: the plan is closed");
    const f32 = this.E === 4;
    if (!writePassJob(this.team.engine, this.job, p, src, dst, this.buffers, f32, epi, pro)) {
      throw new RangeError(`ResidentRfftn: the pass along axis ${p.axis} of ${JSON.stringify(this.shape)} does not fit a job descriptor`);
    }
    this.team.run(this.job, f32);
  }

  private area(at: number, real: boolean): JobArea {
    return { at, stride: this.strides(real ? 1 : 2) };
  }

  private strides(last: number): number[] {
    const nd = this.shape.length;
    const s = new Array<number>(nd);
    s[nd - 1] = last;
    let acc = this.pitch;
    for (let d = nd - 2; d >= 0; d--) {
      s[d] = acc;
      acc *= this.shape[d]!;
    }
    return s;
  }

  private take(bytes: number): number {
    const at = this.top;
    this.top = Math.ceil((this.top + bytes) / 64) * 64;
    return at;
  }
}

/** Bytes of one row-pitched array of `shape`: rows x 2 (n / 2 + 1) scalars for a last axis of n. */
function pitchedBytes(shape: readonly number[], dtype: "float32" | "float64"): number {
  const n = shape[shape.length - 1]!;
  return (shape.reduce((p, d) => p * d, 1) / n) * 2 * ((n >> 1) + 1) * (dtype === "float32" ? 4 : 8);
}

/**
 * The forward, inverse and full-region pass chains of a plan: lines that are all padding
 * (outside the region) are never transformed on the way in, and lines outside the region never
 * computed on the way out.
 */
function chainsOf(shape: readonly number[], region: readonly number[]): { fwd: PassChain; inv: PassChain; full: PassChain } {
  const nd = shape.length;
  const n = shape[nd - 1]!;
  const axes = shape.map((_, i) => i);
  const complexShape = shape.map((d, i) => (i === nd - 1 ? (n >> 1) + 1 : d));
  const count = shape.reduce((p, d) => p * d, 1);
  return {
    fwd: r2cChain(region, axes, shape, 1),
    inv: c2rChain(complexShape, axes, shape, 1 / count, { start: shape.map(() => 0), len: region }),
    full: r2cChain(shape, axes, shape, 1),
  };
}
