/**
 * `chunkwise/testing`: fast-check arbitraries and reference helpers for property-testing
 * gufuncs (yours and ours). Needs `fast-check` installed (a peer dependency).
 * @module chunkwise/testing
 */
export { dimNameArb, frozenSizeArb, signatureArb, type DimNameArbOptions, type GeneratedSignature, type SignatureArbOptions } from "./arbitraries.js";
export { gufuncCaseArb, referenceGufunc, seededBlock, type GufuncCase, type GufuncCaseOptions } from "./gufunc-cases.js";
export { assertLazyEqual, AssertionError, type AssertLazyEqualOptions, type LazyCheck } from "./assert-lazy-equal.js";
export { axisChunksArb, chunksArb, shapeAndChunksArb, shapeArb, type ShapeArbOptions } from "./chunk-arbitraries.js";
