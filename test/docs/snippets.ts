/**
 * Extracts the TypeScript code blocks of README.md and docs/*.md so they can be type-checked
 * and run as a reader would use them (test/docs/snippets.test.ts, scripts/check-packed.ts).
 *
 * A block is a fence opened by three backticks and `ts`. An HTML comment on the line just
 * above it steers it:
 * - `<!-- snippet: typecheck-only (why) -->` type-checked, not run; the reason is required.
 * - `<!-- snippet: continues -->` the page's previous block and this one form one program
 *   (the previous one is then not run by itself; a typecheck-only previous block stays so).
 * A block whose first line is `// name.ts` (optionally followed by `: what it is`) is written
 * under that name, so the page's other blocks can import it (`./name.js`); it also runs by
 * itself, like any block.
 * @module
 */
import { cpSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** One program made of a page's blocks. */
export interface Snippet {
  /** `docs/io.md:157`: the page and the line of the (last) fence. */
  readonly where: string;
  /** The file name to write it as: `kernels.ts`, or `line-157.ts`. */
  readonly file: string;
  readonly code: string;
  /** Why it is not run, or undefined when it runs. */
  readonly typecheckOnly?: string;
  /** Named by its first line (`// kernels.ts`), so other blocks import it. */
  readonly module: boolean;
  /** The page's slug (a directory name): `docs-io`, `README`. */
  readonly page: string;
}

const MARKER = /^<!--\s*snippet:\s*(.*?)\s*-->$/;

/** The snippets of one Markdown page (`path` relative to `root`). */
export function snippetsOf(root: string, path: string): Snippet[] {
  const lines = readFileSync(join(root, path), "utf8").split("\n");
  const page = path.replace(/\.md$/, "").replace(/[/\\]/g, "-");
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`${path}:${start + 1}: a ts code block must be closed by three backticks`);
    const marker = MARKER.exec(lines[start - 1]?.trim() ?? "")?.[1] ?? "";
    const where = `${path}:${start + 1}`;
    const typecheckOnly = /^typecheck-only\s*\((.+)\)$/.exec(marker)?.[1];
    if (marker !== "" && marker !== "continues" && typecheckOnly === undefined) {
      throw new Error(`${where}: the snippet marker must be "continues" or "typecheck-only (why)"; got "${marker}"`);
    }
    const named = /^\/\/\s*([\w.-]+\.ts)\b(?::.*)?$/.exec(body[0] ?? "")?.[1];
    let code = body.join("\n");
    let reason = typecheckOnly;
    if (marker === "continues") {
      const prev = out.pop();
      if (prev === undefined || prev.module) throw new Error(`${where}: "continues" needs a previous program block on the page`);
      code = `${prev.code}\n${code}`;
      reason = prev.typecheckOnly;
    }
    out.push({
      where, page, code, module: named !== undefined,
      file: named ?? `line-${start + 1}.ts`,
      ...(reason !== undefined ? { typecheckOnly: reason } : {}),
    });
  }
  return out;
}

/**
 * Puts the README's dataset into `dir` under the names the docs use: the camera-like fixture
 * test/fixtures/filters/readme-camera (`raw.zarr`, `psfs/*.tif`) as `AOLLSMData_m4_raw.zarr`
 * and `AOLLSMData/m4/psfs_z0p1/*.tif`.
 */
export function placeReadmeData(root: string, dir: string): void {
  const fixture = join(root, "test/fixtures/filters/readme-camera");
  cpSync(join(fixture, "raw.zarr"), join(dir, "AOLLSMData_m4_raw.zarr"), { recursive: true });
  cpSync(join(fixture, "psfs"), join(dir, "AOLLSMData/m4/psfs_z0p1"), { recursive: true });
}

/** Every snippet of README.md and docs/*.md under `root`, in page order. */
export function allSnippets(root: string): Snippet[] {
  const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
  return pages.flatMap((p) => snippetsOf(root, p));
}
