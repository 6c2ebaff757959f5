// The Vite app's worker script: its kernel module, then chunkwise's worker.
import "./kernels.js";
import "../../../src/executors/web-workers/worker.js";
