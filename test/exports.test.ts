/**
 * The public surface of the root and of `chunkwise/testing`, snapshot-tested so every change
 * to the list of exports is deliberate (zarrita's habit).
 */
import { expect, it } from "vitest";
import * as root from "../src/index.js";
import * as testing from "../src/testing/index.js";

it("chunkwise exports exactly these values", () => {
  expect(Object.keys(root).sort()).toMatchSnapshot();
});

it("chunkwise/testing exports exactly these values", () => {
  expect(Object.keys(testing).sort()).toMatchSnapshot();
});

it("the root never loads zarrita, piscina or bullmq (following its relative imports)", async () => {
  const { readFileSync } = await import("node:fs");
  const { dirname, resolve } = await import("node:path");
  const heavy = /from "(zarrita|@zarrita\/[^"]*|piscina|bullmq|ioredis|numcodecs[^"]*|pngjs)"/;
  const seen = new Set<string>();
  const offenders: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    if (heavy.test(text)) offenders.push(file);
    for (const m of text.matchAll(/from "(\.[^"]+)\.js"/g)) visit(resolve(dirname(file), `${m[1]}.ts`));
  };
  visit(resolve("src/index.ts"));
  expect(seen.size).toBeGreaterThan(20);
  expect(offenders).toEqual([]);
});
