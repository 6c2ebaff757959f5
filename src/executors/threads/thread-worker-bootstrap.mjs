// Worker entry of `threads()` when chunkwise runs from its TypeScript sources (vitest, tsx).
// Node 20 cannot start a worker from a .ts file, and a worker does not inherit its parent's
// `--import tsx` loader, so this plain module registers tsx in the worker and then loads the
// real worker. The compiled package uses dist/executors/threads/thread-worker.js directly.
import { register } from "tsx/esm/api";

register();
globalThis[Symbol.for("chunkwise.tsxRegistered")] = true;
const worker = await import("./thread-worker.ts");

export default worker.default;
