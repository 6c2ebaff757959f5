// The bench's Web Worker script: its kernel module, then chunkwise's worker.
import "./rl-kernel.js";
import "../../src/executors/web-workers/worker.js";
