// zipStore refuses what an unzip tool could write outside its folder, keys that would
// collide into one entry, and values that are not bytes, with house-style errors.
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { zipStore, ZarrError } from "../../../src/io/zarr/index.js";

const bytes = (...v: number[]) => new Uint8Array(v);

async function refusal(store: Map<string, unknown>): Promise<ZarrError> {
  const e = await zipStore(store as never).then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(ZarrError);
  return e as ZarrError;
}

describe("zipStore", () => {
  it("zips a Map's keys as entries without the leading slash, each value intact", async () => {
    const store = new Map<string, Uint8Array>([["/a/zarr.json", bytes(123, 125)], ["/a/c/0/0", bytes(1, 2, 3)]]);
    const files = unzipSync(await zipStore(store));
    expect(Object.keys(files).sort()).toEqual(["a/c/0/0", "a/zarr.json"]);
    expect([...files["a/c/0/0"]!]).toEqual([1, 2, 3]);
  });

  it.each([
    ["/../x", 'has the part ".."'],
    ["/a/../../y", 'has the part ".."'],
    ["C:\\win", "contains a backslash"],
    ["/C:/win", "starts with a drive letter"],
    ["", "is empty"],
    ["/", "is empty"],
    ["//etc/passwd", "is absolute"],
    ["/a//b", 'has the part ""'],
    ["/a/./b", 'has the part "."'],
    ["/a\0b", "contains a NUL character"],
  ])("refuses the key %j (unsafe-path: %s)", async (key, why) => {
    const e = await refusal(new Map([[key, bytes(1)]]));
    expect(e.kind).toBe("unsafe-path");
    expect(e.message).toContain(`zipStore: keys must be "/"-separated relative names`);
    expect(e.message).toContain(`which ${why}`);
  });

  it("refuses /dup and dup, which would be one entry (one value lost)", async () => {
    const e = await refusal(new Map([["/dup", bytes(1)], ["dup", bytes(2)]]));
    expect(e.kind).toBe("unsafe-path");
    expect(e.message).toBe('zipStore: keys must name distinct entries; got "/dup" and "dup", which are both the entry "dup" (one would be lost). Keep one of the two keys in the store');
  });

  it("refuses a key longer than a zip name holds (65535 bytes of UTF-8)", async () => {
    const e = await refusal(new Map([[`/${"é".repeat(40000)}`, bytes(1)]]));
    expect(e.kind).toBe("unsafe-path");
    expect(e.message).toContain("is 80000 bytes long (a zip entry name holds at most 65535)");
  });

  it.each([
    ["a number array", [1, 2, 3], "an array"],
    ["a string", "abc", "string"],
    ["an object", { length: 3 }, "object"],
  ])("refuses a value that is %s", async (_n, value, got) => {
    const e = await refusal(new Map([["/k", value]]));
    expect(e.kind).toBe("store");
    expect(e.message).toContain(`zipStore: the value of key "/k" must be bytes (a Uint8Array); got ${got}.`);
  });

  it("refuses a non-string key", async () => {
    const e = await refusal(new Map<unknown, unknown>([[7, bytes(1)]]) as Map<string, unknown>);
    expect(e.message).toBe('zipStore: keys must be strings such as "/data/zarr.json"; got number. List only string keys from keys()');
  });
});
