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
            // The package's "node" export targets: install executors/' Node services, then
            // re-export a browser-safe entry.
            ["entries"],
            ["cli"],
          ],
          // Layers 1-6 bundle for a browser unchanged.
          nodeFree: ["core", "gufunc", "chunks", "fft", "graph", "schedule", "array", "filters"],
          packages: { piscina: ["executors"], bullmq: ["executors"], ioredis: ["executors"] },
          // fft/ is reached through its public entry or its internal barrel (the engine filters/ runs on).
          barrels: { fft: ["index.ts", "internal.ts"] },
        },
      ],
    },
  },
);
