import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { fileURLToPath } from "node:url";
import * as nodePath from "node:path";
import layers from "./scripts/eslint-layers.js";

export default tseslint.config(
  { ignores: ["dist/**", "docs/api/**", "node_modules/**", "coverage/**", "scratch/**", ".snippets/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  // The layer order of docs/architecture.md: each folder of src/ imports only itself and the
  // layers listed before its own; peers in one layer do not import each other.
  {
    files: ["src/**/*.ts", "src/**/*.mjs"],
    plugins: { chunkwise: layers },
    rules: {
      "chunkwise/layers": [
        "error",
        {
          srcDir: nodePath.join(nodePath.dirname(fileURLToPath(import.meta.url)), "src"),
          layers: [
            ["core"],
            ["gufunc", "chunks", "fft"],
            ["graph"],
            ["schedule"],
            ["array"],
            ["filters", "io"],
            ["(root)", "executors", "testing"],
            ["cli"],
          ],
          // Layers 1-6 bundle for a browser unchanged.
          nodeFree: ["core", "gufunc", "chunks", "fft", "graph", "schedule", "array", "filters"],
          packages: { piscina: ["executors"], bullmq: ["executors"], ioredis: ["executors"] },
          // fft/ is reached through its public entry or its internal barrel (the engine filters/ runs on).
          barrels: { fft: ["index.ts", "internal.ts"] },
          // Temporary: Node builtins in layers that must become browser-safe. Each goes when
          // issue 14's pass-runner item injects the Node-only part from executors/.
          exceptions: [
            // The FFT's thread team for resident Richardson-Lucy spawns worker threads itself;
            // the pass runner the executors inject replaces it (issue 14, "fft/ owns a thread pool").
            { file: "fft/wasm-team.ts", import: "node:worker_threads" },
            // The default memory budget is 75% of os.totalmem(); a host interface from the
            // executors (memory size, as kernel-call.ts injects the interruptible call) replaces
            // it (issue 14, pass-runner item: the executor passes budgets in the task context).
            { file: "schedule/memory-plan.ts", import: "node:os" },
          ],
        },
      ],
    },
  },
);
