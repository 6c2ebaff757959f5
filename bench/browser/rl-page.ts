// The bench page: runs the timed kernel on webWorkers(1) with a thread budget of `threads`.
import { kernelRefOf } from "../../src/graph/kernel.js";
import { webWorkers, type WebWorkerHandle } from "../../src/executors/web-workers/index.js";
import { rlTimed, type RlTimedParams } from "./rl-kernel.js";

declare const Worker: new (url: URL, options: { type: "module" }) => WebWorkerHandle;

(globalThis as { runBench?: unknown }).runBench = async (params: RlTimedParams): Promise<unknown> => {
  const ex = webWorkers({ workers: 1, threadsPerTask: params.threads, worker: () => new Worker(new URL("./rl-worker.js", import.meta.url), { type: "module" }) });
  try {
    return await ex.run({ key: "rl", kernel: kernelRefOf(rlTimed)!, args: [], params }, () => undefined, new Map());
  } finally {
    await ex.close();
  }
};
