import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValueError } from "../../../src/core/errors.js";
import { SERIES_COLORS, linePlotPng, niceTicks, renderLinePlotSvg, writeLinePlotSvg, type PlotSeries } from "../../../src/cli/pictures/line-plot.js";

let dir = "";
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "chunkwise-plot-")); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** A small XML well-formedness check: balanced tags, quoted attributes, escaped text. */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*(?:&(?:lt|gt|amp|quot|apos);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = token.exec(xml)) !== null) {
    end = token.lastIndex;
    const [, close, name, , selfClose, text] = m;
    if (text !== undefined) {
      if (/&(?!(lt|gt|amp|quot|apos);)/.test(text)) return false;
      continue;
    }
    if (close === "/") {
      if (stack.pop() !== name) return false;
    } else if (selfClose !== "/") stack.push(name!);
  }
  return end === xml.length && stack.length === 0;
}

const series: PlotSeries[] = [
  { name: "channel 0", x: [0, 1, 2, 3, 4], y: [1, 0.6, 0.45, 0.4, 0.38] },
  { name: "ch <1> & \"more\"", x: [0, 1, 2, 3, 4], y: [1.2, 0.7, NaN, 0.42, 0.41] },
];

it("the well-formedness check itself rejects broken XML", () => {
  expect(wellFormed('<svg a="1"><g/><text>x &amp; y</text></svg>')).toBe(true);
  for (const bad of ["<a><b></a>", "<a>x & y</a>", '<a b="<"></a>', "<a>", "<a b=1></a>"]) expect(wellFormed(bad)).toBe(false);
});

describe("niceTicks", () => {
  it.each([
    [0, 0.93, 5, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [0, 10, 5, [0, 2, 4, 6, 8, 10]],
    [-3, 7, 2, [-5, 0, 5, 10]],
    [0.31, 0.38, 4, [0.3, 0.32, 0.34, 0.36, 0.38]],
    [5, 5, 5, [5]],
  ])("lo=%d hi=%d count=%d gives %j", (lo, hi, count, want) => {
    expect(niceTicks(lo, hi, count)).toEqual(want);
  });
});

describe("renderLinePlotSvg / writeLinePlotSvg", () => {
  it("series=2 is well-formed SVG with one path per series, axes, ticks, labels and legend", async () => {
    const path = join(dir, "plot.svg");
    await writeLinePlotSvg(path, series, { title: "Error vs iteration", xLabel: "iteration", yLabel: "RMSE" });
    const svg = await readFile(path, "utf8");
    expect(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true);
    expect(wellFormed(svg.trim())).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    for (const text of ["Error vs iteration", "iteration", "RMSE", "channel 0", "ch &lt;1&gt; &amp; &quot;more&quot;"]) expect(svg).toContain(`>${text}<`);
    expect(svg).toContain(">0.4<"); // a y tick label
    // The NaN point breaks the second line into two runs (two "M" commands).
    const d = [...svg.matchAll(/<path class="series" d="([^"]*)"/g)].map((m) => m[1]!);
    expect(d[0]!.match(/M/g)).toHaveLength(1);
    expect(d[1]!.match(/M/g)).toHaveLength(2);
  });

  it("logY=true labels decades and skips non-positive values", () => {
    const svg = renderLinePlotSvg([{ name: "a", x: [1, 2, 3], y: [100, 0, 1] }], { logY: true });
    expect(wellFormed(svg.trim())).toBe(true);
    expect(svg).toContain(">1e2<");
    expect(svg).toContain(">1<");
  });

  it.each([
    ["no series", []],
    ["ragged x and y", [{ name: "a", x: [1, 2], y: [1] }]],
    ["a missing name", [{ x: [1], y: [1] }]],
  ])("%s throws ValueError", (_what, bad) => {
    expect(() => renderLinePlotSvg(bad as PlotSeries[])).toThrow(ValueError);
  });
});

describe("linePlotPng", () => {
  it("width=320 height=200: white background, black axes, each series' colour present", async () => {
    const path = join(dir, "plot.png");
    await linePlotPng(path, series, { width: 320, height: 200, title: "error" });
    const png = PNG.sync.read(await readFile(path));
    expect([png.width, png.height]).toEqual([320, 200]);
    const px = (x: number, y: number): number[] => Array.from(png.data.subarray((y * 320 + x) * 4, (y * 320 + x) * 4 + 3));
    expect(px(319, 0)).toEqual([255, 255, 255]);
    expect(px(70, 100)).toEqual([0, 0, 0]); // the y axis at x = left
    for (const color of SERIES_COLORS.slice(0, 2)) {
      let found = false;
      for (let i = 0; i < png.data.length && !found; i += 4) found = png.data[i] === color[0] && png.data[i + 1] === color[1] && png.data[i + 2] === color[2];
      expect(found).toBe(true);
    }
  });
});
