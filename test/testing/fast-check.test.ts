import { expect, it } from "vitest";
import { loadFastCheck } from "../../src/testing/fast-check.js";

const missing = (code: string) => () => Promise.reject(Object.assign(new Error(`Cannot find package 'fast-check'`), { code }));

it.each(["ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND"])("fast-check missing (%s): says to install it, keeps the cause", async (code) => {
  const err = (await loadFastCheck(missing(code)).then(() => undefined, (e: unknown) => e)) as Error;
  expect(err).toBeInstanceOf(Error);
  expect(err.message).toMatch(/^chunkwise\/testing: fast-check must be installed .*npm install --save-dev fast-check$/);
  expect((err.cause as { code: string }).code).toBe(code);
});

it("another failure while loading fast-check passes through unchanged", async () => {
  const boom = new SyntaxError("boom");
  await expect(loadFastCheck(() => Promise.reject(boom))).rejects.toBe(boom);
});

it("fast-check installed: the default export", async () => {
  const fc = await loadFastCheck();
  expect(typeof fc.integer).toBe("function");
});
