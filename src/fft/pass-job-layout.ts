/**
 * The byte layout of a pass job descriptor, the one definition both sides read:
 * `pass-jobs.ts` (TypeScript) writes descriptors with these offsets and codes, and the
 * kernels' `runPassJob` (`wasm/pass-job.ts`, AssemblyScript) reads them, both importing this
 * file, so a field cannot move on one side only.
 *
 * It is written in what both compilers accept: `const enum`s of integers. AssemblyScript
 * compiles a const enum member to the literal itself, so the built module is the same as with
 * literal offsets; a plain `export const` would become a global read that Binaryen folds only
 * later, changing its optimisation of `runPassJob`.
 *
 * A field is an i32 unless noted; addresses are byte addresses in the engine's memory, strides
 * and counts are in scalars (a complex element is two). Offsets count bytes from the start of
 * the descriptor.
 * @module
 */

/**
 * How many of each repeated record a descriptor holds.
 * @example
 * ```ts
 * if (threads > JobLimit.Parts) return undefined;
 * ```
 */
export const enum JobLimit {
  /** Threads a job can be split between (line buffer sets). */
  Parts = 8,
  /** Iteration axes, after merging axes contiguous in both arrays. */
  IterAxes = 4,
  /** Radix stages. */
  Stages = 24,
}

/**
 * Byte offsets of a descriptor's fields.
 * @example
 * ```ts
 * new Int32Array(memory.buffer, job, Job.Bytes >> 2)[Job.N >> 2] = 576;
 * ```
 */
export const enum Job {
  /** The pass's kind ({@link PassKind}). */
  Kind = 0,
  /** Transform length (the real length for r2c and c2r). */
  N = 4,
  /** c2c: 1 forward, 0 backward. */
  Forward = 8,
  /** c2c: 1 when the source is real (imaginary parts zero). */
  RealSource = 12,
  /** Source samples read per line (the rest is zero padding). */
  M = 16,
  /** First transform output written. */
  OutStart = 20,
  /** Outputs written per line. */
  OutLen = 24,
  /** Address of the source array. */
  Src = 28,
  /** Address of the destination array. */
  Dst = 32,
  /** Source stride along the pass axis. */
  SrcAxisStride = 36,
  /** Destination stride along the pass axis. */
  DstAxisStride = 40,
  /** Lines per batch. */
  Lanes = 44,
  /** Iteration axes in use, 1 to {@link JobLimit.IterAxes}. */
  IterCount = 48,
  /** The iteration axes ({@link AxisRecord}s), outermost first; the last one's lines are batched. */
  Iter = 52,
  /** Radix stages in use. */
  StageCount = 100,
  /** Address of the real untangling twiddles (even-n r2c and c2r passes). */
  RealTwiddles = 104,
  /** The epilogue ({@link Epilogue}). */
  Epilogue = 108,
  /** {@link Epilogue.Times}: 1 to multiply by the conjugate. */
  Conj = 112,
  /** Bytes from the destination to the epilogue's other array (same layout). */
  Delta = 116,
  /** {@link Epilogue.Divide} and {@link Epilogue.DivideMapped}: 1 when the fe threshold applies (decided in float64). */
  UseFe = 120,
  /** The next free batch: a counter the threads share, 0 when the job starts. */
  NextBatch = 124,
  /** Each part's line buffers ({@link BufferRecord}s). */
  Buffers = 128,
  /**
   * Row-mapped prologue and epilogues (passes along a contiguous axis, a line per row): the
   * address of an i32 table with an entry per row (the image row's address for
   * {@link Epilogue.DivideMapped}, the row's byte offset into the compact arrays otherwise).
   */
  RowTable = 224,
  /**
   * Address of the array the row table goes with: the compact previous estimate for
   * {@link Epilogue.RlStep} and {@link Prologue.RlExtrapolate}, the i32 column map for
   * {@link Epilogue.DivideMapped}.
   */
  RowArray = 228,
  /** Address of row 0 (row r starts {@link Job.RowBytes} times r after it). */
  RowBase = 232,
  /** Bytes from one row to the next. */
  RowBytes = 236,
  /** {@link Epilogue.RlStep}: address of the compact gradient. */
  Grad = 240,
  /** {@link Epilogue.RlStep}: address of the sums, a {@link RowSums} record per row. */
  Sums = 244,
  /** {@link Epilogue.RlStep}: 1 for the accelerated step. */
  Acc = 248,
  /** The prologue ({@link Prologue}). */
  Prologue = 252,
  /** The radix stages ({@link StageRecord}s). */
  Stages = 256,
  /** Factor applied to every output (f64). */
  Scale = 768,
  /** The divide epilogues' threshold (f64). */
  Fe = 776,
  /** The divide epilogues' eps (f64). */
  Eps = 784,
  /** {@link Prologue.RlExtrapolate}'s alpha (f64). */
  Alpha = 792,
  /** {@link Epilogue.TimesLines}: samples of each line of the other array that are read (the rest is zero). */
  LineRows = 800,
  /** {@link Epilogue.TimesLines}: address of the complex factor per output row (the scalar type, interleaved). */
  LineRamp = 804,
  /** Bytes of one descriptor. */
  Bytes = 1024,
}

/**
 * An iteration axis record at {@link Job.Iter}.
 * @example
 * ```ts
 * const extentAt = job + Job.Iter + axis * AxisRecord.Bytes + AxisRecord.Extent;
 * ```
 */
export const enum AxisRecord {
  Extent = 0,
  SrcStride = 4,
  DstStride = 8,
  Bytes = 12,
}

/**
 * A part's line buffer addresses at {@link Job.Buffers}.
 * @example
 * ```ts
 * const bAt = job + Job.Buffers + part * BufferRecord.Bytes + BufferRecord.B;
 * ```
 */
export const enum BufferRecord {
  A = 0,
  B = 4,
  C = 8,
  Bytes = 12,
}

/**
 * A radix stage record at {@link Job.Stages}: radix, ido, l1 and the addresses of its forward
 * and backward twiddles.
 * @example
 * ```ts
 * const radixAt = job + Job.Stages + i * StageRecord.Bytes + StageRecord.Radix;
 * ```
 */
export const enum StageRecord {
  Radix = 0,
  Ido = 4,
  L1 = 8,
  Fwd = 12,
  Bwd = 16,
  Bytes = 20,
}

/**
 * Codes of {@link Job.Kind}.
 * @example
 * ```ts
 * const code = PassKind.C2R;
 * ```
 */
export const enum PassKind {
  /** Complex to complex. */
  C2C = 0,
  /** Real to half spectrum. */
  R2C = 1,
  /** Half spectrum to real. */
  C2R = 2,
}

/**
 * Codes of {@link Job.Epilogue}: what a pass does to its result besides storing it.
 * @example
 * ```ts
 * const code = Epilogue.Divide;
 * ```
 */
export const enum Epilogue {
  None = 0,
  /** c2c or r2c: the result times the complex array at dst + delta (conjugated when {@link Job.Conj}) before scattering. */
  Times = 1,
  /** c2r: out = image / (v + eps), 0 where v + eps < fe; the image at dst + delta. */
  Divide = 2,
  /** c2r: the real array at dst + delta times v (dst still receives v). */
  MultiplyInto = 3,
  /** c2r along a contiguous axis: as {@link Epilogue.Divide}, the image read through the row table and column map. */
  DivideMapped = 4,
  /** c2r along a contiguous axis: Richardson-Lucy's step on the rows just written, the estimate at dst + delta. */
  RlStep = 5,
  /**
   * Forward c2c with outStart 0: as {@link Epilogue.Times}, the other spectrum computed per line:
   * the first {@link Job.LineRows} samples of each line of the array at dst + delta (transformed
   * along every other axis), zero-padded, transformed, row j times the {@link Job.LineRamp}
   * factor j (a transfer function kept for the kernel's extent along this axis only).
   */
  TimesLines = 6,
}

/**
 * Codes of {@link Job.Prologue}: what a pass does to its input rows before reading them.
 * @example
 * ```ts
 * const code = Prologue.RlExtrapolate;
 * ```
 */
export const enum Prologue {
  None = 0,
  /** r2c reading contiguous rows: Richardson-Lucy's extrapolation of each row before it is read. */
  RlExtrapolate = 1,
}

/**
 * Richardson-Lucy's step sums (float64) that the kernels `rlStep` and {@link Epilogue.RlStep}
 * write: one record, or one per row at {@link Job.Sums}; `filters/richardson-lucy-resident.ts`
 * reads them.
 * @example
 * ```ts
 * const norm = new Float64Array(memory.buffer, sums + r * RowSums.Bytes, RowSums.Bytes >> 3)[RowSums.Norm >> 3];
 * ```
 */
export const enum RowSums {
  /** Sum of (x - p)^2, x the new estimate and p the one it is compared with (prev when accelerated, else y). */
  Change = 0,
  /** Sum of p^2. */
  Norm = 8,
  /** Accelerated: sum of g g0, g = x - y this step's gradient and g0 the previous step's (0 otherwise). */
  Dot = 16,
  /** Accelerated: sum of g0^2. */
  Last = 24,
  /** Accelerated: sum of g^2. */
  Now = 32,
  Bytes = 40,
}
