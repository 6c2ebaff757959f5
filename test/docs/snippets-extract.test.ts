import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { snippetsOf } from "./snippets.js";

const dir = mkdtempSync(join(tmpdir(), "chunkwise-snippets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const page = (text: string): string => {
  writeFileSync(join(dir, "page.md"), text);
  return "page.md";
};
const F = "```";

it("ts blocks only, with their line, page and file name; other fences are skipped", () => {
  const s = snippetsOf(dir, page(`# t\n${F}sh\nls\n${F}\n\n${F}ts\nconst a = 1;\n${F}\n${F}typescript\nconst b = 2;\n${F}\n`));
  expect(s).toEqual([
    { where: "page.md:6", page: "page", file: "line-6.ts", code: "const a = 1;", module: false },
    { where: "page.md:9", page: "page", file: "line-9.ts", code: "const b = 2;", module: false },
  ]);
});

it("typecheck-only keeps its reason; continues joins the previous block and keeps its reason", () => {
  const s = snippetsOf(dir, page(`<!-- snippet: typecheck-only (needs Redis) -->\n${F}ts\nconst a = 1;\n${F}\ntext\n<!-- snippet: continues -->\n${F}ts\nconst b = a;\n${F}\n`));
  expect(s).toHaveLength(1);
  expect(s[0]).toMatchObject({ where: "page.md:7", code: "const a = 1;\nconst b = a;", typecheckOnly: "needs Redis" });
});

it("a first line naming a file names the block: '// kernels.ts' and '// run.ts: the script'", () => {
  const s = snippetsOf(dir, page(`${F}ts\n// kernels.ts\nexport const k = 1;\n${F}\n${F}ts\n// run.ts: the script that uses it\nimport { k } from "./kernels.js";\n${F}\n`));
  expect(s.map((x) => [x.file, x.module])).toEqual([["kernels.ts", true], ["run.ts", true]]);
});

it.each([
  ["an unclosed block", `${F}ts\nconst a = 1;\n`, /page.md:1: a ts code block must be closed/],
  ["an unknown marker", `<!-- snippet: skip -->\n${F}ts\nx\n${F}\n`, /page.md:2: the snippet marker must be "continues" or "typecheck-only \(why\)"; got "skip"/],
  ["typecheck-only without a reason", `<!-- snippet: typecheck-only -->\n${F}ts\nx\n${F}\n`, /got "typecheck-only"/],
  ["continues with nothing before", `<!-- snippet: continues -->\n${F}ts\nx\n${F}\n`, /page.md:2: "continues" needs a previous program block/],
  ["continues after a named module", `${F}ts\n// k.ts\nx\n${F}\n<!-- snippet: continues -->\n${F}ts\ny\n${F}\n`, /"continues" needs a previous program block/],
])("%s is an error naming the line", (_, text, message) => {
  expect(() => snippetsOf(dir, page(text))).toThrow(message);
});
