/**
 * The FFT's thread team (`src/fft/pass-team.ts`) over Node's spawner: idle reuse, traps,
 * helpers that die, spawners that fail, and the caller's fallback to one thread (with a note)
 * when no provider is installed or the thread may not block.
 */
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, test, vi } from "vitest";
import { c2cChain } from "../../src/fft/nd-passes.js";
import { JOB_BYTES, writePassJob } from "../../src/fft/pass-jobs.js";
import { HELPER_LOOP, type HelperSpawner } from "../../src/fft/pass-team-helper.js";
import { PassTeamPool, SharedPassTeam, acquirePassTeam, installPassTeams, passTeams } from "../../src/fft/pass-team.js";
import type { WasmEngine } from "../../src/fft/wasm-engine.js";
import { spawnNodeHelper } from "../../src/executors/threads/node-pass-teams.js";

afterEach(() => vi.restoreAllMocks());

/** A c2c pass along axis 0 of an 8 x `lines` float32 spectrum in place; returns its job address. */
function passJob(engine: WasmEngine, lines: number, source?: number): number {
  const pass = c2cChain([8, lines], [0], [8], true, false, 1).passes[0]!;
  const at = engine.heapStart, bufs = at + 1024, data = bufs + 6 * 65536, job = data + 8 * lines * 8;
  expect(engine.reserve(job + JOB_BYTES)).toBe(true);
  const area = { at: data, stride: [2 * lines, 2] };
  const buffers: [number, number, number][] = [[bufs, bufs + 65536, bufs + 131072], [bufs + 196608, bufs + 262144, bufs + 327680]];
  expect(writePassJob(engine, job, pass, source === undefined ? area : { at: source, stride: area.stride }, area, buffers, true)).toBe(true);
  return job;
}

describe("PassTeamPool", () => {
  test("a released team is reused by the next acquire of the same size (memory, tables, threads); one idle team at most", () => {
    const pool = new PassTeamPool(spawnNodeHelper);
    const a = pool.acquire(2)!;
    a.release();
    const b = pool.acquire(2)!;
    expect(b).toBe(a);
    const c = pool.acquire(1)!;
    expect(c).not.toBe(a);
    c.release();
    b.release(); // replaces c as the idle team; c is stopped
    expect(() => c.run(0, true)).toThrow(/closed/);
    expect(pool.acquire(2)).toBe(a);
    a.close();
  });

  test("an idle team of another size is stopped when a different size is acquired (its memory is not held through the call)", () => {
    const pool = new PassTeamPool(spawnNodeHelper);
    const a = pool.acquire(2)!;
    a.release();
    const b = pool.acquire(1)!;
    expect(b).not.toBe(a);
    expect(() => a.run(0, true)).toThrow(/closed/);
    b.close();
  });

  test("an idle team stops after the idle time", async () => {
    const pool = new PassTeamPool(spawnNodeHelper, { idleMs: 20 });
    const a = pool.acquire(2)!;
    a.release();
    await new Promise((r) => setTimeout(r, 200));
    expect(() => a.run(0, true)).toThrow(/closed/);
    expect(pool.acquire(2)).not.toBe(a);
  });

  test("without a spawner only teams of one thread; nonsense sizes give none", () => {
    const pool = new PassTeamPool(undefined);
    expect(pool.acquire(2)).toBeUndefined();
    expect(pool.acquire(0)).toBeUndefined();
    expect(pool.acquire(1.5)).toBeUndefined();
    const one = pool.acquire(1)!;
    expect(one.size).toBe(1);
    one.close();
  });

  test("a pass that traps on every thread throws, leaves no stale failure behind, and the team is not pooled again", () => {
    const pool = new PassTeamPool(spawnNodeHelper);
    const team = pool.acquire(2)!;
    // 512 lines in batches of 64: both threads get batches; the source far past the end of memory traps.
    const bad = passJob(team.engine, 512, 0x7ff00000);
    expect(() => team.run(bad, true)).toThrow(/out of bounds/);
    const good = passJob(team.engine, 512);
    expect(() => team.run(good, true)).not.toThrow();
    team.release(); // broken by the trap: closed, not pooled
    expect(() => team.run(good, true)).toThrow(/closed/);
    expect(pool.acquire(2)).not.toBe(team);
  });
});

describe("SharedPassTeam", () => {
  test("a helper thread that died: the pass fails with a clear error within the pickup timeout, and the team closes", async () => {
    const workers: Worker[] = [];
    const spawn: HelperSpawner = (init) => {
      const w = new Worker(`const { module, memory, control, part } = require("node:worker_threads").workerData;\n${HELPER_LOOP}`, { eval: true, workerData: init });
      w.unref();
      workers.push(w);
      return w;
    };
    const team = SharedPassTeam.create(2, spawn, undefined, 1500)!;
    const job = passJob(team.engine, 8);
    team.run(job, true);
    await workers[0]!.terminate();
    expect(() => team.run(job, true)).toThrow(/a helper thread did not pick up the FFT pass within 1\.5 s; the team is closed/);
    expect(() => team.run(0, true)).toThrow(/closed/);
  });

  test("a spawner that throws: the helpers already started are stopped and the error reaches the caller", () => {
    const started: { stopped: boolean }[] = [];
    const spawn: HelperSpawner = (init) => {
      if (init.part === 2) throw new Error("no more threads");
      const h = { stopped: false, terminate: () => { h.stopped = true; } };
      started.push(h);
      return h;
    };
    expect(() => SharedPassTeam.create(3, spawn)).toThrow(/no more threads/);
    expect(started.map((h) => h.stopped)).toEqual([true]);
  });

  test("every helper gets the module, the shared memory, the control words and its own part", () => {
    const seen: number[] = [];
    const team = SharedPassTeam.create(3, (init) => {
      expect(init.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(init.control).toBeInstanceOf(SharedArrayBuffer);
      expect(init.module).toBeInstanceOf((globalThis as unknown as { WebAssembly: { Module: new () => object } }).WebAssembly.Module);
      seen.push(init.part);
      return { terminate: () => undefined };
    })!;
    expect(seen).toEqual([1, 2]);
    expect(team.size).toBe(3);
    team.close();
  });
});

describe("acquirePassTeam", () => {
  test("with the Node provider installed (the test setup), a team of the size asked", () => {
    expect(passTeams()).toBeDefined();
    const team = acquirePassTeam(2)!;
    expect(team.size).toBe(2);
    team.release();
  });

  test("no provider: one thread, one note; results byte-identical to a team of two", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const saved = passTeams();
    const run = (): Uint8Array => {
      const team = acquirePassTeam(2)!;
      const job = passJob(team.engine, 512);
      const data = new Float32Array(team.engine.memory.buffer, team.engine.heapStart + 1024 + 6 * 65536, 8 * 512 * 2);
      for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37);
      team.run(job, true);
      const out = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
      const size = team.size;
      team.close();
      return Object.assign(out, { size });
    };
    const two = run() as Uint8Array & { size: number };
    installPassTeams(undefined);
    try {
      const one = run() as Uint8Array & { size: number };
      const again = run() as Uint8Array & { size: number };
      expect([two.size, one.size, again.size]).toEqual([2, 1, 1]);
      expect(Buffer.from(one).equals(Buffer.from(two))).toBe(true);
      expect(Buffer.from(again).equals(Buffer.from(two))).toBe(true);
    } finally {
      installPassTeams(saved);
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/2 threads asked, running on 1 thread because no thread-team provider is installed/);
  });

  test("a thread that may not block (Atomics.wait throws, as on a browser's main thread): one thread, with a note", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    vi.spyOn(Atomics, "wait").mockImplementation(() => {
      throw new TypeError("Atomics.wait cannot be called in this context");
    });
    const team = acquirePassTeam(3)!;
    expect(team.size).toBe(1);
    team.close();
    expect(String(warn.mock.calls[0]![0])).toMatch(/may not block on Atomics\.wait/);
  });

  test("a provider with no team: one thread, with a note", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const saved = passTeams();
    const calls: number[] = [];
    installPassTeams({ acquire: (n) => (calls.push(n), n === 1 ? new PassTeamPool(undefined).acquire(1) : undefined) });
    try {
      const team = acquirePassTeam(2)!;
      expect(team.size).toBe(1);
      team.close();
    } finally {
      installPassTeams(saved);
    }
    expect(calls).toEqual([2, 1]);
    expect(String(warn.mock.calls[0]![0])).toMatch(/provider has no team here/);
  });
});

describe("Node's spawner", () => {
  test("helpers start when the parent process is an ES module script (--input-type=module, whose execArgv workers inherit)", async () => {
    const { spawnSync } = await import("node:child_process");
    const { pathToFileURL } = await import("node:url");
    const { resolve } = await import("node:path");
    const src = (p: string): string => pathToFileURL(resolve(p)).href;
    const script = `
      const { SharedPassTeam } = await import(${JSON.stringify(src("src/fft/pass-team.ts"))});
      const { spawnNodeHelper } = await import(${JSON.stringify(src("src/executors/threads/node-pass-teams.ts"))});
      const { c2cChain } = await import(${JSON.stringify(src("src/fft/nd-passes.ts"))});
      const { JOB_BYTES, writePassJob } = await import(${JSON.stringify(src("src/fft/pass-jobs.ts"))});
      const team = SharedPassTeam.create(2, spawnNodeHelper, undefined, 5000);
      const e = team.engine, pass = c2cChain([8, 512], [0], [8], true, false, 1).passes[0];
      const bufs = e.heapStart + 1024, data = bufs + 6 * 65536, job = data + 8 * 512 * 8;
      e.reserve(job + JOB_BYTES);
      const area = { at: data, stride: [1024, 2] };
      writePassJob(e, job, pass, area, area, [[bufs, bufs + 65536, bufs + 131072], [bufs + 196608, bufs + 262144, bufs + 327680]], true);
      team.run(job, true);
      team.close();
      console.log("ran on " + team.size);
    `;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(`${r.stdout}${r.stderr}`).toMatch(/ran on 2/);
    expect(r.status).toBe(0);
  });
});
