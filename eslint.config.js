import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

/**
 * The layers of src/ (CONTRIBUTING.md, "Layout"): what each directory may import from the rest of src/.
 * An entry ending in "/" is a whole layer; any other is one file. `types` are used by `import type` only.
 */
const LAYERS = {
  client: {},
  model: { uses: ["client/contract.js"] },
  settings: { uses: ["client/"] },
  runtime: { uses: ["client/", "model/", "settings/"] },
  pulumi: { uses: ["client/", "model/", "settings/", "runtime/"] },
  declarations: { uses: ["model/"] },
  gitops: { uses: ["declarations/", "model/", "runtime/index.js", "settings/", "client/"] },
  stack: { uses: ["declarations/", "model/", "pulumi/"] },
  server: { types: ["client/contract.js"] },
  cli: { uses: ["gitops/", "server/", "settings/", "declarations/"] },
};

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const path = (entry) => (entry.endsWith("/") ? escape(entry) : `${escape(entry)}$`);
const anyOf = (entries) => `(?:${entries.map(path).join("|")})`;

/** An import that leaves the layer's directory for anything but what the layer may use. */
function layerRule(layer, { uses = [], types = [] }) {
  const allowed = [...uses, ...types];
  const what = allowed.length
    ? `only ${[...uses, ...types.map((t) => `types of ${t}`)].join(", ")}`
    : "nothing else in src/";
  const message = `src/${layer}/ may import ${what} (CONTRIBUTING.md, "Layout").`;
  const patterns = [{ regex: `^\\.\\./${allowed.length ? `(?!${anyOf(allowed)})` : ""}`, message }];
  if (types.length) patterns.push({ regex: `^\\.\\./${anyOf(types)}`, allowTypeImports: true, message });
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns }] },
  };
}

export default defineConfig(
  // A released provider module text, kept byte for byte as states hold it.
  globalIgnores(["dist/", "tools/", "**/node_modules/", ".telephony/", "test/fixtures/provider-module-*.js"]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a parameter kept for its position (a Pulumi provider method's signature).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  ...Object.entries(LAYERS).map(([layer, uses]) => layerRule(layer, uses)),
);
