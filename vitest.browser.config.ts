import { defineConfig } from "vitest/config";

// `npm run test:browser`: tests that bundle pages and run them in headless Chromium
// (test/browser/harness). Kept out of `npm test`, which needs no browser.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    setupFiles: ["test/setup/fast-check-seed.ts", "test/setup/node-host.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One Chromium at a time: the machine is small and the pages may start workers.
    fileParallelism: false,
  },
});
