// The size checker of issue 14 (scripts/check-sizes.ts) on small made-up sources.
import { describe, expect, it } from "vitest";
import { MAX_FILE_LINES, MAX_FUNCTION_LINES, formatOversize, oversizesOf } from "../../scripts/check-sizes.js";

/** A function declaration of `n` code lines (header, n - 2 statements, closing brace). */
function fn(name: string, n: number): string {
  return [`function ${name}() {`, ...Array.from({ length: n - 2 }, (_, i) => `  const v${i} = ${i};`), "}"].join("\n");
}

describe("check-sizes", () => {
  it(`a function of ${MAX_FUNCTION_LINES} code lines passes; one more line is reported with its name and line`, () => {
    expect(oversizesOf("a.ts", fn("fits", MAX_FUNCTION_LINES))).toEqual([]);
    const found = oversizesOf("a.ts", `// head\n\n${fn("tooLong", MAX_FUNCTION_LINES + 1)}\n`);
    expect(found).toEqual([{ file: "a.ts", line: 3, name: "tooLong", lines: MAX_FUNCTION_LINES + 1, limit: MAX_FUNCTION_LINES }]);
    expect(formatOversize(found[0]!)).toBe(`a.ts:3  function tooLong  ${MAX_FUNCTION_LINES + 1} lines (limit ${MAX_FUNCTION_LINES})`);
  });

  it("blank lines, comment lines and the TSDoc above do not count", () => {
    const body = fn("commented", MAX_FUNCTION_LINES).replace("{\n", "{\n  // why\n\n  /* more why */\n");
    expect(oversizesOf("a.ts", `/**\n * Doc.\n * @example x\n */\n${body}`)).toEqual([]);
  });

  it("a `// long: <reason>` comment in the comment block right above excuses a function; one elsewhere does not", () => {
    const long = fn("whole", MAX_FUNCTION_LINES + 5);
    expect(oversizesOf("a.ts", `// long: one state machine, read top to bottom\n/** Doc. */\n${long}`)).toEqual([]);
    expect(oversizesOf("a.ts", `// long:\n${long}`)).toHaveLength(1);
    expect(oversizesOf("a.ts", `// long: reason\nconst x = 1;\n${long}`)).toHaveLength(1);
  });

  it("arrow functions, methods and closures are measured; a closure counts in its enclosing function too", () => {
    const inner = fn("inner", MAX_FUNCTION_LINES + 1).replace("function inner()", "const inner = () =>");
    const src = `class C {\n  method() {\n${inner}\n  }\n}\n`;
    expect(oversizesOf("a.ts", src).map((o) => o.name)).toEqual(["method", "inner"]);
  });

  it(`a file over ${MAX_FILE_LINES} lines is reported as a file`, () => {
    const text = Array.from({ length: MAX_FILE_LINES + 1 }, (_, i) => `export const c${i} = ${i};`).join("\n") + "\n";
    expect(oversizesOf("big.ts", text)).toEqual([{ file: "big.ts", line: 1, name: undefined, lines: MAX_FILE_LINES + 1, limit: MAX_FILE_LINES }]);
    expect(oversizesOf("ok.ts", text.split("\n").slice(1).join("\n"))).toEqual([]);
  });
});
