import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

/**
 * The layers of src/ (CONTRIBUTING.md, "Layout"): what each directory may import from the rest of src/.
 * An entry ending in "/" is a whole layer; any other is one file.
 */
const LAYERS = {
  client: [],
  model: ["client/contract.js"],
  settings: ["client/"],
  runtime: ["client/", "model/", "settings/"],
  pulumi: ["client/", "model/", "settings/", "runtime/"],
  declarations: ["model/"],
  gitops: ["declarations/", "model/", "runtime/index.js", "settings/", "client/"],
  stack: ["declarations/", "model/", "pulumi/"],
  server: ["client/contract.js"],
  cli: ["gitops/", "server/", "settings/", "declarations/"],
};

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const allowed = (entry) => (entry.endsWith("/") ? escape(entry) : `${escape(entry)}$`);

/** An import that leaves the layer's directory for anything but what the layer may use. */
function layerRule(layer, uses) {
  const exceptions = uses.length ? `(?!(?:${uses.map(allowed).join("|")}))` : "";
  const what = uses.length ? `only ${uses.join(", ")}` : "nothing else in src/";
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: `^\\.\\./${exceptions}`,
              message: `src/${layer}/ may import ${what} (CONTRIBUTING.md, "Layout").`,
            },
          ],
        },
      ],
    },
  };
}

export default defineConfig(
  globalIgnores(["dist/", "tools/", "**/node_modules/", ".telephony/"]),
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
