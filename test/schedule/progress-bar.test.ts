import { describe, expect, it, vi } from "vitest";
import { progressBar } from "../../src/schedule/progress-bar.js";
import type { Progress } from "../../src/schedule/scheduler.js";

const events = (total: number): Progress[] =>
  Array.from({ length: total }, (_, i) => ({ done: i + 1, total, elapsedMs: (i + 1) * 100, etaMs: (total - i - 1) * 100, bytesWritten: (i + 1) * 1000, heldBytes: 0 }));

function sink(isTTY: boolean): { stream: NodeJS.WritableStream & { isTTY: boolean; columns: number }; text: () => string } {
  let text = "";
  const stream = { isTTY, columns: 100, write: (t: string) => ((text += t), true), on: () => stream, once: () => stream, removeListener: () => stream, cursorTo: () => true, clearLine: () => true, moveCursor: () => true };
  return { stream: stream as unknown as NodeJS.WritableStream & { isTTY: boolean; columns: number }, text: () => text };
}

describe("progressBar", () => {
  it("not a terminal: plain lines at most every intervalMs=250, and always the last one", () => {
    const s = sink(false);
    const bar = progressBar({ label: "write", stream: s.stream, intervalMs: 250 });
    for (const e of events(10)) bar.onProgress(e);
    bar.stop();
    const lines = s.text().trimEnd().split("\n");
    expect(lines[0]).toBe("write: 1/10 tasks (10%), 1.00 kB written, elapsed 0.1 s, ETA 0.9 s");
    expect(lines.at(-1)).toBe("write: 10/10 tasks (100%), 10.00 kB written, elapsed 1.0 s, ETA 0.0 s");
    expect(lines.length).toBe(4);
  });

  it("a terminal: draws a cli-progress bar", async () => {
    const s = sink(true);
    const bar = progressBar({ label: "write", stream: s.stream });
    for (const e of events(4)) bar.onProgress(e);
    await vi.waitFor(() => expect(s.text()).toContain("4/4 tasks"));
    bar.stop();
    expect(s.text()).toContain("write [");
  });

  it("a terminal: events and stop() before cli-progress has loaded still draw the last state", async () => {
    const s = sink(true);
    const bar = progressBar({ label: "early", stream: s.stream });
    const all = events(3);
    for (const e of all) bar.onProgress(e);
    bar.stop();
    bar.onProgress(all[0]!);
    await vi.waitFor(() => expect(s.text()).toContain("3/3 tasks"));
    expect(s.text()).not.toContain("1/3 tasks");
  });

  it("no process (a browser bundle): the default stream is the console, one console.info per line", () => {
    const lines: unknown[] = [];
    const info = vi.spyOn(console, "info").mockImplementation((line: unknown) => void lines.push(line));
    vi.stubGlobal("process", undefined);
    try {
      const bar = progressBar({ label: "rl", intervalMs: 0 });
      for (const e of events(2)) bar.onProgress(e);
      bar.stop();
    } finally {
      vi.unstubAllGlobals();
      info.mockRestore();
    }
    expect(lines).toEqual([
      "rl: 1/2 tasks (50%), 1.00 kB written, elapsed 0.1 s, ETA 0.1 s",
      "rl: 2/2 tasks (100%), 2.00 kB written, elapsed 0.2 s, ETA 0.0 s",
    ]);
  });
});
