/**
 * `toSVG(array)`: a picture of the chunk grid, as dask draws arrays in notebooks
 * (`dask/array/svg.py`): a 1-D array is a thin bar, a 2-D array a rectangle with a line at
 * every chunk boundary, a 3-D array an oblique box with three faces, and more dimensions a row
 * of such drawings (axes grouped by three from the right, as dask does for 4-D and 5-D).
 *
 * Matches dask's layout rules: axis lengths are drawn with dask's "ratio response" (ratios up
 * to e exact, then logarithmic, capped at 100), at most `size / 6` lines per direction are
 * drawn (evenly sampled, outline always kept, so a grid of a million chunks stays small), the
 * fill turns dark when lines were dropped, and each edge carries its axis length. Output is a
 * standalone SVG document (with the SVG namespace), pure text with no DOM.
 * @module
 */
import { ValueError, show } from "../core/errors.js";
import type { Chunks } from "../chunks/grid.js";

/** Options of {@link toSVG}. */
export interface ToSVGOptions {
  /** Rough size in pixels of the longest drawn axis (default 200, as dask's `svg`). */
  size?: number;
}

type Point = readonly [number, number];
type Skew = "none" | "down" | "right";

/** One drawn grid (a face) with its extents. */
interface Face {
  readonly lines: string[];
  readonly minX: number;
  readonly maxX: number;
  readonly minY: number;
  readonly maxY: number;
}

/** A finished drawing in local coordinates. */
interface Drawing {
  readonly body: string[];
  readonly width: number;
  readonly height: number;
}

const TEXT = 'font-size="14" font-family="sans-serif" font-weight="100" text-anchor="middle" stroke="none" fill="black"';

/**
 * Draws the chunk grid of an array as an SVG document.
 * @param array - anything with `chunks` (a ChunkedArray, or explicit sizes per axis)
 * @param options - `size`: pixels of the longest axis (default 200)
 * @returns the SVG text, starting with `<svg xmlns="http://www.w3.org/2000/svg"`
 * @throws {ValueError} for a 0-d array, a zero-length axis, or a size that is not a positive number
 * @example
 * ```ts
 * writeFileSync("grid.svg", toSVG(zeros([1000, 800], { chunks: 100 })));
 * ```
 */
export function toSVG(array: { readonly chunks: Chunks }, options: ToSVGOptions = {}): string {
  const fn = "toSVG";
  const chunks = array?.chunks as Chunks;
  if (!Array.isArray(chunks as unknown)) throw new ValueError(fn, `array must have chunks; got ${show(array)}. Pass a ChunkedArray`);
  const size = options.size ?? 200;
  if (typeof size !== "number" || !Number.isFinite(size) || size <= 0) {
    throw new ValueError(fn, `size must be a positive number of pixels; got ${show(size)}. Pass e.g. 200`);
  }
  const shape = chunks.map((c) => c.reduce((a, b) => a + b, 0));
  if (shape.length === 0) throw new ValueError(fn, `array must have at least one axis; got shape (). A 0-d array has no chunk grid to draw`);
  if (shape.some((n) => n === 0)) {
    throw new ValueError(fn, `every axis must have a positive length; got shape ${show(shape)}. An empty array has no chunk grid to draw`);
  }
  // dask: a 1-D array is drawn as (1, n); a lone leading axis of >3 dims gets a size-1 partner.
  const padded: Chunks = shape.length % 3 === 1 ? [[1], ...chunks] : chunks;
  const sizes = drawSizes(padded.map((c) => c.reduce((a, b) => a + b, 0)), size);
  const d = draw(padded, sizes, size);
  const w = Math.ceil(d.width);
  const h = Math.ceil(d.height);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" style="stroke:rgb(0,0,0);stroke-width:1">`,
    ...d.body,
    "</svg>",
  ].join("\n");
}

/** Draws 2- or 3-D grids directly, and more dims as a row of drawings (axes grouped by three from the right). */
function draw(chunks: Chunks, sizes: readonly number[], size: number): Drawing {
  if (chunks.length === 2) return draw2d(chunks, sizes, size);
  if (chunks.length === 3) return draw3d(chunks, sizes, size);
  let rest = [...chunks];
  let restSizes = [...sizes];
  const body: string[] = [];
  let left = 0;
  let height = 0;
  while (rest.length > 0) {
    const n = rest.length % 3 || 3;
    const part = n === 2 ? draw2d(rest.slice(0, 2), restSizes.slice(0, 2), size) : draw3d(rest.slice(0, 3), restSizes.slice(0, 3), size);
    body.push(`<g transform="translate(${fmt(left)},0)">`, ...part.body, "</g>");
    left += part.width + 10;
    height = Math.max(height, part.height);
    rest = rest.slice(n);
    restSizes = restSizes.slice(n);
  }
  return { body, width: left - 10, height };
}

/** A grid with axis 0 downwards and axis 1 to the right; lengths labelled below and to the right. */
function draw2d(chunks: Chunks, sizes: readonly number[], size: number): Drawing {
  const [ys, xs] = [points(chunks[0]!, sizes[0]!), points(chunks[1]!, sizes[1]!)];
  const f = grid(xs, ys, [10, 10], "none", size);
  const rows = chunks[0]!.reduce((a, b) => a + b, 0);
  const cols = chunks[1]!.reduce((a, b) => a + b, 0);
  const ty = (f.minY + f.maxY) / 2;
  return {
    body: [
      ...f.lines,
      text((f.minX + f.maxX) / 2, f.maxY + 20, cols),
      text(f.maxX + 20, ty, rows, rows >= 100 ? -90 : 0),
    ],
    width: f.maxX + 50,
    height: f.maxY + 50,
  };
}

/** An oblique box: axis 0 recedes (drawn at 1/1.7 scale), axis 1 down, axis 2 right. */
function draw3d(chunks: Chunks, sizes: readonly number[], size: number): Drawing {
  const depth = points(chunks[0]!, sizes[0]! / 1.7);
  const ys = points(chunks[1]!, sizes[1]!);
  const xs = points(chunks[2]!, sizes[2]!);
  const d = depth[depth.length - 1]!;
  const side = grid(depth, ys, [10, 0], "down", size);
  const top = grid(xs, depth, [10, 0], "right", size);
  const front = grid(xs, ys, [10 + d, d], "none", size);
  const [n0, n1, n2] = chunks.map((c) => c.reduce((a, b) => a + b, 0)) as [number, number, number];
  const sx = (side.minX + side.maxX) / 2 - 10;
  const sy = side.maxY - (side.maxX - side.minX) / 2 + 20;
  return {
    body: [
      ...side.lines,
      ...top.lines,
      ...front.lines,
      text((front.minX + front.maxX) / 2, front.maxY + 20, n2),
      text(front.maxX + 20, (front.minY + front.maxY) / 2, n1, n1 >= 100 ? -90 : 0),
      text(sx, sy, n0, 45),
    ],
    width: front.maxX + 50,
    height: front.maxY + 50,
  };
}

/**
 * Lines at every horizontal position `hs` and vertical position `vs` (both from 0), at most
 * `size / 6` per direction, plus a filled polygon. `skew` shears the grid: "down" moves a
 * point down by its horizontal position, "right" moves it right by its vertical position.
 */
function grid(hs: readonly number[], vs: readonly number[], offset: Point, skew: Skew, size: number): Face {
  const at = (h: number, v: number): Point => [
    offset[0] + h + (skew === "right" ? v : 0),
    offset[1] + v + (skew === "down" ? h : 0),
  ];
  const hMax = hs[hs.length - 1]!;
  const vMax = vs[vs.length - 1]!;
  const maxN = Math.max(2, Math.floor(size / 6));
  const hKeep = sample(vs.length, maxN);
  const vKeep = sample(hs.length, maxN);
  const lines: string[] = [];
  for (const i of hKeep) lines.push(line(at(0, vs[i]!), at(hMax, vs[i]!), i === 0 || i === vs.length - 1));
  for (const i of vKeep) lines.push(line(at(hs[i]!, 0), at(hs[i]!, vMax), i === 0 || i === hs.length - 1));
  const corners = [at(0, 0), at(hMax, 0), at(hMax, vMax), at(0, vMax)];
  const dense = hKeep.length < vs.length || vKeep.length < hs.length;
  lines.push(`<polygon points="${corners.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(" ")}" style="fill:#${dense ? "8B4903" : "ECB172"};fill-opacity:0.63;stroke-width:0"/>`);
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  return { lines, minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
}

/** Indices of at most `maxN` of `n` lines, evenly spread, first and last always kept. */
function sample(n: number, maxN: number): number[] {
  if (n <= maxN) return Array.from({ length: n }, (_, i) => i);
  const out = new Set<number>();
  for (let k = 0; k < maxN; k++) out.add(Math.floor((k * (n - 1)) / (maxN - 1)));
  return [...out];
}

/** Pixel positions of the chunk boundaries of one axis drawn `pixels` long. */
function points(chunks: readonly number[], pixels: number): number[] {
  const total = chunks.reduce((a, b) => a + b, 0);
  const out = [0];
  let acc = 0;
  for (const c of chunks) {
    acc += c;
    out.push((acc * pixels) / total);
  }
  return out;
}

/** Pixels per axis, as dask's `draw_sizes`: the longest axis gets `size`, others shrink by a damped ratio. */
function drawSizes(shape: readonly number[], size: number): number[] {
  const mx = Math.max(...shape);
  return shape.map((n) => size / ratioResponse(mx / Math.max(0.1, n)));
}

/** dask's `ratio_response`: ratios up to e stay exact, then grow logarithmically, capped at 100. */
function ratioResponse(x: number): number {
  if (x < Math.E) return x;
  return Math.log(Math.min(x, 100) + 12.4);
}

function line(a: Point, b: Point, outline: boolean): string {
  return `<line x1="${fmt(a[0])}" y1="${fmt(a[1])}" x2="${fmt(b[0])}" y2="${fmt(b[1])}"${outline ? ' style="stroke-width:2"' : ""}/>`;
}

function text(x: number, y: number, value: number, rotate = 0): string {
  const r = rotate === 0 ? "" : ` transform="rotate(${rotate},${fmt(x)},${fmt(y)})"`;
  return `<text x="${fmt(x)}" y="${fmt(y)}" ${TEXT}${r}>${value}</text>`;
}

/** Coordinates with two decimals at most. */
function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}
