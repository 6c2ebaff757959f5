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
  ValueError,
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
export { arange, array, fromNdarray, full, ones, toNdarray, zeros, type CreationOptions, type NestedArray } from "./core/creation.js";
export { broadcastShapes } from "./core/broadcast.js";
export {
  broadcastTo,
  copy,
  expandDims,
  index,
  reshape,
  slice,
  squeeze,
  transpose,
  type IndexItem,
  type Slice,
} from "./core/views.js";
export { parseSignature, formatSignature, type CoreDim, type Signature } from "./gufunc/signature.js";
export type { BindOptions, OutputSize } from "./gufunc/bind.js";
export type { Kernel, KernelContext } from "./gufunc/eager.js";
export { gufunc, type Gufunc, type GufuncCallOptions, type GufuncOperand, type GufuncOptions } from "./gufunc/gufunc.js";
export type { GufuncInputs, GufuncResult, InputCount, OutputCount, TupleOf } from "./gufunc/types.js";
