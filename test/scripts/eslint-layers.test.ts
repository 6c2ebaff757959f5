/** The layer rule of `npm run lint` (scripts/eslint-layers.js), case by case, with ESLint's RuleTester. */
import { RuleTester } from "eslint";
import { afterAll, describe, it } from "vitest";
import layers from "../../scripts/eslint-layers.js";

// RuleTester reports through the test framework's hooks (typed only partly by eslint).
Object.assign(RuleTester, { afterAll, describe, it, itOnly: it.only });

const SRC = "/repo/src";
const options = [{
  srcDir: SRC,
  layers: [["core"], ["gufunc", "chunks"], ["graph"], ["(root)", "executors"], ["cli"]],
  nodeFree: ["core", "gufunc", "chunks", "graph"],
  packages: { piscina: ["executors"] },
  barrels: { chunks: ["index.ts", "internal.ts"] },
  exceptions: [{ file: "graph/allowed.ts", import: "node:os" }],
}];
const at = (file: string, code: string) => ({ code, filename: `${SRC}/${file}`, options });
const bad = (file: string, code: string, message: RegExp) => ({ ...at(file, code), errors: [{ message }] });

new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: "module" } }).run("layers", layers.rules.layers, {
  valid: [
    at("graph/a.ts", 'import { x } from "./b.js";'),
    at("graph/a.ts", 'import { x } from "../core/dtype.js";'),
    at("graph/a.ts", 'import { x } from "../chunks/index.js"; import { y } from "../chunks/internal.js";'),
    at("chunks/a.ts", 'import { x } from "./grid.js";'),
    at("executors/threads/a.ts", 'import { x } from "../distributed/b.js"; import "node:worker_threads"; import "piscina";'),
    at("cli/main.ts", 'import { x } from "../index.js";'),
    at("index.ts", 'export { x } from "./graph/a.js";'),
    at("graph/allowed.ts", 'import { totalmem } from "node:os";'),
    at("core/a.ts", 'import { x } from "zarrita";'),
    { code: 'import "../src/cli/main.js"; import "node:fs";', filename: "/repo/test/a.test.ts", options },
  ],
  invalid: [
    bad("gufunc/a.ts", 'import { x } from "../chunks/grid.js";', /src\/gufunc\/ must import only its own folder and lower layers; got '..\/chunks\/grid.js' \(chunks, a peer in the same layer\)/),
    bad("graph/a.ts", 'import { x } from "../executors/b.js";', /\(executors, a higher layer\)/),
    bad("graph/a.ts", 'export * from "../cli/b.js";', /a higher layer/),
    bad("graph/a.ts", 'export { y } from "../executors/b.js";', /a higher layer/),
    bad("graph/a.ts", 'const m = import("../cli/b.js");', /a higher layer/),
    bad("index.ts", 'export { x } from "./cli/progress.js";', /src\/index.ts must import only its own folder and lower layers/),
    bad("index.ts", 'export { x } from "./executors/b.js";', /a peer in the same layer/),
    bad("core/a.ts", 'import { readFile } from "node:fs/promises";', /src\/core\/ must import no Node builtin, so it bundles for a browser; got 'node:fs\/promises'/),
    bad("chunks/a.ts", 'import * as path from "path";', /must import no Node builtin.*got 'path'/),
    bad("graph/allowed.ts", 'import "node:fs";', /must import no Node builtin/),
    bad("graph/other.ts", 'import "node:os";', /must import no Node builtin/),
    bad("graph/a.ts", 'import { x } from "../chunks/grid.js";', /src\/graph\/ must import src\/chunks\/ only through chunks\/index.ts or chunks\/internal.ts; got '..\/chunks\/grid.js'/),
    bad("cli/a.ts", 'export { x } from "../chunks/sub/deep.js";', /only through chunks\/index.ts/),
    bad("cli/a.ts", 'import Piscina from "piscina";', /'piscina' may be imported only from src\/executors\/; got an import in src\/cli\/a.ts/),
    bad("testing/a.ts", 'import { x } from "../core/dtype.js";', /src\/testing\/ is in no layer of eslint.config.js/),
  ],
});
