import type { Rule } from "eslint";

/** The ESLint plugin of eslint-layers.js: one rule, `layers`. */
declare const plugin: { rules: { layers: Rule.RuleModule } };
export default plugin;
