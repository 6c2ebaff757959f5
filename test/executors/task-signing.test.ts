/**
 * Task signatures: the canonical JSON (key order never matters, values always do), HMAC-SHA256
 * bound to the queue and the job id, and the key rules (32 bytes at least, trailing white
 * space ignored, never shown).
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { afterAll, describe, expect, it } from "vitest";
import { ValueError } from "../../src/core/errors.js";
import { canonicalJson, readTaskKeyFile, requiredTaskKey, signJob, taskKeyBytes, verifyJob } from "../../src/executors/distributed/task-signing.js";

const key = taskKeyBytes("test", "k".repeat(40));
const at = { queue: "chunkwise", jobId: "ab12cd34-1" };
const data = { v: 1, run: "ab12cd34", task: { json: { key: "x[0]", kernel: { module: "file:///a/dist/graph/block-kernels.js", name: "identity" }, args: [{ ref: "y[0]" }], params: { b: 2, a: [1, { d: null, c: "é" }] } } }, inputs: [["y[0]", { file: "y-1.blk", bytes: 64 }]] };

/** JSON values, as BullMQ carries them (after a JSON round trip: no -0, no undefined). */
const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);

/** The same value with every object's keys in another order. */
function shuffled(v: unknown, seed: number): unknown {
  if (Array.isArray(v)) return v.map((x, i) => shuffled(x, seed + i));
  if (v === null || typeof v !== "object") return v;
  const entries = Object.entries(v as Record<string, unknown>);
  entries.sort((a, b) => ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7) || (seed % 2 === 0 ? a[0].localeCompare(b[0]) : b[0].localeCompare(a[0])));
  return Object.fromEntries(entries.map(([k, x]) => [k, shuffled(x, seed + 1)]));
}

describe("canonicalJson", () => {
  it("sorts object keys at every depth, keeps array order, leaves undefined members out", () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }], u: undefined })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
  });

  test.prop([json, fc.nat()])("is the same for any key order and parses back to the same value", (v, seed) => {
    expect(canonicalJson(shuffled(v, seed))).toBe(canonicalJson(v));
    expect(JSON.parse(canonicalJson(v))).toEqual(v);
  });

  it.each([[NaN], [Infinity], [() => 1], [10n]])("refuses %s (no JSON form)", (bad) => {
    expect(() => canonicalJson({ x: bad })).toThrow(ValueError);
  });
});

describe("signJob / verifyJob", () => {
  const sig = signJob(key, at, data);

  it("is HMAC-SHA256 over a tag, the queue, the job id and the canonical data", () => {
    const want = createHmac("sha256", key).update(`chunkwise-task-v1\nchunkwise\nab12cd34-1\n${canonicalJson(data)}`).digest("hex");
    expect(sig).toBe(want);
    expect(verifyJob(key, at, { ...data, sig })).toBe(true);
    // A signature already present is not part of what is signed.
    expect(signJob(key, at, { ...data, sig })).toBe(sig);
  });

  it("survives BullMQ's JSON round trip and any key order", () => {
    expect(verifyJob(key, at, JSON.parse(JSON.stringify(shuffled({ ...data, sig }, 3))))).toBe(true);
  });

  it.each([
    ["no signature", data],
    ["an empty signature", { ...data, sig: "" }],
    ["a signature of the wrong length", { ...data, sig: sig.slice(2) }],
    ["an upper-case signature", { ...data, sig: sig.toUpperCase() }],
    ["a signature that is not a string", { ...data, sig: [sig] }],
    ["another kernel", { ...data, sig, task: { json: { ...data.task.json, kernel: { module: "file:///a/dist/cli/main.js", name: "main" } } } }],
    ["other params", { ...data, sig, task: { json: { ...data.task.json, params: { b: 2, a: [1, { d: null, c: "e" }] } } } }],
    ["another run", { ...data, sig, run: "ab12cd35" }],
    ["another input file", { ...data, sig, inputs: [["y[0]", { file: "../../etc/passwd", bytes: 64 }]] }],
    ["an added abort key", { ...data, sig, abortKey: "x" }],
    ["not an object", "data"],
    ["null", null],
  ])("refuses %s", (_, forged) => {
    expect(verifyJob(key, at, forged)).toBe(false);
  });

  it("refuses the same data replayed as another job or on another queue, and under another key", () => {
    expect(verifyJob(key, { ...at, jobId: "ab12cd34-2" }, { ...data, sig })).toBe(false);
    expect(verifyJob(key, { ...at, queue: "other" }, { ...data, sig })).toBe(false);
    expect(verifyJob(taskKeyBytes("test", "j".repeat(40)), at, { ...data, sig })).toBe(false);
  });

  test.prop([json, fc.string({ minLength: 1, maxLength: 8 }), json])("any change to any member breaks the signature", (v, name, other) => {
    fc.pre(canonicalJson(v) !== canonicalJson(other));
    const signed = { ...data, extra: { [name]: v } };
    const s = signJob(key, at, signed);
    expect(verifyJob(key, at, { ...signed, sig: s })).toBe(true);
    expect(verifyJob(key, at, { ...signed, extra: { [name]: other }, sig: s })).toBe(false);
  });
});

describe("task keys", () => {
  const dir = mkdtempSync(join(tmpdir(), "chunkwise-keys-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a key file's trailing newline does not change the key; text and bytes give the same key", () => {
    const file = join(dir, "task.key");
    writeFileSync(file, `${"ab".repeat(32)}\n`);
    expect(readTaskKeyFile("worker", file).equals(taskKeyBytes("distributed", "ab".repeat(32)))).toBe(true);
    expect(taskKeyBytes("distributed", Buffer.from(`${"ab".repeat(32)}\r\n`)).equals(taskKeyBytes("x", "ab".repeat(32)))).toBe(true);
  });

  it.each([
    ["a short key", "s3cret-but-short", "taskKey must be at least 32 bytes; got 16 (never shown)"],
    ["white space only", " \n".repeat(20), "taskKey must be at least 32 bytes; got 0 (never shown)"],
    ["a number", 42, 'taskKey must be text or bytes; got "number"'],
  ])("refuses %s without showing it", (_, bad, message) => {
    expect(() => taskKeyBytes("worker", bad)).toThrow(message);
    try {
      taskKeyBytes("worker", bad);
    } catch (e) {
      if (typeof bad === "string" && bad.trim() !== "") expect((e as Error).message).not.toContain(bad);
    }
  });

  it.each(["distributed", "worker"])("%s: a key or insecure, never neither nor both, with one rule on both sides", (fn) => {
    expect(requiredTaskKey(fn, { taskKey: "ab".repeat(32) })!.equals(taskKeyBytes(fn, "ab".repeat(32)))).toBe(true);
    expect(requiredTaskKey(fn, { insecure: true })).toBeUndefined();
    expect(() => requiredTaskKey(fn, {})).toThrow(new RegExp(`^${fn}: taskKey must be given, .*; got none\\. Pass \\{ taskKey: readFileSync`));
    expect(() => requiredTaskKey(fn, { insecure: false })).toThrow(ValueError);
    expect(() => requiredTaskKey(fn, { taskKey: "ab".repeat(32), insecure: true })).toThrow(`${fn}: insecure must not come with a taskKey; got both`);
    expect(() => requiredTaskKey(fn, { taskKey: "short" })).toThrow("taskKey must be at least 32 bytes; got 5 (never shown)");
  });

  it("an unreadable key file is a ValueError naming the file and how to make one", () => {
    expect(() => readTaskKeyFile("worker", join(dir, "missing.key"))).toThrow(/the task key file must be readable; got ".*missing\.key" \(ENOENT\)\. Make one with 'openssl rand -hex 32 >/);
  });
});
