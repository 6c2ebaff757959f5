/**
 * chunkwise: lazy chunked N-D arrays with NumPy-style generalized ufuncs.
 *
 * The root holds the in-memory core (dtypes, blocks, views, creation) and `gufunc`.
 * Heavy optional parts live in subpath exports (`chunkwise/testing`, ...).
 * @module chunkwise
 */
export {
  DTYPES,
  canCastSafely,
  commonFloatType,
  dtypeKind,
  isDataType,
  itemSize,
  resultType,
  type AnyTypedArray,
  type DataType,
  type FloatDataType,
  type TypedArrayFor,
  type TypedArrayMap,
} from "./core/dtype.js";
export {
  AxisError,
  BindingError,
  BroadcastError,
  ChunkwiseError,
  DtypeError,
  IndexError,
  KernelError,
  SignatureError,
  TaskError,
  ValueError,
  ChunkError,
} from "./core/errors.js";
export {
  asBlock,
  cStrides,
  forEachIndex,
  get,
  isBlock,
  isCContiguous,
  set,
  sizeOf,
  toFlatArray,
  type Block,
  type BlockLike,
} from "./core/ndarray.js";
export { arange, array, fromNdarray, toNdarray, type CreationOptions, type NdarrayLike, type NdarrayView, type NestedArray } from "./core/creation.js";
export { astype as astypeBlock, type AstypeOptions } from "./core/astype.js";
export { allclose, arrayEqual, isclose, type IsCloseOptions } from "./core/allclose.js";
export type { ElementwiseOptions } from "./core/elementwise.js";
export type { Operand } from "./core/operands.js";
export { broadcastShapes } from "./core/broadcast.js";
export { broadcastTo, copy, reshape, slice, type IndexItem, type Slice } from "./core/views.js";
export { parseSignature, formatSignature, type CoreDim, type Signature } from "./gufunc/signature.js";
export type { BindOptions, OutputSize } from "./gufunc/bind.js";
export type { Kernel, KernelContext } from "./gufunc/eager.js";
export type { Gufunc, GufuncCallOptions, GufuncOperand, GufuncOptions } from "./gufunc/gufunc.js";
export { gufunc, applyGufunc, type AnyGufuncOperand, type ChunkedGufunc, type TypedGufuncOptions } from "./array/apply-gufunc.js";
export { DEFAULT_MEMORY_BUDGET, type LazyGufuncOptions } from "./array/lazy-gufunc.js";

// Lazy chunked arrays
export { ChunkedArray, isChunkedArray } from "./array/chunked-array.js";
export { fromArray, full, ones, zeros, type ChunkOptions } from "./array/creation.js";
export {
  abs,
  add,
  astype,
  divide,
  equal,
  exp,
  floorDivide,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  logicalAnd,
  logicalNot,
  logicalOr,
  maximum,
  minimum,
  multiply,
  negative,
  notEqual,
  power,
  remainder,
  sqrt,
  subtract,
  where,
  type AnyOperand,
} from "./array/elementwise.js";
export { rechunk } from "./array/rechunk.js";
export { coarsen, type CoarsenOptions, type CoarsenReduction } from "./array/coarsen.js";
export { expandDims, index, moveaxis, selectBlocks, squeeze, transpose } from "./array/indexing.js";
export { concatenate, stack, type ConcatInput } from "./array/concatenate.js";
export { DEFAULT_SPLIT_EVERY, max, mean, min, prod, sum, type LazyMinMaxOptions, type LazyReduceOptions } from "./array/reduce.js";
export { mapBlocks, type MapBlocksArrays, type MapBlocksOptions, type TypedMapBlocksOptions } from "./array/map-blocks.js";
export { mapOverlap, type MapOverlapOptions, type OverlapContext } from "./array/map-overlap.js";
export { overlap, trimInternal, type OverlapOptions, type TrimInternalOptions } from "./array/overlap.js";
export type { Boundary, BoundaryInput, DepthInput, AxisDepth } from "./chunks/overlap.js";
export { describe, summarize, type Summary } from "./array/summary.js";
export { formatBytes } from "./core/format-bytes.js";
export { toSVG, type ToSVGOptions } from "./array/svg.js";
export { compute, computeBlocks, type ComputeOptions } from "./schedule/compute.js";
export { progressBar, type ProgressBarOptions, type ProgressDisplay, type ProgressStream } from "./schedule/progress-bar.js";
export { inline, type InlineOptions } from "./schedule/inline.js";
export { MemoryError, withWorkspace } from "./schedule/memory-plan.js";
export type { Executor, Progress, RunInfo } from "./schedule/scheduler.js";
export { defineKernel, kernelRefOf, type KernelMeta, type KernelRef, type NamedKernel, type WorkspaceFn } from "./graph/kernel.js";
export type { BlockContext, ClosureRef, Task, TaskArg, TaskExpectation } from "./graph/task.js";
export type { ArrayMeta, BlockwiseInput, BlockwiseOutput, BlockwiseSpec } from "./graph/blockwise.js";
export type { Graph, Layer } from "./graph/graph.js";
export {
  DEFAULT_CHUNK_BYTES,
  normalizeChunks,
  numBlocks,
  blockRegion,
  type AxisChunksInput,
  type Chunks,
  type ChunksInput,
  type NormalizeChunksOptions,
  type Region,
} from "./chunks/grid.js";
export type { GufuncInputs, GufuncResult, InputCount, KernelParams, OutputCount, TupleOf } from "./gufunc/types.js";
