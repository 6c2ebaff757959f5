// The Web Worker script of the conformance pages, as a user writes one: the kernel modules
// first, then chunkwise's worker (which registers chunkwise's own kernels and serves tasks).
import "./kernels.js";
import "../../../src/executors/web-workers/worker.js";
