/**
 * `npm run bench [-- name...]`: runs the named benchmarks (all when none is named) and prints
 * figures, each with the baseline measured in the same run and the ratio.
 */
const benches: Record<string, () => Promise<void>> = {
  gufunc: async () => (await import("./gufunc.js")).main(),
  fft: async () => (await import("./fft.js")).main(),
  rl: async () => (await import("./rl.js")).main(),
  "rl-browser": async () => (await import("./rl-browser.js")).main(),
  "rl-job": async () => (await import("./rl-job.js")).main(),
  "rl-passes": async () => (await import("./rl-passes.js")).main(),
  "rl-quality": async () => (await import("./rl-quality.js")).main(),
  threads: async () => (await import("./threads.js")).main(),
  executors: async () => (await import("./executors.js")).main(),
  "tiff-lzw": async () => (await import("./tiff-lzw.js")).main(),
  codecs: async () => (await import("./codecs.js")).main(),
};

// Benchmark names come first; everything from the first option on is the benchmarks' own
// (`npm run bench -- rl --size full`).
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith("-"));
const names = firstOption < 0 ? args : args.slice(0, firstOption);
for (const name of names.length > 0 ? names : Object.keys(benches)) {
  const run = benches[name];
  if (run === undefined) {
    console.error(`bench: unknown benchmark '${name}'; choose from ${Object.keys(benches).join(", ")}`);
    process.exit(2);
  }
  console.log(`\n## ${name}`);
  await run();
}
