// The Web Worker script of the example: Richardson-Lucy is one of chunkwise's own kernels, so
// chunkwise's worker module is all it needs. An app with kernels of its own imports their
// modules here first.
import "chunkwise/web-workers/worker";
