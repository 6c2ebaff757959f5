/**
 * The eager gufunc loop over in-memory blocks: NumPy's gufunc execution with a JavaScript
 * kernel. The kernel gets views (no copies) of each input's core dims, once per loop index,
 * or whole broadcast blocks when `vectorize` is false; every result is checked against its
 * declared core shape and dtype before it is stored.
 * @module
 */
import { commonFloatType, isDataType, type DataType } from "../core/dtype.js";
import { DtypeError, KernelError, ValueError, show } from "../core/errors.js";
import { copyInto, emptyBlock, forEachIndex, isBlockLike, asBlock, type Block } from "../core/ndarray.js";
import type { Binding, OperandLayout } from "./bind.js";

/** What a kernel receives after its inputs and params. */
export interface KernelContext {
  /** The loop index of this call (empty when `vectorize` is false). */
  readonly index: readonly number[];
  /** Preallocated output views to write into, when the gufunc was made with `preallocated: true`. */
  readonly out: readonly Block[] | undefined;
  /** Aborts long kernels; checked by chunkwise between calls. */
  readonly signal: AbortSignal | undefined;
  /**
   * Present when the caller listens for notes (a lazy gufunc's block run with `onNote`): sends
   * a small JSON value about this call, which reaches the caller as `{ index, note }` with
   * this call's loop `index`. See `BlockContext.note` for the limits.
   */
  readonly note?: (value: unknown) => void;
}

/** A kernel: `(...inputs, params, ctx) => output | outputs | void`. */
export type Kernel = (...args: any[]) => unknown;

/** Options of the eager loop. */
export interface EagerOptions {
  /** Name used in error messages. */
  name: string;
  kernel: Kernel;
  params: unknown;
  vectorize: boolean;
  preallocated: boolean;
  outputDtypes: readonly DataType[] | undefined;
  signal: AbortSignal | undefined;
  /** Added to the loop index the kernel sees (a lazy block's position in the whole loop). */
  indexOffset?: readonly number[];
  /** Receives `{ index, note }` for each note a call sends (the kernel gets `ctx.note` only with it). */
  note?: (value: { index: number[]; note: unknown }) => void;
}

/** The output dtypes: declared, or the common float type of the inputs. */
export function resolveOutputDtypes(fn: string, nout: number, inputs: readonly Block[], declared: DataType | readonly DataType[] | undefined): DataType[] {
  if (declared === undefined) return new Array<DataType>(nout).fill(commonFloatType(inputs.map((b) => b.dtype)));
  const list = typeof declared === "string" ? [declared] : [...declared];
  if (list.length !== nout || !list.every(isDataType)) {
    throw new DtypeError(fn, `outputDtypes must be ${nout === 1 ? "a dtype name or a list of 1" : `a list of ${nout}`} dtype name${nout === 1 ? "" : "s"}, one per output; got ${show(declared)}. Pass e.g. ${nout === 1 ? '"float32"' : show(new Array(nout).fill("float32"))}`);
  }
  return list;
}

/** A view of an input in canonical order, broadcast to the loop shape (stride 0 where stretched). */
function canonicalInput(block: Block, layout: OperandLayout, loopShape: readonly number[]): Block {
  const lead = loopShape.length - layout.loopNdim;
  const shape: number[] = [];
  const stride: number[] = [];
  loopShape.forEach((n, k) => {
    if (k < lead) {
      shape.push(n);
      stride.push(0);
      return;
    }
    const axis = layout.remap[k - lead]!;
    shape.push(n);
    stride.push(block.shape[axis] === 1 && n !== 1 ? 0 : block.stride[axis]!);
  });
  for (let k = layout.loopNdim; k < layout.remap.length; k++) {
    const axis = layout.remap[k]!;
    shape.push(block.shape[axis]!);
    stride.push(block.stride[axis]!);
  }
  return { ...block, shape, stride };
}

/** Makes core views of a canonical block; the shape and stride arrays are shared by every view. */
function coreViewer(block: Block, nloop: number): (index: readonly number[]) => Block {
  const shape = Object.freeze(block.shape.slice(nloop));
  const stride = Object.freeze(block.stride.slice(nloop));
  const loopStride = block.stride.slice(0, nloop);
  return (index) => {
    let offset = block.offset;
    for (let k = 0; k < nloop; k++) offset += index[k]! * loopStride[k]!;
    return { dtype: block.dtype, data: block.data, shape, stride, offset };
  };
}

/** Final output: canonical (loop, core) block viewed with its axes where `remap` says. */
function placeOutput(block: Block, layout: OperandLayout): Block {
  const nd = layout.remap.length;
  const shape = new Array<number>(nd);
  const stride = new Array<number>(nd);
  layout.remap.forEach((axis, k) => {
    shape[axis] = block.shape[k]!;
    stride[axis] = block.stride[k]!;
  });
  return { ...block, shape, stride };
}

/**
 * Runs the gufunc over in-memory inputs that were bound by `bindShapes`.
 * @returns one block per output
 * @throws {KernelError} when the kernel throws or returns a wrong shape, dtype or count
 */
export function runEager(binding: Binding, inputs: readonly Block[], dtypes: readonly DataType[], opts: EagerOptions): Block[] {
  const loop = binding.loopShape;
  const nloop = loop.length;
  const ins = inputs.map((b, i) => canonicalInput(b, binding.inputs[i]!, loop));
  const nout = binding.outputs.length;
  const coreShapes = binding.outputs.map((o) => [...o.coreShape]);
  let outs: Block[] | undefined;
  const allocate = (): Block[] => coreShapes.map((core, k) => emptyBlock(dtypes[k]!, [...loop, ...(core as number[])]));
  // One loop index: no output allocated before the call (see runOnce).
  const once = !opts.preallocated && !binding.keepdims && loop.every((d) => d === 1);
  if (once) outs = undefined;
  else if (coreShapes.every((c) => c.every((d) => d !== undefined))) outs = allocate();
  else if (loop.some((d) => d === 0) || opts.preallocated) {
    const name = binding.signature.outputs.flat().find((d) => binding.sizes[d.name] === undefined)!.name;
    throw new ValueError(opts.name, `outputSizes must give output-only core dim '${name}'${opts.preallocated ? " when outputs are preallocated" : " when the loop is empty (size-0 loop dims), since the kernel is never called"}; got none. Pass outputSizes: { ${name}: <size> }`);
  }
  const nin = ins.length;
  // One argument list reused by every call: the kernel's views, params, then a fresh context.
  const argv: unknown[] = new Array(nin + 2);
  const offset = opts.indexOffset;
  argv[nin] = opts.params;
  const call = (args: Block[], index: readonly number[], out: Block[] | undefined): unknown => {
    if (opts.signal?.aborted) throw opts.signal.reason;
    for (let i = 0; i < nin; i++) argv[i] = args[i];
    const at = offset === undefined ? index.slice() : index.map((i, k) => i + (offset[k] ?? 0));
    const note = opts.note;
    argv[nin + 1] = (note === undefined ? { index: at, out, signal: opts.signal } : { index: at, out, signal: opts.signal, note: (v: unknown) => note({ index: at, note: v }) }) satisfies KernelContext;
    try {
      return opts.kernel.apply(undefined, argv);
    } catch (e) {
      throw new KernelError(opts.name, `kernel must not throw; got ${e instanceof Error ? `${e.name}: ${e.message}` : show(e)} at loop index ${show(index)}. See the cause for the kernel's own error`, { index: [...index], cause: e });
    }
  };
  // With keepdims the kernel still returns the signature's () cores; the size-1 axes are ours.
  const kernelCore = (k: number): (number | undefined)[] => (binding.keepdims ? [] : coreShapes[k]!);
  if (!opts.vectorize) {
    const out = opts.preallocated ? outs : undefined;
    const result = call(ins, [], out);
    if (opts.preallocated) return outs!.map((o, k) => placeOutput(o, binding.outputs[k]!));
    const blocks = collectResults(opts.name, result, nout, []);
    return blocks.map((r, k) => {
      const got = typeof r === "number" ? [] : r.shape;
      const expected = [...loop, ...kernelCore(k).map((d, j) => d ?? got[nloop + j])];
      checkResult(opts.name, r, k, [], expected, dtypes[k]!);
      const b = r as Block;
      const keep = coreShapes[k]!.length - kernelCore(k).length;
      const shaped = keep === 0 ? b : { ...b, shape: [...b.shape, ...Array<number>(keep).fill(1)], stride: [...b.stride, ...Array<number>(keep).fill(0)] };
      return placeOutput(shaped, binding.outputs[k]!);
    });
  }
  if (once) return runOnce(binding, ins, inputs, dtypes, call, opts.name);
  const inViewers = ins.map((b) => coreViewer(b, nloop));
  let outViewers = outs?.map((o) => coreViewer(o, nloop));
  forEachIndex(loop, (index) => {
    const args = inViewers.map((view) => view(index));
    const outViews = opts.preallocated ? outViewers!.map((view) => view(index)) : undefined;
    const result = call(args, index, outViews);
    if (opts.preallocated) return;
    if (typeof result === "number" && outs !== undefined && nout === 1 && kernelCore(0).length === 0) {
      // The common scalar-core case, without the generic result handling.
      const target = outViewers![0]!(index);
      target.data[target.offset] = target.dtype === "bool" ? (result ? 1 : 0) : result;
      return;
    }
    const results = collectResults(opts.name, result, nout, index);
    if (outs === undefined) {
      // Output-only dims not sized up front take their size from the first call, as np.vectorize does.
      results.forEach((r, k) => {
        const shape = typeof r === "number" ? [] : r.shape;
        coreShapes[k] = coreShapes[k]!.map((d, j) => d ?? shape[j]);
      });
      outs = allocate();
      outViewers = outs.map((o) => coreViewer(o, nloop));
    }
    results.forEach((r, k) => {
      const target = outViewers![k]!(index);
      checkResult(opts.name, r, k, index, kernelCore(k), dtypes[k]!);
      if (typeof r === "number") target.data[target.offset] = target.dtype === "bool" ? (r ? 1 : 0) : r;
      else copyInto(target, r);
    });
  });
  return outs!.map((o, k) => placeOutput(o, binding.outputs[k]!));
}

/**
 * A loop of one index (a lazy block that is one core, such as a volume per chunk): the kernel's
 * own result block becomes the output, as with `vectorize: false`, instead of a copy into a
 * block allocated before the call (for a 632 MB volume that copy doubled the result's memory
 * and cost a pass over it). A result that shares a buffer with an input, and a scalar, are
 * still copied into a new block, so an output never aliases an input.
 */
function runOnce(
  binding: Binding, ins: readonly Block[], inputs: readonly Block[], dtypes: readonly DataType[],
  call: (args: Block[], index: readonly number[], out: undefined) => unknown, name: string,
): Block[] {
  const loop = binding.loopShape;
  const index = loop.map(() => 0);
  const results = collectResults(name, call(ins.map((b) => coreViewer(b, loop.length)(index)), index, undefined), binding.outputs.length, index);
  const buffers = new Set(inputs.map((b) => b.data.buffer));
  return results.map((r, k) => {
    const got = typeof r === "number" ? [] : r.shape;
    const core = binding.outputs[k]!.coreShape.map((d, j) => d ?? got[j]);
    checkResult(name, r, k, index, core, dtypes[k]!);
    let out: Block;
    if (typeof r !== "number" && !buffers.has(r.data.buffer)) {
      out = { ...r, shape: [...loop, ...r.shape], stride: [...loop.map(() => 0), ...r.stride] };
      buffers.add(r.data.buffer); // two outputs returned as one block: the second is copied
    } else {
      out = emptyBlock(dtypes[k]!, [...loop, ...(core as number[])]);
      if (typeof r === "number") out.data[0] = out.dtype === "bool" ? (r ? 1 : 0) : r;
      else copyInto({ ...out, shape: [...r.shape], stride: out.stride.slice(loop.length) }, r);
    }
    return placeOutput(out, binding.outputs[k]!);
  });
}

function collectResults(fn: string, result: unknown, nout: number, index: readonly number[]): (Block | number)[] {
  const one = (r: unknown, k: number): Block | number => {
    if (typeof r === "number" || typeof r === "boolean") return Number(r);
    if (isBlockLike(r)) return asBlock(r, fn, `output ${k}`);
    throw new KernelError(fn, `kernel output ${k} must be a block (or a number for a () core); got ${describe(r)} at loop index ${show(index)}. Return an array made with array(), zeros() or a view`, { output: k, index: [...index] });
  };
  if (nout === 1) return [one(result, 0)];
  if (!Array.isArray(result) || result.length !== nout) {
    throw new KernelError(fn, `kernel must return a list of ${nout} outputs; got ${describe(result)} at loop index ${show(index)}. Return [out0, out1, ...]`, { index: [...index] });
  }
  return result.map(one);
}

function checkResult(fn: string, r: Block | number, k: number, index: readonly number[], shape: readonly (number | undefined)[], dtype: DataType): void {
  if (typeof r === "number" && shape.length === 0) return;
  const got = typeof r === "number" ? [] : r.shape;
  if (got.length !== shape.length || got.some((d, j) => d !== shape[j])) {
    throw new KernelError(fn, `kernel output ${k} must have core shape ${show(shape as number[])}; got ${show([...got])} at loop index ${show(index)}. Return an array of the declared core shape (output-only dims are fixed by outputSizes or the first call)`, { output: k, index: [...index] });
  }
  if (typeof r !== "number" && r.dtype !== dtype) {
    throw new KernelError(fn, `kernel output ${k} must have dtype ${dtype}; got ${r.dtype} at loop index ${show(index)}. Return ${dtype} data or declare outputDtypes`, { output: k, index: [...index] });
  }
}

function describe(v: unknown): string {
  if (v === undefined) return "undefined (did the kernel forget to return, or should the gufunc use preallocated: true?)";
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return typeof v === "object" && v !== null ? `an object with keys ${show(Object.keys(v))}` : `${typeof v} ${show(v)}`;
}
