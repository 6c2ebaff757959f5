// The size rules of STYLE.md that a reviewer would otherwise count by hand (issue 14): no
// hand-written file under src/ over 400 lines, and no function over 80 lines unless a
// `// long: <reason>` comment stands right above it (in its leading comment block). Functions
// are found with the TypeScript compiler's parser; a function's size is the number of lines
// holding its code, from its first token to its closing brace, closures inside it included
// (they are what makes it long). Blank and comment-only lines do not count: comments that say
// why are never the reason to split a function.
//
// Usage: npm run check:sizes [-- --report] [-- FILE...]
//   exits 1 when anything is over, after listing it; --report lists and exits 0 (for a tree
//   that still has known offenders). Generated files are excluded by GENERATED below.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** The limits of issue 14. */
export const MAX_FILE_LINES = 400;
export const MAX_FUNCTION_LINES = 80;

/** Files written by a tool, not by hand (paths relative to the repository, `/`-separated). */
const GENERATED = new Set(["src/fft/wasm-binary.ts", "src/io/zarr/blosc-wasm-binary.ts"]);

/** One thing over a limit: a whole file, or a function in it. */
export interface Oversize {
  file: string;
  /** 1-based line where the file or function starts. */
  line: number;
  /** `undefined` for the file itself; else the function's name as a reader would search for it. */
  name: string | undefined;
  lines: number;
  limit: number;
}

/** The function-like nodes whose bodies count (overloads and declarations without a body do not). */
function isFunctionWithBody(node: ts.Node): node is ts.FunctionLikeDeclaration & { body: ts.Node } {
  return (
    (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node) ||
      ts.isFunctionExpression(node) || ts.isArrowFunction(node)) &&
    node.body !== undefined
  );
}

/** A readable name: the declared one, else the variable or property the function is assigned to. */
function nameOf(node: ts.FunctionLikeDeclaration, source: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return "constructor";
  if (node.name !== undefined) return node.name.getText(source);
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name !== undefined) {
    return parent.name.getText(source);
  }
  return "(anonymous)";
}

/** Whether a `// long: <reason>` line is among the comment lines right above `line` (0-based). */
function hasLongReason(lines: readonly string[], line: number): boolean {
  for (let i = line - 1; i >= 0; i--) {
    const text = lines[i]!.trim();
    if (/^\/\/\s*long:\s*\S/.test(text)) return true;
    const isComment = text.startsWith("//") || text.startsWith("/*") || text.startsWith("*") || text.startsWith("@");
    if (!isComment) return false;
  }
  return false;
}

/** How many lines hold a token of `node` (a token spanning lines, such as a template, counts each). */
function codeLines(node: ts.Node, source: ts.SourceFile): number {
  const lines = new Set<number>();
  const walk = (n: ts.Node): void => {
    if (ts.isJSDoc(n)) return;
    const children = n.getChildren(source);
    if (children.length > 0) {
      for (const c of children) walk(c);
      return;
    }
    if (n.kind === ts.SyntaxKind.EndOfFileToken) return;
    const from = source.getLineAndCharacterOfPosition(n.getStart(source)).line;
    const to = source.getLineAndCharacterOfPosition(n.getEnd()).line;
    for (let l = from; l <= to; l++) lines.add(l);
  };
  walk(node);
  return lines.size;
}

/**
 * What in one file is over the limits.
 * @param file - the path reported (relative to the repository)
 * @param text - the file's contents
 */
export function oversizesOf(file: string, text: string): Oversize[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = text.split("\n");
  const out: Oversize[] = [];
  const fileLines = text.endsWith("\n") ? lines.length - 1 : lines.length;
  if (fileLines > MAX_FILE_LINES) out.push({ file, line: 1, name: undefined, lines: fileLines, limit: MAX_FILE_LINES });
  const visit = (node: ts.Node): void => {
    if (isFunctionWithBody(node)) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const size = codeLines(node, source);
      if (size > MAX_FUNCTION_LINES && !hasLongReason(lines, first)) {
        out.push({ file, line: first + 1, name: nameOf(node, source), lines: size, limit: MAX_FUNCTION_LINES });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** One line per finding, as `file:line  name  N lines (limit M)`. */
export function formatOversize(o: Oversize): string {
  const what = o.name === undefined ? "file" : `function ${o.name}`;
  return `${o.file}:${o.line}  ${what}  ${o.lines} lines (limit ${o.limit})`;
}

function main(argv: readonly string[]): number {
  const root = resolve(fileURLToPath(import.meta.url), "../..");
  const report = argv.includes("--report");
  const named = argv.filter((a) => !a.startsWith("--"));
  const files = (named.length > 0 ? named.map((f) => resolve(f)) : sourceFiles(join(root, "src")))
    .map((f) => relative(root, f).split("\\").join("/"))
    .filter((f) => !GENERATED.has(f))
    .sort();
  const found = files.flatMap((f) => oversizesOf(f, readFileSync(join(root, f), "utf8")));
  for (const o of found) console.log(formatOversize(o));
  if (found.length === 0) {
    console.log(`check:sizes: ${files.length} files, none over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES} lines without a "// long: <reason>" comment`);
    return 0;
  }
  console.log(`check:sizes: ${found.length} over the limits. Split the file or function, or put "// long: <reason>" right above a function that reads better whole`);
  return report ? 0 : 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
