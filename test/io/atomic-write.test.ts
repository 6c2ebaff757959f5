// The one whole-file writer (src/io/atomic-write.ts): temporary names, clean-up on failure, abort.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { replaceFileAtomically, writeFileAtomically } from "../../src/io/atomic-write.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "chunkwise-atomic-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("writeFileAtomically", () => {
  it("replaces an existing file with bytes, a string or what a callback writes, leaving only the target", async () => {
    const path = join(dir, "a.bin");
    writeFileSync(path, "old");
    await writeFileAtomically(path, new Uint8Array([1, 2, 3]), { durable: true });
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    await writeFileAtomically(path, "text", { hidden: true });
    expect(readFileSync(path, "utf8")).toBe("text");
    await writeFileAtomically(path, async (h) => void (await h.write(Buffer.from("xyz"), 0, 3, 2)));
    expect([...readFileSync(path)]).toEqual([0, 0, 120, 121, 122]);
    expect(readdirSync(dir)).toEqual(["a.bin"]);
  });

  it("a failing callback leaves the old file and no temporary file, and its error comes out unchanged", async () => {
    const path = join(dir, "b.bin");
    writeFileSync(path, "old");
    const boom = new Error("boom");
    await expect(writeFileAtomically(path, async (h) => {
      await h.write(Buffer.from("half"));
      throw boom;
    })).rejects.toBe(boom);
    expect(readFileSync(path, "utf8")).toBe("old");
    expect(readdirSync(dir)).toEqual(["b.bin"]);
  });

  it("an aborted signal writes nothing and throws its reason", async () => {
    const reason = new Error("stop");
    await expect(writeFileAtomically(join(dir, "c.bin"), "x", { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("replaceFileAtomically", () => {
  it("a missing folder becomes the caller's error, saying so in words", async () => {
    const fail = (why: string) => new Error(`cannot write: ${why}`);
    await expect(replaceFileAtomically(join(dir, "no/such/x.png"), "x", undefined, fail)).rejects.toThrow("cannot write: its folder does not exist");
  });
});
