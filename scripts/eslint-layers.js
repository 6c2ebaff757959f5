/**
 * The layer order of src/ (docs/architecture.md) as an ESLint rule, run by `npm run lint`.
 *
 * A file under src/ belongs to the folder named by its first path segment (`src/io/zarr/x.ts`
 * is in `io`, `src/executors/threads/x.ts` in `executors`; `src/index.ts` is the root entry).
 * It may import its own folder and folders of a LOWER layer only: peers in one layer do not
 * import each other, so no two folders can form a cycle. Folders listed in `nodeFree` import no
 * Node builtin (with or without the `node:` prefix), so they bundle for a browser unchanged;
 * `packages` names npm packages only some folders may import. `barrels` names, for a folder,
 * the only files of it that other folders may import (its entry and internal barrels), so its
 * other files stay free to move. `exceptions` lists single files allowed one specific import
 * the rules refuse, each with the reason it is temporary.
 */
import { builtinModules } from "node:module";
import * as nodePath from "node:path";

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function folderOf(file, srcDir) {
  const rel = nodePath.relative(srcDir, file);
  if (rel.startsWith("..") || nodePath.isAbsolute(rel)) return undefined;
  const parts = rel.split(nodePath.sep);
  return parts.length === 1 ? "(root)" : parts[0];
}

const label = (folder) => (folder === "(root)" ? "src/index.ts" : `src/${folder}/`);

function packageName(spec) {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** @type {import("eslint").Rule.RuleModule} */
const layersRule = {
  meta: {
    type: "problem",
    docs: { description: "src/ folders import only their own folder and lower layers (docs/architecture.md)" },
    schema: [{ type: "object" }],
  },
  create(context) {
    const { srcDir, layers, nodeFree = [], packages = {}, barrels = {}, exceptions = [] } = context.options[0];
    const file = context.physicalFilename ?? context.filename;
    const from = folderOf(file, srcDir);
    if (from === undefined) return {};
    const rank = new Map(layers.flatMap((names, i) => names.map((n) => [n, i])));
    const relFile = nodePath.relative(srcDir, file).split(nodePath.sep).join("/");
    const excepted = (spec) => exceptions.some((e) => e.file === relFile && e.import === spec);

    function check(node, spec) {
      if (typeof spec !== "string" || excepted(spec)) return;
      if (spec.startsWith(".")) {
        const to = folderOf(nodePath.resolve(nodePath.dirname(file), spec), srcDir);
        if (to === undefined || to === from) return;
        const a = rank.get(from);
        const b = rank.get(to);
        if (a === undefined) return context.report({ node, message: `${label(from)} is in no layer of eslint.config.js; add it to the layer list and to docs/architecture.md.` });
        if (b === undefined || b >= a) {
          const why = b === a ? "a peer in the same layer" : "a higher layer";
          context.report({ node, message: `layers: ${label(from)} must import only its own folder and lower layers; got '${spec}' (${to}, ${why}). Move the shared code down a layer or pass it in (docs/architecture.md).` });
          return;
        }
        const entries = barrels[to];
        const inside = nodePath.relative(nodePath.join(srcDir, to), nodePath.resolve(nodePath.dirname(file), spec)).split(nodePath.sep).join("/").replace(/\.js$/, ".ts");
        if (entries !== undefined && !entries.includes(inside)) {
          context.report({ node, message: `layers: ${label(from)} must import ${label(to)} only through ${entries.map((e) => `${to}/${e}`).join(" or ")}; got '${spec}'. Export what it needs there (docs/architecture.md).` });
        }
        return;
      }
      if (BUILTINS.has(spec) && nodeFree.includes(from)) {
        context.report({ node, message: `layers: ${label(from)} must import no Node builtin, so it bundles for a browser; got '${spec}'. Put Node-only code in io/ or executors/ behind an interface (docs/architecture.md).` });
        return;
      }
      const allowed = packages[packageName(spec)];
      if (allowed !== undefined && !allowed.includes(from)) {
        context.report({ node, message: `layers: '${packageName(spec)}' may be imported only from ${allowed.map(label).join(", ")}; got an import in src/${relFile}. Reach it through that layer.` });
      }
    }

    const source = (node) => (node.source && node.source.type === "Literal" ? node.source.value : undefined);
    return {
      ImportDeclaration: (node) => check(node, source(node)),
      ExportNamedDeclaration: (node) => check(node, source(node)),
      ExportAllDeclaration: (node) => check(node, source(node)),
      ImportExpression: (node) => check(node, source(node)),
    };
  },
};

export default { rules: { layers: layersRule } };
