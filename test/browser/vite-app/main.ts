// A page built by Vite (vite build): the worker named with the URL form Vite recognises.
import { fromArray } from "../../../src/array/creation.js";
import { mapBlocks } from "../../../src/array/map-blocks.js";
import type { ChunkedArray } from "../../../src/array/chunked-array.js";
import { compute } from "../../../src/schedule/compute.js";
import { webWorkers, type WebWorkerHandle } from "../../../src/executors/web-workers/index.js";
import { fromTypedArray } from "../../../src/core/ndarray.js";
import { affine } from "./kernels.js";

declare const Worker: new (url: URL, options: { type: "module" }) => WebWorkerHandle;

(globalThis as { runApp?: unknown }).runApp = async (): Promise<unknown> => {
  const executor = webWorkers({ workers: 2, worker: () => new Worker(new URL("./worker.ts", import.meta.url), { type: "module" }) });
  try {
    const x = fromArray(fromTypedArray("float64", Float64Array.from({ length: 24 }, (_, i) => i), [4, 6]), { chunks: [2, 3] });
    const out = await compute(mapBlocks(affine, [x]) as ChunkedArray, { executor });
    return { values: [...out.data], pageModule: import.meta.url };
  } finally {
    await executor.close();
  }
};
